"""The prose of a filed amendment: number, date, parties, prior amendments, and the term clause.

The term clause is read into grants, each the subject as filed and an end date (or "permanent"):
"with respect to the New Portfolio until April 30, 2009", "until April 30, 2008 with respect the
existing Portfolios ... (except X)" (the filings' own typo), "The expense limitation for X is
permanent". What each subject means (defined terms, groups, exceptions) is settled against
Schedule A by `xlcap.importing.terms`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from xlcap.errors import DocumentError
from xlcap.importing.text import Paragraph
from xlcap.parse import CONTRACT_DATE, parse_contract_date

PERMANENT = "permanent"
Term = dt.date | str  # an end date, or PERMANENT

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\xa0": " "})
_NUMBER = re.compile(r"\bamendment\s+no\.?\s*([0-9]+)", re.IGNORECASE)
_DATED = re.compile(rf"\bdated\s+(?:as\s+of\s+)?({CONTRACT_DATE})", re.IGNORECASE)
_NAMED_AGREEMENT = re.compile(r"\bamendment\s+no\.?\s*[0-9]+\s+to\s+(?:the\s+)?(.+?),?\s+dated\b", re.IGNORECASE)
_PARTIES = re.compile(r'\bbetween\s+(.+?)\s+\((?:the\s+)?"(\w+)"\),?\s+and\s+(.+?)\s+\((?:the\s+)?"(\w+)"\)', re.IGNORECASE)
_AGREEMENT = re.compile(r'\bamend\s+(?:the\s+)?(.+?)\s+\((?:the\s+)?"Agreement"\)', re.IGNORECASE)
_PRIOR = re.compile(r"\bas\s+amended\s+(?:on\s+)?", re.IGNORECASE)
_TERM_HEADING = re.compile(r"\bterm\s+and\s+termination\b|\bterm\s+of\s+(?:the\s+)?agreement\b", re.IGNORECASE)
_UNTIL = re.compile(rf"\buntil\s+({CONTRACT_DATE})", re.IGNORECASE)
# "with respect the existing Portfolios" (no "to") is in filed amendments Nos. 11 to 15.
_RESPECT = re.compile(
    r"\bwith\s+respect\s+(?:to\s+)?(.+?)(?=,?\s+(?:and,?\s+)?until\b|,?\s+and\s+(?:will|shall)\b|,?\s+and,?\s+with\s+respect\b|;|,?\.?$)",
    re.IGNORECASE,
)
_THEREAFTER = re.compile(r",?\s*(?:and\s+)?(?:shall|will)?\s*thereafter\b.*$", re.IGNORECASE)
_PERMANENT = re.compile(
    r"\b(?:expense\s+limitations?|agreement)\s+(?:for|with\s+respect\s+to)\s+(.+?)\s+(?:is|are|shall\s+be)\s+permanent\b",
    re.IGNORECASE,
)
_NAME_END = r"(?:(?<=Portfolio)|(?<=Portfolios)|(?<=Series)|(?<=Fund)|(?<=Funds))"
_NAME_LIST = re.compile(rf"{_NAME_END}\s*(?:,\s*(?:and\s+)?|\s+and\s+)")
# A list printed one name a line: only "Portfolio" ends a name there ("American Funds Bond Portfolio").
_NAME_LINES = re.compile(r"(?:(?<=Portfolio)|(?<=Portfolios))\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+)")
_PARENTHESIS = re.compile(r"[()]")
_ENUMERATOR = re.compile(r"^\s*\((?:[0-9]+|[ivx]+|[a-z])\)\s*", re.IGNORECASE)
_ABBREVIATION = re.compile(r"(?:(?<!Schedule )\b[A-Z]|\bNo|\bNos|\bInc|\bCo|\bCorp|\bLtd|\bSt|\bU\.S|\bi\.e|\be\.g)$")


@dataclass(frozen=True)
class Header:
    """What the preamble and sections 1-2 say: which amendment, between whom, what it adds."""

    number: int
    date: dt.date
    title: str
    manager: str | None
    trust: str | None
    agreement: str | None
    prior_amendment_dates: tuple[dt.date, ...]
    new_portfolios: tuple[str, ...]
    problems: tuple[tuple[int, str], ...]  # (line, message): facts the writer needs but the text does not state


@dataclass(frozen=True)
class Grant:
    """One term stated for a subject as filed: "the existing Portfolios ... (except X)" until a date, or permanent."""

    subject: str
    term: Term


@dataclass(frozen=True)
class TermClause:
    text: str
    line: int
    grants: tuple[Grant, ...]
    problems: tuple[str, ...] = ()


def normalise(paragraphs: tuple[Paragraph, ...]) -> tuple[Paragraph, ...]:
    """Curly quotes and non-breaking spaces as plain ones, so one set of patterns reads text and HTML filings."""
    return tuple(Paragraph(p.text.translate(_QUOTES), p.line) for p in paragraphs)


def read_header(paragraphs: tuple[Paragraph, ...], source: str) -> Header:
    """The amendment's number and date (DocumentError without them), parties, prior dates and new portfolios."""
    numbered = next(((p, m) for p in paragraphs if (m := _NUMBER.search(p.text))), None)
    if numbered is None:
        raise DocumentError(f'{source}: no amendment number found (no "Amendment No. N" in the text).')
    preamble = next((p for p in paragraphs if _DATED.search(p.text)), None)
    if preamble is None:
        raise DocumentError(f'{source}: no amendment date found (no "dated as of <Month D, YYYY>" in the text).')
    dated = _DATED.search(preamble.text)
    assert dated is not None
    try:
        date = parse_contract_date(dated.group(1))
    except ValueError as exc:
        raise DocumentError(f"{source}: line {preamble.line}: the amendment date {exc}.") from None
    number = int(numbered[1].group(1))
    named = _NAMED_AGREEMENT.search(preamble.text)
    between = _PARTIES.search(preamble.text)
    parties = {} if between is None else {between[2].lower(): between[1], between[4].lower(): between[3]}
    problems: list[tuple[int, str]] = []
    manager = parties.get("manager") or parties.get("adviser") or parties.get("advisor")
    trust = parties.get("trust") or parties.get("fund")
    for role, value in (("Manager", manager), ("Trust", trust)):
        if value is None:
            problems.append((preamble.line, f'the preamble names no {role} (looked for "<name> (the "{role}")").'))
    agreement = next((m.group(1) for p in paragraphs if (m := _AGREEMENT.search(p.text))), None)
    if agreement is None:
        problems.append(
            (preamble.line, 'the text does not name the agreement it amends (looked for "<name> (the "Agreement")").')
        )
    try:
        prior, line = _prior_dates(paragraphs)
    except _PriorDateError as exc:
        prior, line = (), exc.line
        problems.append((exc.line, f"a prior amendment date {exc}."))
    if list(prior) != sorted(prior) or (prior and prior[-1] >= date):
        problems.append((line, f"the prior amendment dates are not in order before {date.isoformat()}."))
    return Header(
        number=number,
        date=date,
        title=f"Amendment No. {number}" + (f" to {named.group(1)}" if named else ""),
        manager=manager,
        trust=trust,
        agreement=agreement,
        prior_amendment_dates=prior,
        new_portfolios=(),  # filled from the definitions (xlcap.importing.terms)
        problems=tuple(problems),
    )


class _PriorDateError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _prior_dates(paragraphs: tuple[Paragraph, ...]) -> tuple[tuple[dt.date, ...], int]:
    """The dates after "as amended on", and the line of their paragraph."""
    for p in paragraphs:
        for sentence in sentences(p.text):
            if m := _PRIOR.search(sentence):
                found = re.findall(CONTRACT_DATE, sentence[m.end() :], re.IGNORECASE)
                try:
                    return tuple(parse_contract_date(d) for d in found), p.line
                except ValueError as exc:
                    raise _PriorDateError(str(exc), p.line) from None
    return (), 0


def split_names(text: str, one_a_line: bool = False) -> tuple[str, ...]:
    """'the (1) A Portfolio, the B Portfolio and C Portfolio' -> ('A Portfolio', 'B Portfolio', 'C Portfolio');
    `one_a_line` also splits where only a space follows a name, as a list printed one name a line reads."""
    out = []
    for piece in (_NAME_LINES if one_a_line else _NAME_LIST).split(text):
        name = _ENUMERATOR.sub("", re.sub(r"^\s*(?:and\s+)?(?:the\s+)?", "", piece, flags=re.IGNORECASE))
        name = re.sub(r"^(?:the\s+)", "", name.strip(" ,;"), flags=re.IGNORECASE)
        if name:
            out.append(name)
    return tuple(out)


def mask_parentheses(text: str) -> str:
    """`text` with every closed parenthesis, nested ones with it, blanked to \x01 (same length), so patterns
    that look for "until" or "with respect to" see only the clause's own words. An unclosed "(" stays."""
    spans, opened = [], []
    for m in _PARENTHESIS.finditer(text):  # only the parentheses, not every character: the clause is read per import
        if m.group() == "(":
            opened.append(m.start())
        elif opened:
            spans.append((opened.pop(), m.end()))  # nested ones too: inside an unclosed "(" they must not show
    for start, end in spans:
        text = text[:start] + "\x01" * (end - start) + text[end:]
    return text


def sentences(text: str) -> list[str]:
    """Split prose at sentence ends, but not after "No.", "T." (T. Rowe Price) or "Inc."."""
    out, start = [], 0
    for m in re.finditer(r'\.(["\)]?)\s+(?=["(]?[A-Z])', text):
        if _ABBREVIATION.search(text, max(start, m.start() - 20), m.start()):  # the word before the period only
            continue
        out.append(text[start : m.start() + 1 + len(m.group(1))].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def read_term_clause(paragraphs: tuple[Paragraph, ...]) -> TermClause | None:
    """The run of sentences that state end dates or permanence, from the "Term and Termination" section on."""
    start = next((i for i, p in enumerate(paragraphs) if _TERM_HEADING.search(p.text)), 0)
    for p in paragraphs[start:]:
        run: list[str] = []
        for sentence in (c for s in sentences(p.text) for c in re.split(r":\s+(?=[A-Z])", s)):  # "as follows: This ..."
            if _UNTIL.search(sentence) or _PERMANENT.search(sentence):
                run.append(sentence)
            elif run:
                break
        if run:
            grants: list[Grant] = []
            problems: list[str] = []
            for sentence in run:
                _read_sentence(sentence, grants, problems)
            # Whitespace collapsed: the clause is kept as prose, and the data file wraps it at spaces.
            return TermClause(" ".join(" ".join(run).split()), p.line, tuple(grants), tuple(problems))
    return None


def _read_sentence(sentence: str, grants: list[Grant], problems: list[str]) -> None:
    permanent = _PERMANENT.search(sentence)
    if permanent:
        grants.append(Grant(permanent.group(1).strip(), PERMANENT))
        sentence = sentence[: permanent.start()] + sentence[permanent.end() :]
    # What follows "thereafter" is the yearly continuance, not an end date; parentheses hold exceptions and
    # definitions, never the clause's own "until" or "with respect to".
    masked = mask_parentheses(sentence)
    masked = _THEREAFTER.sub("", masked)
    events = sorted(
        [(m.start(), "until", m.group(1)) for m in _UNTIL.finditer(masked)]
        + [(m.start(), "subject", sentence[m.start(1) : m.end(1)]) for m in _RESPECT.finditer(masked)]
    )
    if permanent and not events:
        return
    kinds = [kind for _, kind, _ in events]
    pairs = [events[i : i + 2] for i in range(0, len(events), 2)]
    if not events or len(events) % 2 or any(a[1] == b[1] for a, b in pairs):
        problems.append(f'cannot tell which end date goes with which portfolios in "{sentence}" ({", ".join(kinds)}).')
        return
    for a, b in pairs:
        subject, until = (a, b) if a[1] == "subject" else (b, a)
        try:
            grants.append(Grant(subject[2].strip(), parse_contract_date(until[2])))
        except ValueError as exc:
            problems.append(f"the end date for {subject[2]} {exc}.")
