"""The CLI as a well-kept Unix tool: one exit code per meaning, quiet closed pipes, plain output off a terminal."""

from __future__ import annotations

import datetime as dt
import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import add_test_amendment
from xlcap import __version__, errors
from xlcap.agreements.datafiles import load_history
from xlcap.cli import main, main_exit
from xlcap.locking import folder_lock
from xlcap.render import render_portfolios, render_schedule

ACTUALS = Path(__file__).parent / "actuals" / "hand.csv"
LAZARD_ONLY = '[[manager]]\nname = "Lazard"\nportfolios = ["Lazard Mid-Cap"]\nemails = ["caps@lazard.example.com"]\n'
XLCAP = [sys.executable, "-m", "xlcap"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_exit_code_table_is_what_the_readme_says() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    table = set(re.findall(r"^\| `(\d+)` \| ", readme, flags=re.M))
    codes = {
        errors.EXIT_OK: "0",
        errors.EXIT_NO_LIMIT: "1",
        errors.EXIT_USAGE: "2",
        errors.EXIT_DATA: "3",
        errors.EXIT_CONFLICT: "4",
        errors.EXIT_DELIVERY: "5",
        errors.EXIT_WRITE: "6",
        errors.EXIT_INTERNAL: "70",
        errors.EXIT_INTERRUPTED: "130",
        errors.EXIT_CLOSED_PIPE: "141",
    }
    assert {str(k) for k in codes} == set(codes.values()) == set(table)


def test_exit_0_answered(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "cap", "Janus Forty", "--assets", "1e8", "--date", "2008-01-31")[0] == 0


def test_exit_1_no_limit_can_be_given(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "cap", "Janus Forty", "--assets", "1e8", "--date", "2008-05-01")
    assert (code, out) == (1, "")
    assert err.startswith("The expense limitation for 'Janus Forty Portfolio' ended on 2008-04-30")


def test_exit_2_invalid_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "cap", "Janus Forty", "--assets", "lots", "--date", "2008-01-31")
    assert (code, err) == (
        2,
        "Parameter 'assets' received 'lots', which is not an amount. "
        "Valid: a non-negative amount such as 250000000, 250,000,000, 250e6, $250m or 1.2bn.\n",
    )


def test_exit_3_malformed_data_files(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    (data_dir / "amendment-012.toml").write_text("amendment = [unclosed", encoding="utf-8")
    code, _, err = run(capsys, "import", "xlcap/data/amendment-012.txt", "--data-dir", str(data_dir))
    assert code == 3
    assert err.startswith(f"{data_dir / 'amendment-012.toml'}: cannot be read as TOML")


def report_args(tmp_path: Path, actuals: Path, out: Path) -> tuple[str, ...]:
    recipients = tmp_path / "recipients.toml"
    recipients.write_text(LAZARD_ONLY, encoding="utf-8")
    return ("report", "--month", "2008-01", "--actuals", str(actuals), "--recipients", str(recipients), "--out", str(out))


def test_exit_4_output_exists_and_changed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    actuals = Path(shutil.copy(ACTUALS, tmp_path / "actuals.csv"))
    args = report_args(tmp_path, actuals, tmp_path / "out")
    assert run(capsys, *args)[0] == 0
    actuals.write_text(actuals.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert run(capsys, *args)[0] == 4


def test_exit_4_busy(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out, "another run"):
        code, _, err = run(capsys, *report_args(tmp_path, ACTUALS, out))
    assert code == 4 and err.startswith(f"Another xlcap run is using {out}")


def test_exit_6_output_cannot_be_written(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    code, _, err = run(capsys, "report", "--month", "2008-01", "--out", str(tmp_path / "file" / "inside"))
    assert code == 6 and err.startswith(f"Cannot make the output folder {tmp_path / 'file' / 'inside'}: Not a directory.")


def test_exit_70_a_bug_is_one_line_and_a_log(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("planted bug")

    monkeypatch.setattr("xlcap.cli.lookups.lookup", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    code, out, err = run(capsys, "cap", "Janus Forty", "--assets", "1e8", "--date", "2008-01-31")
    (log,) = tmp_path.glob("xlcap-crash-*.log")
    assert (code, out) == (70, "")
    assert err == (
        "xlcap: internal error (RuntimeError: planted bug). This is a bug in xlcap, not in your input. "
        f"The details are in {log}; please send that file with your report.\n"
    )
    text = log.read_text(encoding="utf-8")
    assert text.startswith(f"xlcap {__version__}, Python ")
    assert "command: xlcap cap Janus Forty --assets 1e8 --date 2008-01-31" in text
    assert 'raise RuntimeError("planted bug")' in text  # the traceback is in the log, not on the screen


def test_exit_130_interrupted(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted() -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr("xlcap.cli.main", interrupted)
    with pytest.raises(SystemExit) as stop:
        main_exit()
    assert stop.value.code == 130
    assert capsys.readouterr().err == "xlcap: interrupted; nothing half-written was left in place.\n"


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["portfolios", "--all", "--as-of", "2008-01-31"], 141),
        (["schedule", "--as-of", "2008-01-31"], 141),
        (["cap", "nobody", "--assets", "1", "--date", "2008-01-31", "--json"], 1),  # the error's own code stands
    ],
)
def test_exit_141_a_closed_pipe_ends_quietly(argv: list[str], code: int) -> None:
    for _ in range(3):
        proc = subprocess.Popen([*XLCAP, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # the reader is gone before xlcap writes a byte, like `| head -0`
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=60) == code
        assert "Traceback" not in err and "BrokenPipe" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert (stop.value.code, capsys.readouterr().out) == (0, f"xlcap {__version__}\n")


@pytest.mark.parametrize("assets", ["1e308", "179769313486231570000000000000000000000000000000"])
def test_json_never_holds_infinity(capsys: pytest.CaptureFixture[str], assets: str) -> None:
    # 1e308 x 0.80% x 366 / 366: the annual amount is finite but the period amount overflows a float.
    code, out, _ = run(capsys, "cap", "Lazard Mid-Cap", "--assets", assets, "--date", "2008-01-31", "--days", "366", "--json")
    assert code in (0, 2)
    json.loads(out, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))


def test_progress_only_on_a_terminal_and_no_colour_with_no_color(tmp_path: Path) -> None:
    def on_a_terminal(env: dict[str, str], out: Path) -> bytes:
        main_fd, child_fd = pty.openpty()
        argv = [*XLCAP, *report_args(tmp_path, ACTUALS, out)]
        proc = subprocess.Popen(
            argv, stdin=child_fd, stdout=child_fd, stderr=child_fd, env={**os.environ, "TERM": "xterm", **env}
        )
        os.close(child_fd)
        seen = b""
        while True:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        assert proc.wait(timeout=120) == 0, seen.decode(errors="replace")[-800:]
        os.close(main_fd)
        return seen

    colour = re.compile(rb"\x1b\[[0-9;]*[1-9][0-9;]*m")  # SGR with a colour or weight, not the bare reset
    assert colour.search(on_a_terminal({}, tmp_path / "a"))  # rich's progress bar, in colour
    assert not colour.search(on_a_terminal({"NO_COLOR": "1"}, tmp_path / "b"))
    piped = subprocess.run(
        [*XLCAP, *report_args(tmp_path, ACTUALS, tmp_path / "c")],
        capture_output=True,
        timeout=120,
    )
    assert piped.returncode == 0 and b"\x1b" not in piped.stdout + piped.stderr


def test_schedule_says_what_is_in_force_today(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule")
    assert code == 0
    today = dt.date.today().isoformat()
    lines = out.splitlines()
    # Only Batterymarch is permanent; every other term of Amendment No. 12 ended on 2008-04-30 or 2009-04-30.
    assert lines[0] == f"Met Investors Series Trust: Schedule A in force on {today} (today)"
    assert lines[2] == f"In force on {today} (today): 1 of 43 portfolios; 42 ended (no continuance recorded)."
    assert "Lazard Mid-Cap Portfolio                         0.80%            ended 2008-04-30" in out


def test_portfolios_lists_only_what_is_in_force(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "portfolios", "--as-of", "2008-06-30")
    assert (code, out) == (0, "Batterymarch Growth and Income Portfolio\nRainier Large Cap Equity Portfolio\n")
    assert err == (
        "Amendment No. 12, dated 2007-11-01: 2 of 43 portfolios in force on 2008-06-30; "
        "41 ended (--all lists every row with its term).\n"
    )
    code, out, _ = run(capsys, "portfolios", "--as-of", "2008-06-30", "--all")
    lines = out.splitlines()
    assert len(lines) == 43
    assert "Lazard Mid-Cap Portfolio\tended 2008-04-30" in lines
    assert "Rainier Large Cap Equity Portfolio\tin force through 2009-04-30" in lines
    assert "Batterymarch Growth and Income Portfolio\tin force, permanent" in lines


def test_nothing_in_force_is_said_first(data_dir: Path) -> None:
    text = "A made-up amendment whose every term ends.\n"
    rows = '[[portfolio]]\nname = "Lazard Mid-Cap Portfolio"\nlimit_text = "0.85%"\nsource_lines = [1, 1]\n'
    rows += 'limit = { kind = "flat", rate = "0.85%" }\nterm_end = 2009-04-30\n'
    add_test_amendment(data_dir, 13, "2008-06-01", text, rows)
    amendment = load_history(data_dir).in_force(dt.date(2010, 1, 1))
    assert amendment is not None
    shown = render_schedule(amendment, dt.date(2010, 1, 1), today=True).splitlines()
    assert shown[0] == (
        "No expense limit is in force on 2010-01-01 (today): every term of Amendment No. 13, dated 2008-06-01 ended by "
        "2009-04-30 and no continuance is recorded."
    )
    assert shown[1] == "Met Investors Series Trust: the latest Schedule A on file, with its end dates"
    assert render_portfolios(amendment, dt.date(2010, 1, 1), every=False) == (
        "Lazard Mid-Cap Portfolio\tended 2009-04-30",
        "No portfolio is in force on 2010-01-01. The latest Schedule A on file (Amendment No. 13, dated 2008-06-01), "
        "with end dates:",
    )


def test_two_report_runs_at_once_never_both_write(tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = [*XLCAP, *report_args(tmp_path, ACTUALS, out)]
    for _ in range(3):
        runs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(p.wait(timeout=120), p.stdout.read() if p.stdout else "", p.stderr.read() if p.stderr else "") for p in runs]
        wrote = [r for r in results if r[1].startswith("Wrote ")]
        assert len(wrote) <= 1, results  # never two writers
        for code, stdout, err in results:
            assert (code == 0 and (stdout.startswith(("Wrote ", "The 2 workbooks")))) or (
                code == 4 and err.startswith(f"Another xlcap run is using {out}")
            ), (code, stdout, err)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        names = [f["file"] for f in manifest["files"]]
        assert sorted(names) == ["expense-caps-2008-01-lazard.xlsx", "expense-caps-2008-01-trust.xlsx"]
