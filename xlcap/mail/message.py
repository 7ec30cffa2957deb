"""The month-end message to one manager: a short summary of their workbook, and the workbook attached.

The summary is read back from the workbook itself (its stored results, found through its
defined names and column words, never cell positions), so the body can never disagree with the
attachment. It is addressed to the sub-adviser who receives it and names the obligor (the
Manager, from the agreement data) as the party that waives or reimburses.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import range_boundaries

from xlcap.agreements.names import class_label
from xlcap.report.status import CAPPED, DEFAULT_NEAR_SHARE, NEAR_LIMIT, REVERSAL, percent
from xlcap.report.words import WORDS

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
TERM_WARNING_DAYS = 90


@dataclass(frozen=True)
class PortfolioLine:
    name: str  # the portfolio, and its share class where the Summary prices classes apart
    status: str
    waiver: float
    waiver_ytd: float
    term_end: dt.date | None  # None: permanent, or no schedule
    portfolio: str = ""  # the portfolio alone, where name adds a class


@dataclass(frozen=True)
class Interpreted:
    """A portfolio whose figures rest on an interpretation, with the waiver under the literal reading."""

    name: str
    waiver: float
    literal_waiver: float


@dataclass(frozen=True)
class WorkbookSummary:
    title: str
    month_end: dt.date
    portfolios: tuple[PortfolioLine, ...] = field(default_factory=tuple)
    recipient: str = ""  # the sub-adviser the workbook is for (called "manager" in the recipients file)
    obligor: str = "the Manager"  # who waives or reimburses under the agreement
    near_share: float = DEFAULT_NEAR_SHARE
    interpreted: tuple[Interpreted, ...] = ()
    method: str = "fytd"  # "monthly": near the limit is judged on the month, not the year to date
    year_to_date_note: str = ""  # a year to date that starts after January, as the workbook says it
    not_in_workbook: tuple[str, ...] = ()  # the recipient's portfolios left out (no actuals), each with why
    repayments: tuple[tuple[str, float, str], ...] | None = None  # (portfolio, repaid this month, in words); None: none computed

    def _with(self, status: str) -> list[str]:
        return [p.name for p in self.portfolios if p.status == status]

    @property
    def capped(self) -> list[str]:
        return self._with(CAPPED)

    @property
    def near(self) -> list[str]:
        return self._with(NEAR_LIMIT)

    @property
    def reversed(self) -> list[str]:
        return self._with(REVERSAL)

    @property
    def portfolio_count(self) -> int:
        """Portfolios, not lines: a portfolio priced per share class has a line per class."""
        return len({p.portfolio or p.name for p in self.portfolios})

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


def _named(book: Any, name: str) -> list[tuple[Any, ...]]:
    """The rows of a defined name's range, as stored values; [] when the workbook has no such name."""
    if name not in book.defined_names:
        return []
    sheet, ref = next(iter(book.defined_names[name].destinations))
    min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    return list(book[sheet].iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col, values_only=True))


def _constant(book: Any, name: str, default: Any) -> Any:
    """A defined name holding a constant (=0.95, ="text")."""
    if name not in book.defined_names:
        return default
    text = str(book.defined_names[name].attr_text).lstrip("=")
    if text.startswith('"'):
        return text.strip('"').replace('""', '"')
    try:
        return float(text)
    except ValueError:
        return default


def summarise_workbook(path: Path) -> WorkbookSummary:
    """What the message says, read from the workbook's named ranges (SummaryData, Interpretations, the schedule's
    names): the columns are found by their words of the trade, never by position, so the layout may change."""
    book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        title = str(next(iter(_named(book, "ReportTitle")), ("",))[0] or "").removeprefix("ILLUSTRATIVE: ")
        table = _named(book, "SummaryData")
        header = [str(h) for h in table[0]] if table else []
        need = ("Portfolio", "Status", WORDS["waiver"], WORDS["ytd_waiver"])
        missing = [n for n in need if n not in header]
        if missing:
            raise ValueError(f"{path}: its Summary has no column {', '.join(missing)}; rebuild it with this xlcap")
        col = {name: header.index(name) for name in need}
        terms: dict[str, dt.date | None] = {}
        for (name,), (end,) in zip(_named(book, "SchedPortfolio"), _named(book, "SchedTermEnd"), strict=False):
            terms[str(name)] = end.date() if isinstance(end, dt.datetime) else None
        months = [c for (c,) in _named(book, "YTDMonth") if isinstance(c, dt.datetime)]
        interpreted = tuple(
            Interpreted(str(r[0]), _number(r[1]), _number(r[2])) for r in _named(book, "Interpretations")[1:] if r[0]
        )
        recipient = str(book.properties.subject or "")
        obligor = str(_constant(book, "Obligor", "the Manager"))
        share = float(_constant(book, "NearShare", DEFAULT_NEAR_SHARE))
        method = str(_constant(book, "Method", "fytd"))
        late = " ".join(str(c) for (c,) in _named(book, "YearToDateNote") if c)
        absent = tuple(str(c) for (c,) in _named(book, "NotInWorkbook") if c)
        repaid = _named(book, "RepaymentData")  # the Summary's table: Portfolio, waiver, repayment, in words
        repayments = tuple((str(r[0]), _number(r[2]), str(r[3] or "")) for r in repaid[1:] if r[0]) if repaid else None
    finally:
        book.close()
    share_class = header.index("Class") if "Class" in header else None  # per-class rows: each named with its class
    lines = tuple(
        PortfolioLine(
            class_label(str(r[col["Portfolio"]]), str(r[share_class] or "") if share_class is not None else None),
            str(r[col["Status"]]),
            _number(r[col[WORDS["waiver"]]]),
            _number(r[col[WORDS["ytd_waiver"]]]),
            terms.get(str(r[col["Portfolio"]])),
            str(r[col["Portfolio"]]),
        )
        for r in table[1:]
        if r[col["Portfolio"]]
    )
    month_end = max((c.date() for c in months), default=dt.date.min)
    return WorkbookSummary(title, month_end, lines, recipient, obligor, share, interpreted, method, late, absent, repayments)


def _repayment_line(repayments: tuple[tuple[str, float, str], ...]) -> str:
    """Recoupment this month, in words as the Summary says it: money the portfolio pays the Manager, or the reverse."""
    moved = [f"{name} {_money(amount)} ({words[:1].lower()}{words[1:]})" for name, amount, words in repayments if amount]
    return f"Repayment to the Manager (recoupment) this month: {'; '.join(moved) if moved else 'none'}."


def _money(amount: float) -> str:
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def _names(names: list[str]) -> str:
    """Semicolons between names: a class's line has a comma of its own ("Acme Income Portfolio, Class B")."""
    return "; ".join(names) if names else "none"


ILLUSTRATIVE_SUBJECT = "ILLUSTRATIVE, sample figures: "
ILLUSTRATIVE_LINE = (
    "ILLUSTRATIVE: these figures were computed from the bundled sample actuals, not from the Trust's books. Do not act on them."
)


def interpretation_lines(s: WorkbookSummary) -> list[str]:
    return [
        f"Interpretation: the figures for {i.name} rest on xlcap's reading of a garbled Schedule A text (marked † on the "
        f"Summary sheet). Read literally, the filed text gives a waiver / reimbursement this month of {_money(i.literal_waiver)} "
        f"instead of {_money(i.waiver)} (a difference of {_money(round(i.waiver - i.literal_waiver, 2))})."
        for i in s.interpreted
    ]


def body_parts(s: WorkbookSummary, file_name: str) -> tuple[str, list[str], list[str]]:
    """The title, the paragraphs about the month, and the closing lines."""
    ending = [f"{name} ({end:%B %-d, %Y})" for name, end in s.terms_ending]
    greeting = f"To {s.recipient}: " if s.recipient else ""
    about = [
        f"{greeting}the month-end expense limitation workbook for your portfolios, for information and follow-up.",
        f"Portfolios in this workbook: {s.portfolio_count}"
        + (f" ({len(s.portfolios)} lines: one per share class given apart)." if len(s.portfolios) > s.portfolio_count else "."),
        f"Capped this month: {len(s.capped)}" + (f" ({_names(s.capped)})." if s.capped else "."),
        f"{WORDS['waiver'].removesuffix(' (month)')} ({s.obligor}, under the expense limitation agreement): "
        f"this month {_money(s.waiver)}; fiscal year to date {_money(s.waiver_ytd)}.",
        *([f"Waiver reversed this month (expenses back under the limit): {_names(s.reversed)}."] if s.reversed else []),
        f"Near the limit ({percent(s.near_share)} or more of it, {'this month' if s.method == 'monthly' else 'year to date'}): "
        f"{_names(s.near)}.",
        f"Terms ending within {TERM_WARNING_DAYS} days of {s.month_end:%B %-d, %Y}: {_names(ending)}.",
        *([s.year_to_date_note] if s.year_to_date_note else []),  # a partial year is not read as a whole one
        *([f"Not in this workbook: {'; '.join(s.not_in_workbook)}."] if s.not_in_workbook else []),
        *([_repayment_line(s.repayments)] if s.repayments is not None else []),
        *interpretation_lines(s),
    ]
    closing = [
        f"The attached workbook ({file_name}) holds the figures, the Schedule A in force and how each number was made; "
        "its formulas recalculate in Excel without any add-in.",
        "Sent by xlcap.",
    ]
    return s.title, about, closing


def body_lines(s: WorkbookSummary, file_name: str) -> list[str]:
    title, about, closing = body_parts(s, file_name)
    return [title, "", *about, "", closing[0], "", closing[1]]


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
    title, about, closing = body_parts(summary, workbook.name)
    warning = [ILLUSTRATIVE_LINE, ""] if illustrative else []
    msg.set_content("\n".join(warning + lines) + "\n")
    rows = "".join(
        f"<tr><td>{html.escape(p.name)}</td><td>{html.escape(p.status)}</td>"
        f'<td style="text-align:right">{_money(p.waiver)}</td><td style="text-align:right">{_money(p.waiver_ytd)}</td></tr>'
        for p in summary.portfolios
    )
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in about)
    msg.add_alternative(
        "<html><body>"
        + (f"<p><strong>{html.escape(ILLUSTRATIVE_LINE)}</strong></p>" if illustrative else "")
        + f"<h3>{html.escape(title)}</h3>{paragraphs}"
        '<table border="1" cellpadding="4" cellspacing="0"><tr><th>Portfolio</th><th>Status</th>'
        f"<th>{html.escape(WORDS['waiver'])}</th><th>{html.escape(WORDS['ytd_waiver'])}</th></tr>{rows}</table>"
        f"<p>{html.escape(closing[0])}</p><p>{html.escape(closing[1])}</p></body></html>",
        subtype="html",
    )
    msg.add_attachment(workbook.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=workbook.name)
    return msg
