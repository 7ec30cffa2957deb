"""Plain-text views of results and schedules, for the terminal and for review."""

from __future__ import annotations

import datetime as dt
import textwrap

from xlcap.limits import TieredLimit, days_in_year, describe_tier
from xlcap.lookup import CapResult
from xlcap.schedule import Amendment, ScheduleRow


def _money(amount: float) -> str:
    return f"${amount:,.2f}"


def render_cap(result: CapResult, days: int | None = None) -> str:
    """A few lines a person can read: the limit, the text it came from, its term and any interpretation."""
    row = result.row
    lines = [f"{result.portfolio} on {result.date.isoformat()}, average net assets {_money(result.assets)}"]
    if result.rate is None or result.annual_amount is None:
        lines.append('  Limit:      none (Schedule A says "None": no expense limit applies)')
    else:
        blended = " (blended over tiers)" if isinstance(row.limit, TieredLimit) else ""
        lines.append(f"  Limit:      {result.rate:.4%} a year{blended} = {_money(result.annual_amount)} a year")
        if days is not None:
            share = f"{days} / {days_in_year(result.date.year)} of a year"
            lines.append(f"  For {days} days: {_money(result.period_amount(days) or 0.0)} ({share})")
    lines.append(f"  Filed text: {result.limit_text}")
    lines.append(
        f"  Source:     Amendment No. {result.amendment}, dated {result.amendment_date.isoformat()}, Schedule A, "
        f"lines {row.source_lines[0]}-{row.source_lines[1]}"
    )
    term = "permanent" if result.permanent else f"in force through {result.term_end.isoformat() if result.term_end else '?'}"
    lines.append(f"  Term:       {term} ({row.term_basis})")
    for note in result.notes:
        lines.extend(textwrap.wrap(note, 96, initial_indent="  Note:       ", subsequent_indent=" " * 14))
    return "\n".join(lines)


def describe_limit(amendment: Amendment, row: ScheduleRow, on: dt.date) -> str:
    """One line for a spreadsheet cell: status, limit as filed, amendment, term, interpretation."""
    status = f"In effect: {'; '.join(_limit_lines(row))}" if row.tiers else "No limit"
    term = "permanent" if row.term_end is None else f"through {row.term_end.isoformat()}"
    line = f'{status} (Schedule A: "{row.limit_text}"), {amendment.label}, {term}.'
    return line if row.interpretation is None else f"{line} {row.interpretation.note}"


def _limit_lines(row: ScheduleRow) -> list[str]:
    if isinstance(row.limit, TieredLimit):
        return [describe_tier(t) for t in row.limit.tiers]
    return [row.limit.describe()]


def _term(row: ScheduleRow, on: dt.date) -> str:
    if row.permanent or row.term_end is None:
        return "permanent"
    if on > row.term_end:
        return f"ended {row.term_end.isoformat()}"
    return row.term_end.isoformat()


def render_schedule(amendment: Amendment, on: dt.date) -> str:
    """Schedule A in force on `on` as a fixed-width table, tiers one per line."""
    header = [
        f"{amendment.trust}: Schedule A in force on {on.isoformat()}",
        f"{amendment.title}, dated {amendment.date.isoformat()} ({amendment.manager})",
        "",
    ]
    table: list[tuple[str, list[str], str, str]] = []
    footnotes: list[str] = []
    for row in amendment.rows:
        note = ""
        if row.interpretation is not None:
            footnotes.append(row.interpretation.note)
            note = f"interpretation [{len(footnotes)}]"
        if row.new_portfolio:
            note = ", ".join(filter(None, [note, "new portfolio"]))
        table.append((row.portfolio, _limit_lines(row), _term(row, on), note))
    widths = [
        max(len(h), *(len(c) for c in cells))
        for h, cells in (
            ("Portfolio", [r[0] for r in table]),
            ("Limit", [line for r in table for line in r[1]]),
            ("Term end", [r[2] for r in table]),
        )
    ]
    out = [
        *header,
        f"{'Portfolio':<{widths[0]}}  {'Limit':<{widths[1]}}  {'Term end':<{widths[2]}}  Notes",
        f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * widths[2]}  {'-' * 5}",
    ]
    for name, limits, term, note in table:
        out.append(f"{name:<{widths[0]}}  {limits[0]:<{widths[1]}}  {term:<{widths[2]}}  {note}".rstrip())
        out.extend(f"{'':<{widths[0]}}  {extra}" for extra in limits[1:])
    for i, note in enumerate(footnotes, 1):
        out.append("")
        out.extend(textwrap.wrap(note, 100, initial_indent=f"[{i}] ", subsequent_indent="    "))
    return "\n".join(out)
