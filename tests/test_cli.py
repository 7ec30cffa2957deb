"""The xlcap command: exit codes, exact error text, JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from xlcap.cli import main

VALID_AMOUNTS = "Valid: a non-negative amount such as 250000000, 250,000,000, 250e6, $250m or 1.2bn."
VALID_DATES = "Valid: a date as YYYY-MM-DD or m/d/yyyy, e.g. 2008-01-31 or 1/31/2008."


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cap_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "cap", "Lazard Mid-Cap", "--assets", "$250m", "--date", "1/31/2008", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "portfolio": "Lazard Mid-Cap Portfolio",
        "date": "2008-01-31",
        "assets": 250000000.0,
        "share_class": None,
        "agreement": "met-investors",  # xlcap/data/agreement.toml's id
        "status": "in_effect",
        "rate": 0.008,
        "annual_amount": 2000000.0,  # 0.80% x 250M
        "amendment": 12,
        "term_end": "2008-04-30",
        "permanent": False,
        "limit_text": "0.80%",
        "notes": [],
    }


def test_cap_json_no_limit_and_period(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cap", "PIMCO Total Return", "--assets", "1.2bn", "--date", "2008-01-31", "--json", "--days", "31")
    data = json.loads(out)
    assert code == 0
    assert (data["status"], data["rate"], data["annual_amount"], data["period_amount"]) == ("no_limit", None, None, None)
    assert data["limit_text"] == "None"


def test_cap_json_tiered_carries_the_interpretation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "cap", "batterymarch growth & income", "--assets", "1,250,000,000", "--date", "2008-01-31", "--json"
    )
    data = json.loads(out)
    # 0.65% x 500M + 0.55% x 500M + 0.50% x 250M = 3,250,000 + 2,750,000 + 1,250,000 = 7,250,000; / 1.25B = 0.58%
    assert (code, data["annual_amount"], data["permanent"], data["term_end"]) == (0, 7250000.0, True, None)
    assert data["rate"] == pytest.approx(0.0058, rel=1e-12)
    assert data["notes"][0].startswith("Interpretation: the filed text lost a tier")


def test_cap_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "cap", "lazard midcap", "--assets", "250e6", "--date", "2008-01-31", "--days", "31")
    assert code == 0
    assert out == (
        "Lazard Mid-Cap Portfolio on 2008-01-31, average net assets $250,000,000.00\n"
        "  Limit:      0.8000% a year = $2,000,000.00 a year\n"
        "  For 31 days: $169,398.91 (31 / 366 of a year)\n"  # 2,000,000 x 31 / 366 = 169,398.907
        "  Filed text: 0.80%\n"
        "  Source:     Amendment No. 12, dated 2007-11-01, Schedule A, lines 139-139\n"
        "  Term:       in force through 2008-04-30 (Amendment No. 12, section 3)\n"
    )


@pytest.mark.parametrize(
    ("argv", "exit_code", "message"),
    [
        (
            ["cap", "Rainer Large Cap", "--assets", "1", "--date", "2008-01-31"],
            1,
            "Parameter 'portfolio' received 'Rainer Large Cap', which is not a portfolio of Met Investors Series Trust. "
            "Did you mean 'Rainier Large Cap Equity Portfolio'? Run 'xlcap portfolios' for the list.",
        ),
        (
            ["cap", "Lazard Small Cap", "--assets", "1", "--date", "2008-01-31"],
            1,
            "Parameter 'portfolio' received 'Lazard Small Cap', which is not a portfolio of Met Investors Series Trust. "
            "Did you mean 'Lazard Mid-Cap Portfolio'? Run 'xlcap portfolios' for the list.",
        ),
        (
            ["cap", "Zzyzx", "--assets", "1", "--date", "2008-01-31"],
            1,
            "Parameter 'portfolio' received 'Zzyzx', which is not a portfolio of Met Investors Series Trust. "
            "Run 'xlcap portfolios' for the list.",
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets", "-5", "--date", "2008-01-31"],
            2,
            f"Parameter 'assets' received '-5', which is negative. {VALID_AMOUNTS}",
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets=-5e6", "--date", "2008-01-31"],
            2,
            f"Parameter 'assets' received '-5e6', which is negative. {VALID_AMOUNTS}",
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets", "NaN", "--date", "2008-01-31"],
            2,
            f"Parameter 'assets' received 'NaN', which is not an amount. {VALID_AMOUNTS}",
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets", "ten", "--date", "2008-01-31"],
            2,
            f"Parameter 'assets' received 'ten', which is not an amount. {VALID_AMOUNTS}",
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets", "1", "--date", "2008-02-30"],
            2,
            "Parameter 'date' received '2008-02-30', which is not a calendar date (day is out of range for month). "
            + VALID_DATES,
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets", "1", "--date", "2/30/2008"],
            2,
            f"Parameter 'date' received '2/30/2008', which is not a calendar date (day is out of range for month). {VALID_DATES}",
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets", "1", "--date", "2007-10-31"],
            1,
            "Parameter 'date' received 2007-10-31, which is before the first expense limitation schedule on file "
            "(Amendment No. 12, dated 2007-11-01). No limit on file applies then; valid dates are 2007-11-01 or later.",
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets", "1", "--date", "2008-05-01"],
            1,
            "The expense limitation for 'Lazard Mid-Cap Portfolio' ended on 2008-04-30 (Amendment No. 12, section 3); no "
            "continuance is recorded, so no limit is in force on 2008-05-01. Valid dates: 2007-11-01 to 2008-04-30. If the "
            "Independent Trustees approved a continuance, record it in xlcap/data/events.toml.",
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets", "1", "--date", "2008-01-31", "--days", "0"],
            2,
            "Parameter 'days' received 0, which is outside 1 to 366. Valid: a whole number of days, 1 to 366 "
            "(a year at most, as in EXPCAP_AMOUNT).",
        ),
        (
            ["cap", "Lazard Mid-Cap", "--assets", "1", "--date", "2008-01-31", "--days", "367"],
            2,
            "Parameter 'days' received 367, which is outside 1 to 366. Valid: a whole number of days, 1 to 366 "
            "(a year at most, as in EXPCAP_AMOUNT).",
        ),
        (["cap", "Lazard Mid-Cap", "--date", "2008-01-31"], 2, "xlcap cap: the following arguments are required: --assets"),
        (["schedule", "--as-of", "yesterday"], 2, f"Parameter 'as-of' received 'yesterday', which is not a date. {VALID_DATES}"),
    ],
)
def test_errors(capsys: pytest.CaptureFixture[str], argv: list[str], exit_code: int, message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out, err) == (exit_code, "", message + "\n")


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "frobnicate")
    # argparse quotes the choices differently across Python versions; the rest is fixed.
    assert (code, out) == (2, "")
    assert err.startswith("xlcap: argument command: invalid choice: 'frobnicate' (choose from ")
    assert all(name in err for name in ("cap", "schedule", "portfolios"))


def test_error_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "cap", "Rainer Large Cap", "--assets", "1", "--date", "2008-01-31", "--json")
    assert code == 1
    assert json.loads(out) == {
        "error": {
            "code": "unknown_portfolio",
            "message": err.rstrip("\n"),
            "suggestions": ["Rainier Large Cap Equity Portfolio"],
        }
    }
    code, out, _ = run(capsys, "cap", "Lazard Mid-Cap", "--assets", "-1", "--date", "2008-01-31", "--json")
    assert (code, json.loads(out)["error"]["code"]) == (2, "invalid_input")
    code, out, _ = run(capsys, "cap", "Lazard Mid-Cap", "--assets", "1", "--date", "2008-05-01", "--json")
    assert (code, json.loads(out)["error"]["code"]) == (1, "term_ended")


def test_schedule_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule", "--as-of", "2008-01-31")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Met Investors Series Trust: Schedule A in force on 2008-01-31"
    assert (
        lines[1]
        == "Amendment No. 12 to Amended and Restated Expense Limitation Agreement, dated 2007-11-01 (Met Investors Advisory LLC)"
    )
    body = "\n".join(lines)
    assert "Lazard Mid-Cap Portfolio                         0.80%            2008-04-30" in body
    assert "Lord Abbett Bond Debenture Portfolio             None             2008-04-30" in body
    assert "Rainier Large Cap Equity Portfolio               0.80%            2009-04-30  new portfolio" in body
    assert "Batterymarch Growth and Income Portfolio         0.65% to $500M   permanent   interpretation [1]" in body
    for tier in ("0.55% $500M-$1B", "0.50% $1B-$1.5B", "0.45% $1.5B-$2B", "0.40% over $2B"):
        assert f"\n{' ' * 49}{tier}\n" in body
    assert "[1] Interpretation: the filed text lost a tier" in body


def test_schedule_after_term_end_says_which_ended(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schedule", "--as-of", "2008-06-30")
    assert code == 0
    assert "Lazard Mid-Cap Portfolio                         0.80%            ended 2008-04-30" in out
    assert "Rainier Large Cap Equity Portfolio               0.80%            2009-04-30" in out


def test_portfolios(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "portfolios", "--as-of", "2008-01-31")
    names = out.splitlines()
    assert (code, len(names), names[0], names[-1]) == (
        0,
        43,
        "Strategic Growth with Income Portfolio",
        "Van Kampen Comstock Portfolio",
    )


def test_module_entry_point_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "xlcap", "cap", "Janus Forty", "--assets", "1e8", "--date", "2008-01-31", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["annual_amount"] == 1250000.0  # 1.25% x 100M


def test_import_write_refuses_an_installed_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    installed = tmp_path / "lib" / "site-packages" / "xlcap" / "data"
    installed.mkdir(parents=True)
    monkeypatch.setattr("xlcap.agreements.datafiles.DATA_DIR", installed)
    code, out, err = run(capsys, "import", "xlcap/data/amendment-012.txt", "--write")
    assert (code, out) == (2, "")
    assert err == (
        f"--write would add the amendment to the installed package ({installed}). Valid: your own data folder "
        "(--data DIR or XLCAP_DATA), or --data-dir pointing at the xlcap/data folder of a checkout, where the change "
        "can be reviewed.\n"
    )
    assert list(installed.iterdir()) == []
