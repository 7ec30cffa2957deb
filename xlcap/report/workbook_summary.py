"""The Summary sheet: the month, one row per portfolio, totals on one basis, sign-off and provenance.

Each figure is a reference into Year to date. Totals are kept apart by basis: portfolios with a
limit in force (their limits, expenses and waivers add up) and portfolios without one (only their
assets and expenses; no limit or waiver is shown as 0 for them). The room under the limit is per
portfolio and never totalled: room in one portfolio cannot offset a breach in another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

from xlcap.agreements.names import class_label
from xlcap.report import interpretation as interpretation
from xlcap.report import reconcile as reconcile
from xlcap.report.columns import BY_NAME, LIMITED, UNLIMITED, Layout, headers, summary_layout, ytd_layout
from xlcap.report.compute import CapReport
from xlcap.report.status import NO_SCHEDULE
from xlcap.report.steps import MonthRecord
from xlcap.report.styles import status_style
from xlcap.report.workbook_sheets import FIRST, Sheets, cell, value
from xlcap.report.workbook_ytd import status_formats

# The reconciliation table below the totals: the same portfolios, the waiver required against the waiver booked.
RECONCILIATION = ["portfolio", "waiver", "booked", "true_up", "reconciliation", "entry"]
RECONCILIATION_NAME = "Reconciliation"  # its defined name
YTD_ONLY_WHEN_LIMITED = ("ytd_limit", "ytd_covered", "ytd_waiver")  # blank, not 0, for a year with no limit in force
Where = dict[tuple[str, str, object], int]  # the Year-to-date row of each (portfolio, class key, month)


def _formula(name: str, source: int, ytd: Layout) -> str:
    def ref(column: str) -> str:
        return f"'Year to date'!{cell(source, ytd.at[column])}"

    if name == "waiver":
        return f'=IF(ISNUMBER({ref("limit")}),{ref(name)},"")'
    if name in YTD_ONLY_WHEN_LIMITED:
        return f'=IF({ref("ytd_asset_years")}>0,{ref(name)},"")'
    return f"={ref(name)}"


def _shown(name: str, rec: MonthRecord) -> Any:
    """The value the Summary cell shows: the Year-to-date value, or blank where no limit makes it meaningless."""
    if name == "waiver" and not rec.live:
        return ""
    if name in YTD_ONLY_WHEN_LIMITED and not rec.ytd_asset_years > 0:
        return ""
    return value(getattr(rec, BY_NAME[name].field or name))


def _source(where: Where, rec: MonthRecord) -> int:
    return where[(rec.portfolio, rec.class_key, rec.month)]


def write_summary(
    sheets: Sheets, ws: Worksheet, where: Where, block: Callable[[Sheets, Worksheet, int], int] | None = None
) -> tuple[int, int]:
    """The month's rows, totals, interpretations, `block` (another module's: the repayment), sign-off and provenance.

    Returns the first and last data rows.
    """
    report, fmt = sheets.report, sheets.fmt
    rows = report.summary
    layout, ytd = summary_layout(report.has_classes), ytd_layout(report.has_classes)
    last = FIRST + len(rows) - 1
    titles = headers(layout, report.method)
    sheets.header_row(ws, FIRST - 1, titles, [c.summary or 0 for c in layout.columns])
    width = len(layout.columns)
    if rows:  # a named range and a filter (an Excel table cannot be written row by row); the mail reads the range
        sheets.workbook.define_name("SummaryData", f"=Summary!{cell(FIRST - 1, 0, True)}:{cell(last, width - 1, True)}")
        ws.autofilter(FIRST - 1, 0, last, width - 1)
    interpreted = interpretation.by_portfolio(report)
    for i, rec in enumerate(rows):
        r = FIRST + i
        source = _source(where, rec)
        for col, column in enumerate(layout.columns):
            name, style = column.name, fmt[column.style]
            if name == "portfolio":
                ws.write_string(r, col, rec.portfolio, style)
            elif name == "share_class":  # a name, as the portfolio is: a formula to a blank cell would show 0
                if rec.share_class:
                    ws.write_string(r, col, rec.share_class, style)
                else:
                    ws.write_blank(r, col, None, style)
            elif name == "note":
                marked = rec.portfolio in interpreted
                ws.write_string(r, col, interpretation.MARKER if marked else "", fmt["caution" if marked else "text"])
            else:
                ws.write_formula(r, col, _formula(name, source, ytd), style, _shown(name, rec))
    if not rows:
        return FIRST, FIRST
    r = _totals(sheets, ws, rows, last, layout)
    status_formats(sheets, ws, FIRST, last, layout.at["status"], layout.at["limit"], layout.at["gross"])
    r = _reconciliation(sheets, ws, r + 1, rows, where, _ytd_words(report))
    r = _terms(sheets, ws, r + 1, {rec.portfolio for rec in rows})
    r = interpretation.write_block(sheets, ws, r + 1, rows, layout.at)
    if block is not None:
        r = block(sheets, ws, r + 1)
    write_signoff(sheets, ws, r + 1)
    return FIRST, last


def _ytd_words(report: CapReport) -> dict[str, str]:
    layout = ytd_layout(report.has_classes)
    return dict(zip(layout.at, headers(layout, report.method), strict=True))


def _totals(sheets: Sheets, ws: Worksheet, rows: Sequence[MonthRecord], last: int, layout: Layout) -> int:
    """One total row for portfolios with a limit in force, one for those without; returns the next free row."""
    fmt = sheets.fmt
    limit = layout.at["limit"]
    in_force = f"ISNUMBER({cell(FIRST, limit, True)}:{cell(last, limit, True)})"
    r = last + 1
    for basis, test, label in ((LIMITED, f"{in_force}*1", "limit in force"), (UNLIMITED, f"1-{in_force}", "no limit in force")):
        members = [rec for rec in rows if rec.live == (basis == LIMITED)]
        if not members:
            continue
        ws.write_string(r, 0, f"Total, {label} ({len(members)})", fmt["total_text"])
        for col, column in enumerate(layout.columns[1:], start=1):
            if basis not in column.totals:
                ws.write_blank(r, col, None, fmt["total_text"])
                continue
            total = round(sum(v for rec in members if isinstance(v := _shown(column.name, rec), (int, float))), 2)
            span = f"{cell(FIRST, col)}:{cell(last, col)}"
            ws.write_formula(r, col, f"=SUMPRODUCT({test},{span})", fmt[f"total_{column.style}"], total)
        r += 1
    return r


def _reconciliation(
    sheets: Sheets, ws: Worksheet, r: int, rows: Sequence[MonthRecord], where: Where, words: dict[str, str]
) -> int:
    """Required against booked, per portfolio, with the true-up entry; a total of each amount. Returns the next free row."""
    fmt = sheets.fmt
    ws.write_string(r, 0, "Reconciliation to the books: the waiver the agreement requires against the waiver booked", fmt["bold"])
    r += 1
    first = r
    ws.set_row(r, 42)
    titles = ["Portfolio", "Waiver / reimbursement required (month)", *(words[n] for n in RECONCILIATION[2:])]
    for c, title in enumerate(titles):
        ws.write_string(r, c, title, fmt["header"])
    styles = ["text", "money", "money", "money", "status", "text"]
    ytd = ytd_layout(sheets.report.has_classes)
    for rec in rows:
        r += 1
        source = _source(where, rec)
        ws.write_string(r, 0, class_label(rec.portfolio, rec.share_class), fmt["text"])
        for c, name in enumerate(RECONCILIATION[1:], start=1):
            ref = f"='Year to date'!{cell(source, ytd.at[name])}"
            ws.write_formula(r, c, ref, fmt[styles[c]], value(ytd.value(name, rec)))
    sheets.workbook.define_name(RECONCILIATION_NAME, f"=Summary!{cell(first, 0, True)}:{cell(r, len(titles) - 1, True)}")
    rows_span = (first + 1, r)
    for word, style in ((reconcile.TRUE_UP, "cf_over"), (reconcile.NOT_RECONCILED, status_style(NO_SCHEDULE))):
        ws.conditional_format(
            rows_span[0], 4, rows_span[1], 4, {"type": "cell", "criteria": "==", "value": f'"{word}"', "format": fmt[style]}
        )
    r += 1
    ws.write_string(r, 0, "Total", fmt["total_text"])
    for c, name in enumerate(RECONCILIATION[1:], start=1):
        if c > 3:
            ws.write_blank(r, c, None, fmt["total_text"])
            continue
        figures = [v for rec in rows if isinstance(v := value(ytd.value(name, rec)), (int, float))]
        span = f"{cell(first + 1, c)}:{cell(r - 1, c)}"  # nothing booked anywhere: blank, not a total of 0
        ws.write_formula(
            r, c, f'=IF(COUNT({span})=0,"",SUM({span}))', fmt["total_money"], round(sum(figures), 2) if figures else ""
        )
    return r + 1


def _terms(sheets: Sheets, ws: Worksheet, r: int, portfolios: set[str]) -> int:
    """Each portfolio's term: its end, the days left after the month end, and what it rests on (a continuance?)."""
    fmt, report = sheets.fmt, sheets.report
    end = report.month.end_time.date()
    latest = {row.portfolio: row for _, row in report.schedule if row.portfolio in portfolios}  # the last amendment's
    if not latest:
        return r
    ws.write_string(r, 0, f"Terms of the limitation, as of {end:%B %-d, %Y}", fmt["bold"])
    r += 1
    ws.set_row(r, 30)
    # "Term rests on" last: its clause text runs on into the empty cells to its right instead of being cut off
    for c, title in enumerate(["Portfolio", "Term end", "Days left", "Continuance on record", "Term rests on"]):
        ws.write_string(r, c, title, fmt["header"])
    for name, row in latest.items():
        r += 1
        ws.write_string(r, 0, name, fmt["text"])
        if row.term_end is None:
            ws.write_string(r, 1, "Permanent", fmt["text"])
            ws.write_string(r, 2, "", fmt["integer"])
        else:
            ws.write_datetime(r, 1, dt.datetime.combine(row.term_end, dt.time()), fmt["date"])
            days = f"={cell(r, 1)}-DATE({end.year},{end.month},{end.day})"
            ws.write_formula(r, 2, days, fmt["integer"], (row.term_end - end).days)
        ws.write_string(r, 3, "Yes" if "continuance approved" in row.term_basis else "None", fmt["text"])
        ws.write_string(r, 4, row.term_basis, fmt["text"])
    return r + 1


def write_signoff(sheets: Sheets, ws: Worksheet, r: int) -> int:
    """Prepared / reviewed, each with a date, the version (Draft or Final), then where the figures came from."""
    fmt, context = sheets.fmt, sheets.context
    entry = fmt["input_locked" if context.for_manager else "input"]
    ws.write_string(r, 0, "Sign-off", fmt["bold"])
    r += 1
    for who in ("Prepared by", "Reviewed by"):
        ws.write_string(r, 0, who, fmt["text"])
        ws.write_blank(r, 1, None, entry)
        ws.write_string(r, 2, "Date", fmt["text"])
        ws.write_blank(r, 3, None, entry)
        r += 1
    ws.write_string(r, 0, "Version (Draft or Final)", fmt["text"])
    ws.write_string(r, 1, "Draft", entry)
    ws.data_validation(r, 1, r, 1, {"validate": "list", "source": ["Draft", "Final"]})
    r += 2
    ws.write_string(r, 0, "Where these figures came from", fmt["bold"])
    r += 1
    facts = [("Data source", context.source)]
    if context.provenance is not None:
        end = sheets.report.month.end_time.date()
        facts += context.provenance.lines(end, context.generated_at)
    if context.illustrative:
        facts.append(("ILLUSTRATIVE", "Sample figures built from the bundled sample actuals, not the Trust's books."))
    if context.for_manager:
        facts.append(("Confidential", context.confidential + "."))
    for label, text in facts:
        ws.write_string(r, 0, label, fmt["text"])
        ws.write_string(r, 1, text, fmt["text"])
        r += 1
    return r
