"""The one column table: each column's header, width, format, record field, formula and where it appears.

The Year to date sheet is written from it in its order: each derived cell is the column's formula
with the record field stored beside it as its result (xlcap/report/steps.py MonthRecord: the same
steps in Python). The Summary takes the columns SUMMARY_ORDER names, with their Summary widths and
totals, as references into Year to date; the Chart reads the Summary by the same names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from xlcap.report import reconcile as reconcile
from xlcap.report.status import CAPPED, NO_LIMIT, NO_LIMIT_TEXT, NO_SCHEDULE, REVERSAL, TERM_ENDED, WITHIN_LIMIT
from xlcap.report.status import NEAR_LIMIT as NEAR
from xlcap.report.words import WORDS

LIMITED, UNLIMITED = "limited", "unlimited"  # the Summary's two totals: limit in force, and none
NEAR_SHARE_NAME = "NearShare"  # the defined name holding the "Near limit" share of the limit


class Refs:
    """The cells one Year-to-date row's formulas name: its own columns, the month before's, its Actuals row."""

    def __init__(self, row: int, first: bool, method: str, at: dict[str, int], actuals: dict[str, int]) -> None:
        self.row, self.first, self.fytd = row, first, method == "fytd"  # first: the first month of its (portfolio, class)
        self._at, self._actuals = at, actuals
        key = f'{self("amendment")}&"|"&{self("portfolio")}'
        if "class_group" in at:  # a row of some classes has its own key, and its own tiers
            key += f'&IF({self("class_group")}="","","|"&{self("class_group")})'
        self.key = key  # what Schedule A's and the tier table's keys are matched on
        self.live = f"ISNUMBER({self('limit_dollars')})"  # a limit is in force this month

    def __call__(self, name: str, row: int | None = None) -> str:
        return str(xl_rowcol_to_cell(self.row if row is None else row, self._at[name]))

    def act(self, name: str) -> str:
        return f"Actuals!{xl_rowcol_to_cell(self.row, self._actuals[name])}"

    def prev(self, name: str) -> str:
        """Last month's figure of this (portfolio, class); 0 in its first month of the year."""
        return "0" if self.first else self(name, self.row - 1)

    def plus(self, name: str) -> str:
        return "" if self.first else f"+{self(name, self.row - 1)}"


Formula = Callable[[Refs], str]


def _annual(f: Refs) -> str:
    a = f("assets")
    slice_ = f"((({a}<TierTo)*{a}+({a}>=TierTo)*TierTo)-TierFrom)*({a}>TierFrom)"
    return f'=IF({f("sched_row")}=0,"",SUMPRODUCT((TierKey={f.key})*TierRate*{slice_}))'


def _limit(f: Refs) -> str:
    """The rate, or why none is in force. No row: an amendment in force that does not list it dropped it; none on file."""
    a, row, term = f("assets"), f("sched_row"), f"INDEX(SchedTermEnd,{f('sched_row')})"
    return (
        f'=IF({row}=0,IF(ISNUMBER({f("amendment")}),"{TERM_ENDED}","{NO_SCHEDULE}"),'
        f'IF(AND(ISNUMBER({term}),{f("month")}>{term}),"{TERM_ENDED}",'
        f'IF(INDEX(SchedKind,{row})="None","{NO_LIMIT_TEXT}",IF({a}>0,{f("annual")}/{a},'
        f"INDEX(TierRate,MATCH({f.key},TierKey,0))))))"
    )


def _ytd_waiver(f: Refs) -> str:
    if f.fytd:  # the waiver owed to date
        return f"=IF({f.live},ROUND(MAX(0,{f('ytd_covered')}-{f('ytd_limit')}),2),{f.prev('ytd_waiver')})"
    return f"=ROUND({f('waiver')}{f.plus('ytd_waiver')},2)"


def _waiver(f: Refs) -> str:
    if f.fytd:  # the change in the waiver owed to date
        return f"=ROUND({f('ytd_waiver')}-{f.prev('ytd_waiver')},2)"
    return f"=IF({f.live},ROUND(MAX(0,{f('covered')}-{f('limit_dollars')}),2),0)"


def _headroom(f: Refs) -> str:
    limit, covered = ("ytd_limit", "ytd_covered") if f.fytd else ("limit_dollars", "covered")
    return f'=IF({f.live},ROUND(MAX(0,{f(limit)}-{f(covered)}),2),"")'


def _status(f: Refs) -> str:
    limit, covered, waived = ("ytd_limit", "ytd_covered", "ytd_waiver") if f.fytd else ("limit_dollars", "covered", "waiver")
    capped = f"{f(waived)}>0"
    near = f"AND({f(limit)}>0,{f(covered)}>={NEAR_SHARE_NAME}*{f(limit)})"
    return (
        f'=IF(NOT(ISNUMBER({f("limit")})),IF({f("limit")}="{NO_LIMIT_TEXT}","{NO_LIMIT}",{f("limit")}),'
        f'IF({f("waiver")}<0,"{REVERSAL}",IF({capped},"{CAPPED}",IF({near},"{NEAR}","{WITHIN_LIMIT}"))))'
    )


def _reconcile(name: str) -> Formula:
    def formula(f: Refs) -> str:
        cells = (f("waiver"), f.act("waiver_booked"), f("booked"), f("true_up"), f("reconciliation"))
        return reconcile.formulas(*cells)[name]

    return formula


def _ratio(numerator: Formula, years: str) -> Formula:
    return lambda f: f'=IF({f(years)}>0,{numerator(f)}/{f(years)},"")'


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    width: float  # on the Year to date sheet
    style: str  # a format of xlcap/report/styles.py
    field: str | None = None  # the MonthRecord field: the formula's stored result, or the value itself
    formula: Formula | None = None  # the Year-to-date cell's formula (None: an input or label, written as it is)
    hidden: bool = False  # a working column: grouped and collapsed, one click shows it for an audit
    classes: bool = False  # shown only when some record is one share class of a portfolio
    ytd: bool = True  # on the Year to date sheet
    summary: float | None = None  # its width on the Summary; None: not on the Summary
    totals: tuple[str, ...] = ()  # the Summary totals it appears in


BOTH = (LIMITED, UNLIMITED)
COLUMNS: tuple[Column, ...] = (
    Column("portfolio", "Portfolio", 40, "text", "portfolio", summary=36),
    # 17 on the Summary: its column B also holds the reconciliation table's "Waiver ... required (month)" below
    Column("share_class", "Class", 9, "text", "share_class", classes=True, summary=17),
    Column("month", "Month", 10, "month", "month_end"),
    Column("amendment", "Amendment", 10, "integer", "amendment"),
    Column("days", "Days", 6, "integer", "days", lambda f: f"={f.act('days')}"),
    Column("assets", "Average net assets", 19, "money0", "average_net_assets", lambda f: f"={f.act('assets')}",
           summary=20, totals=BOTH),
    Column("covered", WORDS["covered"], 17, "money", "covered",
           lambda f: f"=ROUND({f.act('management_fee')}+{f.act('other_expenses')},2)", summary=18, totals=BOTH),
    Column("year_days", "Days in year", 7, "integer", "days_in_year",
           lambda f: f"=DATE(YEAR({f('month')}),12,31)-DATE(YEAR({f('month')}),1,1)+1", hidden=True),
    Column("asset_years", "Asset-years", 15, "money0", "asset_years",
           lambda f: f"={f('assets')}*{f('days')}/{f('year_days')}", hidden=True),
    # Which Schedule A row prices the class (the lookups' class rule, lookup.row_for_class): part of the key
    Column("class_group", "Classes of the Schedule A row", 10, "text", "class_group", hidden=True, classes=True),
    Column("sched_row", "Schedule row", 8, "integer", None, lambda f: f"=IFERROR(MATCH({f.key},SchedKey,0),0)", hidden=True),
    Column("annual", "Annual limit at these assets", 17, "money", "annual_limit", _annual),
    Column("limit", "Limit", 18, "rate", "limit", _limit, summary=18),  # 18: "No schedule on file"
    Column("limit_dollars", WORDS["limit_dollars"], 17, "money", "limit_dollars",
           lambda f: f'=IF(ISNUMBER({f("limit")}),ROUND({f("annual")}*{f("days")}/{f("year_days")},2),"")',
           summary=17, totals=(LIMITED,)),
    Column("gross", WORDS["gross"], 11, "ratio", "gross_ratio", _ratio(lambda f: f("covered"), "asset_years"), summary=10),
    Column("waiver", WORDS["waiver"], 17, "money", "waiver", _waiver, summary=17, totals=(LIMITED,)),
    Column("net", WORDS["net"], 11, "ratio", "net_ratio",
           _ratio(lambda f: f"({f('covered')}-{f('waiver')})", "asset_years"), summary=10),
    Column("status", "Status", 18, "status", "status", _status, summary=16),
    Column("ytd_limit", WORDS["ytd_limit"], 18, "money", "ytd_limit",
           lambda f: f"=ROUND(IF({f.live},{f('limit_dollars')},0){f.plus('ytd_limit')},2)", summary=18, totals=(LIMITED,)),
    Column("ytd_covered", WORDS["ytd_covered"], 18, "money", "ytd_covered",
           lambda f: f"=ROUND(IF({f.live},{f('covered')},0){f.plus('ytd_covered')},2)", summary=18, totals=(LIMITED,)),
    Column("ytd_asset_years", "YTD asset-years", 15, "money0", "ytd_asset_years",
           lambda f: f"=IF({f.live},{f('asset_years')},0){f.plus('ytd_asset_years')}", hidden=True),
    Column("ytd_waiver", WORDS["ytd_waiver"], 18, "money", "ytd_waiver", _ytd_waiver, summary=18, totals=(LIMITED,)),
    Column("headroom", WORDS["headroom"], 17, "money", "headroom", _headroom, summary=16),  # per portfolio: never summed
    Column("ytd_gross", WORDS["ytd_gross"], 12, "ratio", "ytd_gross_ratio",
           _ratio(lambda f: f("ytd_covered"), "ytd_asset_years"), summary=12),
    Column("ytd_net", WORDS["ytd_net"], 12, "ratio", "ytd_net_ratio",
           _ratio(lambda f: f"({f('ytd_covered')}-{f('ytd_waiver')})", "ytd_asset_years"), summary=12),
    # with its 12b-1 fees, for tying each class to the prospectus fee table: after the ratios the limit tests
    Column("gross_12b1", WORDS["gross_12b1"], 12, "ratio", "gross_ratio_12b1",
           _ratio(lambda f: f"({f('covered')}+{f.act('distribution_12b1')})", "asset_years"), summary=12),
    Column("booked", WORDS["booked"], 17, "money", "waiver_booked", _reconcile("booked")),
    Column("true_up", WORDS["true_up"], 17, "money", "true_up", _reconcile("true_up")),
    Column("reconciliation", "Reconciliation", 17, "status", "reconciliation", _reconcile("reconciliation")),
    Column("entry", WORDS["entry"], 44, "wrap", "entry", _reconcile("entry")),
    Column("note", "Note", 15, "text", None, ytd=False, summary=15),
)  # fmt: skip
BY_NAME = {c.name: c for c in COLUMNS}
# The Summary's order: the month (limit, expenses, ratios, waiver), status, then the year to date.
SUMMARY_ORDER = ("portfolio", "share_class", "assets", "limit", "limit_dollars", "covered", "gross", "waiver", "net",
                 "status", "ytd_limit", "ytd_covered", "ytd_waiver", "headroom", "ytd_gross", "ytd_net", "gross_12b1",
                 "note")  # fmt: skip


class Layout:
    """The columns one sheet of one workbook shows, in order, and each one's position."""

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = tuple(columns)
        self.at = {c.name: i for i, c in enumerate(self.columns)}

    def __contains__(self, name: str) -> bool:
        return name in self.at

    def value(self, name: str, record: Any) -> Any:
        field = BY_NAME[name].field
        return None if field is None else getattr(record, field)


def ytd_layout(with_classes: bool) -> Layout:
    return Layout([c for c in COLUMNS if c.ytd and (with_classes or not c.classes)])


def summary_layout(with_classes: bool) -> Layout:
    return Layout([BY_NAME[n] for n in SUMMARY_ORDER if with_classes or not BY_NAME[n].classes])


def headers(layout: Layout, method: str) -> list[str]:
    """The column headers; the room under the limit is the month's under the monthly method."""
    room = WORDS["headroom"] if method == "fytd" else WORDS["headroom_month"]
    return [room if c.name == "headroom" else c.header for c in layout.columns]
