"""Lookups at their edges: scalar (lookup.py), the schedule model (schedule.py) and many rows at once (vectorised.py).

Edges that mutation testing (tools/mutation.py) found no test guarding. Each test states the rule
from the contract or the calendar and a hand-worked answer; none is read back from the code under test.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import xlcap
from tests.conftest import TEST_GROWTH_13, TEST_GROWTH_13_TEXT, add_test_amendment
from xlcap.agreements.datafiles import load_history
from xlcap.agreements.vectorised import explain

# --- lookup --------------------------------------------------------------------------------------

VALID_NAME = "Valid: a name from Schedule A, e.g. 'Lazard Mid-Cap Portfolio' (run 'xlcap portfolios' for the list)."


@pytest.mark.parametrize("typed", ["   ", "", 42, None])
def test_a_blank_or_non_text_portfolio_is_invalid_input(typed: Any) -> None:
    with pytest.raises(xlcap.InvalidInputError) as info:
        xlcap.lookup(typed, 1e8, "2008-01-31")
    assert info.value.message == f"Parameter 'portfolio' received {typed!r}, which is not a portfolio name. {VALID_NAME}"


def test_several_suggestions_are_offered_in_schedule_order() -> None:
    with pytest.raises(xlcap.UnknownPortfolioError) as info:
        xlcap.lookup("Lord Abbett", 1e8, "2008-01-31")
    assert info.value.message == (
        "Parameter 'portfolio' received 'Lord Abbett', which is not a portfolio of Met Investors Series Trust. Did you mean "
        "'Lord Abbett Bond Debenture Portfolio' or 'Lord Abbett Growth and Income Portfolio' or "
        "'Lord Abbett Mid-Cap Value Portfolio'? Run 'xlcap portfolios' for the list."
    )


def test_schedule_in_force_names_the_date_argument() -> None:
    with pytest.raises(xlcap.InvalidInputError) as info:
        xlcap.schedule_in_force("yesterday")
    assert info.value.message == (
        "Parameter 'date' received 'yesterday', which is not a date. "
        "Valid: a date as YYYY-MM-DD or m/d/yyyy, e.g. 2008-01-31 or 1/31/2008."
    )


def test_a_portfolio_first_listed_in_a_later_amendment(data_dir: Path) -> None:
    add_test_amendment(data_dir, 13, "2008-02-01", TEST_GROWTH_13_TEXT, TEST_GROWTH_13)
    history = load_history(data_dir)
    with pytest.raises(xlcap.TermEndedError) as info:
        xlcap.lookup("Test Growth", 1e8, "2008-01-15", history=history)
    assert info.value.message == (
        "'Test Growth Portfolio' is not in Schedule A of Amendment No. 12, dated 2007-11-01, the schedule in force on "
        "2008-01-15; it is first listed in a later amendment."
    )
    # from February 1 it is: 0.90% x $100M = $900,000 a year
    assert xlcap.lookup("Test Growth", 1e8, "2008-02-01", history=history).annual_amount == pytest.approx(900_000.0, rel=1e-12)


# --- schedule ------------------------------------------------------------------------------------


def test_rows_for_an_unlisted_portfolio_is_an_empty_tuple() -> None:
    no12 = xlcap.default_history().amendments[0]
    assert no12.rows_for("No Such Portfolio") == ()
    assert [r.limit_text for r in no12.rows_for("Lazard Mid-Cap Portfolio")] == ["0.80%"]


def test_an_amendment_resolves_the_names_of_its_own_schedule(data_dir: Path) -> None:
    no12 = load_history(data_dir).amendments[0]  # loaded here, not the cached default: the index is built in this test
    assert no12.names.resolve("lazard midcap") == "Lazard Mid-Cap Portfolio"
    assert no12.names.resolve("Test Growth") is None


def test_last_listing_is_strictly_before_the_date() -> None:
    history = xlcap.default_history()
    # Amendment No. 12 is dated 2007-11-01: listed before 2007-11-02, not before 2007-11-01
    assert history.last_listing("Lazard Mid-Cap Portfolio", dt.date(2007, 11, 1)) is None
    listed = history.last_listing("Lazard Mid-Cap Portfolio", dt.date(2007, 11, 2))
    assert listed is not None and listed.number == 12


# --- vectorised ----------------------------------------------------------------------------------


def test_failed_rows_carry_no_amendment_and_no_term() -> None:
    frame = xlcap.lookup_many(
        ["Lazard Mid-Cap", "No Such Fund", "Lazard Mid-Cap"], [250e6, 250e6, 250e6], ["2007-10-31", "2008-01-31", "2008-01-31"]
    )
    assert list(frame["status"]) == ["no_schedule", "unknown_portfolio", "in_effect"]
    # before any schedule: amendment 0 and no term end (not a neighbouring portfolio's)
    assert list(frame["amendment"]) == [0, 12, 12]
    assert frame["term_end"].isna().tolist() == [True, True, False]
    assert frame["term_end"][2] == pd.Timestamp("2008-04-30")
    # NaN, never None: Excel and NumPy arithmetic see a number column
    assert frame["rate"].dtype == np.float64 and frame["annual_amount"].dtype == np.float64
    assert frame["rate"].isna().tolist() == [True, True, False] and frame["rate"][2] == 0.008


def test_numpy_scalars_repeat_like_python_ones() -> None:
    # a NumPy scalar (what a pandas cell gives) is one value for every row, like 250_000_000
    frame = xlcap.lookup_many(["Lazard Mid-Cap", "Janus Forty"], np.int64(250_000_000), np.datetime64("2008-01-31"))
    assert list(frame["annual_amount"]) == [2_000_000.0, 3_125_000.0]  # 0.80% and 1.25% of $250M
    frame = xlcap.lookup_many(np.array(["Lazard Mid-Cap"], dtype=object), np.array(250e6), "2008-01-31")
    assert list(frame["annual_amount"]) == [2_000_000.0]


def test_blank_portfolio_cells_among_many_distinct_names() -> None:
    # Over 1,024 distinct name objects take pandas' own factorize; a blank (None or NaN) is invalid input there too,
    # as the scalar lookup says for a blank name
    typed: list[object] = [f"Fund {i}" for i in range(1_500)] + [None, float("nan"), "Lazard Mid-Cap", None]
    frame = xlcap.lookup_many(typed, 250e6, "2008-01-31")
    assert list(frame["status"][-4:]) == ["invalid_input", "invalid_input", "in_effect", "invalid_input"]
    assert list(frame["annual_amount"][-4:].fillna(-1)) == [-1, -1, 2_000_000.0, -1]
    few = xlcap.lookup_many([None, "Lazard Mid-Cap", float("nan")], 250e6, "2008-01-31")
    assert list(few["status"]) == ["invalid_input", "in_effect", "invalid_input"]


def test_blank_date_cells_are_invalid_rows() -> None:
    frame = xlcap.lookup_many("Lazard Mid-Cap", 250e6, [None, "2008-01-31", float("nan"), "2008-05-01"])
    assert list(frame["status"]) == ["invalid_input", "in_effect", "invalid_input", "term_ended"]


def test_explain_uses_the_history_it_is_given(data_dir: Path) -> None:
    add_test_amendment(data_dir, 13, "2008-02-01", TEST_GROWTH_13_TEXT, TEST_GROWTH_13)
    history = load_history(data_dir)
    assert explain("Test Growth", 1e8, "2008-03-03", history=history) is None  # listed in No. 13
    assert isinstance(explain("Test Growth", 1e8, "2008-03-03"), xlcap.UnknownPortfolioError)  # not in the bundled data


def test_no_rows_in_no_rows_out() -> None:
    frame = xlcap.lookup_many([], [], [])
    assert len(frame) == 0
    assert list(frame.columns) == ["portfolio", "status", "rate", "annual_amount", "amendment", "term_end", "agreement"]


def test_nanosecond_date_columns() -> None:
    # pandas' datetime64[ns] (a Series' .values): as object these are integers of nanoseconds, not dates
    dates = np.array(["2008-01-31", "2008-05-01", "NaT"], dtype="datetime64[ns]")
    frame = xlcap.lookup_many("Lazard Mid-Cap", 250e6, dates)
    assert list(frame["status"]) == ["in_effect", "term_ended", "invalid_input"]


def test_complex_assets_are_invalid() -> None:
    # complex numbers are not amounts, even with no imaginary part (never their real part, silently)
    frame = xlcap.lookup_many("Lazard Mid-Cap", np.array([250e6 + 1j, 250e6 + 0j]), "2008-01-31")
    assert list(frame["status"]) == ["invalid_input", "invalid_input"]


def test_no_assets_in_many_rows_gives_no_warning() -> None:
    # 0 / 0 is computed for the blended rate and then not used: it must not warn once per call
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = xlcap.lookup_many(["Batterymarch Growth and Income", "Lazard Mid-Cap"], 0.0, "2008-01-31")
    assert list(frame["rate"]) == [0.0065, 0.008]  # the first tier's rate
    assert list(frame["annual_amount"]) == [0.0, 0.0]
