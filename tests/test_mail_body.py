"""What the month's message says beyond the figures: a partial year to date, portfolios left out, and
"near the limit" worded for the method. Each is read back from the workbook the message carries (its
defined names), through `xlcap report` then `xlcap send --dry-run`, as a user runs them.

Before: the workbook said a year to date started late and named portfolios left out, the message
did not; and it said "year to date" for the monthly method, which judges the month alone.
"""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest

from tests.test_completeness import BATTERYMARCH, HEADER, LAZARD_JAN, report, write


def drafted_body(capsys: pytest.CaptureFixture[str], tmp_path: Path, month: str) -> str:
    from xlcap.cli import main

    assert main(["send", "--month", month, "--out", str(tmp_path / "out"), "--dry-run"]) == 0
    capsys.readouterr()
    (draft,) = sorted((tmp_path / "out" / "outbox").glob("*.eml"))
    message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    return str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def test_a_year_to_date_that_starts_late_is_said_in_the_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xlcap.report.month_end import SAMPLE_ACTUALS

    rainier = '[[manager]]\nname = "Rainier"\nportfolios = ["Rainier Large Cap Equity"]\nemails = ["ops@rainier.example.com"]\n'
    assert report(capsys, tmp_path, "2007-12", SAMPLE_ACTUALS, rainier)[0] == 0
    body = drafted_body(capsys, tmp_path, "2007-12")
    assert (
        "Year to date runs from December 2007, not January 2007, for Rainier Large Cap Equity Portfolio: the actuals "
        "hold no earlier month of 2007 for it.\n" in body
    )


def test_a_full_year_to_date_says_nothing_about_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lazard = '[[manager]]\nname = "Lazard"\nportfolios = ["Lazard Mid-Cap"]\nemails = ["caps@lazard.example.com"]\n'
    assert report(capsys, tmp_path, "2008-01", write(tmp_path, "a.csv", HEADER + LAZARD_JAN), lazard)[0] == 0
    body = drafted_body(capsys, tmp_path, "2008-01")
    assert "Year to date runs from" not in body
    assert "Not in this workbook" not in body


def test_portfolios_left_out_are_named_in_the_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    october = LAZARD_JAN.replace("2008-01", "2007-10").replace("Lazard Mid-Cap", "Batterymarch Growth and Income")
    assert report(capsys, tmp_path, "2007-10", write(tmp_path, "a.csv", HEADER + october), BATTERYMARCH)[0] == 0
    body = drafted_body(capsys, tmp_path, "2007-10")
    assert (
        "Not in this workbook: Batterymarch Mid-Cap Stock Portfolio (No schedule on file: no limit in force): "
        "no actuals for October 2007." in body
    )


@pytest.mark.parametrize(("method", "words"), [("fytd", "year to date"), ("monthly", "this month")])
def test_near_the_limit_is_worded_for_the_method(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str, words: str
) -> None:
    lazard = '[[manager]]\nname = "Lazard"\nportfolios = ["Lazard Mid-Cap"]\nemails = ["caps@lazard.example.com"]\n'
    actuals = write(tmp_path, "a.csv", HEADER + LAZARD_JAN)
    assert report(capsys, tmp_path, "2008-01", actuals, lazard, "--method", method)[0] == 0
    body = drafted_body(capsys, tmp_path, "2008-01")
    assert f"Near the limit (95% or more of it, {words}): " in body


def test_names_in_a_list_are_split_by_semicolons_since_a_class_has_a_comma_of_its_own() -> None:
    import datetime as dt

    from xlcap.mail.message import PortfolioLine, WorkbookSummary, body_lines

    income = "Acme Income Portfolio"
    growth = PortfolioLine("Acme Growth Portfolio", "Capped", 5.0, 5.0, None, "Acme Growth Portfolio")
    lines = (*(PortfolioLine(f"{income}, Class {c}", "Capped", 10.0, 10.0, None, income) for c in "AB"), growth)
    body = "\n".join(body_lines(WorkbookSummary("Title", dt.date(2008, 1, 31), lines), "book.xlsx"))
    assert f"Capped this month: 3 ({income}, Class A; {income}, Class B; Acme Growth Portfolio).\n" in body
    assert "Portfolios in this workbook: 2 (3 lines: one per share class given apart).\n" in body
