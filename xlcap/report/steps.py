"""The month-end computation, one typed step at a time: pricing, the year to date, the status.

One MonthRecord per (portfolio, share class, month). Each step is a small function of the step
before, so a later step (recoupment) can take the records as they are:

- price(): the Schedule A row in force for the portfolio and class on the month end (the same
  class rule as the lookups: xlcap/agreements/lookup.py row_for_class), its tiers, the limit rate
  (or why no limit is in force) and the limit in dollars for the month's days;
- accumulate(): the year to date of one (portfolio, class), from the month before's figures;
- status_of(): the word (xlcap/report/status.py) the figures earn.

The workbook's formulas follow the same steps in the same order (xlcap/report/workbook_ytd.py),
rounding money to the cent where a reported amount is made, so Python and Excel agree to the cent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from xlcap.agreements.limits import days_in_year
from xlcap.agreements.lookup import row_for_class
from xlcap.agreements.names import class_key
from xlcap.agreements.schedule import Amendment, History, ScheduleRow
from xlcap.money import excel_round
from xlcap.report.actuals import ActualRow, month_end
from xlcap.report.status import CAPPED, NO_LIMIT, NO_LIMIT_TEXT, NO_SCHEDULE, REVERSAL, TERM_ENDED, WITHIN_LIMIT
from xlcap.report.status import NEAR_LIMIT as NEAR

Method = Literal["fytd", "monthly"]
OPEN_TIER = 1e15  # the "To" of an open-ended tier: above any asset figure


@dataclass(frozen=True)
class Tier:
    key: str  # schedule_key: "amendment|portfolio", then "|classes" for a row of some share classes
    amendment: int
    portfolio: str
    lower: float
    upper: float  # OPEN_TIER when open-ended
    rate: float
    classes: str = ""  # the row's class group (class_group); "" for a row of every class


def class_group(row: ScheduleRow | None) -> str:
    """The classes a Schedule A row prices, as its key says them ("A" or "A,C"); "" for a row of every class."""
    if row is None or row.share_classes is None:
        return ""
    return ",".join(sorted(class_key(c) for c in row.share_classes))


def schedule_key(amendment: int | None, portfolio: str, classes: str = "") -> str:
    """The key the workbook's formulas match Schedule A and its tiers on: one per row, so one per class group."""
    return f"{'' if amendment is None else amendment}|{portfolio}" + (f"|{classes}" if classes else "")


def row_tiers(amendment: Amendment, row: ScheduleRow) -> list[Tier]:
    """The row's tiers for the workbook's tier table: a flat limit is one open tier, "None" has none."""
    classes = class_group(row)
    key = schedule_key(amendment.number, row.portfolio, classes)
    return [
        Tier(key, amendment.number, row.portfolio, lo, OPEN_TIER if hi is None else hi, r, classes) for lo, hi, r in row.tiers
    ]


def schedule_state(
    history: History, portfolio: str, on: dt.date, share_class: str | None = None
) -> tuple[Amendment | None, ScheduleRow | None, str | None]:
    """The amendment and Schedule A row for `portfolio` (and `share_class`) on `on`, and why no limit is in force.

    Before the first amendment on file, or before the amendment that first lists the portfolio: no schedule on
    file. After its term end with no continuance, or once a later amendment drops it: term ended (the amendment
    in force is returned, so the reader sees which schedule no longer covers it).
    """
    amendment = history.in_force(on)
    if amendment is None:
        return None, None, NO_SCHEDULE
    rows = amendment.rows_for(portfolio)
    if not rows:
        dropped = history.last_listing(portfolio, amendment.date) is not None
        return (amendment, None, TERM_ENDED) if dropped else (None, None, NO_SCHEDULE)
    # With a class: the lookups' class rule. Without one, the first row still says whether a schedule covers the
    # portfolio (completeness asks only that); price() refuses to price a per-class portfolio without a class.
    row = row_for_class(tuple(rows), portfolio, share_class) if share_class is not None else rows[0]
    if row.term_end is not None and on > row.term_end:
        return amendment, row, TERM_ENDED
    return amendment, row, None


def annual_limit(tiers: list[Tier] | tuple[Tier, ...], assets: float) -> float:
    """Each tier's rate on its slice, summed in tier order: the workbook's SUMPRODUCT, step for step."""
    total = 0.0
    for t in tiers:
        top = assets if assets < t.upper else t.upper
        total += t.rate * (top - t.lower) * (assets > t.lower)
    return total


@dataclass(frozen=True, slots=True)
class Pricing:
    """Step 1: what the agreement allows this (portfolio, class) for the month, at the month's assets."""

    amendment: Amendment | None  # the amendment in force (also when it no longer covers the portfolio)
    row: ScheduleRow | None  # the Schedule A row that prices the class; None: no row
    key: str  # schedule_key of the row ("|portfolio" when there is none)
    tiers: tuple[Tier, ...]
    annual_limit: float | None  # dollars a year at the month's assets; None without a row
    limit: float | str  # the rate (blended over tiers), or why none is in force: TERM_ENDED, NO_SCHEDULE, "None"
    limit_dollars: float | None  # the month's limit in dollars (days / days in year), to the cent; None: no limit

    @property
    def live(self) -> bool:
        """A limit is in force: the month counts towards the year to date."""
        return isinstance(self.limit, float)


def price(history: History, actual: ActualRow, tiers_of: dict[str, tuple[Tier, ...]] | None = None) -> Pricing:
    """Step 1 for one actuals row. `tiers_of` caches each row's tiers by key across the months of a report."""
    end = month_end(actual.month)
    amendment, row, lapsed = schedule_state(history, actual.portfolio, end, actual.share_class)
    if amendment is not None and row is not None and actual.share_class is None:
        row_for_class(tuple(amendment.rows_for(actual.portfolio)), actual.portfolio, None)  # limits by class: refused
    tiers: tuple[Tier, ...]
    if amendment is None or row is None:
        key, tiers = schedule_key(None, actual.portfolio), ()
    else:
        key = schedule_key(amendment.number, row.portfolio, class_group(row))
        cache = tiers_of if tiers_of is not None else {}
        tiers = cache.get(key) or cache.setdefault(key, tuple(row_tiers(amendment, row)))
    assets = actual.average_net_assets
    annual = annual_limit(tiers, assets) if row else None
    limit: float | str
    if lapsed is not None:
        limit = lapsed
    elif not tiers:
        limit = NO_LIMIT_TEXT
    else:
        limit = annual / assets if assets > 0 and annual is not None else tiers[0].rate
    live = isinstance(limit, float)
    dollars = excel_round(annual * actual.days / days_in_year(end.year)) if live and annual is not None else None
    return Pricing(amendment, row, key, tiers, annual, limit, dollars)


@dataclass(frozen=True, slots=True)
class YearToDate:
    """Step 2: one (portfolio, class)'s running figures through the month, and the month's waiver."""

    ytd_limit: float
    ytd_covered: float
    ytd_asset_years: float
    ytd_waiver: float
    waiver: float  # the month's waiver / reimbursement; negative: a reversal
    headroom: float | None  # room under the limit (YTD for "fytd", the month for "monthly"); None: no limit


START = YearToDate(0.0, 0.0, 0.0, 0.0, 0.0, None)  # before a (portfolio, class)'s first month of the fiscal year


def accumulate(before: YearToDate, pricing: Pricing, covered: float, asset_years: float, method: Method) -> YearToDate:
    """Step 2: the month added to the year to date of its own (portfolio, class); months without a limit add nothing."""
    live = pricing.live
    dollars = pricing.limit_dollars if live and pricing.limit_dollars is not None else 0.0
    ytd_limit = excel_round(dollars + before.ytd_limit)
    ytd_covered = excel_round((covered if live else 0.0) + before.ytd_covered)
    ytd_asset_years = (asset_years if live else 0.0) + before.ytd_asset_years
    if method == "fytd":
        ytd_waiver = excel_round(max(0.0, ytd_covered - ytd_limit)) if live else before.ytd_waiver
        waiver = excel_round(ytd_waiver - before.ytd_waiver)
        headroom = excel_round(max(0.0, ytd_limit - ytd_covered)) if live else None
    else:
        waiver = excel_round(max(0.0, covered - dollars)) if live else 0.0
        ytd_waiver = excel_round(waiver + before.ytd_waiver)
        headroom = excel_round(max(0.0, dollars - covered)) if live else None
    return YearToDate(ytd_limit, ytd_covered, ytd_asset_years, ytd_waiver, waiver, headroom)


def status_of(pricing: Pricing, ytd: YearToDate, covered: float, method: Method, near_share: float) -> str:
    """Step 3: the status word the month's figures earn (xlcap/report/status.py)."""
    if not pricing.live:
        return NO_LIMIT if pricing.limit == NO_LIMIT_TEXT else str(pricing.limit)
    if ytd.waiver < 0:
        return REVERSAL
    if method == "fytd":  # no assets, no limit: nothing is near
        capped = ytd.ytd_waiver > 0
        near = ytd.ytd_limit > 0 and ytd.ytd_covered >= near_share * ytd.ytd_limit
    else:
        dollars = pricing.limit_dollars or 0.0
        capped = ytd.waiver > 0
        near = dollars > 0 and covered >= near_share * dollars
    return CAPPED if capped else NEAR if near else WITHIN_LIMIT


@dataclass(frozen=True, slots=True)
class MonthRecord:
    """One (portfolio, share class, month) of the fiscal year to date: the inputs and every figure made from them."""

    portfolio: str
    share_class: str | None  # as Schedule A spells it (else its key, "A" for "Class A"); None: the whole portfolio
    month: pd.Period
    month_end: dt.date
    amendment: int | None
    schedule_key: str  # the Schedule A row that priced it (schedule_key); "|portfolio" when none did
    class_group: str  # that row's classes ("A" or "A,C"); "" for a row of every class, or none
    days: int
    average_net_assets: float
    management_fee: float
    other_expenses: float
    distribution_12b1: float
    interest: float
    taxes: float
    brokerage: float
    extraordinary: float
    source_row: int
    covered: float
    days_in_year: int
    asset_years: float
    annual_limit: float | None
    limit: float | str
    limit_dollars: float | None
    gross_ratio: float | None
    gross_ratio_12b1: float | None  # covered + 12b-1 over asset-years: ties to the prospectus fee table
    ytd_limit: float
    ytd_covered: float
    ytd_asset_years: float
    ytd_waiver: float
    waiver: float
    net_ratio: float | None
    ytd_gross_ratio: float | None
    ytd_net_ratio: float | None
    headroom: float | None
    status: str
    waiver_booked: float | None
    true_up: float | None
    reconciliation: str
    entry: str
    interpreted: bool

    @property
    def class_key(self) -> str:
        """The class as the key matches it ("" for the whole portfolio): what the year to date runs per."""
        return class_key(self.share_class) if self.share_class else ""

    @property
    def live(self) -> bool:
        return isinstance(self.limit, float)

    def ytd(self) -> YearToDate:
        """This month's year to date, for the next month of the same (portfolio, class)."""
        return YearToDate(self.ytd_limit, self.ytd_covered, self.ytd_asset_years, self.ytd_waiver, self.waiver, self.headroom)
