"""Interpretations recorded for an import: how to read a row the filed text does not state plainly, and why.

`xlcap import FILE --interpretations FILE.toml` reads one entry per portfolio:

    [[interpretation]]
    portfolio = "Batterymarch Growth and Income Portfolio"
    reading = "0.65% of the first $500 million of such assets plus ... 0.40% of such assets over $2 billion"
    note = "Interpretation: the filed text lost a tier ..."
    authority = "Amendment No. 17 to the Management Agreement (May 1, 2006)"

`reading` is a limit wording, read by the same reader as the filed text. Optionally `literal` is
the limit the filed text gives read word for word (a wording read the same way) and
`literal_reading` says how: the workbook shows the figures under it beside the reading applied. For a term the clause
does not settle, give `term_end = 2009-04-30` or `permanent = true` (then `reading` says in words
how the term is read). An entry may only resolve a problem the import found: one for a row that
reads cleanly is refused, so an interpretation never overrides the filed text.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlcap.agreements.schedule import Interpretation
from xlcap.errors import InvalidInputError
from xlcap.importing.clauses import PERMANENT, Term
from xlcap.importing.limit_text import UnreadableLimit, read_limit


@dataclass(frozen=True)
class RecordedInterpretation:
    portfolio: str
    interpretation: Interpretation
    term: Term | None  # the term read, when the entry settles a term
    where: str  # "FILE: interpretation N", for messages


def read_interpretations(path: Path) -> tuple[RecordedInterpretation, ...]:
    """Every entry of an interpretations file; InvalidInputError naming the file, entry and field otherwise."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot be read as TOML ({exc}).") from None
    entries = data.get("interpretation")
    if not isinstance(entries, list) or not entries:
        raise InvalidInputError(f"{path}: no [[interpretation]] entries.")
    return tuple(_entry(e, f"{path}: interpretation {n}") for n, e in enumerate(entries, 1))


def _entry(entry: Any, where: str) -> RecordedInterpretation:
    if not isinstance(entry, dict):
        raise InvalidInputError(f"{where}: is not a table.")
    fields = {}
    for key in ("portfolio", "reading", "note", "authority"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InvalidInputError(f"{where}: field '{key}' must be non-empty text.")
        fields[key] = value.strip()
    term: Term | None = None
    if "term_end" in entry:
        term = entry["term_end"]
        if not isinstance(term, dt.date) or isinstance(term, dt.datetime):
            raise InvalidInputError(f"{where}: field 'term_end' is {term!r}; expected a date such as 2009-04-30.")
    if entry.get("permanent") is True:
        if term is not None:
            raise InvalidInputError(f"{where}: gives both 'term_end' and 'permanent'; give one.")
        term = PERMANENT
    literal = None
    if "literal" in entry:
        try:
            literal = read_limit(str(entry["literal"]))
        except UnreadableLimit as exc:
            raise InvalidInputError(f"{where}: field 'literal' is not read: {exc.reason}.") from None
    interpretation = Interpretation(
        fields["reading"], fields["note"], fields["authority"], literal, str(entry.get("literal_reading", "")).strip()
    )
    return RecordedInterpretation(fields["portfolio"], interpretation, term, where)
