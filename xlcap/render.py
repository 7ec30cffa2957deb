"""Plain-text views of results and schedules, for the terminal and for review."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import TYPE_CHECKING

from xlcap.agreements.limits import Limit, days_in_year
from xlcap.agreements.lookup import CapResult
from xlcap.agreements.schedule import Amendment, ScheduleRow
from xlcap.report.status import NO_LIMIT

if TYPE_CHECKING:  # the import modules load only when `xlcap import` runs
    from xlcap.importing.diff import Changes
    from xlcap.importing.imported import ImportedAmendment, ImportedRow, Problem


def _money(amount: float) -> str:
    return f"${amount:,.2f}"


def render_cap(result: CapResult, days: int | None = None) -> str:
    """A few lines a person can read: the limit, the text it came from, its term and any interpretation."""
    row = result.row
    who = result.portfolio if result.share_class is None else f"{result.portfolio}, share class {result.share_class},"
    lines = [f"{who} on {result.date.isoformat()}, average net assets {_money(result.assets)}"]
    if result.rate is None or result.annual_amount is None:
        lines.append('  Limit:      none (Schedule A says "None": no expense limit applies)')
    else:
        blended = " (blended over tiers)" if len(row.limit.describe_lines()) > 1 else ""
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
    status = NO_LIMIT if row.limit.annual_rate(0.0) is None else f"In effect: {'; '.join(_limit_lines(row.limit))}"
    term = "permanent" if row.term_end is None else f"through {row.term_end.isoformat()}"
    if row.share_classes is not None:
        status += f" for share class{'es' * (len(row.share_classes) > 1)} {', '.join(sorted(row.share_classes))}"
    line = f'{status} (Schedule A: "{row.limit_text}"), {amendment.label}, {term}.'
    return line if row.interpretation is None else f"{line} {row.interpretation.note}"


def _limit_lines(limit: Limit | None) -> list[str]:
    if limit is None:
        return ["not read"]
    return limit.describe_lines()


def _term(row: ScheduleRow, on: dt.date) -> str:
    if row.permanent or row.term_end is None:
        return "permanent"
    if on > row.term_end:
        return f"ended {row.term_end.isoformat()}"
    return row.term_end.isoformat()


def _table(table: list[tuple[str, list[str], str, str]]) -> list[str]:
    """Portfolio, limit (one line per tier), term and notes as fixed-width columns."""
    widths = [
        max(len(h), *(len(c) for c in cells))
        for h, cells in (
            ("Portfolio", [r[0] for r in table]),
            ("Limit", [line for r in table for line in r[1]]),
            ("Term end", [r[2] for r in table]),
        )
    ]
    out = [
        f"{'Portfolio':<{widths[0]}}  {'Limit':<{widths[1]}}  {'Term end':<{widths[2]}}  Notes",
        f"{'-' * widths[0]}  {'-' * widths[1]}  {'-' * widths[2]}  {'-' * 5}",
    ]
    for name, limits, term, note in table:
        out.append(f"{name:<{widths[0]}}  {limits[0]:<{widths[1]}}  {term:<{widths[2]}}  {note}".rstrip())
        out.extend(f"{'':<{widths[0]}}  {extra}" for extra in limits[1:])
    return out


def render_schedule(amendment: Amendment, on: dt.date, today: bool = False) -> str:
    """Schedule A in force on `on` as a fixed-width table, tiers one per line, saying plainly what is in force."""
    when = f"{on.isoformat()} (today)" if today else on.isoformat()
    in_force = [row for row in amendment.rows if row.in_force_on(on)]
    ended = len(amendment.rows) - len(in_force)
    if in_force:
        header = [f"{amendment.trust}: Schedule A in force on {when}"]
        live, total = len({r.portfolio for r in in_force}), len(amendment.portfolios)  # a per-class portfolio counts once
        count = f"all {live} portfolios" if not ended else f"{live} of {total} portfolios"
        status = f"In force on {when}: {count}" + (f"; {ended} ended (no continuance recorded)." if ended else ".")
    else:
        last = max(row.term_end for row in amendment.rows if row.term_end is not None)
        header = [
            f"No expense limit is in force on {when}: every term of {amendment.label} ended by {last.isoformat()} "
            "and no continuance is recorded.",
            f"{amendment.trust}: the latest Schedule A on file, with its end dates",
        ]
        status = f"In force on {when}: none of {len(amendment.portfolios)} portfolios."
    header += [f"{amendment.title}, dated {amendment.date.isoformat()} ({amendment.manager})", status, ""]
    table: list[tuple[str, list[str], str, str]] = []
    footnotes: list[str] = []
    for row in amendment.rows:
        note = ""
        if row.interpretation is not None:
            footnotes.append(row.interpretation.note)
            note = f"interpretation [{len(footnotes)}]"
        if row.new_portfolio:
            note = ", ".join(filter(None, [note, "new portfolio"]))
        table.append((row.label, _limit_lines(row.limit), _term(row, on), note))
    out = [*header, *_table(table)]
    for i, note in enumerate(footnotes, 1):
        out.append("")
        out.extend(textwrap.wrap(note, 100, initial_indent=f"[{i}] ", subsequent_indent="    "))
    return "\n".join(out)


def render_portfolios(amendment: Amendment, on: dt.date, every: bool, today: bool = False) -> tuple[str, str]:
    """Names in force on `on`, one per line (with --all, every row and its term); and a line for stderr saying so."""
    when = f"{on.isoformat()} (today)" if today else on.isoformat()
    in_force = list(dict.fromkeys(row.portfolio for row in amendment.rows if row.in_force_on(on)))  # once per portfolio
    ended = len(amendment.portfolios) - len(in_force)
    note = f"{amendment.label}: {len(in_force)} of {len(amendment.portfolios)} portfolios in force on {when}"
    if not in_force or every:
        lines = [f"{row.label}\t{_status(row, on)}" for row in amendment.rows]
        if not in_force:
            note = f"No portfolio is in force on {when}. The latest Schedule A on file ({amendment.label}), with end dates:"
        return "\n".join(lines), note
    return "\n".join(in_force), note + (f"; {ended} ended (--all lists every row with its term)." if ended else ".")


def _status(row: ScheduleRow, on: dt.date) -> str:
    if row.term_end is None:
        return "in force, permanent"
    return f"in force through {row.term_end.isoformat()}" if row.in_force_on(on) else f"ended {row.term_end.isoformat()}"


def render_import(imported: ImportedAmendment, changes: Changes) -> str:
    """What `xlcap import` read: the amendment's facts, Schedule A, the problems, and the changes it makes."""
    h = imported.header
    prior = h.prior_amendment_dates
    facts = [
        ("Parties", f"{h.manager or '(not found)'} (Manager) and {h.trust or '(not found)'} (Trust)"),
        ("Amends", h.agreement or "(not found)"),
        ("Prior", f"{len(prior)} amendments, {prior[0].isoformat()} to {prior[-1].isoformat()}" if prior else "none stated"),
        ("New", ", ".join(h.new_portfolios) or "none"),
        ("Term clause", imported.term_clause or "(not found)"),
    ]
    out = [f"{h.title}, dated {h.date.isoformat()}, read from {imported.document.path}"]
    for label, text in facts:
        out.extend(
            textwrap.wrap(text, 100, initial_indent=f"  {label + ':':<13}", subsequent_indent=" " * 15, break_on_hyphens=False)
        )
    out += _resolutions(imported)
    numbers = {id(p): n for n, p in enumerate(imported.problems, 1)}
    table = []
    for row in imported.rows:
        a, b = row.source_lines
        notes = [f"line {a}" if a == b else f"lines {a}-{b}"] + [f"term [{row.term_from}]"] * (row.term_from is not None)
        notes += ["new portfolio"] * row.new_portfolio + ["interpretation"] * (row.interpretation is not None)
        notes += [f"problem [{numbers[id(p)]}]" for p in imported.problems if _about(p, row)]
        term = "permanent" if row.permanent else row.term_end.isoformat() if row.term_end else "not read"
        name = row.portfolio or "(no name)"
        if row.share_classes is not None:  # one line per class group: say whose limit it is
            name += f", Class{'es' * (len(row.share_classes) > 1)} {', '.join(row.share_classes)}"
        table.append((name, _limit_lines(row.limit), term, ", ".join(notes)))
    count = len({row.portfolio for row in imported.rows})
    out += ["", f"Schedule A: {count} portfolios", *_table(table), ""]
    unresolved = len(imported.unresolved)
    out.append(f"Problems: {len(imported.problems)}, {unresolved} unresolved" if imported.problems else "Problems: none")
    for n, p in enumerate(imported.problems, 1):
        where = ", ".join(filter(None, [f"line {p.line}" if p.line else "", p.portfolio or ""]))
        message = p.to_dict()["message"]
        text = f"{where}: {message}" if where else message
        out.extend(textwrap.wrap(text, 100, initial_indent=f"[{n}] ", subsequent_indent="    "))
    return "\n".join([*out, "", *_changes(changes, imported.date.isoformat())])


def _resolutions(imported: ImportedAmendment) -> list[str]:
    """How the term clause was read: each grant as filed, each step of its reading, and the rows it gives a term,
    so a reviewer can check which clause gave each row its end date."""
    if not imported.resolutions:
        return []
    out = ["  Terms read:"]
    for r in imported.resolutions:
        term = r.term if isinstance(r.term, str) else f"until {r.term.isoformat()}"
        count = f"{len(r.members)} portfolio{'s' * (len(r.members) != 1)}"
        out.extend(_wrapped(f'[{r.label}] {term}: "{r.subject}" -> {count}', 4, 8))
        for step in r.steps:
            out.extend(_wrapped(step, 8, 10))
    return out


def _wrapped(text: str, first: int, rest: int) -> list[str]:
    return textwrap.wrap(text, 100, initial_indent=" " * first, subsequent_indent=" " * rest, break_on_hyphens=False)


def _about(problem: Problem, row: ImportedRow) -> bool:
    """Whether a problem is about this row: by name, or for a row with no name, by its lines."""
    if row.portfolio:
        return problem.portfolio == row.portfolio
    return problem.portfolio is None and problem.line is not None and row.source_lines[0] <= problem.line <= row.source_lines[1]


def _changes(changes: Changes, on: str) -> list[str]:
    if changes.against is None:
        return [f"Changes: no schedule on file is in force on {on}, so every portfolio is new."]
    head = f"Changes against {changes.against.label}, the schedule in force on {on}:"
    if changes.empty:
        return [f"{head} none."]
    items = [(label, ", ".join(names)) for label, names in (("added", changes.added), ("removed", changes.removed)) if names]
    items += [("looks renamed", f"{a} -> {b} (if it is, record the old name in aliases.toml)") for a, b in changes.renamed]
    items += [("limit changed", f"{n}: {a} -> {b}") for n, a, b in changes.limits]
    grouped: dict[tuple[str, str], list[str]] = {}
    for name, before, after in changes.terms:
        grouped.setdefault((before, after), []).append(name)
    for (before, after), names in grouped.items():
        who = ", ".join(names) if len(names) <= 3 else f"{len(names)} portfolios"
        items.append(("term changed", f"{who}: {before} -> {after}"))
    out = [head]
    for label, text in items:
        out.extend(
            textwrap.wrap(text, 100, initial_indent=f"  {label + ':':<15}", subsequent_indent=" " * 17, break_on_hyphens=False)
        )
    return out
