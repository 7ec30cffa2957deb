"""Cap versus actual: per portfolio and month, the limit in dollars, the waiver owed, ratios and status.

Every number here is also a live formula in the workbook (xlcap/report/workbook.py); both follow the
same steps in the same order, rounding money to the cent only where a reported amount is made,
so Python and the workbook agree to the cent. Definitions:

- covered expenses = management fee + other expenses (12b-1, interest, taxes, brokerage and
  extraordinary expenses are excluded by the agreement);
- annual limit at the month's average net assets: each tier's rate on its slice of assets;
  limit rate = annual limit / assets (blended over tiers);
- limit $ for the month = annual limit x days / days in the (calendar = fiscal) year;
- method "fytd" (fiscal year to date, pro rata; the default): waiver owed to date =
  max(0, YTD covered - YTD limit $), over the months the limit is in force; this month's
  waiver = the change in it (negative: a reversal of earlier waivers);
- method "monthly" (monthly annualised): this month's waiver = max(0, covered - limit $);
- gross / net ratio = covered (before / after this month's waiver) / (assets x days / days in year); the
  same over the year to date (the months a limit is in force): YTD covered (less the YTD waiver) / YTD asset-years;
- near limit: expenses at or above a share of the limit (default 95%; YTD for "fytd");
- a negative waiver this month (expenses back under the limit) is a reversal, and says so;
- reconciliation: the month's waiver against the waiver booked, where the actuals give it
  (xlcap/report/reconcile.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from xlcap.agreements.limits import days_in_year
from xlcap.agreements.schedule import Amendment, History, ScheduleRow
from xlcap.money import excel_round
from xlcap.report.actuals import Actuals, month_end
from xlcap.report.reconcile import DEFAULT_TOLERANCE, reconcile
from xlcap.report.status import (
    CAPPED,
    DEFAULT_NEAR_SHARE,
    NO_LIMIT,
    NO_LIMIT_TEXT,
    NO_SCHEDULE,
    REVERSAL,
    TERM_ENDED,
    WITHIN_LIMIT,
)
from xlcap.report.status import NEAR_LIMIT as NEAR

Method = Literal["fytd", "monthly"]
METHODS: dict[str, str] = {
    "fytd": "Fiscal year to date, pro rata: the waiver / reimbursement due to date is the year-to-date operating "
    "expenses subject to the limit less the "
    "year-to-date limit (each month's limit pro rata by days); each month records the change.",
    "monthly": "Monthly annualised: each month's operating expenses subject to the limit are tested against that "
    "month's limit "
    "(the annual limit pro rata by days); the excess is waived for that month.",
}
OPEN_TIER = 1e15  # the "To" of an open-ended tier: above any asset figure


@dataclass(frozen=True)
class Tier:
    key: str  # "amendment|portfolio"
    amendment: int
    portfolio: str
    lower: float
    upper: float  # OPEN_TIER when open-ended
    rate: float


@dataclass(frozen=True)
class CapReport:
    """The computed report for one month: every fiscal-year row, and the schedule rows they used."""

    month: pd.Period
    method: Method
    rows: pd.DataFrame  # one row per portfolio and month of the fiscal year to date, sorted by portfolio, month
    schedule: list[tuple[Amendment, ScheduleRow]]  # rows of Schedule A used, in amendment then filed order
    tiers: list[Tier]
    source: str
    near_share: float = DEFAULT_NEAR_SHARE  # "Near limit": expenses at or above this share of the limit
    tolerance: float = DEFAULT_TOLERANCE  # reconciliation: a true-up this small (dollars) needs no entry

    @property
    def summary(self) -> pd.DataFrame:
        return self.rows[self.rows["month"] == self.month]

    def ytd_starts(self) -> dict[pd.Period, list[str]]:
        """Portfolios whose year to date starts after the fiscal year's first month, by the month it starts."""
        if self.rows.empty:
            return {}
        first = self.rows.groupby("portfolio", sort=False)["month"].min()
        starts: dict[pd.Period, list[str]] = {}
        for portfolio, month in first.items():
            if month.month != 1:  # fiscal year = calendar year
                starts.setdefault(month, []).append(str(portfolio))
        return dict(sorted(starts.items()))

    def ytd_notes(self, most_names: int = 3) -> list[str]:
        """One sentence per late start, so a partial year is never read as a whole one; empty when none starts late."""
        total = self.rows["portfolio"].nunique() if not self.rows.empty else 0
        notes = []
        for month, names in self.ytd_starts().items():
            who = ", ".join(names) if len(names) <= most_names else f"{len(names)} portfolios"
            if len(names) == total and total > most_names:
                who = f"every portfolio ({total})"
            notes.append(
                f"Year to date runs from {month.strftime('%B %Y')}, not January {month.year}, for {who}: the actuals hold "
                f"no earlier month of {month.year} for {'it' if len(names) == 1 else 'them'}."
            )
        return notes + self._mid_month_ends()

    def _mid_month_ends(self) -> list[str]:
        """A term that ends inside a month (a termination notice): whole months are priced, so say what is not tested."""
        notes = []
        for _, row in self.schedule:
            end = row.term_end
            if end is None or end.day == month_end(pd.Period(end, freq="M")).day:
                continue
            period = pd.Period(end, freq="M")
            if period.year == self.month.year and period <= self.month:
                notes.append(
                    f"The limitation of {row.portfolio} ended on {end.isoformat()}, inside {period.strftime('%B %Y')} "
                    f"({row.term_basis}): xlcap prices whole months, so that month shows Term ended and its {end.day} "
                    "days in force are not tested against the limit; check them by hand."
                )
        return notes

    def for_portfolios(self, portfolios: set[str]) -> CapReport:
        """The same report narrowed to some portfolios (one manager's workbook)."""
        rows = self.rows[self.rows["portfolio"].isin(portfolios)].reset_index(drop=True)
        schedule = [(a, r) for a, r in self.schedule if r.portfolio in portfolios]
        tiers = [t for t in self.tiers if t.portfolio in portfolios]
        return CapReport(self.month, self.method, rows, schedule, tiers, self.source, self.near_share, self.tolerance)


def schedule_key(amendment: int | None, portfolio: str) -> str:
    return f"{'' if amendment is None else amendment}|{portfolio}"


def row_tiers(amendment: Amendment, row: ScheduleRow) -> list[Tier]:
    """The row's tiers for the workbook's tier table: a flat limit is one open tier, "None" has none."""
    key = schedule_key(amendment.number, row.portfolio)
    return [Tier(key, amendment.number, row.portfolio, lo, OPEN_TIER if hi is None else hi, r) for lo, hi, r in row.tiers]


def schedule_state(history: History, portfolio: str, on: dt.date) -> tuple[Amendment | None, ScheduleRow | None, str | None]:
    """The amendment and Schedule A row for `portfolio` on `on`, and why no limit is in force (None: one is, or "None").

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
    row = rows[0]
    if row.term_end is not None and on > row.term_end:
        return amendment, row, TERM_ENDED
    return amendment, row, None


def annual_limit(tiers: list[Tier], assets: float) -> float:
    """Each tier's rate on its slice, summed in tier order: the workbook's SUMPRODUCT, step for step."""
    total = 0.0
    for t in tiers:
        top = assets if assets < t.upper else t.upper
        total += t.rate * (top - t.lower) * (assets > t.lower)
    return total


def _carried(prev: dict[str, object], name: str) -> float:
    """The portfolio's previous month's running figure, 0 in its first month of the year."""
    value = prev.get(name, 0.0)
    return float(value)  # type: ignore[arg-type]


def compute(
    actuals: Actuals,
    month: pd.Period,
    history: History,
    method: Method = "fytd",
    near_share: float = DEFAULT_NEAR_SHARE,
    tolerance: float = DEFAULT_TOLERANCE,
) -> CapReport:
    """The cap-versus-actual report for `month` over its fiscal (calendar) year to date."""
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    if not 0 < near_share <= 1:
        raise ValueError(f"near_share {near_share!r} is not a share of the limit; valid: more than 0, at most 1 (0.95 = 95%)")
    if not tolerance >= 0:
        raise ValueError(f"tolerance {tolerance!r} is not an amount of dollars; valid: 0 or more")
    order = {name: i for i, name in enumerate(history.names.canonical)}  # Schedule A order, as filed
    year = sorted(
        (r for r in actuals.rows if r.month <= month and r.month.year == month.year),
        key=lambda r: (order[r.portfolio], r.month),
    )
    used: dict[str, tuple[Amendment, ScheduleRow]] = {}
    tiers_by_key: dict[str, list[Tier]] = {}
    out: list[dict[str, object]] = []
    previous: dict[str, dict[str, object]] = {}
    for rec in year:
        end = month_end(rec.month)
        amendment, row, lapsed = schedule_state(history, rec.portfolio, end)
        key = schedule_key(amendment.number if amendment and row else None, rec.portfolio)
        if amendment and row:
            used.setdefault(key, (amendment, row))
            tiers_by_key.setdefault(key, row_tiers(amendment, row))
        tiers = tiers_by_key.get(key, [])
        prev = previous.get(rec.portfolio, {})

        covered = excel_round(rec.management_fee + rec.other_expenses)
        year_days = days_in_year(end.year)
        asset_years = rec.average_net_assets * rec.days / year_days
        annual = annual_limit(tiers, rec.average_net_assets) if row else None
        if lapsed is not None:
            limit: float | str = lapsed
        elif not tiers:
            limit = NO_LIMIT_TEXT
        else:
            limit = annual / rec.average_net_assets if rec.average_net_assets > 0 and annual is not None else tiers[0].rate
        live = isinstance(limit, float)
        limit_dollars = excel_round(annual * rec.days / year_days) if live and annual is not None else None
        ytd_limit = excel_round((limit_dollars if live else 0.0) + _carried(prev, "ytd_limit"))  # type: ignore[operator]
        ytd_covered = excel_round((covered if live else 0.0) + _carried(prev, "ytd_covered"))
        ytd_asset_years = (asset_years if live else 0.0) + _carried(prev, "ytd_asset_years")
        if method == "fytd":
            ytd_waiver = excel_round(max(0.0, ytd_covered - ytd_limit)) if live else _carried(prev, "ytd_waiver")
            waiver = excel_round(ytd_waiver - _carried(prev, "ytd_waiver"))
            headroom = excel_round(max(0.0, ytd_limit - ytd_covered)) if live else None
            capped = ytd_waiver > 0
            near = live and ytd_limit > 0 and ytd_covered >= near_share * ytd_limit  # no assets, no limit: nothing is near
        else:
            waiver = excel_round(max(0.0, covered - limit_dollars)) if live else 0.0  # type: ignore[operator]
            ytd_waiver = excel_round(waiver + _carried(prev, "ytd_waiver"))
            headroom = excel_round(max(0.0, limit_dollars - covered)) if live else None  # type: ignore[operator]
            capped = waiver > 0
            near = live and limit_dollars > 0 and covered >= near_share * limit_dollars  # type: ignore[operator]
        if not live:
            status = NO_LIMIT if limit == NO_LIMIT_TEXT else str(limit)
        else:
            status = REVERSAL if waiver < 0 else CAPPED if capped else NEAR if near else WITHIN_LIMIT
        true_up, reconciliation, entry = reconcile(waiver, rec.waiver_booked, tolerance)
        result: dict[str, object] = {
            "portfolio": rec.portfolio,
            "month": rec.month,
            "month_end": end,
            "amendment": amendment.number if amendment else None,
            "days": rec.days,
            "average_net_assets": rec.average_net_assets,
            **{
                c: getattr(rec, c)
                for c in (
                    "management_fee",
                    "other_expenses",
                    "distribution_12b1",
                    "interest",
                    "taxes",
                    "brokerage",
                    "extraordinary",
                )
            },
            "source_row": rec.source_row,
            "covered": covered,
            "days_in_year": year_days,
            "asset_years": asset_years,
            "annual_limit": annual,
            "limit": limit,
            "limit_dollars": limit_dollars,
            "gross_ratio": covered / asset_years if asset_years > 0 else None,
            "ytd_limit": ytd_limit,
            "ytd_covered": ytd_covered,
            "ytd_asset_years": ytd_asset_years,
            "ytd_waiver": ytd_waiver,
            "waiver": waiver,
            "net_ratio": (covered - waiver) / asset_years if asset_years > 0 else None,
            "ytd_gross_ratio": ytd_covered / ytd_asset_years if ytd_asset_years > 0 else None,
            "ytd_net_ratio": (ytd_covered - ytd_waiver) / ytd_asset_years if ytd_asset_years > 0 else None,
            "headroom": headroom,
            "status": status,
            "waiver_booked": rec.waiver_booked,
            "true_up": true_up,
            "reconciliation": reconciliation,
            "entry": entry,
            "interpreted": bool(row and row.interpretation),
        }
        out.append(result)
        previous[rec.portfolio] = result
    rows = pd.DataFrame(out)
    order = {key: i for i, key in enumerate(sorted(used, key=lambda k: (used[k][0].date, used[k][0].rows.index(used[k][1]))))}
    schedule = [used[k] for k in sorted(used, key=order.__getitem__)]
    tiers = [t for k in sorted(used, key=order.__getitem__) for t in tiers_by_key[k]]
    return CapReport(month, method, rows, schedule, tiers, actuals.source, near_share, tolerance)
