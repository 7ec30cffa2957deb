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

A year to date that starts after January (a portfolio launched in December, or a file that starts
in November) is not an error: the workbook and the console say where it starts (CapReport.ytd_notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from xlcap.agreements.schedule import History
from xlcap.errors import InputFileError
from xlcap.report.actuals import Actuals, month_end
from xlcap.report.compute import schedule_state
from xlcap.report.recipients import Manager


def check_complete(
    actuals: Actuals, month: pd.Period, history: History, managers: Sequence[Manager], recipients: Path
) -> dict[str | None, tuple[tuple[str, str], ...]]:
    """Raise InputFileError listing every missing row; return, per manager (None: the Trust), the portfolios left
    out of the workbook and why."""
    source = actuals.source
    months: dict[str, set[pd.Period]] = {}
    started: dict[str, pd.Period] = {}  # each portfolio's first month in the file, any year
    for r in actuals.rows:
        started[r.portfolio] = min(started.get(r.portfolio, r.month), r.month)
        if r.month.year == month.year and r.month <= month:
            months.setdefault(r.portfolio, set()).add(r.month)
    problems: list[str] = []
    reported: set[str] = set()  # portfolios already named for the report month
    year_start = pd.Period(year=month.year, month=1, freq="M")
    for portfolio, present in months.items():
        # From the year's start if the file shows it earlier (a missing January is a gap then), else from its first row.
        first = max(started[portfolio], year_start)
        missing = [
            m
            for m in pd.period_range(first, month, freq="M")
            if m not in present and schedule_state(history, portfolio, month_end(m))[2] is None
        ]
        if missing:
            reported.update([portfolio] if month in missing else [])
            problems.append(
                f"{source}: no row for {portfolio} in {', '.join(map(str, missing))}, inside its year to date ({first} to "
                f"{month}) with a Schedule A in force; a missing month would change the year-to-date limit and "
                f"waiver. Valid: one row for each month from {first} through {month}, with that month's figures."
            )
    absent: dict[str | None, tuple[tuple[str, str], ...]] = {}
    for manager in managers:
        left_out = []
        for portfolio in manager.portfolios:
            if month in months.get(portfolio, ()) or portfolio in reported:
                continue
            amendment, row, lapsed = schedule_state(history, portfolio, month_end(month))
            if lapsed is not None:
                left_out.append((portfolio, f"{lapsed}: no limit in force"))
            elif amendment is not None and row is not None and row.new_portfolio and portfolio not in started:
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
        if month not in months.get(p, ()) and schedule_state(history, p, month_end(month))[2] is None
    )
    return absent
