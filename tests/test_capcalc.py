"""Cap versus actual, worked by hand from Schedule A and tests/actuals/hand.csv.

Schedule A (Amendment No. 12): Lazard Mid-Cap 0.80%; Janus Forty 1.25%; Rainier Large Cap
Equity 0.80% (added Nov 1, 2007); PIMCO Total Return "None"; Batterymarch Growth and Income
0.65% to $500M, 0.55% to $1B, 0.50% to $1.5B (restored), 0.45% to $2B, 0.40% above.
Covered expenses = management fee + other expenses. 2008 has 366 days, 2007 has 365.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import xlcap
from xlcap.report.actuals import read_actuals
from xlcap.report.compute import CapReport, compute

HAND = Path(__file__).parent / "actuals" / "hand.csv"


def report(month: str, method: str = "fytd") -> CapReport:
    history = xlcap.default_history()
    period = pd.Period(month, "M")
    return compute(read_actuals(HAND, history, period), period, history, method)  # type: ignore[arg-type]


def row(r: CapReport, portfolio: str, month: str | None = None) -> dict[str, Any]:
    rows = r.frame()
    frame = rows[(rows["portfolio"] == portfolio) & (rows["month"] == pd.Period(month or str(r.month), "M"))]
    assert len(frame) == 1
    return {str(k): v for k, v in frame.iloc[0].to_dict().items()}


def test_capped_flat_limit_first_month_of_the_year() -> None:
    lazard = row(report("2008-01"), "Lazard Mid-Cap Portfolio")
    # covered = 150,000.00 + 30,000.00 = 180,000.00 (12b-1 and brokerage excluded)
    assert lazard["covered"] == 180_000.00
    # limit $ = 0.80% x 250,000,000 x 31 / 366 = 62,000,000 / 366 = 169,398.907 -> 169,398.91
    assert lazard["limit"] == 0.008
    assert lazard["limit_dollars"] == 169_398.91
    # first month of the fiscal year: YTD waiver = 180,000.00 - 169,398.91 = 10,601.09, all of it this month
    assert lazard["ytd_waiver"] == 10_601.09
    assert lazard["waiver"] == 10_601.09
    assert lazard["headroom"] == 0.0
    # gross ratio = 180,000 / (250,000,000 x 31/366) = 65,880,000 / 7,750,000,000
    assert lazard["gross_ratio"] == pytest.approx(65_880_000 / 7_750_000_000, rel=1e-12)
    # net ratio = (180,000.00 - 10,601.09) x 366 / 7,750,000,000 = 169,398.91 x 366 / 7,750,000,000
    #           = 62,000,001.06 / 7,750,000,000 (a hair over 0.80%: the limit was rounded to the cent)
    assert lazard["net_ratio"] == pytest.approx(62_000_001.06 / 7_750_000_000, rel=1e-12)
    assert lazard["status"] == "Capped"


def test_fiscal_year_to_date_trues_up_the_second_month() -> None:
    lazard = row(report("2008-02"), "Lazard Mid-Cap Portfolio")
    # Feb: limit $ = 2,000,000 x 29 / 366 = 58,000,000 / 366 = 158,469.945 -> 158,469.95; covered 150,000.00
    assert lazard["limit_dollars"] == 158_469.95
    # YTD limit = 169,398.91 + 158,469.95 = 327,868.86; YTD covered = 180,000.00 + 150,000.00 = 330,000.00
    assert lazard["ytd_limit"] == 327_868.86
    assert lazard["ytd_covered"] == 330_000.00
    # YTD waiver = 330,000.00 - 327,868.86 = 2,131.14; this month = 2,131.14 - 10,601.09 = -8,469.95 (a reversal)
    assert lazard["ytd_waiver"] == 2_131.14
    assert lazard["waiver"] == -8_469.95
    # still capped for the year, but this month gives back part of January's waiver: the row says so
    assert lazard["status"] == "Waiver reversed"


def test_monthly_method_tests_each_month_alone() -> None:
    lazard = row(report("2008-02", "monthly"), "Lazard Mid-Cap Portfolio")
    # Feb alone: 150,000.00 < 158,469.95: no waiver; headroom 8,469.95; YTD waiver stays January's 10,601.09
    assert lazard["waiver"] == 0.0
    assert lazard["headroom"] == 8_469.95
    assert lazard["ytd_waiver"] == 10_601.09
    # Near limit is a share of the limit (default 95%): 0.95 x 158,469.95 = 150,546.45 > 150,000.00 (94.66% of
    # the limit): within. (The old rule, headroom within 5 bp a year, flagged it: 0.000428 a year.)
    assert lazard["status"] == "Within limit"


@pytest.mark.parametrize(("share", "status"), [(0.9466, "Within limit"), (0.9465, "Near limit"), (1.0, "Within limit")])
def test_near_limit_is_a_share_of_the_limit_and_a_setting(share: float, status: str) -> None:
    # Lazard, February alone (monthly): covered 150,000.00 against a limit of 158,469.95.
    # 0.9466 x 158,469.95 = 150,007.65 > 150,000.00: within; 0.9465 x 158,469.95 = 149,991.80 <= 150,000.00: near.
    period = pd.Period("2008-02", "M")
    history = xlcap.default_history()
    got = compute(read_actuals(HAND, history, period), period, history, "monthly", near_share=share)
    assert row(got, "Lazard Mid-Cap Portfolio")["status"] == status


@pytest.mark.parametrize("share", [0.0, -0.5, 1.01, float("nan")])
def test_a_near_share_that_is_not_a_share_is_refused(share: float) -> None:
    period = pd.Period("2008-01", "M")
    history = xlcap.default_history()
    with pytest.raises(ValueError, match="near_share"):
        compute(read_actuals(HAND, history, period), period, history, near_share=share)


def test_tiered_batterymarch() -> None:
    bm = row(report("2008-01"), "Batterymarch Growth and Income Portfolio")
    # annual limit at $1.25B: 0.65% x 500M + 0.55% x 500M + 0.50% x 250M = 3,250,000 + 2,750,000 + 1,250,000
    assert bm["annual_limit"] == pytest.approx(7_250_000.0, rel=1e-12)
    assert bm["limit"] == pytest.approx(0.0058, rel=1e-12)  # 7,250,000 / 1,250,000,000
    # limit $ = 7,250,000 x 31 / 366 = 224,750,000 / 366 = 614,071.038 -> 614,071.04
    assert bm["limit_dollars"] == 614_071.04
    # covered 600,000.00 + 80,000.00 = 680,000.00; waiver = 680,000.00 - 614,071.04 = 65,928.96
    assert bm["waiver"] == 65_928.96
    assert bm["status"] == "Capped"
    assert bm["interpreted"]


def test_no_limit() -> None:
    pimco = row(report("2008-01"), "PIMCO Total Return Portfolio")
    assert (pimco["limit"], pimco["status"], pimco["waiver"]) == ("None", "No limit", 0.0)
    assert pd.isna(pimco["limit_dollars"]) and pd.isna(pimco["headroom"])
    # gross ratio = 1,400,000 x 366 / (3,000,000,000 x 31) = 512,400,000 / 93,000,000,000
    assert pimco["gross_ratio"] == pytest.approx(512_400_000 / 93_000_000_000, rel=1e-12)


def test_rainier_first_month_starts_mid_month() -> None:
    rainier = row(report("2007-12"), "Rainier Large Cap Equity Portfolio")
    # 29 days (from December 3): limit $ = 0.80% x 40,000,000 x 29 / 365 = 9,280,000 / 365 = 25,424.657 -> 25,424.66
    assert rainier["days"] == 29
    assert rainier["limit_dollars"] == 25_424.66
    # covered 28,000.00: waiver = 28,000.00 - 25,424.66 = 2,575.34, its whole year to date
    assert rainier["waiver"] == 2_575.34
    assert rainier["ytd_waiver"] == 2_575.34
    assert rainier["status"] == "Capped"


def test_near_limit_at_95_percent_of_the_limit() -> None:
    janus = row(report("2008-01"), "Janus Forty Portfolio")
    # limit $ = 1.25% x 100,000,000 x 31 / 366 = 38,750,000 / 366 = 105,874.316 -> 105,874.32
    # covered = 80,000.00 + 25,500.00 = 105,500.00 (the 75,000 extraordinary expense is excluded)
    assert janus["covered"] == 105_500.00
    assert janus["headroom"] == 374.32
    # 105,500.00 >= 0.95 x 105,874.32 = 100,580.60 (it is at 99.65% of its limit)
    assert janus["status"] == "Near limit"


def test_no_schedule_before_the_first_amendment_and_term_ended_after_the_term() -> None:
    october = row(report("2007-12"), "Lazard Mid-Cap Portfolio", "2007-10")
    # Amendment No. 12 (November 1, 2007) is the first on file: October has no schedule, not an ended term.
    assert (october["limit"], october["status"], october["waiver"]) == ("No schedule on file",) * 2 + (0.0,)
    assert pd.isna(october["amendment"])
    may = row(report("2008-05"), "Lazard Mid-Cap Portfolio")
    # Lazard's term under No. 12 runs "until April 30, 2008"; events.toml records no continuance.
    assert (may["limit"], may["status"], may["waiver"], may["amendment"]) == ("Term ended", "Term ended", 0.0, 12)
    # The year to date stops at April 30: May adds nothing; the waiver owed stays February's 2,131.14
    assert may["ytd_waiver"] == 2_131.14
    assert may["ytd_covered"] == 330_000.00
