"""Edges of the core modules that mutation testing (tools/mutation.py) found no test guarding.

Each test states the rule from the contract or the calendar and a hand-worked answer; none is
read back from the code under test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import xlcap
from tests.conftest import add_test_amendment
from xlcap.actuals import read_actuals
from xlcap.capcalc import OPEN_TIER, CapReport, compute, schedule_key
from xlcap.datafiles import load_history
from xlcap.limits import Tier, TieredLimit, days_in_years, format_money, rate_problem, tier_problems
from xlcap.vectorised import explain

RATE = Decimal("0.0065")


def test_days_in_years_follows_the_gregorian_leap_rule() -> None:
    # divisible by 4 is a leap year, except centuries, except every 400th year
    dates = np.array(["1900-06-30", "1970-01-01", "2000-02-29", "2007-12-31", "2008-01-31", "2100-03-01", "2400-12-31"],
                     dtype="datetime64[D]")  # fmt: skip
    assert days_in_years(dates).tolist() == [365, 365, 366, 365, 366, 365, 366]


def test_days_in_years_of_date_times() -> None:
    # an Excel date cell arrives as a date-time: the year is still read from the date
    stamps = np.array(["2008-12-31T23:59", "2009-01-01T00:00"], dtype="datetime64[m]")
    assert days_in_years(stamps).tolist() == [366, 365]


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (999_999, "$999,999"),  # under a million: dollars with separators
        (1_000_000, "$1M"),  # exactly a million is written in millions
        (2_500_000, "$2.5M"),
        (500_000_000, "$500M"),
        (999_999_999, "$999.999999M"),
        (1_000_000_000, "$1B"),  # exactly a billion is written in billions
        (1_500_000_000, "$1.5B"),
        (10_000_000_000, "$10B"),
    ],
)
def test_format_money(amount: int, text: str) -> None:
    assert format_money(amount) == text


def test_a_rate_of_ten_percent_is_outside_the_open_range() -> None:
    # valid rates lie in (0%, 10%): both ends excluded
    assert rate_problem(Decimal("0.0999")) is None
    assert rate_problem(Decimal("0.10")) == "rate 10.00% is outside (0%, 10%)"
    assert rate_problem(Decimal("0")) == "rate 0.00% is outside (0%, 10%)"


def test_tier_problems_name_each_fault() -> None:
    assert tier_problems(()) == ["a tiered limit needs at least one tier"]
    assert tier_problems((Tier(100, None, RATE),)) == ["the first tier starts at 100, not 0"]
    # an empty band (from = to), and the check goes on to the next tiers
    assert tier_problems((Tier(0, 0, RATE), Tier(0, None, RATE))) == ["tier 1 runs from 0 to 0, which is empty"]
    # an open band before the last: named, and the tiers after it are still checked
    assert tier_problems((Tier(0, None, RATE), Tier(5, 3, RATE))) == [
        "tier 1 has no upper bound but is not the last tier",
        "tier 2 runs from 5 to 3, which is empty",
        "the last tier ends at 3; it must be open-ended",
    ]
    assert tier_problems((Tier(0, 10, RATE), Tier(10, 20, RATE), Tier(20, None, RATE))) == []


def test_a_bad_tier_table_is_refused_with_every_problem() -> None:
    with pytest.raises(ValueError) as info:
        TieredLimit((Tier(100, 200, RATE), Tier(200, 300, RATE)))
    assert str(info.value) == "the first tier starts at 100, not 0; the last tier ends at 300; it must be open-ended"


def test_blended_rate_at_the_first_breakpoint_is_the_first_rate_exactly() -> None:
    # Batterymarch at $500M: all of it in the 0.65% band, so the blended rate is 0.65%, not a division's neighbour
    limit = TieredLimit((Tier(0, 500_000_000, RATE), Tier(500_000_000, None, Decimal("0.0055"))))
    assert limit.annual_rate(500_000_000) == 0.0065
    assert limit.annual_amount(500_000_000) == 3_250_000.0
    # one dollar into the second band: (3,250,000 + 0.0055) / 500,000,001
    assert limit.annual_rate(500_000_001) == pytest.approx((3_250_000 + 0.0055) / 500_000_001, rel=1e-15)


def test_annual_limit_at_day_one() -> None:
    # a tier table read at no assets: no limit dollars, and the first band's rate
    limit = TieredLimit((Tier(0, 500_000_000, RATE), Tier(500_000_000, None, Decimal("0.0055"))))
    assert (limit.annual_rate(0), limit.annual_amount(0)) == (0.0065, 0.0)


# --- capcalc -------------------------------------------------------------------------------------

HEADER = "Month,Portfolio,Average Net Assets,Days,Management Fee,Other Expenses\n"


def _report(tmp_path: Path, text: str, month: str, history: xlcap.History | None = None, **kwargs: Any) -> CapReport:
    """compute() over a small actuals file; the whole file is read, so compute() itself must pick the months."""
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    history = history or xlcap.default_history()
    return compute(read_actuals(path, history), pd.Period(month, "M"), history, **kwargs)


def _rows(report: CapReport) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["portfolio"], str(r["month"])): r for r in report.rows.to_dict("records")}


def test_the_fiscal_year_is_the_calendar_year_and_stops_at_the_month(tmp_path: Path) -> None:
    text = (
        "2007-12,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n"  # the previous fiscal year
        "2008-01,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n"
        "2008-02,Lazard Mid-Cap,250000000,29,140000.00,10000.00\n"  # after the report month
    )
    report = _report(tmp_path, text, "2008-01")
    assert list(_rows(report)) == [("Lazard Mid-Cap Portfolio", "2008-01")]
    jan = _rows(report)[("Lazard Mid-Cap Portfolio", "2008-01")]
    # January alone: 2,000,000 x 31 / 366 = 169,398.91; 180,000.00 - 169,398.91 = 10,601.09 (December is not carried)
    assert (jan["ytd_limit"], jan["ytd_covered"]) == (169_398.91, 180_000.00)
    assert (jan["ytd_waiver"], jan["waiver"]) == (10_601.09, 10_601.09)


def test_the_default_method_is_fiscal_year_to_date(tmp_path: Path) -> None:
    report = _report(tmp_path, "2008-01,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n", "2008-01")
    assert report.method == "fytd"


def test_an_unknown_method_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError) as info:
        _report(tmp_path, "2008-01,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n", "2008-01", method="weekly")
    assert str(info.value) == "method 'weekly' is not one of fytd, monthly"


def test_no_assets_gives_the_first_rate_and_no_dollars(tmp_path: Path) -> None:
    # a portfolio with no assets yet: the limit rate is the first tier's (1.25%), the dollar limit 0.00
    report = _report(tmp_path, "2008-01,Janus Forty,0,31,0,0\n", "2008-01")
    janus = _rows(report)[("Janus Forty Portfolio", "2008-01")]
    assert (janus["limit"], janus["annual_limit"], janus["limit_dollars"], janus["waiver"]) == (0.0125, 0.0, 0.0, 0.0)
    assert janus["gross_ratio"] is None and janus["net_ratio"] is None
    assert janus["status"] == "Within limit"


def test_before_any_schedule_there_is_no_annual_limit_not_a_zero_one(tmp_path: Path) -> None:
    report = _report(tmp_path, "2007-10,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n", "2007-10")
    october = _rows(report)[("Lazard Mid-Cap Portfolio", "2007-10")]
    assert october["annual_limit"] is None and pd.isna(october["amendment"])
    assert (october["limit"], october["status"]) == ("Not in force", "Not in force")


def test_the_schedule_key_is_what_the_workbook_formulas_build() -> None:
    # the Year-to-date formulas match on Amendment & "|" & Portfolio; a blank amendment cell gives "|Portfolio"
    assert schedule_key(12, "Lazard Mid-Cap Portfolio") == "12|Lazard Mid-Cap Portfolio"
    assert schedule_key(None, "Lazard Mid-Cap Portfolio") == "|Lazard Mid-Cap Portfolio"


def test_tier_table_rows_carry_their_amendment_and_portfolio(tmp_path: Path) -> None:
    report = _report(tmp_path, "2008-01,Batterymarch Growth and Income,1250000000,31,600000.00,80000.00\n", "2008-01")
    key = "12|Batterymarch Growth and Income Portfolio"
    assert [(t.key, t.amendment, t.portfolio, t.lower, t.upper, t.rate) for t in report.tiers] == [
        (key, 12, "Batterymarch Growth and Income Portfolio", 0.0, 500e6, 0.0065),
        (key, 12, "Batterymarch Growth and Income Portfolio", 500e6, 1e9, 0.0055),
        (key, 12, "Batterymarch Growth and Income Portfolio", 1e9, 1.5e9, 0.005),
        (key, 12, "Batterymarch Growth and Income Portfolio", 1.5e9, 2e9, 0.0045),
        (key, 12, "Batterymarch Growth and Income Portfolio", 2e9, OPEN_TIER, 0.004),
    ]


def test_one_managers_report_keeps_only_their_portfolios(tmp_path: Path) -> None:
    text = (
        "2008-01,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n"
        "2008-01,Batterymarch Growth and Income,1250000000,31,600000.00,80000.00\n"
    )
    full = _report(tmp_path, text, "2008-01")
    lazard = full.for_portfolios({"Lazard Mid-Cap Portfolio"})
    assert list(lazard.rows["portfolio"]) == ["Lazard Mid-Cap Portfolio"]
    assert list(lazard.rows.columns) == list(full.rows.columns)  # no stray index column
    assert list(lazard.rows.index) == [0]
    assert [(t.portfolio, t.rate) for t in lazard.tiers] == [("Lazard Mid-Cap Portfolio", 0.008)]
    assert [row.portfolio for _, row in lazard.schedule] == ["Lazard Mid-Cap Portfolio"]
    assert (lazard.month, lazard.method, lazard.source) == (full.month, full.method, full.source)
    assert full.source == str(tmp_path / "actuals.csv")


def test_schedule_rows_and_tiers_in_filed_order(tmp_path: Path) -> None:
    # Schedule A lists Met/AIM Capital Appreciation before Batterymarch Growth and Income: the workbook's
    # Schedule sheet and tier table follow the filing, not the alphabet
    text = (
        "2008-01,Batterymarch Growth and Income,1250000000,31,600000.00,80000.00\n"
        "2008-01,Met/AIM Capital Appreciation,100000000,31,80000.00,20000.00\n"
    )
    report = _report(tmp_path, text, "2008-01")
    assert [row.portfolio for _, row in report.schedule] == [
        "Met/AIM Capital Appreciation Portfolio", "Batterymarch Growth and Income Portfolio",
    ]  # fmt: skip
    assert [(t.portfolio, t.rate) for t in report.tiers][:2] == [
        ("Met/AIM Capital Appreciation Portfolio", 0.0125), ("Batterymarch Growth and Income Portfolio", 0.0065),
    ]  # fmt: skip
    assert len(report.tiers) == 6  # one flat tier, five Batterymarch tiers


@pytest.mark.parametrize("method", ["fytd", "monthly"])
def test_no_assets_in_either_method(tmp_path: Path, method: str) -> None:
    report = _report(tmp_path, "2008-01,Janus Forty,0,31,0,0\n", "2008-01", method=method)
    janus = _rows(report)[("Janus Forty Portfolio", "2008-01")]
    assert (janus["limit"], janus["limit_dollars"], janus["headroom"], janus["status"]) == (0.0125, 0.0, 0.0, "Within limit")


@pytest.mark.parametrize("method", ["fytd", "monthly"])
def test_a_fund_of_ten_dollars_at_its_limit_is_near_it(tmp_path: Path, method: str) -> None:
    # 1.25% x $10 = $0.125 a year; x 31 / 366 = 0.0106 -> 0.01 for the month; covered 0.01: headroom 0.00
    report = _report(tmp_path, "2008-01,Janus Forty,10,31,0.01,0\n", "2008-01", method=method)
    janus = _rows(report)[("Janus Forty Portfolio", "2008-01")]
    assert (janus["limit_dollars"], janus["covered"], janus["waiver"], janus["headroom"]) == (0.01, 0.01, 0.0, 0.0)
    assert janus["status"] == "Near limit"  # no headroom at all, however small the fund
    # asset-years = 10 x 31 / 366 = 310 / 366; gross ratio = 0.01 x 366 / 310 = 0.0118064516...
    assert janus["gross_ratio"] == pytest.approx(3.66 / 310, rel=1e-12)
    assert janus["net_ratio"] == pytest.approx(3.66 / 310, rel=1e-12)  # nothing waived: the same


@pytest.mark.parametrize("method", ["fytd", "monthly"])
def test_fifty_cents_over_the_limit_is_capped(tmp_path: Path, method: str) -> None:
    # limit 169,398.91 (2,000,000 x 31 / 366); covered 150,000.00 + 19,399.41 = 169,399.41: waiver 0.50
    report = _report(tmp_path, "2008-01,Lazard Mid-Cap,250000000,31,150000.00,19399.41\n", "2008-01", method=method)
    lazard = _rows(report)[("Lazard Mid-Cap Portfolio", "2008-01")]
    assert (lazard["waiver"], lazard["ytd_waiver"], lazard["headroom"], lazard["status"]) == (0.50, 0.50, 0.0, "Capped")


def test_monthly_method_caps_the_month_over_its_limit(tmp_path: Path) -> None:
    report = _report(tmp_path, "2008-01,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n", "2008-01", method="monthly")
    lazard = _rows(report)[("Lazard Mid-Cap Portfolio", "2008-01")]
    # 180,000.00 - 169,398.91 = 10,601.09 waived; no headroom
    assert (lazard["waiver"], lazard["ytd_waiver"], lazard["headroom"], lazard["status"]) == (10_601.09, 10_601.09, 0.0, "Capped")


def test_year_to_date_sums_the_months_in_force(tmp_path: Path) -> None:
    text = "2008-01,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n2008-02,Lazard Mid-Cap,250000000,29,140000.00,10000.00\n"
    feb = _rows(_report(tmp_path, text, "2008-02"))[("Lazard Mid-Cap Portfolio", "2008-02")]
    # 250,000,000 x 31 / 366 + 250,000,000 x 29 / 366 = 15,000,000,000 / 366 = 40,983,606.557
    assert feb["ytd_asset_years"] == pytest.approx(15_000_000_000 / 366, rel=1e-12)


@pytest.mark.parametrize("method", ["fytd", "monthly"])
def test_a_month_not_in_force_adds_nothing_to_the_year(tmp_path: Path, method: str) -> None:
    text = "2008-04,Lazard Mid-Cap,250000000,30,150000.00,30000.00\n2008-05,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n"
    may = _rows(_report(tmp_path, text, "2008-05", method=method))[("Lazard Mid-Cap Portfolio", "2008-05")]
    # April alone: limit 2,000,000 x 30 / 366 = 163,934.43; covered 180,000.00; 250,000,000 x 30 / 366 asset-years;
    # waiver 180,000.00 - 163,934.43 = 16,065.57 (the same in both methods: April is the year's only month in force)
    assert (may["ytd_limit"], may["ytd_covered"], may["ytd_waiver"]) == (163_934.43, 180_000.00, 16_065.57)
    assert may["ytd_asset_years"] == pytest.approx(7_500_000_000 / 366, rel=1e-12)
    assert (may["waiver"], may["status"]) == (0.0, "Not in force")
    assert pd.isna(may["headroom"]) and pd.isna(may["limit_dollars"])


MADE_UP_13 = """[[portfolio]]
name = "Lazard Mid-Cap Portfolio"
limit_text = "0.85%"
source_lines = [2, 2]
limit = { kind = "flat", rate = "0.85%" }
term_end = 2009-04-30

[[portfolio]]
name = "Test Growth Portfolio"
limit_text = "0.90%"
source_lines = [3, 3]
limit = { kind = "flat", rate = "0.90%" }
term_end = 2009-04-30
new_portfolio = true
"""


def test_each_month_priced_by_its_own_amendment_without_libreoffice(tmp_path: Path, data_dir: Path) -> None:
    """A made-up Amendment No. 13 (February 1, 2008): Lazard 0.85%, and a new Test Growth Portfolio at 0.90%."""
    text = "AMENDMENT NO. 13 (a test document, not a filing)\nLazard Mid-Cap Portfolio 0.85%\nTest Growth Portfolio 0.90%\n"
    add_test_amendment(data_dir, 13, "2008-02-01", text, MADE_UP_13)
    history = load_history(data_dir)
    actuals = (
        "2008-01,Lazard Mid-Cap,250000000,31,150000.00,30000.00\n"
        "2008-02,Lazard Mid-Cap,250000000,29,140000.00,10000.00\n"
        "2008-01,Test Growth,100000000,31,50000.00,10000.00\n"  # before No. 13: not in Schedule A yet
        "2008-02,Test Growth,100000000,29,50000.00,10000.00\n"
    )
    rows = _rows(_report(tmp_path, actuals, "2008-02", history))
    jan, feb = rows[("Lazard Mid-Cap Portfolio", "2008-01")], rows[("Lazard Mid-Cap Portfolio", "2008-02")]
    assert (jan["amendment"], jan["limit"], jan["limit_dollars"]) == (12, 0.008, 169_398.91)  # 2,000,000 x 31/366
    # 0.85% x 250,000,000 x 29 / 366 = 61,625,000 / 366 = 168,374.317 -> 168,374.32
    assert (feb["amendment"], feb["limit"], feb["limit_dollars"]) == (13, 0.0085, 168_374.32)
    new_jan, new_feb = rows[("Test Growth Portfolio", "2008-01")], rows[("Test Growth Portfolio", "2008-02")]
    assert pd.isna(new_jan["amendment"]) and (new_jan["limit"], new_jan["status"]) == ("Not in force", "Not in force")
    # 0.90% x 100,000,000 x 29 / 366 = 26,100,000 / 366 = 71,311.475 -> 71,311.48; covered 60,000.00
    assert (new_feb["amendment"], new_feb["limit_dollars"], new_feb["headroom"], new_feb["status"]) == (
        13, 71_311.48, 11_311.48, "Within limit",
    )  # fmt: skip


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
    text = "AMENDMENT NO. 13 (a test document, not a filing)\nLazard Mid-Cap Portfolio 0.85%\nTest Growth Portfolio 0.90%\n"
    add_test_amendment(data_dir, 13, "2008-02-01", text, MADE_UP_13)
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
    # Over 1,024 distinct name objects take pandas' own factorize; a blank (None or NaN) stays unknown there too
    typed: list[object] = [f"Fund {i}" for i in range(1_500)] + [None, float("nan"), "Lazard Mid-Cap", None]
    frame = xlcap.lookup_many(typed, 250e6, "2008-01-31")
    assert list(frame["status"][-4:]) == ["unknown_portfolio", "unknown_portfolio", "in_effect", "unknown_portfolio"]
    assert list(frame["annual_amount"][-4:].fillna(-1)) == [-1, -1, 2_000_000.0, -1]
    few = xlcap.lookup_many([None, "Lazard Mid-Cap", float("nan")], 250e6, "2008-01-31")
    assert list(few["status"]) == ["unknown_portfolio", "in_effect", "unknown_portfolio"]


def test_blank_date_cells_are_invalid_rows() -> None:
    frame = xlcap.lookup_many("Lazard Mid-Cap", 250e6, [None, "2008-01-31", float("nan"), "2008-05-01"])
    assert list(frame["status"]) == ["invalid_input", "in_effect", "invalid_input", "term_ended"]


def test_explain_uses_the_history_it_is_given(data_dir: Path) -> None:
    text = "AMENDMENT NO. 13 (a test document, not a filing)\nLazard Mid-Cap Portfolio 0.85%\nTest Growth Portfolio 0.90%\n"
    add_test_amendment(data_dir, 13, "2008-02-01", text, MADE_UP_13)
    history = load_history(data_dir)
    assert explain("Test Growth", 1e8, "2008-03-03", history=history) is None  # listed in No. 13
    assert isinstance(explain("Test Growth", 1e8, "2008-03-03"), xlcap.UnknownPortfolioError)  # not in the bundled data


def test_no_rows_in_no_rows_out() -> None:
    frame = xlcap.lookup_many([], [], [])
    assert len(frame) == 0
    assert list(frame.columns) == ["portfolio", "status", "rate", "annual_amount", "amendment", "term_end"]


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
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = xlcap.lookup_many(["Batterymarch Growth and Income", "Lazard Mid-Cap"], 0.0, "2008-01-31")
    assert list(frame["rate"]) == [0.0065, 0.008]  # the first tier's rate
    assert list(frame["annual_amount"]) == [0.0, 0.0]
