"""What the month's report needs from the actuals beyond each cell being valid: every month, every portfolio.

A missing month inside the year to date would shrink the year-to-date limit and covered expenses
together and so change the waiver in silence; a manager's portfolio missing from the month would
drop out of their workbook. Both are errors, reported at once with the cells' own problems' format:

- every portfolio with a row in the fiscal year has a row for each month of it through the report
  month in which a Schedule A covers it (a limit, or "None"), from January if the file has an
  earlier row for it, else from its first row; months before a schedule is on file, or after its
  term ended, may be absent. (A portfolio with no row in the year is not in the Trust's workbook;
  if a manager is responsible for it, the next rule applies.)
- every portfolio in the recipients file has a row for the report month, unless no Schedule A
  covers it then (no schedule on file, term ended), or it is new in the amendment in force and
  the file holds no row for it at all yet (it has not started: the bundled sample's Rainier,
  new in Amendment No. 12, starts on December 3, 2007). It is then left out of the manager's
  workbook, and the workbook's Notes, the console and the manifest name it and say why.

Where the actuals carry share classes both rules are per class ("Acme Income Portfolio, Class B"):
a class's year to date is its own, and a manager's portfolio priced per class in the month needs a
row for each class the schedule in force lists (xlcap/report/actual_classes.py). A month in which a
class's row would be refused (a whole-portfolio row once the limits are per class) is not missing.

A year to date that starts after January (a portfolio launched in December, or a file that starts
in November) is not an error: the workbook and the console say where it starts (CapReport.ytd_notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from xlcap.agreements.names import class_key, class_label
from xlcap.agreements.schedule import History
from xlcap.errors import InputFileError
from xlcap.report.actual_classes import admits, listed_classes, per_class, schedule_rows
from xlcap.report.actuals import Actuals, month_end
from xlcap.report.compute import schedule_state
from xlcap.report.recipients import Manager


def check_complete(
    actuals: Actuals, month: pd.Period, history: History, managers: Sequence[Manager], recipients: Path
) -> dict[str | None, tuple[tuple[str, str], ...]]:
    """Raise InputFileError listing every missing row; return, per manager (None: the Trust), the portfolios left
    out of the workbook and why."""
    source = actuals.source
    Key = tuple[str, str | None]  # (portfolio, share class or None for the whole portfolio)
    months: dict[Key, set[pd.Period]] = {}
    started: dict[Key, pd.Period] = {}  # each portfolio's (or class's) first month in the file, any year
    for r in actuals.rows:
        key = (r.portfolio, r.share_class)
        started[key] = min(started.get(key, r.month), r.month)
        if r.month.year == month.year and r.month <= month:
            months.setdefault(key, set()).add(r.month)
    problems: list[str] = []
    reported: set[str] = set()  # portfolios already named for the report month
    year_start = pd.Period(year=month.year, month=1, freq="M")
    for (portfolio, share_class), present in months.items():
        # From the year's start if the file shows it earlier (a missing January is a gap then), else from its first row.
        first = max(started[portfolio, share_class], year_start)
        missing = [
            m
            for m in pd.period_range(first, month, freq="M")
            if m not in present
            and schedule_state(history, portfolio, month_end(m))[2] is None
            and admits(schedule_rows(history, portfolio, m)[1], portfolio, share_class)
        ]
        if missing:
            reported.update([portfolio] if month in missing else [])
            # the month may be there in the other form (whole portfolio / per class): then the forms are mixed
            other = sorted(
                {str(m) for (p, c), got in months.items() if p == portfolio and (c is None) != (share_class is None) for m in got}
                & set(map(str, missing))
            )
            mixed = (
                f" The actuals give {', '.join(other)} {'for the whole portfolio' if share_class else 'per class'} instead: "
                "a year to date runs in one form, so give every month of the year the same way."
                if other
                else ""
            )
            problems.append(
                f"{source}: no row for {class_label(portfolio, share_class)} in {', '.join(map(str, missing))}, "
                f"inside its year to date ({first} to "
                f"{month}) with a Schedule A in force; a missing month would change the year-to-date limit and "
                f"waiver. Valid: one row for each month from {first} through {month}, with that month's figures.{mixed}"
            )
    absent: dict[str | None, tuple[tuple[str, str], ...]] = {}
    for manager in managers:
        left_out = []
        for portfolio in manager.portfolios:
            if portfolio in reported:
                continue
            given = {c for (p, c), got in months.items() if p == portfolio and month in got}
            if given:
                left_out += _missing_classes(
                    history, portfolio, month, given, started, f"{source}: ", manager.name, recipients, problems
                )
                continue
            amendment, row, lapsed = schedule_state(history, portfolio, month_end(month))
            if lapsed is not None:
                left_out.append((portfolio, f"{lapsed}: no limit in force"))
            elif amendment is not None and row is not None and row.new_portfolio and all(p != portfolio for p, _ in started):
                left_out.append((portfolio, f"new in Amendment No. {amendment.number}: no actuals yet"))
            else:
                assert amendment is not None
                problems.append(
                    f"{source}: no row for {month} for {portfolio}, which manager {manager.name} is responsible for "
                    f"({recipients}); it is in the Schedule A in force that month (Amendment No. {amendment.number}). "
                    "Valid: a row for each portfolio in the recipients file that is under a Schedule A in force in the month."
                )
        absent[manager.name] = tuple(left_out)
    if problems:
        raise InputFileError(problems)
    # The whole Trust's workbook covers the portfolios in the file; those the schedule in force lists without a row
    # are named, so "whole Trust, 4 portfolios" is never taken for all of them.
    in_force = history.in_force(month_end(month))
    listed = in_force.portfolios if in_force else ()
    absent[None] = tuple(
        (p, f"in force under Amendment No. {in_force.number if in_force else ''}")
        for p in listed
        if not any(month in got for (q, _), got in months.items() if q == p)
        and schedule_state(history, p, month_end(month))[2] is None
    )
    return absent


def _missing_classes(
    history: History,
    portfolio: str,
    month: pd.Period,
    present: set[str | None],
    started: dict[tuple[str, str | None], pd.Period],
    source: str,
    manager: str,
    recipients: Path,
    problems: list[str],
) -> list[tuple[str, str]]:
    """A manager's portfolio with rows in the month but priced per class: each class the schedule in force lists needs
    its row (problems appended). A class new in that amendment with no row in the file yet has not started: it is
    left out, named with why, as a new portfolio is."""
    amendment, rows = schedule_rows(history, portfolio, month)
    if amendment is None or not per_class(rows) or schedule_state(history, portfolio, month_end(month))[2] is not None:
        return []
    left_out = []
    # Keys, not spellings: an earlier amendment may spell a class differently from the one whose spelling the rows carry.
    given = {class_key(c) for c in present if c is not None}
    ever = {class_key(c) for p, c in started if p == portfolio and c is not None}
    for share_class in listed_classes(rows):
        if class_key(share_class) in given:
            continue
        row = next(r for r in rows if r.share_classes and share_class in r.share_classes)
        label = class_label(portfolio, share_class)
        if row.new_portfolio and class_key(share_class) not in ever:
            left_out.append((label, f"new in Amendment No. {amendment.number}: no actuals yet"))
            continue
        problems.append(
            f"{source}no row for {month} for {label}, which manager {manager} is responsible for "
            f"({recipients}); {amendment.label} prices {portfolio} per share class ({', '.join(listed_classes(rows))}). "
            "Valid: a row for each class the Schedule A in force lists."
        )
    return left_out
