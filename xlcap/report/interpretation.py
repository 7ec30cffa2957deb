"""Figures that rest on an interpretation of Schedule A, shown where they are read.

Where xlcap reads a garbled filed text (Batterymarch Growth and Income: a tier lost in filing),
the Summary marks the portfolio and shows, beside the figures under the reading applied, the
same figures under the filed text read word for word (the agreement data's `literal_limit`),
with the difference in dollars: a reviewer sees what the interpretation is worth this month.
The literal figures follow capcalc's steps with the literal tiers in place of the reading applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from xlcap.agreements.limits import Limit
from xlcap.agreements.names import class_label
from xlcap.agreements.schedule import Interpretation
from xlcap.money import excel_round
from xlcap.report.compute import CapReport
from xlcap.report.steps import MonthRecord
from xlcap.report.workbook_sheets import Sheets, cell, wrapped_height

MARKER = "Interpretation †"
BLOCK_NAME = "Interpretations"  # the defined name over the Summary's interpretation table (the mail reads it)
BLOCK_HEADERS = (
    "Portfolio †",
    "Waiver (month), reading applied",
    "Waiver (month), literal reading",
    "Difference (month)",
    "Waiver (YTD), reading applied",
    "Waiver (YTD), literal reading",
    "Difference (YTD)",
)


@dataclass(frozen=True)
class Literal:
    """One portfolio's (or class's) month under the literal reading."""

    portfolio: str
    share_class: str | None
    interpretation: Interpretation
    waiver: float  # the month's waiver / reimbursement under the literal reading
    ytd_waiver: float


def by_portfolio(report: CapReport) -> dict[str, Interpretation]:
    """The month's portfolios whose figures rest on an interpretation."""
    month = {r.portfolio for r in report.summary if r.interpreted}
    return {row.portfolio: row.interpretation for _, row in report.schedule if row.interpretation and row.portfolio in month}


def literal_figures(report: CapReport) -> list[Literal]:
    """The month's waiver and YTD waiver of each interpreted portfolio (and class), recomputed with the literal tiers."""
    out = []
    schedule = by_portfolio(report)
    for rec in report.summary:
        interpretation = schedule.get(rec.portfolio)
        if not rec.interpreted or interpretation is None or interpretation.literal is None:
            continue
        rows = [r for r in report.rows if (r.portfolio, r.class_key) == (rec.portfolio, rec.class_key)]
        out.append(_recompute(rec, interpretation, interpretation.literal, rows, report.method))
    return out


def _recompute(rec: MonthRecord, i: Interpretation, literal: Limit, rows: list[MonthRecord], method: str) -> Literal:
    ytd_limit = ytd_covered = ytd_waiver = waiver = 0.0
    for r in rows:
        live = r.limit_dollars is not None
        limit_dollars = r.limit_dollars or 0.0
        if live and r.interpreted:
            limit_dollars = excel_round((literal.annual_amount(r.average_net_assets) or 0.0) * r.days / r.days_in_year)
        if method == "fytd":
            ytd_limit = excel_round((limit_dollars if live else 0.0) + ytd_limit)
            ytd_covered = excel_round((r.covered if live else 0.0) + ytd_covered)
            before = ytd_waiver
            ytd_waiver = excel_round(max(0.0, ytd_covered - ytd_limit)) if live else ytd_waiver
            waiver = excel_round(ytd_waiver - before)
        else:
            waiver = excel_round(max(0.0, r.covered - limit_dollars)) if live else 0.0
            ytd_waiver = excel_round(waiver + ytd_waiver)
    return Literal(rec.portfolio, rec.share_class, i, waiver, ytd_waiver)


def write_block(sheets: Sheets, ws: Worksheet, r: int, rows: Sequence[MonthRecord], col: dict[str, int]) -> int:
    """The Summary's interpretation table below the totals; returns the next free row."""
    figures = literal_figures(sheets.report)
    if not figures:
        return r
    fmt = sheets.fmt
    where = {(rec.portfolio, rec.share_class): 4 + i for i, rec in enumerate(rows)}  # Summary data rows: row 5 on
    ws.write_string(
        r, 0, "† Figures that rest on an interpretation of Schedule A, beside the filed text read literally", fmt["bold"]
    )
    r += 1
    first = r
    for c, header in enumerate(BLOCK_HEADERS):
        ws.write_string(r, c, header, fmt["header"])
    for lit in figures:
        r += 1
        source = where[(lit.portfolio, lit.share_class)]
        applied = {"waiver": rows[source - 4].waiver, "ytd_waiver": rows[source - 4].ytd_waiver}
        ws.write_string(r, 0, class_label(lit.portfolio, lit.share_class), fmt["text"])
        for c, name, literal in ((1, "waiver", lit.waiver), (4, "ytd_waiver", lit.ytd_waiver)):
            ws.write_formula(r, c, f"={cell(source, col[name])}", fmt["money"], applied[name])
            ws.write_number(r, c + 1, literal, fmt["money"])
            ws.write_formula(r, c + 2, f"=ROUND({cell(r, c)}-{cell(r, c + 1)},2)", fmt["money"],
                             excel_round(applied[name] - literal))  # fmt: skip
    sheets.workbook.define_name(BLOCK_NAME, f"=Summary!{cell(first, 0, True)}:{cell(r, len(BLOCK_HEADERS) - 1, True)}")
    for lit in figures:
        r += 1
        text = f"{lit.portfolio}: {lit.interpretation.note} Literal reading: {lit.interpretation.literal_reading}"
        ws.set_row(r, wrapped_height(text, 150))
        ws.merge_range(r, 0, r, len(BLOCK_HEADERS) - 1, text, fmt["wrap"])
    return r + 1
