"""The Year to date sheet: every month of the fiscal year, where every number of the workbook is computed.

Each derived cell is a formula (SUMPRODUCT, INDEX/MATCH, IF, ROUND, MAX, ABS, DATE) written with
the value capcalc computed by the same steps. Columns are in the order of every sheet: the month
(limit, expenses, ratio before waiver, waiver, ratio after), then the year to date, then the
reconciliation to the books.
"""

from __future__ import annotations

import datetime as dt

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from xlcap.report import reconcile as reconcile
from xlcap.report.actuals import EXPENSES
from xlcap.report.columns import Layout, headers, ytd_layout
from xlcap.report.status import CAPPED, NO_LIMIT, NO_LIMIT_TEXT, NO_SCHEDULE, REVERSAL, STATES, TERM_ENDED, WITHIN_LIMIT
from xlcap.report.status import NEAR_LIMIT as NEAR
from xlcap.report.styles import status_style
from xlcap.report.workbook_sheets import FIRST, Sheets, cell, value

NEAR_SHARE_NAME = "NearShare"  # the defined name holding the "Near limit" share of the limit


def actuals_columns(with_classes: bool) -> dict[str, int]:
    """Where the Actuals sheet holds each input (xlcap/report/workbook.py writes it in this order)."""
    first = 1 + with_classes  # Portfolio, then Class when some row has one
    return {
        "portfolio": 0, **({"share_class": 1} if with_classes else {}), "month": first, "days": first + 1,
        "assets": first + 2, **{e: first + 3 + i for i, e in enumerate(EXPENSES)},
        "waiver_booked": first + 3 + len(EXPENSES) + 2,  # after Total and Excluded expenses
    }  # fmt: skip


def _formulas(r: int, first_of_portfolio: bool, method: str, layout: Layout, actuals: dict[str, int]) -> dict[str, str]:
    """The formulas of Year-to-date row r (0-based), one per computed column; `first_of_portfolio`: of its class."""

    def at(name: str, row: int = r) -> str:
        return cell(row, layout.at[name])

    act = {k: f"Actuals!{cell(r, c)}" for k, c in actuals.items()}
    key = f'{at("amendment")}&"|"&{at("portfolio")}'
    if "class_group" in layout:  # a row of some classes has its own key, and its own tiers
        key += f'&IF({at("class_group")}="","","|"&{at("class_group")})'
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
        "gross_12b1": f'=IF({at("asset_years")}>0,({at("covered")}+{act["distribution_12b1"]})/{at("asset_years")},"")',
        "ytd_limit": f"=ROUND(IF({live},{at('limit_dollars')},0){plus('ytd_limit')},2)",
        "ytd_covered": f"=ROUND(IF({live},{at('covered')},0){plus('ytd_covered')},2)",
        "ytd_asset_years": f"=IF({live},{at('asset_years')},0){plus('ytd_asset_years')}",
        "net": f'=IF({at("asset_years")}>0,({at("covered")}-{at("waiver")})/{at("asset_years")},"")',
        "ytd_gross": f'=IF({at("ytd_asset_years")}>0,{at("ytd_covered")}/{at("ytd_asset_years")},"")',
        "ytd_net": f'=IF({at("ytd_asset_years")}>0,({at("ytd_covered")}-{at("ytd_waiver")})/{at("ytd_asset_years")},"")',
    }
    if method == "fytd":
        formulas["ytd_waiver"] = f"=IF({live},ROUND(MAX(0,{at('ytd_covered')}-{at('ytd_limit')}),2),{prev('ytd_waiver')})"
        formulas["waiver"] = f"=ROUND({at('ytd_waiver')}-{prev('ytd_waiver')},2)"
        formulas["headroom"] = f'=IF({live},ROUND(MAX(0,{at("ytd_limit")}-{at("ytd_covered")}),2),"")'
        capped = f"{at('ytd_waiver')}>0"
        near = f"AND({at('ytd_limit')}>0,{at('ytd_covered')}>={NEAR_SHARE_NAME}*{at('ytd_limit')})"
    else:
        formulas["waiver"] = f"=IF({live},ROUND(MAX(0,{at('covered')}-{at('limit_dollars')}),2),0)"
        formulas["ytd_waiver"] = f"=ROUND({at('waiver')}{plus('ytd_waiver')},2)"
        formulas["headroom"] = f'=IF({live},ROUND(MAX(0,{at("limit_dollars")}-{at("covered")}),2),"")'
        capped = f"{at('waiver')}>0"
        near = f"AND({at('limit_dollars')}>0,{at('covered')}>={NEAR_SHARE_NAME}*{at('limit_dollars')})"
    formulas["status"] = (
        f'=IF(NOT(ISNUMBER({at("limit")})),IF({at("limit")}="{NO_LIMIT_TEXT}","{NO_LIMIT}",{at("limit")}),'
        f'IF({at("waiver")}<0,"{REVERSAL}",IF({capped},"{CAPPED}",IF({near},"{NEAR}","{WITHIN_LIMIT}"))))'
    )
    formulas.update(reconcile.formulas(at("waiver"), act["waiver_booked"], at("booked"), at("true_up"), at("reconciliation")))
    return formulas


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
        formulas = _formulas(r, series != previous, report.method, layout, actuals)
        previous = series
        for col, column in enumerate(layout.columns):
            name, style = column.name, fmt[column.style]
            if name == "portfolio":
                ws.write_string(r, col, rec.portfolio, style)
            elif name == "share_class":
                ws.write_string(r, col, rec.share_class or "", style)
            elif name == "class_group":  # which Schedule A row prices the class: the lookups' class rule
                ws.write_string(r, col, rec.class_group, style)
            elif name == "month":
                ws.write_datetime(r, col, dt.datetime.combine(rec.month_end, dt.time()), style)
            elif name == "amendment":
                if rec.amendment is None:
                    ws.write_blank(r, col, None, style)
                else:
                    ws.write_number(r, col, rec.amendment, style)
            elif name == "sched_row":
                ws.write_formula(r, col, formulas[name], style, sched_rows.get(rec.schedule_key, 0))
            else:
                ws.write_formula(r, col, formulas[name], style, value(layout.value(name, rec)))
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
