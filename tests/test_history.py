"""Effective dates across amendments, continuances and termination notices."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import xlcap
from tests.conftest import LAZARD_AT_85, add_test_amendment
from xlcap.agreements.datafiles import load_history


def _events(data_dir: Path, text: str) -> xlcap.History:
    (data_dir / "events.toml").write_text(text, encoding="utf-8")
    return load_history(data_dir)


def test_continuance_extends_the_term(data_dir: Path) -> None:
    history = _events(
        data_dir,
        """
[[continuance]]
portfolio = "lazard mid cap"
approved = 2008-02-20
new_end = 2009-04-30
reference = "Board minutes, February 20, 2008"
""",
    )
    result = xlcap.lookup("Lazard Mid-Cap", 1e8, "2008-05-01", history=history)
    assert result.term_end == dt.date(2009, 4, 30)
    assert xlcap.lookup("Lazard Mid-Cap", 1e8, "2009-04-30", history=history).rate == 0.008
    with pytest.raises(xlcap.TermEndedError) as info:
        xlcap.lookup("Lazard Mid-Cap", 1e8, "2009-05-01", history=history)
    assert "ended on 2009-04-30 (continuance approved 2008-02-20: Board minutes, February 20, 2008)" in str(info.value)
    # Others are untouched.
    with pytest.raises(xlcap.TermEndedError):
        xlcap.lookup("Janus Forty", 1e8, "2008-05-01", history=history)


def test_termination_notice_ends_the_term_90_days_later(data_dir: Path) -> None:
    # Notice on 2008-01-15: 16 days to Jan 31, +29 (Feb 2008) = 45, +31 (Mar) = 76, +14 = 90 -> 2008-04-14.
    history = _events(
        data_dir,
        """
[[termination]]
portfolio = "Janus Forty Portfolio"
notice = 2008-01-15
reference = "Letter from the Trust, January 15, 2008"
""",
    )
    assert xlcap.lookup("Janus Forty", 1e8, "2008-04-14", history=history).term_end == dt.date(2008, 4, 14)
    with pytest.raises(xlcap.TermEndedError, match=r"ended on 2008-04-14 \(termination noticed 2008-01-15"):
        xlcap.lookup("Janus Forty", 1e8, "2008-04-15", history=history)


def test_termination_ends_a_permanent_limitation(data_dir: Path) -> None:
    # Notice on 2010-01-01: 30 days to Jan 31, +28 (Feb) = 58, +31 (Mar) = 89, +1 = 90 -> 2010-04-01.
    history = _events(
        data_dir,
        """
[[termination]]
portfolio = "Batterymarch Growth and Income"
notice = 2010-01-01
reference = "Letter from the Manager"
""",
    )
    result = xlcap.lookup("Batterymarch Growth and Income", 1e8, "2010-04-01", history=history)
    assert (result.permanent, result.term_end) == (False, dt.date(2010, 4, 1))
    with pytest.raises(xlcap.TermEndedError):
        xlcap.lookup("Batterymarch Growth and Income", 1e8, "2010-04-02", history=history)


def test_notice_after_the_term_already_ends_changes_nothing(data_dir: Path) -> None:
    # 2008-03-01 + 90 days = 2008-05-30, later than the term end 2008-04-30: the earlier end stands.
    history = _events(data_dir, '[[termination]]\nportfolio = "MFS Value"\nnotice = 2008-03-01\nreference = "x"\n')
    assert xlcap.lookup("MFS Value", 1, "2008-04-30", history=history).term_end == dt.date(2008, 4, 30)


def test_event_for_a_portfolio_not_in_force_is_refused(data_dir: Path) -> None:
    with pytest.raises(
        xlcap.ScheduleDataError, match="continuance 1: portfolio 'Lazard Mid-Cap' is not in the schedule in force on 2007-06-01"
    ):
        _events(
            data_dir,
            '[[continuance]]\nportfolio = "Lazard Mid-Cap"\napproved = 2007-06-01\nnew_end = 2009-04-30\nreference = "x"\n',
        )


AMENDMENT_13_TEXT = """AMENDMENT NO. 13 (a test document, not a filing)
Schedule A: Lazard Mid-Cap Portfolio 0.85%; Batterymarch Growth and Income Portfolio (unchanged).
"""


def _add_amendment_13(data_dir: Path) -> xlcap.History:
    """A second, made-up amendment that drops every portfolio but two and changes Lazard's rate."""
    batterymarch = """
[[portfolio]]
name = "Batterymarch Growth and Income Portfolio"
limit_text = "0.65%"
source_lines = [2, 2]
limit = { kind = "flat", rate = "0.65%" }
permanent = true
"""
    add_test_amendment(data_dir, 13, "2008-04-28", AMENDMENT_13_TEXT, LAZARD_AT_85 + batterymarch)
    return load_history(data_dir)


def test_schedule_in_force_is_the_latest_amendment_on_or_before_the_date(data_dir: Path) -> None:
    history = _add_amendment_13(data_dir)
    assert xlcap.schedule_in_force("2008-04-27", history).number == 12
    assert xlcap.schedule_in_force("2008-04-28", history).number == 13
    before = xlcap.lookup("Lazard Mid-Cap", 1e8, "2008-04-27", history=history)
    after = xlcap.lookup("Lazard Mid-Cap", 1e8, "2008-04-28", history=history)
    assert (before.amendment, before.rate, before.term_end) == (12, 0.008, dt.date(2008, 4, 30))
    assert (after.amendment, after.rate, after.term_end) == (13, 0.0085, dt.date(2009, 4, 30))


def test_dropped_portfolio_is_not_in_force_after_the_amendment(data_dir: Path) -> None:
    history = _add_amendment_13(data_dir)
    assert xlcap.lookup("Janus Forty", 1e8, "2008-04-27", history=history).rate == 0.0125
    with pytest.raises(xlcap.TermEndedError) as info:
        xlcap.lookup("Janus Forty", 1e8, "2008-04-28", history=history)
    assert str(info.value) == (
        "'Janus Forty Portfolio' is not in Schedule A of Amendment No. 13, dated 2008-04-28, the schedule in force on "
        "2008-04-28; it was last listed in Amendment No. 12, dated 2007-11-01."
    )
    out = xlcap.lookup_many(
        ["Janus Forty", "Janus Forty", "Lazard Mid-Cap"], 1e8, ["2008-04-27", "2008-04-28", "2008-04-28"], history=history
    )
    assert list(out["status"]) == ["in_effect", "term_ended", "in_effect"]
    assert list(out["amendment"]) == [12, 13, 13]
    assert out["rate"].iloc[2] == 0.0085


def test_per_class_rows_are_chosen_by_share_class(data_dir: Path) -> None:
    # Wording 8 of shared/examples/limit_wordings.md: one Schedule A row per class group.
    path = data_dir / "amendment-012.toml"
    lazard = (
        '[[portfolio]]\nname = "Lazard Mid-Cap Portfolio"\nlimit_text = "0.80%"\nsource_lines = [139, 139]\n'
        'limit = { kind = "flat", rate = "0.80%" }\nterm_end = 2008-04-30\n'
    )
    per_class = (
        lazard.replace("[[portfolio]]", '[[portfolio]]\nshare_classes = ["A", "B"]')
        + "\n"
        + lazard.replace("[[portfolio]]", '[[portfolio]]\nshare_classes = ["E"]').replace('rate = "0.80%"', 'rate = "0.95%"')
    )
    text = path.read_text(encoding="utf-8")
    assert lazard in text
    path.write_text(text.replace(lazard, per_class, 1), encoding="utf-8")
    history = load_history(data_dir)
    assert xlcap.lookup("Lazard Mid-Cap", 1e8, "2008-01-31", share_class="B", history=history).rate == 0.008
    assert xlcap.lookup("Lazard Mid-Cap", 1e8, "2008-01-31", share_class="E", history=history).rate == 0.0095
    with pytest.raises(xlcap.InvalidInputError) as info:
        xlcap.lookup("Lazard Mid-Cap", 1e8, "2008-01-31", history=history)
    assert str(info.value) == (
        "Parameter 'share_class' received no class, but 'Lazard Mid-Cap Portfolio' has limits per share class; valid: A, B, E."
    )
    # lookup_many takes no share class: such rows are invalid input, not a lapsed term.
    assert list(xlcap.lookup_many("Lazard Mid-Cap", 1e8, "2008-01-31", history=history)["status"]) == ["invalid_input"]
