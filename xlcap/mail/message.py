"""The month-end message to one manager: a short summary of their workbook, and the workbook attached.

The summary is read back from the workbook itself (its stored results), so the body can never
disagree with the attachment.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import openpyxl

from xlcap.report.status import CAPPED, NEAR_LIMIT

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
TERM_WARNING_DAYS = 90


@dataclass(frozen=True)
class PortfolioLine:
    name: str
    status: str
    waiver: float
    waiver_ytd: float
    term_end: dt.date | None  # None: permanent, or no schedule


@dataclass(frozen=True)
class WorkbookSummary:
    title: str
    month_end: dt.date
    portfolios: tuple[PortfolioLine, ...] = field(default_factory=tuple)

    @property
    def capped(self) -> list[str]:
        return [p.name for p in self.portfolios if p.status == CAPPED]

    @property
    def near(self) -> list[str]:
        return [p.name for p in self.portfolios if p.status == NEAR_LIMIT]

    @property
    def waiver(self) -> float:
        return round(sum(p.waiver for p in self.portfolios), 2)

    @property
    def waiver_ytd(self) -> float:
        return round(sum(p.waiver_ytd for p in self.portfolios), 2)

    @property
    def terms_ending(self) -> list[tuple[str, dt.date]]:
        """Portfolios whose term ends within 90 days after the month end (inclusive)."""
        horizon = self.month_end + dt.timedelta(days=TERM_WARNING_DAYS)
        return [(p.name, p.term_end) for p in self.portfolios if p.term_end and self.month_end <= p.term_end <= horizon]


def _number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def summarise_workbook(path: Path) -> WorkbookSummary:
    """What the message says, read from the workbook's Summary, Year to date and Schedule sheets."""
    book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        summary = book["Summary"]
        title = str(summary["A1"].value or "")
        header = [c.value for c in next(summary.iter_rows(min_row=4, max_row=4))]
        col = {name: header.index(name) for name in ("Portfolio", "Status", "Waiver (month)", "Waiver YTD")}
        rows = [r for r in summary.iter_rows(min_row=5, values_only=True) if r[0] and r[0] != "Total"]
        terms: dict[str, dt.date | None] = {}
        for r in book["Schedule"].iter_rows(min_row=5, values_only=True):
            if r[1] and (isinstance(r[3], dt.datetime) or r[3] == "Permanent"):
                terms[str(r[1])] = r[3].date() if isinstance(r[3], dt.datetime) else None
        months = book["Year to date"].iter_rows(min_row=5, min_col=2, max_col=2, values_only=True)
        month_end = max((c.date() for (c,) in months if isinstance(c, dt.datetime)), default=dt.date.min)
    finally:
        book.close()
    lines = tuple(
        PortfolioLine(
            str(r[col["Portfolio"]]),
            str(r[col["Status"]]),
            _number(r[col["Waiver (month)"]]),
            _number(r[col["Waiver YTD"]]),
            terms.get(str(r[col["Portfolio"]])),
        )
        for r in rows
    )
    return WorkbookSummary(title, month_end, lines)


def _money(amount: float) -> str:
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def _names(names: list[str]) -> str:
    return ", ".join(names) if names else "none"


ILLUSTRATIVE_SUBJECT = "ILLUSTRATIVE, sample figures: "
ILLUSTRATIVE_LINE = (
    "ILLUSTRATIVE: these figures were computed from the bundled sample actuals, not from the Trust's books. Do not act on them."
)


def body_lines(s: WorkbookSummary, file_name: str) -> list[str]:
    ending = [f"{name} ({end:%B %-d, %Y})" for name, end in s.terms_ending]
    return [
        s.title,
        "",
        f"Portfolios in this workbook: {len(s.portfolios)}.",
        f"Capped this month: {len(s.capped)}" + (f" ({_names(s.capped)})." if s.capped else "."),
        f"Waiver owed by the manager this month: {_money(s.waiver)}; fiscal year to date: {_money(s.waiver_ytd)}.",
        f"Near their limit (within 5 basis points): {_names(s.near)}.",
        f"Terms ending within {TERM_WARNING_DAYS} days of {s.month_end:%B %-d, %Y}: {_names(ending)}.",
        "",
        f"The attached workbook ({file_name}) holds the figures, the Schedule A in force and how each number was made;",
        "its formulas recalculate in Excel without any add-in.",
        "",
        "Sent by xlcap.",
    ]


@dataclass(frozen=True)
class Envelope:
    """Who and when: the same Message-ID and Date every time one message is sent again."""

    sender: str
    to: tuple[str, ...]
    message_id: str
    date: str


def compose(
    workbook: Path, envelope: Envelope, subject: str, summary: WorkbookSummary, *, illustrative: bool = False
) -> EmailMessage:
    """One message: plain-text body, an HTML alternative, and the workbook attached; illustrative figures say so first."""
    msg = EmailMessage()
    msg["From"] = envelope.sender
    msg["To"] = ", ".join(envelope.to)
    msg["Subject"] = (ILLUSTRATIVE_SUBJECT if illustrative else "") + subject
    msg["Date"] = envelope.date
    msg["Message-ID"] = envelope.message_id
    lines = body_lines(summary, workbook.name)
    warning = [ILLUSTRATIVE_LINE, ""] if illustrative else []
    msg.set_content("\n".join(warning + lines) + "\n")
    rows = "".join(
        f"<tr><td>{html.escape(p.name)}</td><td>{html.escape(p.status)}</td>"
        f'<td style="text-align:right">{_money(p.waiver)}</td><td style="text-align:right">{_money(p.waiver_ytd)}</td></tr>'
        for p in summary.portfolios
    )
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in lines[2:7])
    msg.add_alternative(
        "<html><body>"
        + (f"<p><strong>{html.escape(ILLUSTRATIVE_LINE)}</strong></p>" if illustrative else "")
        + f"<h3>{html.escape(lines[0])}</h3>{paragraphs}"
        '<table border="1" cellpadding="4" cellspacing="0"><tr><th>Portfolio</th><th>Status</th>'
        f"<th>Waiver (month)</th><th>Waiver YTD</th></tr>{rows}</table>"
        f"<p>{html.escape(lines[8])} {html.escape(lines[9])}</p><p>Sent by xlcap.</p></body></html>",
        subtype="html",
    )
    msg.add_attachment(workbook.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=workbook.name)
    return msg
