"""Cap versus actual: per portfolio, share class and month, the limit in dollars, the waiver owed, ratios and status.

compute() runs the steps of xlcap/report/steps.py (price, accumulate, status_of) over the year's
actuals and returns a CapReport of typed MonthRecords. Every number is also a live formula in the
workbook (xlcap/report/columns.py); both follow the
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
- a share class is priced at its own Schedule A row (lookup.row_for_class) and has its own year to date;
- gross / net ratio = covered (before / after this month's waiver) / (assets x days / days in year); the
  same over the year to date (the months a limit is in force): YTD covered (less the YTD waiver) / YTD asset-years;
- near limit: expenses at or above a share of the limit (default 95%; YTD for "fytd");
- a negative waiver this month (expenses back under the limit) is a reversal, and says so;
- reconciliation: the month's waiver against the waiver booked, where the actuals give it
  (xlcap/report/reconcile.py).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from xlcap.agreements.limits import days_in_year
from xlcap.agreements.lookup import class_shown
from xlcap.agreements.names import class_key, class_label
from xlcap.agreements.schedule import Amendment, History, ScheduleRow
from xlcap.errors import InputFileError, InvalidInputError
from xlcap.money import excel_round
from xlcap.report.actuals import ActualRow, Actuals, month_end
from xlcap.report.reconcile import DEFAULT_TOLERANCE, reconcile
from xlcap.report.status import DEFAULT_NEAR_SHARE
from xlcap.report.steps import (
    OPEN_TIER,
    START,
    Method,
    MonthRecord,
    Tier,
    YearToDate,
    accumulate,
    annual_limit,
    class_group,
    price,
    row_tiers,
    schedule_key,
    schedule_state,
    status_of,
)

__all__ = [
    "METHODS",
    "OPEN_TIER",
    "CapReport",
    "Method",
    "MonthRecord",
    "Tier",
    "annual_limit",
    "compute",
    "row_tiers",
    "schedule_key",
    "schedule_state",
]

METHODS: dict[str, str] = {
    "fytd": "Fiscal year to date, pro rata: the waiver / reimbursement due to date is the year-to-date operating "
    "expenses subject to the limit less the "
    "year-to-date limit (each month's limit pro rata by days); each month records the change.",
    "monthly": "Monthly annualised: each month's operating expenses subject to the limit are tested against that "
    "month's limit "
    "(the annual limit pro rata by days); the excess is waived for that month.",
}
FIELDS = tuple(f.name for f in fields(MonthRecord))


@dataclass(frozen=True)
class CapReport:
    """The computed report for one month: every fiscal-year record, and the schedule rows they used."""

    month: pd.Period
    method: Method
    rows: tuple[MonthRecord, ...]  # one per (portfolio, class, month) of the fiscal year to date, sorted so
    schedule: list[tuple[Amendment, ScheduleRow]]  # rows of Schedule A used, in amendment then filed order
    tiers: list[Tier]
    source: str
    near_share: float = DEFAULT_NEAR_SHARE  # "Near limit": expenses at or above this share of the limit
    tolerance: float = DEFAULT_TOLERANCE  # reconciliation: a true-up this small (dollars) needs no entry

    @property
    def summary(self) -> tuple[MonthRecord, ...]:
        """The report month's records."""
        return tuple(r for r in self.rows if r.month == self.month)

    @property
    def has_classes(self) -> bool:
        """Some record is one share class of a portfolio (the workbook then shows a Class column)."""
        return any(r.share_class for r in self.rows)

    def class_notes(self) -> list[str]:
        """Portfolios whose one limit covers every class but whose actuals give classes: each class is tested against
        that limit on its own (a class's ratio before 12b-1 is the limit), which can differ from testing the portfolio's
        total where classes bear different expenses; said, never silent."""
        split: dict[str, set[str]] = {}
        for r in self.rows:
            if r.share_class and not r.class_group and r.schedule_key.split("|")[0]:  # priced by a row of every class
                split.setdefault(r.portfolio, set()).add(r.share_class)
        return [
            f"{portfolio}: its Schedule A limit covers every class, and the actuals give {', '.join(sorted(classes))} "
            "apart, so each class is tested against that limit on its own. Where the agreement caps the portfolio as a "
            "whole and its classes bear different expenses, give one row for the whole portfolio instead."
            for portfolio, classes in split.items()
        ]

    def frame(self, month_only: bool = False) -> pd.DataFrame:
        """The records as a pandas frame, one column per MonthRecord field (for analysis; the sheets read records)."""
        rows = self.summary if month_only else self.rows
        return pd.DataFrame([[getattr(r, f) for f in FIELDS] for r in rows], columns=list(FIELDS))

    def ytd_starts(self) -> dict[pd.Period, list[str]]:
        """Portfolios (or classes: "Portfolio, Class B") whose year to date starts after the fiscal year's first month."""
        first: dict[str, pd.Period] = {}
        for r in self.rows:  # the year to date runs per class, so a class can start late on its own
            name = class_label(r.portfolio, r.share_class)
            first[name] = min(first.get(name, r.month), r.month)
        starts: dict[pd.Period, list[str]] = {}
        for name, month in first.items():
            if month.month != 1:  # fiscal year = calendar year
                starts.setdefault(month, []).append(name)
        return dict(sorted(starts.items()))

    def ytd_notes(self, most_names: int = 3) -> list[str]:
        """One sentence per late start, so a partial year is never read as a whole one; empty when none starts late."""
        total = len({(r.portfolio, r.class_key) for r in self.rows})
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
        rows = tuple(r for r in self.rows if r.portfolio in portfolios)
        schedule = [(a, r) for a, r in self.schedule if r.portfolio in portfolios]
        tiers = [t for t in self.tiers if t.portfolio in portfolios]
        return CapReport(self.month, self.method, rows, schedule, tiers, self.source, self.near_share, self.tolerance)


def compute(
    actuals: Actuals,
    month: pd.Period,
    history: History,
    method: Method = "fytd",
    near_share: float = DEFAULT_NEAR_SHARE,
    tolerance: float = DEFAULT_TOLERANCE,
) -> CapReport:
    """The cap-versus-actual report for `month` over its fiscal (calendar) year to date.

    Per actuals row: price() (steps.py), then accumulate() onto the year to date of the same
    (portfolio, share class), then status_of(), then the reconciliation to the books.
    """
    if method not in METHODS:
        raise ValueError(f"method {method!r} is not one of {', '.join(METHODS)}")
    if not 0 < near_share <= 1:
        raise ValueError(f"near_share {near_share!r} is not a share of the limit; valid: more than 0, at most 1 (0.95 = 95%)")
    if not tolerance >= 0:
        raise ValueError(f"tolerance {tolerance!r} is not an amount of dollars; valid: 0 or more")
    order = {name: i for i, name in enumerate(history.names.canonical)}  # Schedule A order, as filed
    year = sorted(
        (r for r in actuals.rows if r.month <= month and r.month.year == month.year),
        key=lambda r: (order[r.portfolio], _class_sort(r.share_class), r.month),
    )
    used: dict[str, tuple[Amendment, ScheduleRow]] = {}
    tiers_of: dict[str, tuple[Tier, ...]] = {}
    out: list[MonthRecord] = []
    running: dict[tuple[str, str], YearToDate] = {}  # the year to date runs per (portfolio, class)
    problems: list[str] = []  # a class the schedule cannot price: every such row at once, with file and row
    for rec in year:
        try:
            pricing = price(history, rec, tiers_of)
        except InvalidInputError:
            problems.append(_class_problem(actuals.source, rec, history))
            continue
        if pricing.amendment is not None and pricing.row is not None:
            used.setdefault(pricing.key, (pricing.amendment, pricing.row))
        end = month_end(rec.month)
        covered = excel_round(rec.management_fee + rec.other_expenses)
        year_days = days_in_year(end.year)
        asset_years = rec.average_net_assets * rec.days / year_days
        series = (rec.portfolio, _class_sort(rec.share_class))
        ytd = accumulate(running.get(series, START), pricing, covered, asset_years, method)
        running[series] = ytd
        status = status_of(pricing, ytd, covered, method, near_share)
        true_up, reconciliation, entry = reconcile(ytd.waiver, rec.waiver_booked, tolerance)
        per_year = asset_years > 0
        ytd_per_year = ytd.ytd_asset_years > 0
        out.append(
            MonthRecord(
                portfolio=rec.portfolio,
                share_class=_class_named(pricing.row, rec.share_class),
                month=rec.month,
                month_end=end,
                amendment=pricing.amendment.number if pricing.amendment else None,
                schedule_key=pricing.key,
                class_group=class_group(pricing.row),
                days=rec.days,
                average_net_assets=rec.average_net_assets,
                management_fee=rec.management_fee,
                other_expenses=rec.other_expenses,
                distribution_12b1=rec.distribution_12b1,
                interest=rec.interest,
                taxes=rec.taxes,
                brokerage=rec.brokerage,
                extraordinary=rec.extraordinary,
                source_row=rec.source_row,
                covered=covered,
                days_in_year=year_days,
                asset_years=asset_years,
                annual_limit=pricing.annual_limit,
                limit=pricing.limit,
                limit_dollars=pricing.limit_dollars,
                gross_ratio=covered / asset_years if per_year else None,
                gross_ratio_12b1=(covered + rec.distribution_12b1) / asset_years if per_year else None,
                ytd_limit=ytd.ytd_limit,
                ytd_covered=ytd.ytd_covered,
                ytd_asset_years=ytd.ytd_asset_years,
                ytd_waiver=ytd.ytd_waiver,
                waiver=ytd.waiver,
                net_ratio=(covered - ytd.waiver) / asset_years if per_year else None,
                ytd_gross_ratio=ytd.ytd_covered / ytd.ytd_asset_years if ytd_per_year else None,
                ytd_net_ratio=(ytd.ytd_covered - ytd.ytd_waiver) / ytd.ytd_asset_years if ytd_per_year else None,
                headroom=ytd.headroom,
                status=status,
                waiver_booked=rec.waiver_booked,
                true_up=true_up,
                reconciliation=reconciliation,
                entry=entry,
                interpreted=bool(pricing.row and pricing.row.interpretation),
            )
        )
    if problems:
        raise InputFileError(problems)
    # Schedule A order, as filed: by amendment date, then the row's place in it (found by identity, once per
    # amendment: rows.index() compared rows field by field, n^2 over a 1,000-portfolio schedule)
    place = {id(row): i for amendment in {id(a): a for a, _ in used.values()}.values() for i, row in enumerate(amendment.rows)}
    keys = sorted(used, key=lambda k: (used[k][0].date, place[id(used[k][1])]))
    return CapReport(
        month, method, tuple(out), [used[k] for k in keys], [t for k in keys for t in tiers_of[k]], actuals.source,
        near_share, tolerance,
    )  # fmt: skip


def _class_problem(source: str, rec: ActualRow, history: History) -> str:
    """Why a row's class cannot be priced: no class for a portfolio whose limits differ by class, or a class it lacks."""
    amendment = history.in_force(month_end(rec.month))
    rows = amendment.rows_for(rec.portfolio) if amendment else ()
    classes = ", ".join(sorted(c for row in rows for c in row.share_classes or ()))
    where = f"{source}, row {rec.source_row} ({rec.portfolio}, {rec.month})"
    if not rec.share_class:
        return f"{where}: no share class, but its limits differ by class; valid: one row per class, each naming one of {classes}."
    return f"{where}: share class {rec.share_class!r} has no limit in Schedule A; valid: {classes}."


def _class_named(row: ScheduleRow | None, share_class: str | None) -> str | None:
    """The class a record names, the same every month: Schedule A's own spelling when its row lists it, else the key."""
    if not share_class:
        return None
    return class_shown(row, share_class) if row is not None else class_key(share_class) or None


def _class_sort(share_class: str | None) -> str:
    """The class as the year to date is keyed and sorted: the whole portfolio ("") first, then classes by key."""
    return class_key(share_class) if share_class else ""
