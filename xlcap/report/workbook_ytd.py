"""The Year to date sheet: every month of the fiscal year, where every number of the workbook is computed.

Each derived cell is its column's formula (xlcap/report/columns.py: SUMPRODUCT, INDEX/MATCH, IF,
ROUND, MAX, ABS, DATE) written with the value xlcap/report/steps.py computed by the same steps.
Columns are in the order of every sheet: the month (limit, expenses, ratio before waiver, waiver,
ratio after), then the year to date, then the reconciliation to the books.
"""

from __future__ import annotations

import datetime as dt

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from xlcap.report import reconcile as reconcile
from xlcap.report.actuals import EXPENSES
from xlcap.report.columns import NEAR_SHARE_NAME, Refs, headers, ytd_layout
from xlcap.report.status import STATES
from xlcap.report.styles import status_style
from xlcap.report.workbook_sheets import FIRST, Sheets, cell, value

__all__ = ["NEAR_SHARE_NAME", "actuals_columns", "status_formats", "write_ytd"]


def actuals_columns(with_classes: bool) -> dict[str, int]:
    """Where the Actuals sheet holds each input (xlcap/report/workbook.py writes it in this order)."""
    first = 1 + with_classes  # Portfolio, then Class when some row has one
    return {
        "portfolio": 0, **({"share_class": 1} if with_classes else {}), "month": first, "days": first + 1,
        "assets": first + 2, **{e: first + 3 + i for i, e in enumerate(EXPENSES)},
        "waiver_booked": first + 3 + len(EXPENSES) + 2,  # after Total and Excluded expenses
    }  # fmt: skip


def write_ytd(sheets: Sheets, ws: Worksheet, sched_rows: dict[str, int]) -> dict[tuple[str, str, object], int]:
    """Year-to-date rows; returns the sheet row of each (portfolio, class key, month)."""
    report, fmt = sheets.report, sheets.fmt
    layout = ytd_layout(report.has_classes)
    actuals = actuals_columns(report.has_classes)
    sheets.workbook.define_name(NEAR_SHARE_NAME, f"={report.near_share!r}")
    sheets.workbook.define_name(reconcile.TOLERANCE_NAME, f"={report.tolerance!r}")
    sheets.header_row(ws, FIRST - 1, headers(layout, report.method), [c.width for c in layout.columns])
    for col, column in enumerate(layout.columns):
        if column.hidden:
            ws.set_column(col, col, column.width, None, {"hidden": True, "level": 1})
    where: dict[tuple[str, str, object], int] = {}
    previous = None
    for i, rec in enumerate(report.rows):
        r = FIRST + i
        where[(rec.portfolio, rec.class_key, rec.month)] = r
        series = (rec.portfolio, rec.class_key)
        refs = Refs(r, series != previous, report.method, layout.at, actuals)
        previous = series
        for col, column in enumerate(layout.columns):
            style = fmt[column.style]
            if column.formula is not None:
                stored = sched_rows.get(rec.schedule_key, 0) if column.name == "sched_row" else layout.value(column.name, rec)
                ws.write_formula(r, col, column.formula(refs), style, value(stored))
            elif column.name == "month":
                ws.write_datetime(r, col, dt.datetime.combine(rec.month_end, dt.time()), style)
            elif column.name == "amendment":
                if rec.amendment is None:
                    ws.write_blank(r, col, None, style)
                else:
                    ws.write_number(r, col, rec.amendment, style)
            else:  # text: the portfolio, its class, the classes of the row that prices it
                ws.write_string(r, col, layout.value(column.name, rec) or "", style)
    last = FIRST + max(len(report.rows), 1) - 1
    ws.autofilter(FIRST - 1, 0, last, len(layout.columns) - 1)
    month = layout.at["month"]
    sheets.workbook.define_name("YTDMonth", f"='Year to date'!{cell(FIRST, month, True)}:{cell(last, month, True)}")
    status_formats(sheets, ws, FIRST, last, layout.at["status"], layout.at["limit"], layout.at["gross"])
    return where


def status_formats(sheets: Sheets, ws: Worksheet, first: int, last: int, status: int, limit: int, gross: int) -> None:
    """Each status its colour (xlcap/report/status.py), and a ratio before waiver over its limit red: the breach."""
    fmt = sheets.fmt
    span = (first, status, last, status)
    for state in STATES:
        if state.font or state.fill:
            ws.conditional_format(*span, {"type": "cell", "criteria": "==", "value": f'"{state.word}"',
                                          "format": fmt[status_style(state.word)]})  # fmt: skip
    g, lim = xl_col_to_name(gross), xl_col_to_name(limit)
    over = f"=AND(ISNUMBER(${lim}{first + 1}),ISNUMBER(${g}{first + 1}),${g}{first + 1}>${lim}{first + 1})"
    ws.conditional_format(first, gross, last, gross, {"type": "formula", "criteria": over, "format": fmt["cf_over"]})
