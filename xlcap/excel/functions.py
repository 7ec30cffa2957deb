"""What the Excel functions compute, cell values in and cell values out; udfs.py only wraps these.

Answers a spreadsheet can use:
- "None" in Schedule A is the text NO_LIMIT, which arithmetic cannot take for 0%;
- no limit in force (unknown portfolio, no schedule on file, term ended) is the reason as text
  in classic Excel, and a real #N/A in Office.js runtimes (xlwings Lite and Server);
- invalid input in a single-cell call raises InvalidInputError (udfs.py shows it as an
  XlwingsError); in a range only that row answers with the reason (#VALUE! in Office.js).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Any

import numpy as np

from xlcap.agreements.datafiles import default_agreements
from xlcap.agreements.limits import days_in_years
from xlcap.agreements.lookup import lookup, resolve_row, schedule_in_force
from xlcap.agreements.vectorised import IN_EFFECT, explain, lookup_arrays
from xlcap.agreements.vectorised import NO_LIMIT as NO_LIMIT_STATUS
from xlcap.errors import InvalidInputError, NoScheduleError, XlcapError
from xlcap.excel.values import (
    amount_column,
    broadcast,
    cell_agreement,
    cell_amount,
    cell_class,
    cell_date,
    cell_days,
    cell_text,
    column,
    date_column,
    grid,
    is_empty,
)
from xlcap.render import describe_limit

NO_LIMIT = "NO LIMIT"
TIER_HEADER = ["From", "To", "Rate"]
PORTFOLIO_HEADER = ["Portfolio", "Limit (Schedule A as filed)", "Term end"]
Cell = float | str | None


def officejs_runtime() -> bool:
    """True under xlwings Lite (Pyodide) or xlwings Server, where "#N/A" becomes a real Excel error."""
    return sys.platform == "emscripten" or os.environ.get("XLWINGS_ON_SERVER") == "true"


def failure_cell(error: XlcapError, officejs: bool | None = None) -> str:
    """The cell value for a row that has no answer."""
    if officejs if officejs is not None else officejs_runtime():
        return "#VALUE!" if isinstance(error, InvalidInputError) else "#N/A"
    return error.message


def _shape(values: list[Any], shape: tuple[int, int]) -> list[list[Any]]:
    cols = shape[1]
    return [values[r * cols : (r + 1) * cols] for r in range(shape[0])]


def _limit_cells(
    want: str,
    portfolio: object,
    assets: object,
    on_date: object,
    days: object,
    share_class: object,
    agreement: object,
    officejs: bool | None,
) -> Any:
    flat, shape = broadcast(
        {"portfolio": portfolio, "assets": assets, "on_date": on_date, "days": days, "share_class": share_class}
        | {"agreement": agreement}
    )
    if shape is None:
        name, amount, day = cell_text(flat["portfolio"][0]), cell_amount(flat["assets"][0]), cell_date(flat["on_date"][0])
        period = cell_days(flat["days"][0])
        klass, picked = cell_class(flat["share_class"][0]), cell_agreement(flat["agreement"][0])
        try:
            result = lookup(name, amount, day, share_class=klass, agreement=picked)
        except XlcapError as exc:
            return failure_cell(exc, officejs)
        if result.rate is None:
            return NO_LIMIT
        if want == "rate":
            return result.rate
        return result.annual_amount if period is None else result.period_amount(period)

    names, errors = column(flat["portfolio"], cell_text, "portfolio")
    amounts, amount_errors = amount_column(flat["assets"])
    dates, date_errors = date_column(flat["on_date"])
    periods, days_errors = column(flat["days"], cell_days, "days") if days is not None else ([], {})
    classes, class_errors = column(flat["share_class"], cell_class, "share_class") if share_class is not None else ([], {})
    chosen, chosen_errors = column(flat["agreement"], cell_agreement, "agreement") if agreement is not None else ([], {})
    for more in (amount_errors, date_errors, days_errors, class_errors, chosen_errors):
        for row, error in more.items():
            errors.setdefault(row, error)  # the first bad argument of a row, in argument order

    found = lookup_arrays(
        [n or "" for n in names] if errors else names, amounts, dates, classes or None, agreements=chosen or None
    )
    values = found.rate if want == "rate" else found.annual_amount
    if any(p is not None for p in periods):
        period_days = np.array([np.nan if p is None else p for p in periods], dtype=np.float64)
        # annual x days / days in year, in period_amount's order, so a range agrees with single cells to the bit
        values = np.where(np.isnan(period_days), values, values * period_days / days_in_years(dates))
    failed = np.flatnonzero(found.status != IN_EFFECT).tolist()
    if not failed and not errors:
        return values.reshape(shape)  # xlwings turns arrays into ranges (ndarray.tolist, in C)
    cells = values.astype(object)
    explained: dict[tuple[str, object, str | None, str | None], str] = {}
    for row in failed + list(errors):
        if row in errors:
            cells[row] = failure_cell(errors[row], officejs)
        elif found.status[row] == NO_LIMIT_STATUS:
            cells[row] = NO_LIMIT
        else:
            key = (names[row] or "", dates[row].item(), classes[row] if classes else None, chosen[row] if chosen else None)
            if key not in explained:
                why = explain(key[0], amounts[row], key[1], key[2], key[3])
                # None cannot happen: lookup_arrays and lookup agree (tested); #N/A is still the safe answer.
                explained[key] = "#N/A" if why is None else failure_cell(why, officejs)
            cells[row] = explained[key]
    return cells.reshape(shape)


def expcap(
    portfolio: object,
    assets: object,
    on_date: object,
    share_class: object = None,
    agreement: object = None,
    *,
    officejs: bool | None = None,
) -> Any:
    """The annual limit as a decimal rate (blended for tiered portfolios); NO_LIMIT where Schedule A says None."""
    return _limit_cells("rate", portfolio, assets, on_date, None, share_class, agreement, officejs)


def expcap_amount(
    portfolio: object,
    assets: object,
    on_date: object,
    days: object = None,
    share_class: object = None,
    agreement: object = None,
    *,
    officejs: bool | None = None,
) -> Any:
    """The dollar limit: annual, or for `days` days (annual x days / 365, or 366 in a leap year)."""
    return _limit_cells("amount", portfolio, assets, on_date, days, share_class, agreement, officejs)


def expcap_info(portfolio: object, on_date: object, share_class: object = None, agreement: object = None) -> Any:
    """One readable line per portfolio: status, limit as filed, amendment, term, interpretation; or why none applies."""
    flat, shape = broadcast({"portfolio": portfolio, "on_date": on_date, "share_class": share_class, "agreement": agreement})
    agreements = default_agreements()
    lines: list[str] = []
    cells = zip(flat["portfolio"], flat["on_date"], flat["share_class"], flat["agreement"], strict=True)
    for name, day, klass, chosen in cells:
        try:
            on, typed = cell_date(day), cell_text(name)
            history = agreements.for_portfolio(typed, cell_agreement(chosen))
            amendment, row = resolve_row(typed, on, history, cell_class(klass))
            lines.append(describe_limit(amendment, row, on))
        except XlcapError as exc:
            lines.append(exc.message)  # the reason, in every runtime: this function exists to explain
    return lines[0] if shape is None else _shape(lines, shape)


def expcap_tiers(
    portfolio: object, on_date: object, share_class: object = None, agreement: object = None, *, officejs: bool | None = None
) -> Any:
    """The tier table in force (From, To, Rate), with a header row; a flat limit is one open tier."""
    flat, shape = broadcast({"portfolio": portfolio, "on_date": on_date, "share_class": share_class, "agreement": agreement})
    if shape is not None:
        raise InvalidInputError(
            "EXPCAP_TIERS takes one portfolio and one date, not ranges, and at most one share class and agreement. "
            "Valid: single cells."
        )
    on = cell_date(flat["on_date"][0])
    klass, chosen, typed = (
        cell_class(flat["share_class"][0]),
        cell_agreement(flat["agreement"][0]),
        cell_text(flat["portfolio"][0]),
    )
    try:
        _, row = resolve_row(typed, on, default_agreements().for_portfolio(typed, chosen), klass)
    except XlcapError as exc:
        if isinstance(exc, InvalidInputError):
            raise
        return failure_cell(exc, officejs)
    if not row.tiers:
        return [TIER_HEADER, [0.0, "", NO_LIMIT]]
    return [TIER_HEADER, *([lo, "" if hi is None else hi, rate] for lo, hi, rate in row.tiers)]


def expcap_portfolios(as_of: object = None, agreement: object = None, *, officejs: bool | None = None) -> list[list[Cell]] | str:
    """The Schedule A in force on `as_of` (default today): name, limit text as filed, term end or "Permanent".

    The term end is ISO text (2008-04-30): classic Excel shows a returned date as a bare serial
    number (xlwings ignores ret(date_format=...) there), so text reads the same in every runtime.
    """
    values, shape = grid(as_of)
    if shape is not None:
        raise InvalidInputError("Parameter 'as_of' received a range. Valid: one date cell, or leave it empty for today.")
    value = values[0]
    on = dt.date.today() if is_empty(value) else cell_date(value, "as_of")
    chosen, chosen_shape = grid(agreement)
    if chosen_shape is not None:
        raise InvalidInputError("Parameter 'agreement' received a range. Valid: one cell, or leave it empty.")
    history = default_agreements().get(cell_agreement(chosen[0]))
    try:
        amendment = schedule_in_force(on, history)
    except NoScheduleError as exc:
        return failure_cell(exc, officejs)
    rows: list[list[Cell]] = [list(PORTFOLIO_HEADER)]
    for row in amendment.rows:
        rows.append([row.label, row.limit_text, "Permanent" if row.term_end is None else row.term_end.isoformat()])
    return rows


# Argument help shown in Excel's function wizard (Excel allows 255 characters each).
HELP = {
    "portfolio": 'Portfolio name as in Schedule A, typed loosely ("Lazard Mid-Cap"), or a range of names.',
    "assets": "Average daily net assets in dollars (250000000, or text such as 250,000,000 or $250m), or a range.",
    "on_date": "Date the limit is wanted for: a date cell, or text as YYYY-MM-DD or m/d/yyyy; or a range.",
    "days": "Optional: days in the period (1-366). Empty (or 0) gives the annual amount.",
    "share_class": (
        'Optional: the share class ("A" or "Class A"), or a range; needed where limits differ by class. Empty (or 0) means none.'
    ),
    "as_of": "Optional: the date of the schedule wanted. Empty (or 0) means today.",
    "agreement": (
        "Optional: the agreement's id or trust name, or a range; needed only where the data holds several agreements "
        "that name the portfolio. Empty (or 0) means the one that names it."
    ),
}
