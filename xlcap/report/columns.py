"""The one column table: each column's header, width, format, record field and where it appears.

The Year to date sheet is written from it in its order; the Summary takes the columns it names
(SUMMARY_ORDER) with their Summary widths and totals; the Chart reads the Summary by the same
names. The formulas of each column live beside the sheet that writes them
(xlcap/report/workbook_ytd.py, keyed by these names), and the values stored beside them are the
record fields named here (xlcap/report/steps.py MonthRecord).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xlcap.report.words import WORDS

LIMITED, UNLIMITED = "limited", "unlimited"  # the Summary's two totals: limit in force, and none


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    width: float  # on the Year to date sheet
    style: str  # a format of xlcap/report/styles.py
    field: str | None = None  # the MonthRecord field stored beside the formula (None: written otherwise)
    hidden: bool = False  # a working column: grouped and collapsed, one click shows it for an audit
    classes: bool = False  # shown only when some record is one share class of a portfolio
    ytd: bool = True  # on the Year to date sheet
    summary: float | None = None  # its width on the Summary; None: not on the Summary
    totals: tuple[str, ...] = ()  # the Summary totals it appears in


BOTH = (LIMITED, UNLIMITED)
COLUMNS: tuple[Column, ...] = (
    Column("portfolio", "Portfolio", 40, "text", "portfolio", summary=36),
    Column("share_class", "Class", 9, "text", "share_class", classes=True, summary=9),
    Column("month", "Month", 10, "month", "month_end"),
    Column("amendment", "Amendment", 10, "integer", "amendment"),
    Column("days", "Days", 6, "integer", "days"),
    Column("assets", "Average net assets", 19, "money0", "average_net_assets", summary=20, totals=BOTH),
    Column("covered", WORDS["covered"], 17, "money", "covered", summary=18, totals=BOTH),
    Column("year_days", "Days in year", 7, "integer", "days_in_year", hidden=True),
    Column("asset_years", "Asset-years", 15, "money0", "asset_years", hidden=True),
    Column("class_group", "Classes of the Schedule A row", 10, "text", None, hidden=True, classes=True),
    Column("sched_row", "Schedule row", 8, "integer", None, hidden=True),
    Column("annual", "Annual limit at these assets", 17, "money", "annual_limit"),
    Column("limit", "Limit", 18, "rate", "limit", summary=18),  # 18: "No schedule on file"
    Column("limit_dollars", WORDS["limit_dollars"], 17, "money", "limit_dollars", summary=17, totals=(LIMITED,)),
    Column("gross", WORDS["gross"], 11, "ratio", "gross_ratio", summary=10),
    Column("waiver", WORDS["waiver"], 17, "money", "waiver", summary=17, totals=(LIMITED,)),
    Column("net", WORDS["net"], 11, "ratio", "net_ratio", summary=10),
    Column("status", "Status", 18, "status", "status", summary=16),
    Column("ytd_limit", WORDS["ytd_limit"], 18, "money", "ytd_limit", summary=18, totals=(LIMITED,)),
    Column("ytd_covered", WORDS["ytd_covered"], 18, "money", "ytd_covered", summary=18, totals=(LIMITED,)),
    Column("ytd_asset_years", "YTD asset-years", 15, "money0", "ytd_asset_years", hidden=True),
    Column("ytd_waiver", WORDS["ytd_waiver"], 18, "money", "ytd_waiver", summary=18, totals=(LIMITED,)),
    Column("headroom", WORDS["headroom"], 17, "money", "headroom", summary=16),  # per portfolio: never summed
    Column("ytd_gross", WORDS["ytd_gross"], 12, "ratio", "ytd_gross_ratio", summary=12),
    Column("ytd_net", WORDS["ytd_net"], 12, "ratio", "ytd_net_ratio", summary=12),
    # with its 12b-1 fees, for tying each class to the prospectus fee table: after the ratios the limit tests
    Column("gross_12b1", WORDS["gross_12b1"], 12, "ratio", "gross_ratio_12b1", summary=12),
    Column("booked", WORDS["booked"], 17, "money", "waiver_booked"),
    Column("true_up", WORDS["true_up"], 17, "money", "true_up"),
    Column("reconciliation", "Reconciliation", 17, "status", "reconciliation"),
    Column("entry", WORDS["entry"], 44, "wrap", "entry"),
    Column("note", "Note", 15, "text", None, ytd=False, summary=15),
)
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
