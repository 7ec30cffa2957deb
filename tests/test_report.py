"""xlcap report: inputs checked before anything is written, every problem at once, atomic output."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from xlcap.cli import main
from xlcap.locking import LOCK_NAME, folder_lock
from xlcap.report import month_end as report_module

ACTUALS = Path(__file__).parent / "actuals"
HEADER = (
    "Month,Portfolio,Average net assets,Days,Management fee,Other expenses,12b-1 fees,Interest,Taxes,Brokerage,Extraordinary\n"
)
ROW = "2008-01,Lazard Mid-Cap Portfolio,250000000,31,150000.00,30000.00,0,0,0,0,0\n"
RECIPIENTS = """
[[manager]]
name = "Lazard"
portfolios = ["Lazard Mid-Cap"]
emails = ["caps@lazard.example.com"]
"""


@pytest.fixture
def recipients(tmp_path: Path) -> Path:
    path = tmp_path / "recipients.toml"
    path.write_text(RECIPIENTS, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, text: str, name: str = "actuals.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_report_on_the_bundled_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "report", "--month", "2008-01", "--out", str(out))
    assert (code, err) == (0, "")
    names = sorted(p.name for p in out.iterdir() if p.name != LOCK_NAME)
    who = ["trust", "batterymarch", "legg-mason", "lord-abbett", "metlife-strategies", "pimco", "rainier", "lazard"]
    assert names == sorted([f"expense-caps-2008-01-{w}.xlsx" for w in who] + ["manifest.json"])
    assert stdout.startswith(
        f"Wrote 8 workbooks for 2008-01 to {out}:\n  expense-caps-2008-01-trust.xlsx  (whole Trust, 43 portfolios)\n"
    )
    assert "expense-caps-2008-01-lazard.xlsx  (Lazard, 1 portfolio)" in stdout
    lazard = openpyxl.load_workbook(out / "expense-caps-2008-01-lazard.xlsx", data_only=True)["Summary"]
    assert lazard["A5"].value == "Lazard Mid-Cap Portfolio" and lazard["A6"].value == "Total, limit in force (1)"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["month"] == "2008-01" and manifest["method"] == "fytd"
    entry = next(f for f in manifest["files"] if f["manager"] == "Lazard")
    assert entry["emails"] == ["fundreporting@lazard.example.com"]
    assert entry["portfolios"] == ["Lazard Mid-Cap Portfolio"]
    notes = openpyxl.load_workbook(out / "expense-caps-2008-01-trust.xlsx")["Notes"]
    assert "ILLUSTRATIVE" in " ".join(str(c.value) for c in notes["B"])
    assert [p.name for p in out.glob(".*")] == [LOCK_NAME]  # no temporary files left; the lock file stays (harmless)


def report_args(out: Path, actuals: Path, recipients: Path) -> tuple[str, ...]:
    return ("report", "--month", "2008-01", "--actuals", str(actuals), "--recipients", str(recipients), "--out", str(out))


def test_a_second_run_with_the_same_inputs_is_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], recipients: Path
) -> None:
    out = tmp_path / "out"
    args = report_args(out, ACTUALS / "hand.csv", recipients)
    assert run(capsys, *args)[0] == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert run(capsys, *args) == (
        0,
        f"The 2 workbooks for 2008-01 in {out} are up to date (same inputs as when written); nothing written:\n"
        "  expense-caps-2008-01-trust.xlsx  (whole Trust, 4 portfolios; not in this workbook, no actuals for 2008-01: 39 "
        "portfolios, named in its Notes)\n"
        "  expense-caps-2008-01-lazard.xlsx  (Lazard, 1 portfolio)\n"
        'No limit in 2008-01: PIMCO Total Return Portfolio. Schedule A says "None": no limit by agreement (never 0%).\n',
        "",
    )
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    # The same content under another file name is the same input.
    copy = shutil.copy(ACTUALS / "hand.csv", tmp_path / "renamed.csv")
    assert run(capsys, *report_args(out, Path(copy), recipients))[0] == 0
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_changed_inputs_are_refused_without_force_naming_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], recipients: Path
) -> None:
    out = tmp_path / "out"
    actuals = Path(shutil.copy(ACTUALS / "hand.csv", tmp_path / "actuals.csv"))
    args = report_args(out, actuals, recipients)
    assert run(capsys, *args)[0] == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    actuals.write_text(actuals.read_text().replace("150000.00", "150000.01", 1), encoding="utf-8")
    code, stdout, err = run(capsys, *args)
    assert (code, stdout) == (4, "")
    assert err == (
        f"{out} already holds 2008-01's workbooks (expense-caps-2008-01-trust.xlsx, expense-caps-2008-01-lazard.xlsx, "
        f"manifest.json), and the actuals ({actuals}) changed since they were written; nothing was written. "
        "Use --force to replace them, or --out to write elsewhere.\n"
    )
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before
    assert run(capsys, *args, "--method", "monthly")[2].count("the method (fytd -> monthly) changed") == 1
    assert run(capsys, *args, "--force")[0] == 0
    assert run(capsys, *args)[0] == 0  # up to date again with the new actuals


def test_a_workbook_edited_or_removed_after_writing_is_not_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], recipients: Path
) -> None:
    out = tmp_path / "out"
    args = report_args(out, ACTUALS / "hand.csv", recipients)
    assert run(capsys, *args)[0] == 0
    (out / "expense-caps-2008-01-lazard.xlsx").write_bytes(b"edited by hand")
    (out / "expense-caps-2008-01-trust.xlsx").unlink()
    code, _, err = run(capsys, *args)
    assert code == 4
    assert "expense-caps-2008-01-trust.xlsx is missing; expense-caps-2008-01-lazard.xlsx was changed after it was written" in err
    (out / "manifest.json").write_text("{ damaged", encoding="utf-8")
    assert "no readable manifest.json records what they were made from" in run(capsys, *args)[2]
    assert run(capsys, *args, "--force")[0] == 0


def test_a_second_run_while_one_is_writing_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], recipients: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out, "a run in progress"):
        code, stdout, err = run(capsys, *report_args(out, ACTUALS / "hand.csv", recipients))
    assert (code, stdout) == (4, "")
    assert err == (
        f"Another xlcap run is using {out} (lock {out / LOCK_NAME} is held); nothing was done for 2008-01's report. "
        "Wait for it to finish, then run this again.\n"
    )
    assert [p.name for p in out.iterdir()] == [LOCK_NAME]


def test_out_pointing_at_a_file_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], recipients: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me", encoding="utf-8")
    assert run(capsys, *report_args(target, ACTUALS / "hand.csv", recipients)) == (
        6,
        "",
        f"--out {target} is a file, not a folder. Valid: a folder path (it is made if missing).\n",
    )
    assert target.read_text(encoding="utf-8") == "keep me"


def test_an_interrupted_run_leaves_no_half_written_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recipients: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    real = report_module.write_workbook
    calls = []

    def fail_on_second(report: object, path: Path, context: object, recoupment: object = None) -> Path:
        calls.append(path)
        if len(calls) == 2:
            path.write_bytes(b"PK\x03\x04 half a workbook")
            raise KeyboardInterrupt
        return real(report, path, context, recoupment)  # type: ignore[arg-type]

    monkeypatch.setattr(report_module, "write_workbook", fail_on_second)
    with pytest.raises(KeyboardInterrupt):
        main(
            [
                "report",
                "--month",
                "2008-01",
                "--actuals",
                str(ACTUALS / "hand.csv"),
                "--recipients",
                str(recipients),
                "--out",
                str(out),
            ]
        )
    assert [p.name for p in out.iterdir()] == [LOCK_NAME]  # no finished, half-written or temporary file


def test_force_replaces_atomically_keeping_the_old_files_until_all_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recipients: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = [
        "report",
        "--month",
        "2008-01",
        "--actuals",
        str(ACTUALS / "hand.csv"),
        "--recipients",
        str(recipients),
        "--out",
        str(out),
    ]
    assert main(args) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def disk_full(_: object, path: Path, __: object, ___: object = None) -> Path:
        path.write_bytes(b"PK\x03\x04 part of a workbook")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(report_module, "write_workbook", disk_full)
    capsys.readouterr()
    assert main([*args, "--force"]) == 6
    err = capsys.readouterr().err
    assert err.startswith(f"Cannot write the workbooks in {out} ({out}/.expense-caps-2008-01-trust-")
    assert err.endswith(
        "): the disk is full: free some space, then run this again. Nothing was replaced: the folder holds what it held before.\n"
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_folder_name_too_long_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], recipients: Path) -> None:
    out = tmp_path / ("x" * 300)  # over the 255 bytes a file name may have on Linux, macOS and Windows
    assert run(capsys, *report_args(out, ACTUALS / "hand.csv", recipients)) == (
        6,
        "",
        f"Cannot make the output folder {out}: File name too long. Valid: a folder you can write to.\n",
    )


BAD_INPUTS = [
    (
        "missing and unknown columns",
        "Month,Portfolio,Net Assets,Days,Mgmt Fee,Other stuff\n" + "2008-01,Lazard Mid-Cap,1,31,1,1\n",
        [
            "{f}, row 1, column F: unknown column 'Other stuff'; valid columns: Month, Portfolio, Average net assets, Days, "
            "Management fee, Other expenses, 12b-1 fees, Interest, Taxes, Brokerage, Extraordinary expenses, Waiver booked, "
            "Share class.",
            "{f}, row 1: missing column 'Other expenses'.",
        ],
    ),
    (
        "every row problem at once",
        HEADER
        + "2008-01,Lazard Mid Cap,250000000,31,150000,30000,0,0,0,0,0\n"
        + "2008-01,Lazard Small-Cap,1,31,1,1,0,0,0,0,0\n"
        + "2008-01,Lazard Mid-Cap Portfolio,250000000,31,1,1,0,0,0,0,0\n"
        + "2008-01,Janus Forty,-5,31,lots,(10),0,0,0,0,0\n"
        + "2008-13,Janus Forty,1,32,1,1,0,0,0,0,0\n"
        + "2008-02,Janus Forty,1,30,1,1,0,0,0,0,0\n",
        [
            "{f}, row 3, column B (Portfolio): unknown portfolio 'Lazard Small-Cap'. Did you mean 'Lazard Mid-Cap Portfolio'?",
            "{f}, row 4: duplicate of row 2 (Lazard Mid-Cap Portfolio, 2008-01); valid: one row per portfolio and month.",
            "{f}, row 5, column C (Average net assets): '-5' is negative; valid: a dollar amount, 0 or more (blank is not 0: "
            "write 0 if you mean 0).",
            "{f}, row 5, column E (Management fee): 'lots' is not a number; valid: a dollar amount, 0 or more (blank is not "
            "0: write 0 if you mean 0).",
            "{f}, row 5, column F (Other expenses): '(10)' is negative; valid: a dollar amount, 0 or more (blank is not 0: "
            "write 0 if you mean 0).",
            "{f}, row 6, column A (Month): '2008-13' is not a month; valid: YYYY-MM, e.g. 2008-01.",
            "{f}, row 6, column D (Days): '32' is not a whole number of days from 1 to 31.",
            "{f}, row 7, column D (Days): '30' is not a whole number of days from 1 to 29.",
        ],
    ),
    (
        "a month that does not match",
        HEADER + ROW.replace("2008-01", "2007-12"),
        ["{f}: no rows for 2008-01; the file holds 2007-12."],
    ),
    ("an empty file", "", ["{f}: the file is empty; valid: a header row, then one row per portfolio and month."]),
    ("a header and no rows", HEADER, ["{f}: no data rows under the header; valid: one row per portfolio and month."]),
]


@pytest.mark.parametrize(("case", "text", "problems"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_actuals_report_every_problem_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], recipients: Path, case: str, text: str, problems: list[str]
) -> None:
    actuals = write(tmp_path, text)
    out = tmp_path / "out"
    code, stdout, err = run(capsys, "report", "--month", "2008-01", "--actuals", str(actuals), "--recipients", str(recipients),
                            "--out", str(out))  # fmt: skip
    expected = [p.format(f=actuals) for p in problems]
    assert (code, stdout) == (2, "")
    assert (
        err
        == f"{len(expected)} problem{'s' if len(expected) != 1 else ''} found; nothing was written:\n"
        + "\n".join(expected)
        + "\n"
    )
    assert not out.exists()


def test_bad_recipients_are_refused_before_anything_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path, """
[[manager]]
name = "Lazard"
portfolios = ["Lazard Mid Cap", "Lazard Small-Cap"]
emails = ["caps@lazard.example.com", "not an address"]

[[manager]]
name = "Nobody"
portfolios = []
emails = ["x@example.com"]
""", "recipients.toml")  # fmt: skip
    out = tmp_path / "out"
    code, _, err = run(capsys, "report", "--month", "2008-01", "--recipients", str(bad), "--out", str(out))
    assert code == 2
    assert err.splitlines() == [
        "3 problems found; nothing was written:",
        f"{bad}, manager 1 (Lazard), portfolios: unknown portfolio 'Lazard Small-Cap'. Did you mean 'Lazard Mid-Cap Portfolio'?",
        f"{bad}, manager 1 (Lazard), emails: 'not an address' is not an email address; valid: name@example.com.",
        f"{bad}, manager 2 (Nobody): no portfolios; valid: a list of portfolio names from Schedule A.",
    ]
    assert not out.exists()


def test_header_names_are_matched_loosely_and_xlsx_is_read(
    tmp_path: Path, recipients: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["PERIOD", "fund name", "Average Daily Net Assets", "days in period", "Advisory Fee", "Other Operating Expenses"])
    ws.append(["2008-01", "lazard midcap", 250_000_000, 31, 150_000, 30_000])
    path = tmp_path / "actuals.xlsx"
    book.save(path)
    out = tmp_path / "out"
    assert (
        run(capsys, "report", "--month", "2008-01", "--actuals", str(path), "--recipients", str(recipients), "--out", str(out))[0]
        == 0
    )
    summary = openpyxl.load_workbook(out / "expense-caps-2008-01-lazard.xlsx", data_only=True)["Summary"]
    assert summary["G5"].value == 10_601.09  # 180,000.00 - 0.80% x 250M x 31/366 (169,398.91): as in test_capcalc


def test_template_in_workbooks_reads_back(tmp_path: Path) -> None:
    from xlcap import default_history
    from xlcap.report.actuals import read_actuals

    template = Path(__file__).parent.parent / "workbooks" / "actuals-template.xlsx"
    copy = tmp_path / "template.xlsx"
    shutil.copy(template, copy)
    actuals = read_actuals(copy, default_history())
    assert [(r.portfolio, str(r.month), r.days) for r in actuals.rows] == [("Lazard Mid-Cap Portfolio", "2008-01", 31)]
