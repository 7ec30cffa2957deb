"""Damaged inputs and outputs: one clear line each, the exit code of xlcap/errors.py, no traceback, and the
previous month's workbooks untouched. Every case runs through the CLI's main(), into a folder that
already holds a good run's output."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from xlcap.cli import main
from xlcap.errors import EXIT_CONFLICT, EXIT_OK, EXIT_USAGE, EXIT_WRITE
from xlcap.locking import LOCK_NAME

HEADER = "Month,Portfolio,Average net assets,Days,Management fee,Other expenses\n"
GOOD = HEADER + "2008-01,Lazard Mid-Cap Portfolio,250000000,31,150000.00,30000.00\n"
RECIPIENTS = '[[manager]]\nname = "Lazard"\nportfolios = ["Lazard Mid-Cap"]\nemails = ["caps@lazard.example.com"]\n'


@pytest.fixture
def done(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, Path]:
    """A good run's folder: (actuals, recipients, out)."""
    actuals, recipients, out = tmp_path / "actuals.csv", tmp_path / "recipients.toml", tmp_path / "out"
    actuals.write_text(GOOD, encoding="utf-8")
    recipients.write_text(RECIPIENTS, encoding="utf-8")
    assert main(args(actuals, recipients, out)) == 0
    capsys.readouterr()
    return actuals, recipients, out


def args(actuals: Path, recipients: Path, out: Path) -> list[str]:
    return ["report", "--month", "2008-01", "--actuals", str(actuals), "--recipients", str(recipients), "--out", str(out)]


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != LOCK_NAME}


def _not_a_zip(tmp: Path) -> Path:
    path = tmp / "actuals.xlsx"
    path.write_bytes(b"Month,Portfolio\n2008-01,Lazard\n")  # a CSV renamed .xlsx
    return path


def _empty_xlsx(tmp: Path) -> Path:
    path = tmp / "empty.xlsx"
    path.write_bytes(b"")
    return path


def _zip_not_xlsx(tmp: Path) -> Path:
    path = tmp / "other.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "not a workbook")
    return path


def _huge_cell(tmp: Path) -> Path:
    path = tmp / "huge.csv"
    path.write_text(HEADER + "2008-01,Lazard Mid-Cap Portfolio,250000000,31," + "9" * 1_000_000 + ",30000\n", encoding="utf-8")
    return path


def _long_name(tmp: Path) -> Path:
    path = tmp / "long.csv"
    path.write_text(HEADER + "2008-01," + "Lazard " * 10_000 + ",250000000,31,150000,30000\n", encoding="utf-8")
    return path


def _nul(tmp: Path) -> Path:
    path = tmp / "nul.csv"
    path.write_bytes(HEADER.encode() + b"2008-01,Lazard Mid-Cap Portfolio,250000000,31,150\x00000,30000\n")
    return path


def _utf16(tmp: Path) -> Path:
    path = tmp / "utf16.csv"
    path.write_bytes(GOOD.encode("utf-16"))
    return path


def _folder(tmp: Path) -> Path:
    path = tmp / "a-folder.csv"
    path.mkdir()
    return path


INPUTS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("xlsx that is not a zip", _not_a_zip, "{f}: not a readable Excel workbook (BadZipFile: File is not a zip file); valid: "
     "an .xlsx saved by Excel or LibreOffice (not password-protected), or a CSV file."),
    ("empty xlsx", _empty_xlsx, "{f}: not a readable Excel workbook (BadZipFile: File is not a zip file); valid: an .xlsx "
     "saved by Excel or LibreOffice (not password-protected), or a CSV file."),
    ("zip that is not a workbook", _zip_not_xlsx, "{f}: not a readable Excel workbook (KeyError: "),
    ("a 1 MB CSV cell", _huge_cell, "{f}, row 2: cannot be read as CSV (a cell longer than 131,072 characters); valid: "
     "comma-separated values, one row per line."),
    ("a 70,000-character portfolio name", _long_name, "{f}, row 2, column B (Portfolio): unknown portfolio 'Lazard Lazard "),
    ("a NUL byte", _nul, "{f}, row 2, column E (Management fee): '150\\x00000' is not a number; valid: a dollar amount, 0 "
     "or more (blank is not 0: write 0 if you mean 0)."),
    ("UTF-16 text", _utf16, "{f}: cannot be read ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte)."),
    ("an empty folder", _folder, "{f}: no actuals files (.csv or .xlsx) in the folder; valid: monthly actuals files."),
]  # fmt: skip


@pytest.mark.parametrize(("case", "make", "line"), INPUTS, ids=[c[0] for c in INPUTS])
def test_a_damaged_actuals_file_is_one_clear_line(
    done: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str,
    make: Callable[[Path], Path], line: str,
) -> None:  # fmt: skip
    _, recipients, out = done
    before = snapshot(out)
    bad = make(tmp_path)
    code = main(args(bad, recipients, out))
    stdout, err = capsys.readouterr()
    assert (code, stdout) == (EXIT_USAGE, "")
    assert "Traceback" not in err and len(err) < 600, err[:600]
    assert err.startswith("1 problem found; nothing was written:\n" + line.format(f=bad))
    assert err.count("\n") == 2
    assert snapshot(out) == before


MANIFESTS: list[tuple[str, bytes]] = [
    ("garbage", b"\x00\xff{ damaged"),
    ("a JSON list", b"[1, 2, 3]"),
    ("files not a list", json.dumps({"inputs": {}, "files": 7}).encode()),
    ("a file entry without a hash", json.dumps({"inputs": {}, "files": [{"file": "x.xlsx"}]}).encode()),
    ("empty", b""),
]


@pytest.mark.parametrize(("case", "damage"), MANIFESTS, ids=[c[0] for c in MANIFESTS])
def test_a_damaged_manifest_is_refused_in_one_line_and_force_rewrites_it(
    done: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], case: str, damage: bytes
) -> None:
    actuals, recipients, out = done
    (out / "manifest.json").write_bytes(damage)
    before = snapshot(out)
    code = main(args(actuals, recipients, out))
    stdout, err = capsys.readouterr()
    assert (code, stdout) == (EXIT_CONFLICT, "")
    assert err == (
        f"{out} already holds 2008-01's workbooks (expense-caps-2008-01-trust.xlsx, expense-caps-2008-01-lazard.xlsx, "
        "manifest.json), and no readable manifest.json records what they were made from; nothing was written. Use --force "
        "to replace them, or --out to write elsewhere.\n"
    )
    assert snapshot(out) == before
    assert main([*args(actuals, recipients, out), "--force"]) == EXIT_OK
    assert json.loads((out / "manifest.json").read_text())["month"] == "2008-01"


def test_a_folder_where_the_manifest_goes_is_refused_before_anything_is_replaced(
    done: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    actuals, recipients, out = done
    (out / "manifest.json").unlink()
    (out / "manifest.json").mkdir()
    before = snapshot(out)
    assert main([*args(actuals, recipients, out), "--force"]) == EXIT_WRITE
    stdout, err = capsys.readouterr()
    assert (stdout, err) == (
        "",
        f"Cannot write the workbooks in {out}: manifest.json there is not a file (a folder?). Remove or rename it, or "
        "choose another folder with --out, then run this again. Nothing was written.\n",
    )
    assert snapshot(out) == before  # the workbooks were not replaced either


@pytest.mark.skipif(os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root ignores file permissions")
def test_a_read_only_folder_is_one_line_and_keeps_the_workbooks(
    done: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    actuals, recipients, out = done
    before = snapshot(out)
    out.chmod(0o555)
    try:
        code = main([*args(actuals, recipients, out), "--force"])
    finally:
        out.chmod(0o755)
    _, err = capsys.readouterr()
    assert code == EXIT_WRITE and "Traceback" not in err and err.count("\n") == 1
    assert "permission denied: make the folder writable, or choose another with --out" in err
    assert snapshot(out) == before
