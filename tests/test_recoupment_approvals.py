"""Approvals of repayment recorded in events.toml ([[approval]]), used by the ledger with approval_required = true.

Zeta (tests/recoupment): Zeta Growth 1.00%, December only each year, assets 36,500,000 over 31 of 365 days:
limit 31,000. 2009: covered 34,000 -> 3,000 waived. 2010: covered 30,000 -> room 1,000 (lesser-of: both
years' schedule is 1.00%, so the room is 1,000). Without approvals required, 1,000 is repaid in Dec 2010.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlcap.agreements.datacheck import check_folder
from xlcap.agreements.datafiles import load_history
from xlcap.cli import main
from xlcap.errors import EXIT_DATA, EXIT_OK, ScheduleDataError
from xlcap.report.recoupment_book import read_actuals_path, recoupment_book

HERE = Path(__file__).parent / "recoupment"
REQUIRED = 'approval_required = true\napproval_required_clause = "subject to the approval of the Board of Trustees"\n'


def zeta(tmp_path: Path, events: str, required: bool = True) -> Path:
    data = tmp_path / "data"
    shutil.copytree(HERE / "data", data)
    if required:
        with (data / "agreement.toml").open("a") as f:
            f.write(REQUIRED)
    (data / "events.toml").write_text(events)
    return data


def growth_2010(capsys: pytest.CaptureFixture[str], data: Path, as_of: str = "2010-12-31") -> dict[str, object]:
    code = main(["--data", str(data), "recoupment", "--as-of", as_of, "--actuals", str(HERE / "actuals"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == EXIT_OK
    growth: dict[str, object] = out["portfolios"][0]
    assert growth["portfolio"] == "Zeta Growth Portfolio"
    return growth


def test_no_approval_nothing_is_repaid_and_the_output_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = zeta(tmp_path, "continuance = []\n")
    growth = growth_2010(capsys, data)
    # Room 1,000, balance 3,000, but no approval on file: nothing repaid, all 3,000 still available.
    assert (growth["repaid_this_month"], growth["available"]) == (0.0, 3000.0)
    assert growth["held_back"] == "repayment needs a recorded approval (events.toml) and none is on file by 2010-12-31"
    main(["--data", str(data), "recoupment", "--as-of", "2010-12-31", "--actuals", str(HERE / "actuals")])
    text = capsys.readouterr().out
    assert "Zeta Growth Portfolio: available 3,000.00; nothing repaid this month (held back: repayment needs a" in text


def test_an_approved_amount_caps_the_repayment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = """
[[approval]]
portfolio = "Zeta Growth"
approved = 2010-06-30
amount = 600.00
reference = "Board minutes, June 30, 2010, item 4 (made up)"
"""
    data = zeta(tmp_path, events)
    growth = growth_2010(capsys, data)
    # Room 1,000 but 600 approved: 600 repaid, 2,400 left.
    assert (growth["repaid_this_month"], growth["available"]) == (600.0, 2400.0)
    assert "only" not in str(growth["held_back"]) and "leave 600.00" in str(growth["held_back"])
    # 2011: the approval is used up by 2010's 600 (approvals count over the agreement's life): nothing more.
    growth = growth_2010(capsys, data, "2011-12-31")
    assert (growth["repaid_this_month"], growth["available"]) == (0.0, 2400.0)
    # An approval dated after the month end does not count for that month.
    later = zeta(tmp_path / "later", events.replace("2010-06-30", "2011-01-05"))
    assert growth_2010(capsys, later)["repaid_this_month"] == 0.0


def test_all_eligible_lets_the_room_decide(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = """
[[approval]]
portfolio = "Zeta Growth Portfolio"
approved = 2010-12-15
amount = "all eligible"
reference = "Board minutes, December 15, 2010 (made up)"
"""
    growth = growth_2010(capsys, zeta(tmp_path, events))
    assert (growth["repaid_this_month"], growth["available"], growth["held_back"]) == (1000.0, 2000.0, None)


def test_the_library_call_reads_the_recorded_approvals_without_being_told(tmp_path: Path) -> None:
    events = '[[approval]]\nportfolio = "Zeta Growth"\napproved = 2010-06-30\namount = 250.5\nreference = "minute 4"\n'
    history = load_history(zeta(tmp_path, events))
    (recorded,) = history.terms.recoupment.approvals
    assert (recorded.portfolio, recorded.amount, recorded.reference) == ("Zeta Growth Portfolio", 250.5, "minute 4")
    import datetime as dt

    book = recoupment_book(history, read_actuals_path(HERE / "actuals", history), dt.date(2010, 12, 31))
    assert book.get("Zeta Growth Portfolio").repaid_month == 250.5  # type: ignore[union-attr]


def test_bad_approvals_are_each_reported_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = """continuance = []

[[approval]]
portfolio = "Zeta Growth"
approved = 2010-06-30
amount = 600.005
reference = "minute 4"
share_class = 7

[[approval]]
portfolio = "No Such Portfolio"
approved = "June 30"
amount = "everything"
share_class = "A"
"""
    data = zeta(tmp_path, events)
    report = check_folder(data)
    path = data / "events.toml"
    shown = [str(p) for p in report.problems]
    assert (
        f"{path}:3: approval 1: 'amount' is 600.005; valid: dollars above 0 and under 10^15, at most cents (900.00), "
        'or "all eligible".' in shown
    )
    assert (
        f"{path}:10: approval 2: portfolio 'No Such Portfolio' is not in any amendment on file; valid: a Schedule A name."
        in shown
    )
    assert any(s.startswith(f"{path}:10: approval 2: 'approved' is 'June 30'") for s in shown)
    assert any(s.startswith(f"{path}:10: approval 2: 'amount' is 'everything'") for s in shown)
    assert any(s.startswith(f"{path}:10: approval 2: 'reference' is missing") for s in shown)
    assert f"{path}:3: approval 1: share_class 7; valid: a class as the actuals name it, e.g. A." in shown
    # an unknown portfolio's class is not judged: "has one limit for every class" would be said of no portfolio
    assert not any(s.startswith(f"{path}:10: approval 2: share_class") for s in shown)
    assert main(["data", "check", str(data)]) == EXIT_DATA
    assert "6 problems" in capsys.readouterr().out
    # The ledger refuses the data too, naming the file and line, rather than run without the approval.
    assert main(["--data", str(data), "recoupment", "--as-of", "2010-12-31", "--actuals", str(HERE / "actuals")]) == EXIT_DATA
    assert f"{path}: line 3: approval 1: 'amount' is 600.005" in capsys.readouterr().err


def test_the_made_up_agreement_and_its_approvals_check_clean(tmp_path: Path) -> None:
    events = '[[approval]]\nportfolio = "Zeta Growth"\napproved = 2010-06-30\namount = "all eligible"\nreference = "minute 4"\n'
    assert check_folder(HERE / "data").problems == ()
    assert check_folder(zeta(tmp_path, events)).problems == ()


AMOUNTS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=12),  # what a TOML string can hold
    st.booleans(),
    st.sampled_from(["all eligible", "All Eligible", "all", "", "600.00"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=AMOUNTS)
def test_a_damaged_amount_is_refused_with_file_and_line_or_read_exactly(tmp_path: Path, amount: object) -> None:
    data = zeta(Path(tempfile.mkdtemp(dir=tmp_path)), "continuance = []\n")
    value = json.dumps(amount, ensure_ascii=False)  # TOML reads JSON's numbers, strings and true/false alike
    if isinstance(amount, float) and not math.isfinite(amount):
        value = "nan" if amount != amount else ("inf" if amount > 0 else "-inf")
    (data / "events.toml").write_text(
        f'continuance = []\n\n[[approval]]\nportfolio = "Zeta Growth"\napproved = 2010-06-30\namount = {value}\nreference = "m"\n'
    )
    try:
        history = load_history(data)
    except ScheduleDataError as exc:
        assert exc.message.startswith(f"{data / 'events.toml'}: line 3: approval 1: 'amount' is "), exc.message
        assert 'valid: dollars above 0 and under 10^15, at most cents (900.00), or "all eligible".' in exc.message
        return
    (got,) = history.terms.recoupment.approvals
    if amount == "all eligible":
        assert got.amount is None
    else:  # only a positive amount of whole cents is read, and then exactly as written
        assert isinstance(amount, (int, float)) and not isinstance(amount, bool) and 0 < amount < 1e15
        assert got.amount == amount and round(amount, 2) == amount


def test_a_ledger_is_kept_per_portfolio_and_class() -> None:
    # Actuals rows without a class (today's ActualRow) are one ledger per portfolio; a row with one, per class.
    from dataclasses import dataclass

    from xlcap.report.recoupment_book import series_of

    @dataclass
    class ClassRow:
        portfolio: str
        share_class: str | None

    assert series_of(ClassRow("Zeta Growth Portfolio", "A")) == ("Zeta Growth Portfolio", "A")
    assert series_of(ClassRow("Zeta Growth Portfolio", "")) == ("Zeta Growth Portfolio", None)
    history = load_history(HERE / "data")
    row = read_actuals_path(HERE / "actuals", history).rows[0]
    assert series_of(row) == (row.portfolio, None)


def test_json_lists_the_approvals_on_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = '[[approval]]\nportfolio = "zeta growth"\napproved = 2010-06-30\namount = "all eligible"\nreference = "Minute 4"\n'
    data = zeta(tmp_path, events)
    assert main(["--data", str(data), "recoupment", "--as-of", "2010-12-31", "--actuals", str(HERE / "actuals"), "--json"]) == 0
    approvals = json.loads(capsys.readouterr().out)["approvals"]
    assert approvals == [
        {
            "portfolio": "Zeta Growth Portfolio",
            "share_class": None,
            "approved": "2010-06-30",
            "amount": None,
            "reference": "Minute 4",
        }
    ]
