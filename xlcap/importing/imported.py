"""`xlcap import`: a filed amendment read into Schedule A rows, with every problem it has, ready for review.

A row whose limit or term the text does not state plainly is a Problem (line, portfolio, why),
never a guess; a recorded interpretation (`xlcap.importing.interpretations`) may resolve it, and stays
beside the row as the reading applied and its authority.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from xlcap.agreements.limits import Limit, limit_data
from xlcap.agreements.names import NameIndex, class_key, name_key
from xlcap.agreements.schedule import Interpretation
from xlcap.errors import InvalidInputError
from xlcap.importing.class_limits import names_a_class, read_class_limits, read_class_list
from xlcap.importing.clauses import PERMANENT, Header, Term, normalise, read_header, read_term_clause
from xlcap.importing.html import segment_html
from xlcap.importing.interpretations import RecordedInterpretation, read_interpretations
from xlcap.importing.limit_text import PER_CLASS, UnreadableLimit, read_limit
from xlcap.importing.terms import Definition, Resolution, assign_terms, read_definitions, term_key
from xlcap.importing.text import FiledDocument, RawRow, Segments, check_segments, read_filed, segment_text

ProblemKind = Literal["limit", "term", "document"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in the filed text xlcap will not read without a person deciding; `line` is 1-based in the file."""

    line: int | None
    portfolio: str | None
    message: str
    kind: ProblemKind = "document"  # limit and term problems of a row can be resolved by an interpretation
    resolved_by: Interpretation | None = None

    def to_dict(self) -> dict[str, Any]:
        message = self.message
        if self.resolved_by is not None:
            message += f' Resolved by the recorded interpretation ({self.resolved_by.authority}): "{self.resolved_by.reading}".'
        return {"line": self.line, "portfolio": self.portfolio, "message": message}


@dataclass(frozen=True, slots=True)
class ImportedRow:
    """One Schedule A row as read: the filed text, where it stands, and its limit and term (None when not read)."""

    portfolio: str
    limit_text: str
    source_lines: tuple[int, int]
    limit: Limit | None
    term: Term | None
    new_portfolio: bool = False
    interpretation: Interpretation | None = None
    term_from: str | None = None  # the label of the term clause's grant that gave the term ("b"), when read
    share_classes: tuple[str, ...] | None = None  # the class group this row limits, as filed; None: every class

    @property
    def permanent(self) -> bool:
        return self.term == PERMANENT

    @property
    def term_end(self) -> dt.date | None:
        return self.term if isinstance(self.term, dt.date) else None

    def to_dict(self) -> dict[str, Any]:
        """One entry of `portfolios` in `xlcap import --json`: rates as fractions, amounts in dollars."""
        classes = {} if self.share_classes is None else {"share_classes": list(self.share_classes)}  # only per-class rows
        return {
            "name": self.portfolio,
            **classes,
            "limit": None if self.limit is None else limit_data(self.limit, float),
            "term_end": None if self.term_end is None else self.term_end.isoformat(),
            "permanent": self.permanent,
            "limit_text": self.limit_text,
            "term_from": self.term_from,
        }


@dataclass(frozen=True)
class ImportedAmendment:
    """What a filed amendment says, as read; `unresolved` is what stands between it and a data file."""

    document: FiledDocument
    header: Header
    term_clause: str
    rows: tuple[ImportedRow, ...]
    problems: tuple[Problem, ...]
    definitions: tuple[Definition, ...] = ()
    resolutions: tuple[Resolution, ...] = ()  # each grant of the term clause and the rows it gives its term

    @property
    def number(self) -> int:
        return self.header.number

    @property
    def date(self) -> dt.date:
        return self.header.date

    @property
    def unresolved(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.resolved_by is None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `xlcap import --json`."""
        return {
            "amendment": self.number,
            "date": self.date.isoformat(),
            "portfolios": [row.to_dict() for row in self.rows],
            "terms": [
                {
                    "from": r.label,
                    "subject": r.subject,
                    "term": _term_data(r.term),
                    "reading": list(r.steps),
                    "portfolios": list(r.members),
                }
                for r in self.resolutions
            ],
            "problems": [p.to_dict() for p in self.problems],
        }


def _term_data(term: Term) -> str:
    return term if isinstance(term, str) else term.isoformat()


def segment(document: FiledDocument) -> Segments:
    """Split a filed document into prose paragraphs and Schedule A rows; DocumentError if there is no table."""
    return check_segments(document, segment_html(document) if document.is_html else segment_text(document))


def import_amendment(path: Path, interpretations: Path | None = None) -> ImportedAmendment:
    """Read a filed amendment (text or HTML). DocumentError when the file cannot be an amendment at all;
    otherwise every row, and a Problem for each thing the text does not state plainly."""
    document = read_filed(path)
    segments = segment(document)
    paragraphs = normalise(segments.paragraphs)
    definitions = read_definitions(paragraphs)
    new_typed = next((d.names for d in definitions if term_key(d.term) == "new portfolio"), ())
    header = replace(read_header(paragraphs, str(path)), new_portfolios=new_typed)
    problems = [Problem(line, None, message) for line, message in header.problems]
    rows = _read_rows(segments.rows, problems, segments.class_column)
    names = tuple(dict.fromkeys(row.portfolio for row in rows if row.portfolio))
    index = NameIndex(names, {})
    new: list[str] = []
    for typed in header.new_portfolios:
        if (name := index.resolve(typed)) is None:
            close = index.suggest(typed, 1)
            hint = f" (the closest row is {close[0]!r})" if close else ""
            problems.append(
                Problem(None, typed, f"the amendment adds this New Portfolio, but Schedule A does not list it{hint}.")
            )
        else:
            new.append(name)
    clause = read_term_clause(paragraphs)
    terms: dict[str, Term] = {}
    basis: dict[str, str] = {}
    resolutions: tuple[Resolution, ...] = ()
    if clause is None:
        problems.append(
            Problem(
                None,
                None,
                'no term clause found: no sentence gives an end date ("until <date>") or makes a limitation permanent.',
            )
        )
    else:
        terms, basis, resolutions, found = assign_terms(clause, names, definitions, header.number)
        problems.extend(Problem(clause.line, name, message, "term" if name in names else "document") for name, message in found)
    rows = [
        replace(row, term=terms.get(row.portfolio), term_from=basis.get(row.portfolio), new_portfolio=row.portfolio in new)
        for row in rows
    ]
    imported = ImportedAmendment(
        document, header, clause.text if clause else "", tuple(rows), tuple(problems), definitions, resolutions
    )
    if interpretations is None:
        return imported
    return _interpret(imported, read_interpretations(interpretations), index)


def _read_rows(raw_rows: tuple[RawRow, ...], problems: list[Problem], class_column: int | None) -> list[ImportedRow]:
    rows: list[ImportedRow] = []
    seen: dict[tuple[str, str | None], str] = {}  # (name key, class key or None) -> the name as first listed
    for raw in raw_rows:
        name = raw.name.text
        for row in _class_rows(raw, problems, class_column):
            keys = [None] if row.share_classes is None else [class_key(c) for c in row.share_classes]
            twice = next((k for k in keys if (name_key(name), k) in seen), "")
            if name and twice != "":
                which = "" if twice is None else f" for class {twice}"
                first = seen[(name_key(name), twice)]
                problems.append(Problem(raw.lines[0], name, f"listed twice in Schedule A{which} (first as {first!r})."))
                continue
            seen.update({(name_key(name), k): name for k in keys})
            rows.append(row)
    return rows


def _class_rows(raw: RawRow, problems: list[Problem], class_column: int | None) -> list[ImportedRow]:
    """The rows one Schedule A line gives: one per class group it states, or one for every class."""
    name = raw.name.text
    if raw.layout:
        problems.append(Problem(raw.lines[0], name or None, f"row not read: {raw.layout}.", "limit"))
        return [ImportedRow(name, raw.limit.text, raw.lines, None, None)]
    classes: tuple[str, ...] | None = None
    try:
        if raw.classes is not None or class_column is not None:  # a "Share Class" column: this row is one class group
            classes = read_class_list(raw.classes.text if raw.classes is not None else "")
        elif names_a_class(raw.limit.text):  # "0.80% for Class A and 1.05% for Class B": one row per class group
            groups = read_class_limits(raw.limit.text)
            return [ImportedRow(name, g.text, raw.lines, g.limit, None, share_classes=g.classes) for g in groups]
        limit = read_limit(raw.limit.text)
    except UnreadableLimit as exc:
        line = raw.limit.line_at(exc.offset) if raw.limit.marks else raw.lines[0]
        # Per-class wording not read is a document problem: no one reading can stand for several classes' limits.
        per_class = classes is not None or names_a_class(raw.limit.text) or raw.classes is not None
        kind: ProblemKind = "document" if per_class or exc.reason == PER_CLASS else "limit"
        problems.append(Problem(line, name, f"limit text not read: {exc.reason}.", kind))
        return [ImportedRow(name, raw.limit.text, raw.lines, None, None, share_classes=classes)]
    return [ImportedRow(name, raw.limit.text, raw.lines, limit, None, share_classes=classes)]


def _interpret(imported: ImportedAmendment, recorded: tuple[RecordedInterpretation, ...], index: NameIndex) -> ImportedAmendment:
    """Apply each recorded interpretation to the problems of its row; refuse ones that resolve nothing."""
    rows = list(imported.rows)
    at: dict[str, list[int]] = {}  # a portfolio's rows: one, or one per class group
    for i, row in enumerate(rows):
        if row.portfolio:
            at.setdefault(row.portfolio, []).append(i)
    problems = list(imported.problems)
    for entry in recorded:
        name = index.resolve(entry.portfolio)
        if name is None:
            raise InvalidInputError(f"{entry.where}: {entry.portfolio!r} is not in Schedule A of {imported.document.path}.")
        mine = [i for i, p in enumerate(problems) if p.portfolio == name and p.kind != "document" and p.resolved_by is None]
        changed = {j: rows[j] for j in at[name]}
        resolved = False
        for i in mine:
            if problems[i].kind == "limit":
                try:
                    reading = read_limit(entry.interpretation.reading)
                except UnreadableLimit as exc:
                    raise InvalidInputError(f"{entry.where}: the reading for {name!r} is not read: {exc.reason}.") from None
                changed = {j: replace(r, limit=reading) if r.limit is None else r for j, r in changed.items()}
            elif entry.term is not None:  # a portfolio's term is every class group's
                changed = {j: replace(r, term=entry.term, term_from=None) for j, r in changed.items()}
            else:
                continue
            resolved = True
            problems[i] = replace(problems[i], resolved_by=entry.interpretation)
        unresolvable = [p for p in problems if p.portfolio == name and p.kind == "document"]
        if not resolved and unresolvable:
            raise InvalidInputError(
                f"{entry.where}: {name!r} has a problem no interpretation resolves ({unresolvable[0].message}) Remove the "
                "entry; the data file must be written by hand."
            )
        if not resolved:
            raise InvalidInputError(
                f"{entry.where}: {name!r} has no problem this entry resolves; an interpretation never replaces text that reads "
                "as filed. Remove the entry."
            )
        for j, r in changed.items():
            rows[j] = replace(r, interpretation=entry.interpretation)
    return replace(imported, rows=tuple(rows), problems=tuple(problems))
