"""The cap-versus-actual workbook a manager opens: live formulas with their results stored.

Sheets: Summary (the month), Year to date (every month of the fiscal year: where the numbers
are computed), Actuals (the inputs as received), Schedule (Schedule A in force, tier table
included), Chart, Notes. Every derived number is a formula that Excel and LibreOffice both
compute (SUMPRODUCT, INDEX/MATCH, IF, ROUND, MAX, DATE), written with the value xlcap computed
(xlcap/report/compute.py follows the same steps), so previews and data-only readers show numbers and a
person can audit each figure from the contract's tier table. No add-in or UDF is needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from xlcap.report.actuals import COLUMN_TITLES, EXPENSES
from xlcap.report.compute import METHODS, NEAR_LIMIT, CapReport, schedule_key
from xlcap.report.status import CAPPED, NO_LIMIT, NO_LIMIT_TEXT, NO_SCHEDULE, STATES, TERM_ENDED, WITHIN_LIMIT
from xlcap.report.status import NEAR_LIMIT as NEAR
from xlcap.report.styles import STYLES, add_named_styles, status_style

FIRST = 4  # 0-based row of the first data row on every table sheet (Excel row 5); headers on row 4
FONT = {"font_name": "Calibri", "font_size": 10, "valign": "top"}


@dataclass(frozen=True)
class WorkbookContext:
    """What the workbook says about itself: whose it is, when it was made, from what."""

    trust: str
    manager: str | None  # None: the whole Trust
    generated_at: dt.datetime
    source: str
    illustrative: bool = False
    absent: tuple[str, ...] = ()  # the manager's portfolios without actuals, so left out, each with why

    @property
    def audience(self) -> str:
        return self.manager or "All portfolios"


def _escape(text: str) -> str:
    return text.replace("&", "&&")  # '&' starts a code in Excel headers and footers


class _Sheets:
    """Formats and the page set-up every sheet shares."""

    def __init__(self, workbook: xlsxwriter.Workbook, report: CapReport, context: WorkbookContext) -> None:
        self.workbook = workbook
        self.report = report
        self.context = context
        self.fmt: dict[str, Format] = {name: workbook.add_format({**FONT, **props}) for name, props in STYLES.items()}

    def sheet(self, name: str, title: str, subtitle: str, landscape: bool = True) -> Worksheet:
        ws = self.workbook.add_worksheet(name)
        ws.set_row(0, 20)
        ws.write_string(0, 0, title, self.fmt["title"])
        ws.write_string(1, 0, subtitle, self.fmt["subtitle"])
        if landscape:
            ws.set_landscape()
        ws.set_paper(1)  # US Letter
        ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
        month = self.report.month.strftime("%B %Y")
        # Excel refuses a header over 255 characters: a long name from the recipients file is cut here, shown whole in A1
        who, trust = (t if len(t) <= 70 else t[:67] + "..." for t in (self.context.audience, self.context.trust))
        ws.set_header(f"&L&8{_escape(trust)}&C&8{_escape(who)}: {month}&R&8{_escape(name)}")
        ws.set_footer(f"&L&8Generated {self.context.generated_at:%Y-%m-%d %H:%M} by xlcap&R&8Page &P of &N")
        return ws

    def header_row(self, ws: Worksheet, row: int, headers: Sequence[str], widths: Sequence[float]) -> None:
        ws.set_row(row, 30)
        for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
            ws.write_string(row, col, header, self.fmt["header"])
            ws.set_column(col, col, width)
        ws.repeat_rows(row)
        ws.freeze_panes(row + 1, 1)


def _cell(row: int, col: int, absolute: bool = False) -> str:
    return str(xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute))


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in rec.items()} for rec in frame.to_dict("records")]


def _value(value: Any) -> Any:
    """A computed value as stored beside its formula: no figure (None, or pandas' NaN) is an empty string."""
    return "" if value is None or (isinstance(value, float) and value != value) else value


# --- Year to date: where every number is computed --------------------------------------------

YTD_HEADERS = [
    "Portfolio", "Month", "Amendment", "Days", "Average net assets", "Covered expenses", "Days in year",
    "Asset-years", "Schedule row", "Annual limit at these assets", "Limit", "Limit $ (month)", "Gross ratio",
    "YTD limit $", "YTD covered expenses", "YTD asset-years", "Waiver YTD", "Waiver (month)", "Net ratio",
    "Headroom", "Status",
]  # fmt: skip
YTD_WIDTHS = [40, 10, 10, 6, 17, 14, 7, 15, 8, 15, 17, 14, 9, 14, 14, 15, 13, 13, 9, 13, 18]  # 17, 18: "No schedule on file"
YTD_FORMATS = [
    "text", "month", "integer", "integer", "money0", "money", "integer", "money0", "integer", "money", "rate",
    "money", "ratio", "money", "money", "money0", "money", "money", "ratio", "money", "status",
]  # fmt: skip
C = {name: i for i, name in enumerate(
    ["portfolio", "month", "amendment", "days", "assets", "covered", "year_days", "asset_years", "sched_row", "annual",
     "limit", "limit_dollars", "gross", "ytd_limit", "ytd_covered", "ytd_asset_years", "ytd_waiver", "waiver", "net",
     "headroom", "status"]
)}  # fmt: skip
ACTUALS_COL = {"portfolio": 0, "month": 1, "days": 2, "assets": 3, **{e: 4 + i for i, e in enumerate(EXPENSES)}}


def _ytd_formulas(r: int, first_of_portfolio: bool, method: str) -> dict[str, str]:
    """The formulas of Year-to-date row r (0-based), one per computed column."""

    def at(name: str, row: int = r) -> str:
        return _cell(row, C[name])

    act = {k: f"Actuals!{_cell(r, c)}" for k, c in ACTUALS_COL.items()}
    key = f'{at("amendment")}&"|"&{at("portfolio")}'
    live = f"ISNUMBER({at('limit_dollars')})"

    def prev(name: str) -> str:
        """Last month's figure of this portfolio; 0 in its first month of the year."""
        return "0" if first_of_portfolio else at(name, r - 1)

    def plus(name: str) -> str:
        return "" if first_of_portfolio else f"+{at(name, r - 1)}"

    a = at("assets")
    slice_ = f"((({a}<TierTo)*{a}+({a}>=TierTo)*TierTo)-TierFrom)*({a}>TierFrom)"
    term = f"INDEX(SchedTermEnd,{at('sched_row')})"
    formulas = {
        "days": f"={act['days']}",
        "assets": f"={act['assets']}",
        "covered": f"=ROUND({act['management_fee']}+{act['other_expenses']},2)",
        "year_days": f"=DATE(YEAR({at('month')}),12,31)-DATE(YEAR({at('month')}),1,1)+1",
        "asset_years": f"={a}*{at('days')}/{at('year_days')}",
        "sched_row": f"=IFERROR(MATCH({key},SchedKey,0),0)",
        "annual": f'=IF({at("sched_row")}=0,"",SUMPRODUCT((TierKey={key})*TierRate*{slice_}))',
        # No row: an amendment in force that does not list the portfolio dropped it (term ended); none, no schedule.
        "limit": (
            f'=IF({at("sched_row")}=0,IF(ISNUMBER({at("amendment")}),"{TERM_ENDED}","{NO_SCHEDULE}"),'
            f'IF(AND(ISNUMBER({term}),{at("month")}>{term}),"{TERM_ENDED}",'
            f'IF(INDEX(SchedKind,{at("sched_row")})="None","{NO_LIMIT_TEXT}",IF({a}>0,{at("annual")}/{a},'
            f"INDEX(TierRate,MATCH({key},TierKey,0))))))"
        ),
        "limit_dollars": f'=IF(ISNUMBER({at("limit")}),ROUND({at("annual")}*{at("days")}/{at("year_days")},2),"")',
        "gross": f'=IF({at("asset_years")}>0,{at("covered")}/{at("asset_years")},"")',
        "ytd_limit": f"=ROUND(IF({live},{at('limit_dollars')},0){plus('ytd_limit')},2)",
        "ytd_covered": f"=ROUND(IF({live},{at('covered')},0){plus('ytd_covered')},2)",
        "ytd_asset_years": f"=IF({live},{at('asset_years')},0){plus('ytd_asset_years')}",
        "net": f'=IF({at("asset_years")}>0,({at("covered")}-{at("waiver")})/{at("asset_years")},"")',
    }
    if method == "fytd":
        formulas["ytd_waiver"] = f"=IF({live},ROUND(MAX(0,{at('ytd_covered')}-{at('ytd_limit')}),2),{prev('ytd_waiver')})"
        formulas["waiver"] = f"=ROUND({at('ytd_waiver')}-{prev('ytd_waiver')},2)"
        formulas["headroom"] = f'=IF({live},ROUND(MAX(0,{at("ytd_limit")}-{at("ytd_covered")}),2),"")'
        capped = f"{at('ytd_waiver')}>0"
        near = f"AND({at('ytd_asset_years')}>0,({at('ytd_limit')}-{at('ytd_covered')})/{at('ytd_asset_years')}<={NEAR_LIMIT})"
    else:
        formulas["waiver"] = f"=IF({live},ROUND(MAX(0,{at('covered')}-{at('limit_dollars')}),2),0)"
        formulas["ytd_waiver"] = f"=ROUND({at('waiver')}{plus('ytd_waiver')},2)"
        formulas["headroom"] = f'=IF({live},ROUND(MAX(0,{at("limit_dollars")}-{at("covered")}),2),"")'
        capped = f"{at('waiver')}>0"
        near = f"AND({at('asset_years')}>0,({at('limit_dollars')}-{at('covered')})/{at('asset_years')}<={NEAR_LIMIT})"
    formulas["status"] = (
        f'=IF(NOT(ISNUMBER({at("limit")})),IF({at("limit")}="{NO_LIMIT_TEXT}","{NO_LIMIT}",{at("limit")}),'
        f'IF({capped},"{CAPPED}",IF({near},"{NEAR}","{WITHIN_LIMIT}")))'
    )
    return formulas


YTD_VALUES: dict[str, Callable[[dict[str, Any]], Any]] = {
    "days": lambda r: r["days"],
    "assets": lambda r: r["average_net_assets"],
    "covered": lambda r: r["covered"],
    "year_days": lambda r: r["days_in_year"],
    "asset_years": lambda r: r["asset_years"],
    "annual": lambda r: r["annual_limit"],
    "limit": lambda r: r["limit"],
    "limit_dollars": lambda r: r["limit_dollars"],
    "gross": lambda r: r["gross_ratio"],
    "ytd_limit": lambda r: r["ytd_limit"],
    "ytd_covered": lambda r: r["ytd_covered"],
    "ytd_asset_years": lambda r: r["ytd_asset_years"],
    "ytd_waiver": lambda r: r["ytd_waiver"],
    "waiver": lambda r: r["waiver"],
    "net": lambda r: r["net_ratio"],
    "headroom": lambda r: r["headroom"],
    "status": lambda r: r["status"],
}


def _write_ytd(sheets: _Sheets, ws: Worksheet, sched_rows: dict[str, int]) -> dict[tuple[str, object], int]:
    """Year-to-date rows; returns the sheet row of each (portfolio, month)."""
    report, fmt = sheets.report, sheets.fmt
    sheets.header_row(ws, FIRST - 1, YTD_HEADERS, YTD_WIDTHS)
    # Working columns, grouped and collapsed: one click on the outline shows them for an audit.
    for name in ("year_days", "asset_years", "sched_row", "ytd_asset_years"):
        ws.set_column(C[name], C[name], YTD_WIDTHS[C[name]], None, {"hidden": True, "level": 1})
    where: dict[tuple[str, object], int] = {}
    previous = None
    for i, rec in enumerate(_records(report.rows)):
        r = FIRST + i
        where[(rec["portfolio"], rec["month"])] = r
        formulas = _ytd_formulas(r, rec["portfolio"] != previous, report.method)
        previous = rec["portfolio"]
        values = {name: get(rec) for name, get in YTD_VALUES.items()}
        amendment = None if _value(rec["amendment"]) == "" else int(rec["amendment"])
        values["sched_row"] = sched_rows.get(schedule_key(amendment, rec["portfolio"]), 0)
        for name, col in C.items():
            style = fmt[YTD_FORMATS[col]]
            if name == "portfolio":
                ws.write_string(r, col, rec["portfolio"], style)
            elif name == "month":
                ws.write_datetime(r, col, dt.datetime.combine(rec["month_end"], dt.time()), style)
            elif name == "amendment":
                if _value(rec["amendment"]) == "":
                    ws.write_blank(r, col, None, style)
                else:
                    ws.write_number(r, col, int(rec["amendment"]), style)
            else:
                ws.write_formula(r, col, formulas[name], style, _value(values[name]))
    last = FIRST + max(len(report.rows), 1) - 1
    ws.autofilter(FIRST - 1, 0, last, len(C) - 1)
    _status_formats(sheets, ws, FIRST, last, C["status"], C["limit"], C["net"])
    return where


def _status_formats(sheets: _Sheets, ws: Worksheet, first: int, last: int, status: int, limit: int, net: int) -> None:
    """Each status its colour (xlcap/report/status.py), and a net ratio over its limit red."""
    fmt = sheets.fmt
    span = (first, status, last, status)
    for state in STATES:
        if state.font or state.fill:
            ws.conditional_format(*span, {"type": "cell", "criteria": "==", "value": f'"{state.word}"',
                                          "format": fmt[status_style(state.word)]})  # fmt: skip
    n, lim = xl_col_to_name(net), xl_col_to_name(limit)
    # 1E-8 a year: a net ratio at its cap can exceed the rate by the cent rounding of the waiver, not more
    over = f"=AND(ISNUMBER(${lim}{first + 1}),ISNUMBER(${n}{first + 1}),${n}{first + 1}>${lim}{first + 1}+1E-8)"
    ws.conditional_format(first, net, last, net, {"type": "formula", "criteria": over, "format": fmt["cf_over"]})


# --- Actuals: the inputs, as received ----------------------------------------------------------


def _write_actuals(sheets: _Sheets, ws: Worksheet) -> None:
    fmt = sheets.fmt
    headers = ["Portfolio", "Month", "Days", "Average net assets", *(COLUMN_TITLES[e] for e in EXPENSES),
               "Total expenses", "Excluded expenses", "Source row"]  # fmt: skip
    widths = [40, 10, 6, 17, *([14] * len(EXPENSES)), 15, 15, 8]
    sheets.header_row(ws, FIRST - 1, headers, widths)
    first_expense, last_expense = 4, 3 + len(EXPENSES)
    for i, rec in enumerate(_records(sheets.report.rows)):
        r = FIRST + i
        ws.write_string(r, 0, rec["portfolio"], fmt["text"])
        ws.write_datetime(r, 1, dt.datetime.combine(rec["month_end"], dt.time()), fmt["month"])
        ws.write_number(r, 2, rec["days"], fmt["integer"])
        ws.write_number(r, 3, rec["average_net_assets"], fmt["money0"])
        for j, expense in enumerate(EXPENSES):
            ws.write_number(r, first_expense + j, rec[expense], fmt["money"])
        total = sum(rec[e] for e in EXPENSES)
        excluded = sum(rec[e] for e in EXPENSES[2:])
        ws.write_formula(r, last_expense + 1, f"=SUM({_cell(r, first_expense)}:{_cell(r, last_expense)})", fmt["money"], total)
        ws.write_formula(
            r, last_expense + 2, f"=SUM({_cell(r, first_expense + 2)}:{_cell(r, last_expense)})", fmt["money"], excluded
        )
        ws.write_number(r, last_expense + 3, rec["source_row"], fmt["integer"])
    last = FIRST + max(len(sheets.report.rows), 1) - 1
    ws.autofilter(FIRST - 1, 0, last, len(headers) - 1)


# --- Schedule: Schedule A in force, and the tier table the formulas read ------------------------


def _wrapped_height(text: str, width: float) -> float:
    """Row height for text wrapped in a column `width` characters wide (LibreOffice does not autofit on load)."""
    lines = max(1, -(-len(text) // max(int(width * 1.1), 1)))
    return min(13.5 * lines, 409.0)  # Excel's highest row


SCHEDULE_WIDTHS = [10, 40, 16, 16, 60, 40]
KEY_COL = 6  # hidden: amendment|portfolio, what the formulas match on


def _write_schedule(sheets: _Sheets, ws: Worksheet) -> dict[str, int]:
    """Schedule A rows and tiers, with the names the formulas use; returns each key's position in SchedKey."""
    report, fmt, wb = sheets.report, sheets.fmt, sheets.workbook
    headers = ["Amendment", "Portfolio", "Kind", "Term end", "Limit (Schedule A, as filed)", "Notes"]
    sheets.header_row(ws, FIRST - 1, headers, SCHEDULE_WIDTHS)
    ws.write_string(FIRST - 1, KEY_COL, "Key", fmt["header"])
    ws.set_column(KEY_COL, KEY_COL, 30, None, {"hidden": True})
    positions: dict[str, int] = {}
    r = FIRST
    for amendment, row in report.schedule:
        key = schedule_key(amendment.number, row.portfolio)
        positions[key] = r - FIRST + 1
        note = "Interpretation: see below" if row.interpretation else ("New portfolio" if row.new_portfolio else "")
        ws.write_number(r, 0, amendment.number, fmt["integer"])
        ws.write_string(r, 1, row.portfolio, fmt["text"])
        ws.write_string(r, 2, row.limit.label, fmt["text"])
        if row.term_end is None:
            ws.write_string(r, 3, "Permanent", fmt["text"])
        else:
            ws.write_datetime(r, 3, dt.datetime.combine(row.term_end, dt.time()), fmt["date"])
        ws.write_string(r, 4, row.limit_text, fmt["wrap"])
        ws.write_string(r, 5, note, fmt["wrap"])
        ws.write_string(r, KEY_COL, key, fmt["text"])
        if len(row.limit_text) > SCHEDULE_WIDTHS[4]:
            ws.set_row(r, _wrapped_height(row.limit_text, SCHEDULE_WIDTHS[4]))  # before the next row: rows stream out
        r += 1
    last_sched = max(r - 1, FIRST)
    for name, col in (("SchedKey", KEY_COL), ("SchedKind", 2), ("SchedTermEnd", 3)):
        wb.define_name(name, f"=Schedule!{_cell(FIRST, col, True)}:{_cell(last_sched, col, True)}")

    r = last_sched + 3
    ws.write_string(r - 1, 0, "Tier table: each rate applies to the slice of average net assets from From up to To.", fmt["bold"])
    for col, header in enumerate(["Amendment", "Portfolio", "From", "To", "Rate"]):
        ws.write_string(r, col, header, fmt["header"])
    ws.write_string(r, KEY_COL, "Key", fmt["header"])
    first_tier = r + 1
    r = first_tier
    for tier in report.tiers:
        ws.write_number(r, 0, tier.amendment, fmt["integer"])
        ws.write_string(r, 1, tier.portfolio, fmt["text"])
        ws.write_number(r, 2, tier.lower, fmt["money0"])
        ws.write_number(r, 3, tier.upper, fmt["tier_to"])
        ws.write_number(r, 4, tier.rate, fmt["rate"])
        ws.write_string(r, KEY_COL, tier.key, fmt["text"])
        r += 1
    last_tier = max(r - 1, first_tier)
    for name, col in (("TierKey", KEY_COL), ("TierFrom", 2), ("TierTo", 3), ("TierRate", 4)):
        wb.define_name(name, f"=Schedule!{_cell(first_tier, col, True)}:{_cell(last_tier, col, True)}")

    r = last_tier + 2
    for _, row in report.schedule:
        if row.interpretation is None:
            continue
        i = row.interpretation
        for label, text in (
            (f"Interpretation: {row.portfolio}", i.note),
            ("Filed text", row.limit_text),
            ("Reading applied", i.reading),
            ("Authority", i.authority),
        ):
            ws.set_row(r, _wrapped_height(text, SCHEDULE_WIDTHS[4]))
            ws.write_string(r, 1, label, fmt["bold_top"])
            ws.write_string(r, 4, text, fmt["wrap"])
            r += 1
        r += 1
    return positions


# --- Summary: the month, one row per portfolio ------------------------------------------------

SUMMARY = [
    # header, Year-to-date column, format, total the column
    ("Portfolio", "portfolio", "text", False),
    ("Average net assets", "assets", "money0", True),
    ("Limit", "limit", "rate", False),
    ("Limit $ (month)", "limit_dollars", "money", True),
    ("Covered expenses", "covered", "money", True),
    ("Gross ratio", "gross", "ratio", False),
    ("Waiver (month)", "waiver", "money", True),
    ("Net ratio", "net", "ratio", False),
    ("Headroom", "headroom", "money", True),
    ("Status", "status", "status", False),
    ("YTD limit $", "ytd_limit", "money", True),
    ("YTD covered expenses", "ytd_covered", "money", True),
    ("Waiver YTD", "ytd_waiver", "money", True),
]
SUMMARY_WIDTHS = [40, 17, 17, 14, 14, 9, 13, 9, 13, 18, 14, 14, 13]


def _write_summary(sheets: _Sheets, ws: Worksheet, where: dict[tuple[str, object], int]) -> tuple[int, int]:
    """The month's rows, each cell a reference into Year to date; returns the first and last data rows."""
    report, fmt = sheets.report, sheets.fmt
    rows = _records(report.summary)
    last = FIRST + len(rows) - 1
    sheets.header_row(ws, FIRST - 1, [h for h, *_ in SUMMARY], SUMMARY_WIDTHS)
    if rows:  # a named range and a filter (an Excel table cannot be written row by row)
        sheets.workbook.define_name("SummaryData", f"=Summary!{_cell(FIRST - 1, 0, True)}:{_cell(last, len(SUMMARY) - 1, True)}")
        ws.autofilter(FIRST - 1, 0, last, len(SUMMARY) - 1)
    for i, rec in enumerate(rows):
        r = FIRST + i
        source = where[(rec["portfolio"], rec["month"])]
        for col, (_, name, style, _) in enumerate(SUMMARY):
            if name == "portfolio":
                ws.write_string(r, col, rec["portfolio"], fmt[style])
                continue
            ws.write_formula(r, col, f"='Year to date'!{_cell(source, C[name])}", fmt[style], _value(YTD_VALUES[name](rec)))
    total = last + 1
    ws.write_string(total, 0, "Total", fmt["total_text"])
    for col, (_, name, style, summed) in enumerate(SUMMARY[1:], start=1):
        if summed and rows:
            value = float(sum(v for rec in rows if isinstance(v := _value(YTD_VALUES[name](rec)), (int, float))))
            ws.write_formula(total, col, f"=SUBTOTAL(109,{_cell(FIRST, col)}:{_cell(last, col)})", fmt[f"total_{style}"], value)
        else:
            ws.write_blank(total, col, None, fmt["total_text"])
    at = {name: i for i, (_, name, _, _) in enumerate(SUMMARY)}
    _status_formats(sheets, ws, FIRST, max(last, FIRST), at["status"], at["limit"], at["net"])
    return FIRST, last


def _write_chart(sheets: _Sheets, ws: Worksheet, summary_rows: tuple[int, int]) -> None:
    """Net ratio against the limit, for each portfolio with a limit in force this month."""
    fmt, wb = sheets.fmt, sheets.workbook
    sheets.header_row(ws, FIRST - 1, ["Portfolio", "Net ratio", "Limit"], [40, 10, 10])
    r = FIRST
    first, _ = summary_rows
    for i, rec in enumerate(_records(sheets.report.summary)):
        if not isinstance(rec["limit"], float):
            continue
        source = first + i
        ws.write_formula(r, 0, f"=Summary!{_cell(source, 0)}", fmt["text"], rec["portfolio"])
        ws.write_formula(r, 1, f"=Summary!{_cell(source, 7)}", fmt["ratio"], _value(rec["net_ratio"]))
        ws.write_formula(r, 2, f"=Summary!{_cell(source, 2)}", fmt["ratio"], rec["limit"])
        r += 1
    if r == FIRST:
        ws.write_string(FIRST, 0, "No portfolio has a limit in force this month.", fmt["text"])
        return
    chart = wb.add_chart({"type": "bar"})
    for col, name, colour in ((1, "Net ratio", "#2F5597"), (2, "Limit", "#C55A11")):
        chart.add_series({
            "name": name,
            "categories": ["Chart", FIRST, 0, r - 1, 0],
            "values": ["Chart", FIRST, col, r - 1, col],
            "fill": {"color": colour},
            "gap": 60,
        })  # fmt: skip
    chart.set_title(
        {"name": f"Net expense ratio against the limit, {sheets.report.month.strftime('%B %Y')}", "name_font": {"size": 11}}
    )
    chart.set_x_axis({"num_format": "0.00%", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_y_axis({"reverse": True, "num_font": {"size": 8}})
    chart.set_legend({"position": "top"})
    chart.set_size({"width": 900, "height": max(320, 22 * (r - FIRST) + 120)})
    ws.insert_chart(FIRST - 1, 4, chart)


def _write_notes(sheets: _Sheets, ws: Worksheet) -> None:
    report, context, fmt = sheets.report, sheets.context, sheets.fmt
    amendments = sorted({(a.number, a.date, a.title) for a, _ in report.schedule})
    notes: list[tuple[str, str]] = [
        ("Month", report.month.strftime("%B %Y")),
        ("Portfolios", context.audience),
        ("Method", METHODS[report.method]),
        ("Day count", "Actual days in the period over the days in the calendar (= fiscal) year: 365, or 366 in a leap year."),
        (
            "Covered expenses",
            "Management fee plus other expenses. Excluded, as the agreement provides: 12b-1 fees, interest, "
            "taxes, brokerage commissions and extraordinary expenses.",
        ),
        (
            "Limit $",
            "Each tier's rate on its slice of average net assets (Schedule sheet, tier table), times days in the "
            "period over days in the year, rounded to the cent.",
        ),
        ("Rounding", "Money is rounded to the cent where each reported amount is made (ROUND(x, 2)); ratios are not rounded."),
        (
            "Near limit",
            f"Headroom within {NEAR_LIMIT * 10_000:.0f} basis points a year of average net assets"
            + (" (fiscal year to date)." if report.method == "fytd" else " (the month)."),
        ),
        *((s.word, s.meaning) for s in STATES if not s.live),
        (
            "Year to date",
            " ".join(report.ytd_notes(most_names=20))
            or f"From January {report.month.year} for every portfolio: the fiscal year is the calendar year.",
        ),
        *((label, line) for label, line in zip(["Not in this workbook"], context.absent[:1], strict=False)),
        *(("", line) for line in context.absent[1:]),  # one row each: a list of 40 reads down, not across
        ("Schedule version", "; ".join(f"Amendment No. {n}, dated {d.isoformat()}" for n, d, _ in amendments) or "none on file"),
        ("Data source", context.source + (" (ILLUSTRATIVE sample figures, not the Trust's)" if context.illustrative else "")),
        ("Generated", f"{context.generated_at:%Y-%m-%d %H:%M:%S} by xlcap"),
    ]
    for _, row in report.schedule:
        if row.interpretation is not None:
            notes.append(("Interpretation", f"{row.portfolio}. {row.interpretation.note} Reading applied: "
                          f'"{row.interpretation.reading}" ({row.interpretation.authority}).'))  # fmt: skip
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 110)
    r = FIRST - 1
    for label, text in notes:
        ws.set_row(r, _wrapped_height(text, 110))
        ws.write_string(r, 0, label, fmt["bold_top"])
        ws.write_string(r, 1, text, fmt["wrap"])
        r += 1


def write_workbook(report: CapReport, path: Path, context: WorkbookContext) -> Path:
    """Write one cap-versus-actual workbook to `path` (the caller makes it atomic)."""
    # constant_memory: rows go to disk as they are finished, so a 1,000-portfolio complex stays small;
    # it asks that each sheet be written top to bottom, which every _write_* function does.
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    workbook = xlsxwriter.Workbook(str(path), options)
    workbook.set_properties({
        "title": f"Expense limits versus actual expenses, {report.month.strftime('%B %Y')}",
        "subject": context.audience,
        "author": "xlcap",
        "company": context.trust,
        "created": context.generated_at,
    })  # fmt: skip
    workbook.set_calc_mode("auto")
    sheets = _Sheets(workbook, report, context)
    month = report.month.strftime("%B %Y")
    who = "" if context.manager is None else f" ({context.manager})"
    schedule_line = "; ".join(sorted({f"Amendment No. {a.number}, dated {a.date.isoformat()}" for a, _ in report.schedule}))
    subtitle = f"{METHODS[report.method].split(':')[0]}. Schedule A: {schedule_line or 'none on file'}. US dollars."
    summary = sheets.sheet("Summary", f"{context.trust}: expense limits versus actual expenses, {month}{who}", subtitle)
    ytd = sheets.sheet("Year to date", f"Year to date, {report.month.year}: month by month{who}", subtitle)
    if late := report.ytd_notes():  # on the sheets a reader opens first, not only in Notes: a partial year is not a year
        for ws in (summary, ytd):
            ws.write_string(2, 0, " ".join(late), sheets.fmt["caution"])
    actuals = sheets.sheet("Actuals", f"Actuals as received{who}", f"From {context.source}.")
    manager = report.schedule[0][0].manager if report.schedule else "the Manager"
    schedule = sheets.sheet(
        "Schedule", "Schedule A in force", f"Expense limitation agreement between {manager} and {context.trust}."
    )
    chart = sheets.sheet("Chart", f"Net expense ratio against the limit, {month}{who}", "Portfolios with a limit in force.")
    notes = sheets.sheet("Notes", f"Notes: how these figures were made{who}", "", landscape=False)
    positions = _write_schedule(sheets, schedule)
    _write_actuals(sheets, actuals)
    where = _write_ytd(sheets, ytd, positions)
    summary_rows = _write_summary(sheets, summary, where)
    _write_chart(sheets, chart, summary_rows)
    _write_notes(sheets, notes)
    summary.activate()
    workbook.close()
    add_named_styles(path, sheets.fmt)
    return path
