"""Amendments written for tests in the filed fixed-width form: preamble, numbered sections, Schedule A.

They are made up (no filing has these names, rates or dates) and laid out as the Trust's EDGAR text
filings are: prose wrapped at 80 columns with a 9-space first-line indent, a two-column Schedule A
between dashed rules, the limit column starting at column 48 and wrapping at 32 characters.
"""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

from xlcap.agreements.limits import FlatLimit, Tier, TieredLimit
from xlcap.importing.imported import ImportedAmendment, import_amendment

RULE = "-" * 47 + " " + "-" * 32
TERM_HEADING = (
    "3. Term and Termination of Agreement. The Term and Termination provisions of this Agreement are amended as follows:"
)
THEREAFTER = (
    " The Agreement shall thereafter continue in effect with respect to each Portfolio from year to year provided such "
    "continuance is specifically approved by a majority of the Independent Trustees."
)


def paragraph(text: str) -> str:
    return "\n".join(textwrap.wrap(text, 79, initial_indent=" " * 9, break_on_hyphens=False, break_long_words=False))


def schedule_a(rows: list[tuple[str, str]]) -> str:
    out = ["SCHEDULE A".center(80).rstrip(), "", "-" * 80, " " * 48 + "Maximum Annual"]
    out += [f"{'Name of Portfolio':<48}Operating Expense Limit", RULE]
    for name, limit in rows:
        names = textwrap.wrap(name, 47, break_on_hyphens=False)
        limits = textwrap.wrap(limit, 32, break_on_hyphens=False, break_long_words=False)
        out.append(RULE)
        for i in range(max(len(names), len(limits))):
            left = names[i] if i < len(names) else ""
            right = limits[i] if i < len(limits) else ""
            out.append(f"{left:<48}{right}".rstrip())
        out.append(RULE)
    return "\n".join(out)


def filed_text(
    number: int,
    date: str,
    sections: list[str],
    rows: list[tuple[str, str]],
    parties: tuple[str, str] = ("Met Investors Advisory LLC", "Met Investors Series Trust"),
) -> str:
    """An amendment dated `date` ("May 1, 2010"), its numbered sections as paragraphs (one string per
    paragraph; a string starting with spaces is kept as laid out), and Schedule A's (name, limit) rows,
    between `parties` (manager, trust)."""
    manager, trust = parties
    head = [
        f"AMENDMENT NO. {number}".center(80).rstrip(),
        "TO AMENDED AND RESTATED EXPENSE LIMITATION AGREEMENT".center(80).rstrip(),
        "",
        paragraph(
            f"AMENDMENT NO. {number} to the Amended and Restated Expense Limitation Agreement, dated as of {date}, by "
            f'and between {manager} (the "Manager") and {trust} (the "Trust").'
        ),
        "",
        paragraph(
            "The Manager and the Trust hereby agree to modify and amend the Amended and Restated Expense Limitation "
            'Agreement effective as of October 9, 2001 (the "Agreement") between '
            + (
                "Met Investors Advisory Corp. and the Trust, as amended on November 1, 2007 and April 28, 2008."
                if trust == "Met Investors Series Trust"
                else f"{manager} and the Trust."  # another trust's agreement: no amendments of its own before
            )
        ),
        "",
    ]
    body = [s if s.startswith(" ") else paragraph(s) for s in sections]
    return "\n".join([*head, "\n\n".join(body), "", "<PAGE>", "", schedule_a(rows), ""])


def imported(tmp_path: Path, number: int, sections: list[str], rows: list[tuple[str, str]]) -> ImportedAmendment:
    path = tmp_path / f"amendment-{number:03d}.txt"
    path.write_text(filed_text(number, "May 1, 2010", sections, rows), encoding="utf-8")
    return import_amendment(path)


def terms(amendment: ImportedAmendment) -> dict[str, object]:
    return {r.portfolio: r.term for r in amendment.rows}


def tiered(*rows: tuple[int, int | None, str]) -> TieredLimit:
    return TieredLimit(tuple(Tier(lo, hi, Decimal(rate) / 100) for lo, hi, rate in rows))


def flat(rate: str) -> FlatLimit:
    return FlatLimit(Decimal(rate) / 100)
