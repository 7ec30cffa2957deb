"""Cap versus actual at its edges (xlcap/report/compute.py), in Python, without LibreOffice.

Edges that mutation testing (tools/mutation.py) found no test guarding. Each test states the rule
from the contract or the calendar and a hand-worked answer; none is read back from the code under test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import xlcap
from tests.conftest import TEST_GROWTH_13, TEST_GROWTH_13_TEXT, add_test_amendment
from xlcap.agreements.datafiles import load_history
from xlcap.report.actuals import read_actuals
from xlcap.report.compute import OPEN_TIER, CapReport, compute, schedule_key

HEADER = "Month,Portfolio,Average Net Assets,Days,Management Fee,Other Expenses\n"


def _report(tmp_path: Path, text: str, month: str, history: xlcap.History | None = None, **kwargs: Any) -> CapReport:
    """compute() over a small actuals file; the whole file is read, so compute() itself must pick the months."""
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + text, encoding="utf-8")
    history = history or xlcap.default_history()
    return compute(read_actuals(path, history), pd.Period(month, "M"), history, **kwargs)


def _rows(report: CapReport) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["portfolio"], str(r["month"])): r for r in report.frame().to_dict("records")}


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
    assert (october["limit"], october["status"]) == ("No schedule on file", "No schedule on file")


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
    assert list(lazard.frame()["portfolio"]) == ["Lazard Mid-Cap Portfolio"]
    assert list(lazard.frame().columns) == list(full.frame().columns)  # no stray index column
    assert list(lazard.frame().index) == [0]
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
    assert (may["waiver"], may["status"]) == (0.0, "Term ended")
    assert pd.isna(may["headroom"]) and pd.isna(may["limit_dollars"])


def test_each_month_priced_by_its_own_amendment_without_libreoffice(tmp_path: Path, data_dir: Path) -> None:
    """A made-up Amendment No. 13 (February 1, 2008): Lazard 0.85%, and a new Test Growth Portfolio at 0.90%."""
    add_test_amendment(data_dir, 13, "2008-02-01", TEST_GROWTH_13_TEXT, TEST_GROWTH_13)
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
    assert pd.isna(new_jan["amendment"]) and (new_jan["limit"], new_jan["status"]) == ("No schedule on file",) * 2
    # 0.90% x 100,000,000 x 29 / 366 = 26,100,000 / 366 = 71,311.475 -> 71,311.48; covered 60,000.00
    assert (new_feb["amendment"], new_feb["limit_dollars"], new_feb["headroom"], new_feb["status"]) == (
        13, 71_311.48, 11_311.48, "Within limit",
    )  # fmt: skip


def test_a_term_ending_inside_a_month_is_said_not_silently_dropped(tmp_path: Path, data_dir: Path) -> None:
    # A termination notice on 2008-01-15 with the agreement's 90 days ends Lazard's term on 2008-04-14
    # (January 15 + 16 days = January 31, + 29 = February 29, + 31 = March 31, + 14 = April 14: 90 days).
    (data_dir / "events.toml").write_text(
        '[[termination]]\nportfolio = "Lazard Mid-Cap"\nnotice = 2008-01-15\nreference = "letter (made up)"\n',
        encoding="utf-8",
    )
    history = load_history(data_dir)
    text = "".join(
        f"2008-0{m},Lazard Mid-Cap,250000000,{d},150000.00,30000.00\n" for m, d in ((1, 31), (2, 29), (3, 31), (4, 30))
    )
    report = _report(tmp_path, text, "2008-04", history)
    assert _rows(report)[("Lazard Mid-Cap Portfolio", "2008-04")]["status"] == "Term ended"
    assert report.ytd_notes() == [
        "The limitation of Lazard Mid-Cap Portfolio ended on 2008-04-14, inside April 2008 (termination noticed "
        "2008-01-15: letter (made up)): xlcap prices whole months, so that month shows Term ended and its 14 days in "
        "force are not tested against the limit; check them by hand."
    ]
    assert _report(tmp_path, text, "2008-03", history).ytd_notes() == []  # March is whole and in force
