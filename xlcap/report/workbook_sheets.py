"""What every sheet of the workbook shares: who it is for, formats, page set-up, headers and footers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from xlcap.report.compute import CapReport
from xlcap.report.provenance import Provenance
from xlcap.report.styles import STYLES

FIRST = 4  # 0-based row of the first data row on every table sheet (Excel row 5); headers on row 4
FONT = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
ILLUSTRATIVE = "ILLUSTRATIVE"


@dataclass(frozen=True)
class WorkbookContext:
    """What the workbook says about itself: whose it is, when it was made, from what."""

    trust: str
    manager: str | None  # None: the whole Trust
    generated_at: dt.datetime
    source: str
    illustrative: bool = False
    absent: tuple[str, ...] = ()  # the manager's portfolios without actuals, so left out, each with why
    provenance: Provenance | None = None
    obligor: str | None = None  # who waives or reimburses; None: the `manager` of the amendment in force

    @property
    def audience(self) -> str:
        return self.manager or "All portfolios"

    @property
    def for_manager(self) -> bool:
        """Sent outside the fund's accounting team: protected sheets and a confidentiality line."""
        return self.manager is not None

    @property
    def confidential(self) -> str:
        who = self.manager or self.trust
        who = who if len(who) <= 60 else who[:57] + "..."  # the page footer holds 255 characters at most
        return f"Confidential: prepared for {who}; not for further distribution"


def escape(text: str) -> str:
    return text.replace("&", "&&")  # '&' starts a code in Excel headers and footers


def cell(row: int, col: int, absolute: bool = False) -> str:
    return str(xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute))


def value(v: Any) -> Any:
    """A computed value as stored beside its formula: no figure (None, or a NaN) is an empty string."""
    return "" if v is None or (isinstance(v, float) and v != v) else v


def wrapped_height(text: str, width: float) -> float:
    """Row height for text wrapped in a column `width` characters wide (LibreOffice does not autofit on load)."""
    lines = max(1, -(-len(text) // max(int(width * 1.1), 1)))
    return min(13.5 * lines, 409.0)  # Excel's highest row


class Sheets:
    """Formats and the page set-up every sheet shares."""

    def __init__(self, workbook: xlsxwriter.Workbook, report: CapReport, context: WorkbookContext) -> None:
        self.workbook = workbook
        self.report = report
        self.context = context
        self.obligor = context.obligor or (report.schedule[-1][0].manager if report.schedule else "the Manager")
        self.fmt: dict[str, Format] = {name: workbook.add_format({**FONT, **props}) for name, props in STYLES.items()}

    def sheet(self, name: str, title: str, subtitle: str, landscape: bool = True) -> Worksheet:
        ws = self.workbook.add_worksheet(name)
        context = self.context
        ws.set_row(0, 20)
        ws.write_string(0, 0, (f"{ILLUSTRATIVE}: " if context.illustrative else "") + title, self.fmt["title"])
        ws.write_string(1, 0, subtitle, self.fmt["subtitle"])
        if landscape:
            ws.set_landscape()
        ws.set_paper(1)  # US Letter
        ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
        month = self.report.month.strftime("%B %Y")
        # Excel refuses a header over 255 characters: a long name from the recipients file is cut here, shown whole in A1
        who, trust = (t if len(t) <= 60 else t[:57] + "..." for t in (context.audience, context.trust))
        mark = f"&B{ILLUSTRATIVE}&B " if context.illustrative else ""
        ws.set_header(f"&L&8{escape(trust)}&C&8{mark}{escape(who)}: {month}&R&8{escape(name)}")
        stamp = context.provenance.stamp(context.generated_at) if context.provenance else f"{context.generated_at:%Y-%m-%d %H:%M}"
        second = f"{context.confidential}. " if context.for_manager else ""
        ws.set_footer(f"&L&7{escape(second + 'Made by xlcap from ' + stamp)}&R&8Page &P of &N")
        if context.for_manager:  # to view needs no password; edits are blocked (filters and widths still work)
            ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True, "sort": False})
        return ws

    def header_row(self, ws: Worksheet, row: int, headers: Sequence[str], widths: Sequence[float], repeat: bool = True) -> None:
        ws.set_row(row, 54)  # four wrapped lines: "Ratio before waiver, YTD annualised (ex-12b-1)"
        for col, (header, width) in enumerate(zip(headers, widths, strict=True)):
            ws.write_string(row, col, header, self.fmt["header"])
            ws.set_column(col, col, width)
        if repeat:
            ws.repeat_rows(row)
        ws.freeze_panes(row + 1, 1)
