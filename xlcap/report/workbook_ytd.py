"""The Year to date sheet: every month of the fiscal year, where every number of the workbook is computed.

Each derived cell is a formula (SUMPRODUCT, INDEX/MATCH, IF, ROUND, MAX, ABS, DATE) written with
the value capcalc computed by the same steps. Columns are in the order of every sheet: the month
(limit, expenses, ratio before waiver, waiver, ratio after), then the year to date, then the
reconciliation to the books.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from xlcap.report import reconcile as reconcile
from xlcap.report.actuals import EXPENSES
from xlcap.report.compute import schedule_key
from xlcap.report.status import CAPPED, NO_LIMIT, NO_LIMIT_TEXT, NO_SCHEDULE, REVERSAL, STATES, TERM_ENDED, WITHIN_LIMIT
from xlcap.report.status import NEAR_LIMIT as NEAR
from xlcap.report.styles import status_style
from xlcap.report.words import WORDS
from xlcap.report.workbook_sheets import FIRST, Sheets, cell, records, value

NEAR_SHARE_NAME = "NearShare"  # the defined name holding the "Near limit" share of the limit

# name, header, width, format, hidden (a working column: grouped and collapsed, one click shows it for an audit)
COLUMNS: list[tuple[str, str, float, str, bool]] = [
    ("portfolio", "Portfolio", 40, "text", False),
    ("month", "Month", 10, "month", False),
    ("amendment", "Amendment", 10, "integer", False),
    ("days", "Days", 6, "integer", False),
    ("assets", "Average net assets", 19, "money0", False),
    ("covered", WORDS["covered"], 17, "money", False),
    ("year_days", "Days in year", 7, "integer", True),
    ("asset_years", "Asset-years", 15, "money0", True),
    ("sched_row", "Schedule row", 8, "integer", True),
    ("annual", "Annual limit at these assets", 17, "money", False),
    ("limit", "Limit", 18, "rate", False),  # 18: "No schedule on file"
    ("limit_dollars", WORDS["limit_dollars"], 17, "money", False),
    ("gross", WORDS["gross"], 11, "ratio", False),
    ("waiver", WORDS["waiver"], 17, "money", False),
    ("net", WORDS["net"], 11, "ratio", False),
    ("status", "Status", 18, "status", False),
    ("ytd_limit", WORDS["ytd_limit"], 18, "money", False),
    ("ytd_covered", WORDS["ytd_covered"], 18, "money", False),
    ("ytd_asset_years", "YTD asset-years", 15, "money0", True),
    ("ytd_waiver", WORDS["ytd_waiver"], 18, "money", False),
    ("headroom", WORDS["headroom"], 17, "money", False),
    ("ytd_gross", WORDS["ytd_gross"], 12, "ratio", False),
    ("ytd_net", WORDS["ytd_net"], 12, "ratio", False),
    ("booked", WORDS["booked"], 17, "money", False),
    ("true_up", WORDS["true_up"], 17, "money", False),
    ("reconciliation", "Reconciliation", 17, "status", False),
    ("entry", WORDS["entry"], 44, "wrap", False),
]
C = {name: i for i, (name, *_) in enumerate(COLUMNS)}
ACTUALS_COL = {
    "portfolio": 0, "month": 1, "days": 2, "assets": 3, **{e: 4 + i for i, e in enumerate(EXPENSES)},
    "waiver_booked": 4 + len(EXPENSES) + 2,  # after Total and Excluded expenses
}  # fmt: skip


def headers(method: str) -> list[str]:
    room = WORDS["headroom"] if method == "fytd" else WORDS["headroom_month"]
    return [room if name == "headroom" else header for name, header, *_ in COLUMNS]


def _formulas(r: int, first_of_portfolio: bool, method: str) -> dict[str, str]:
    """The formulas of Year-to-date row r (0-based), one per computed column."""

    def at(name: str, row: int = r) -> str:
        return cell(row, C[name])

    act = {k: f"Actuals!{cell(r, c)}" for k, c in ACTUALS_COL.items()}
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


VALUES: dict[str, Callable[[dict[str, Any]], Any]] = {
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
    "ytd_gross": lambda r: r["ytd_gross_ratio"],
    "ytd_net": lambda r: r["ytd_net_ratio"],
    "status": lambda r: r["status"],
    "booked": lambda r: r["waiver_booked"],
    "true_up": lambda r: r["true_up"],
    "reconciliation": lambda r: r["reconciliation"],
    "entry": lambda r: r["entry"],
}


def write_ytd(sheets: Sheets, ws: Worksheet, sched_rows: dict[str, int]) -> dict[tuple[str, object], int]:
    """Year-to-date rows; returns the sheet row of each (portfolio, month)."""
    report, fmt = sheets.report, sheets.fmt
    sheets.workbook.define_name(NEAR_SHARE_NAME, f"={report.near_share!r}")
    sheets.workbook.define_name(reconcile.TOLERANCE_NAME, f"={report.tolerance!r}")
    sheets.header_row(ws, FIRST - 1, headers(report.method), [w for _, _, w, _, _ in COLUMNS])
    for name, _, width, _, hidden in COLUMNS:
        if hidden:
            ws.set_column(C[name], C[name], width, None, {"hidden": True, "level": 1})
    where: dict[tuple[str, object], int] = {}
    previous = None
    for i, rec in enumerate(records(report.rows)):
        r = FIRST + i
        where[(rec["portfolio"], rec["month"])] = r
        formulas = _formulas(r, rec["portfolio"] != previous, report.method)
        previous = rec["portfolio"]
        values = {name: get(rec) for name, get in VALUES.items()}
        amendment = None if value(rec["amendment"]) == "" else int(rec["amendment"])
        values["sched_row"] = sched_rows.get(schedule_key(amendment, rec["portfolio"]), 0)
        for name, _, _, style_name, _ in COLUMNS:
            col, style = C[name], fmt[style_name]
            if name == "portfolio":
                ws.write_string(r, col, rec["portfolio"], style)
            elif name == "month":
                ws.write_datetime(r, col, dt.datetime.combine(rec["month_end"], dt.time()), style)
            elif name == "amendment":
                if amendment is None:
                    ws.write_blank(r, col, None, style)
                else:
                    ws.write_number(r, col, amendment, style)
            else:
                ws.write_formula(r, col, formulas[name], style, value(values[name]))
    last = FIRST + max(len(report.rows), 1) - 1
    ws.autofilter(FIRST - 1, 0, last, len(C) - 1)
    sheets.workbook.define_name("YTDMonth", f"='Year to date'!{cell(FIRST, C['month'], True)}:{cell(last, C['month'], True)}")
    status_formats(sheets, ws, FIRST, last, C["status"], C["limit"], C["gross"])
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
