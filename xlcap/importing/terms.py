"""Defined terms and the term clause's subjects, settled against Schedule A: which clause gives each row its term.

Filed amendments name groups of portfolios by defined terms: a section headed "New Portfolios",
a list followed by `("New Portfolios")`, `(together, the "New Portfolios")` or `(each a "New
Portfolio")`, even a definition inside the term clause's own exception list. A subject such as
"the New Portfolio and the existing Portfolios set forth in Amendment No. 15 to Schedule A (except
Batterymarch Growth and Income Portfolio)" is read as: each group ("the New Portfolio": its
definition; "the existing Portfolios": the rows of this Schedule A that are not New Portfolios;
"all of the Portfolios": every row), or each portfolio named, then minus the exceptions. Every
step is kept as a line of the resolution, so a reviewer sees why each row has its term. What does
not resolve (an unknown name, an undefined term, another amendment's Schedule A, two terms for one
row, none) is a problem, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xlcap.agreements.names import NameIndex
from xlcap.importing.clauses import Term, TermClause, mask_parentheses, sentences, split_names
from xlcap.importing.text import Paragraph

_LINKING = r"\s*(?:(?:each|together|collectively|individually|jointly|and|or|an|a|the)\b\s*|,\s*)*"  # linear: no nested \s*
# ("X"), (the "X"), (together, the "X"), (each a "X"), (individually, a "X" and collectively, the "Xs")
_DEFINITION = re.compile(rf'\({_LINKING}"([^"()]{{1,80}})"(?:{_LINKING}"[^"()]{{1,80}}")*\s*\)', re.IGNORECASE)
_GROUP_TERM = re.compile(r"\b(?:portfolios?|series|funds?)$", re.IGNORECASE)  # "New Portfolios", not "Independent Trustees"
# What introduces the names a definition closes: "add the", "with respect to", "except", a colon, a parenthesis.
_INTRO = re.compile(
    r"\badd\s+(?:the\s+)?|\bwith\s+respect\s+(?:to\s+)?|\bexcept\s+(?:for\s+)?|\bexcluding\s+|\bother\s+than\s+|:\s*"
    r"|\((?!(?:[0-9]+|[ivx]+|[a-z])\))",
    re.IGNORECASE,
)
_FOLLOWING = re.compile(r"^(?:the\s+)?following(?:\s+(?:new\s+)?(?:portfolios?|series|funds?))?$", re.IGNORECASE)
_HEADING = re.compile(r"^\s*[0-9]+\.\s*(New\s+Portfolios?)\.?\s", re.IGNORECASE)
_ADDS = re.compile(r"\badd\s+(?:the\s+)?(.+?)(?=\s+to\s+(?:the|this)\s+Agreement\b|\s*\(|[.;]\s|$)", re.IGNORECASE)
_QUALIFIER = re.compile(
    r",?\s*(?:as\s+)?(?:set\s+forth|listed|named|identified)\s+(?:in|on)\s+(?:the\s+attached\s+|this\s+)?"
    r"(?:Amendment\s+No\.?\s*([0-9]+)\s+to\s+)?Schedule\s+A(?:\s+(?:attached\s+)?hereto)?,?",
    re.IGNORECASE,
)
_EXCEPT_PAREN = re.compile(r"^\(\s*(?:except|excluding|other\s+than)\s+(?:for\s+)?(.*)\)$", re.IGNORECASE | re.DOTALL)
_EXCEPT_BARE = re.compile(r",?\s+(?:except|excluding|other\s+than)\s+(?:for\s+)?(.+?),?$", re.IGNORECASE)
_QUANTIFIER = re.compile(r"^(?:(?:all|each|any|every)\s+(?:of\s+)?)?(?:the\s+)?", re.IGNORECASE)
_EXISTING = re.compile(r"^existing\s+portfolios?$", re.IGNORECASE)
_EVERY = re.compile(r"^portfolios?$", re.IGNORECASE)


@dataclass(frozen=True)
class Definition:
    """A defined group of portfolios: the term, the names as typed, and where and how the text defines it."""

    term: str
    names: tuple[str, ...]
    line: int
    how: str  # the defining words as filed: '("New Portfolios")', 'the heading of section 1'


@dataclass(frozen=True)
class Resolution:
    """One grant settled: the subject as filed, its term, each step of the reading, and the rows it gives the term."""

    label: str  # "a", "b", ...: how the Schedule A table points at it
    subject: str
    term: Term
    steps: tuple[str, ...]
    members: tuple[str, ...]


def term_key(term: str) -> str:
    """Defined terms compare ignoring case, spacing and number: "the New Portfolio" is one of "New Portfolios"."""
    words = term.lower().split()
    return " ".join([*words[:-1], words[-1].removesuffix("s") if words and words[-1] != "series" else words[-1]])


def read_definitions(paragraphs: tuple[Paragraph, ...]) -> tuple[Definition, ...]:
    """Every defined group of portfolios in the prose, in the order the text defines them."""
    found: list[Definition] = []
    for i, p in enumerate(paragraphs):
        defined_here = set()
        for sentence in sentences(p.text):
            for m in _DEFINITION.finditer(sentence):
                # A group has a name of its own ("New Portfolios"); "(each a "Portfolio")" only names the kind of thing.
                if not _GROUP_TERM.search(m.group(1).strip()) or len(m.group(1).split()) < 2:
                    continue
                term = " ".join(m.group(1).split())
                before = mask_parentheses(sentence[: m.start()])  # earlier parentheses are not this list's start
                intro = list(_INTRO.finditer(before))
                start = intro[-1].end() if intro else 0
                listed = sentence[start : m.start()]
                if _FOLLOWING.match(listed.strip(" ,")):  # "the following portfolios ("New Portfolios") ...: A B C"
                    names = _list_after(sentence[m.end() :], paragraphs[i + 1 :])
                else:
                    names = split_names(listed)
                found.append(Definition(term, names, p.line, m.group().strip()))
                defined_here.add(term_key(term))
        heading = _HEADING.match(p.text)
        if heading and term_key(heading.group(1)) not in defined_here and (adds := _ADDS.search(p.text)):
            number = p.text.strip().split(".")[0]
            found.append(
                Definition(
                    " ".join(heading.group(1).split()), split_names(adds.group(1)), p.line, f"the heading of section {number}"
                )
            )
    return tuple(found)


def _list_after(rest: str, following: tuple[Paragraph, ...]) -> tuple[str, ...]:
    """The names after the colon that ends a "the following portfolios" sentence, and in the paragraphs after it
    that hold only names (a list printed one name a line)."""
    colon = rest.find(":")
    names = list(split_names(rest[colon + 1 :], one_a_line=True)) if colon != -1 else []
    for p in following:
        more = split_names(p.text, one_a_line=True)
        if not more or not all(_GROUP_TERM.search(n) for n in more):
            break
        names.extend(more)
    return tuple(names)


class _Reader:
    """Settles subjects against one Schedule A, collecting problems as (portfolio or None, message)."""

    def __init__(self, portfolios: tuple[str, ...], definitions: tuple[Definition, ...], number: int) -> None:
        self.portfolios = portfolios
        self.index = NameIndex(dict.fromkeys(portfolios), {})
        self.number = number
        self.problems: list[tuple[str | None, str]] = []
        self.checked: set[Definition] = set()
        self.definitions: dict[str, tuple[Definition, list[str]]] = {}
        for d in definitions:
            members = [n for typed in d.names if (n := self.index.resolve(typed)) is not None]
            earlier = self.definitions.get(term_key(d.term))
            if earlier is not None and set(earlier[1]) != set(members):
                self.problems.append(
                    (None, f'"{d.term}" is defined twice with different portfolios (line {earlier[0].line} and line {d.line}).')
                )
            self.definitions.setdefault(term_key(d.term), (d, members))

    @property
    def new(self) -> list[str]:
        found = self.definitions.get("new portfolio")
        return [] if found is None else found[1]

    def subject(self, subject: str) -> tuple[list[str], list[str]]:
        """The rows a subject as filed names, and the steps of the reading."""
        steps: list[str] = []
        text, exceptions = self._exceptions(subject)
        members = self._items(text, steps)
        if exceptions:
            excluded = self._items(exceptions, steps)
            outside = [n for n in excluded if n not in members]
            for name in outside:
                self.problems.append((name, f'the term clause excepts it from "{subject}", which does not include it.'))
            steps.append(f"except {', '.join(excluded)}")
            members = [n for n in members if n not in excluded]
        return members, steps

    def _check_definition(self, d: Definition) -> None:
        """A group used in the clause must not name a portfolio Schedule A lacks (New Portfolios are checked on import)."""
        if term_key(d.term) == "new portfolio" or d in self.checked:
            return
        self.checked.add(d)
        for typed in d.names:
            if self.index.resolve(typed) is None:
                self.problems.append(
                    (typed, f'the definition of "{d.term}" (line {d.line}) names it, but Schedule A does not list it.')
                )

    def _exceptions(self, subject: str) -> tuple[str, str]:
        """The subject without its exception list, and the list ("" for none); definitions are dropped from both."""
        masked = mask_parentheses(subject)
        exceptions = ""
        for m in re.finditer(r"\x01+", masked):  # each closed parenthesis, outermost
            if inner := _EXCEPT_PAREN.match(subject[m.start() : m.end()]):
                exceptions = inner.group(1)
        if not exceptions and (bare := _EXCEPT_BARE.search(masked)):
            exceptions = subject[bare.start(1) : bare.end(1)]
            masked = masked[: bare.start()]
        kept = "".join(c for c, k in zip(subject, masked, strict=False) if k != "\x01" and c not in "()")
        return kept, _DEFINITION.sub("", exceptions)

    def _items(self, text: str, steps: list[str]) -> list[str]:
        members: list[str] = []
        for qualifier in _QUALIFIER.finditer(text):
            if qualifier.group(1) and int(qualifier.group(1)) != self.number:
                self.problems.append(
                    (
                        None,
                        f'the term clause speaks of "{qualifier.group().strip(" ,")}", which is not this amendment\'s '
                        f"Schedule A (Amendment No. {self.number}).",
                    )
                )
        unquoted = _QUALIFIER.sub("", _DEFINITION.sub("", text)).replace('"', "")  # the "New Portfolios", quoted again
        for item in split_names(unquoted):
            bare = _QUANTIFIER.sub("", item.strip(" ,")).strip()
            found = self.definitions.get(term_key(bare)) if bare else None
            if found is not None:
                d, names = found
                self._check_definition(d)
                steps.append(f'"{bare}": defined at line {d.line} by {d.how} as {", ".join(names) or "no row of Schedule A"}')
                members += names
            elif _EXISTING.match(bare):
                rows = [n for n in self.portfolios if n not in self.new]
                steps.append(f'"{bare}": the {len(rows)} rows of this Schedule A that are not New Portfolios')
                members += rows
            elif _EVERY.match(bare):
                steps.append(f'"{item}": all {len(self.portfolios)} rows of this Schedule A')
                members += self.portfolios
            elif term_key(bare) == "new portfolio":
                self.problems.append((None, f'the term clause speaks of "{item}", but the amendment defines no New Portfolio.'))
            elif (name := self.index.resolve(item)) is not None:
                members.append(name)
            elif re.search(r"\bportfolios$", bare, re.IGNORECASE):  # a group, by its plural
                self.problems.append((None, f'the term clause speaks of "{item}", a group the amendment does not define.'))
            else:
                close = self.index.suggest(item, 1)
                hint = f" (the closest row is {close[0]!r})" if close else ""
                self.problems.append((item, f'the term clause names "{item}", which is not in Schedule A{hint}.'))
        return list(dict.fromkeys(members))


def assign_terms(
    clause: TermClause, portfolios: tuple[str, ...], definitions: tuple[Definition, ...], number: int
) -> tuple[dict[str, Term], dict[str, str], tuple[Resolution, ...], list[tuple[str | None, str]]]:
    """Each Schedule A portfolio's term, the label of the grant that gave it, every grant's resolution, and
    (portfolio, message) problems: unknown names and terms, conflicts, rows with no term."""
    reader = _Reader(portfolios, definitions, number)
    problems = reader.problems
    problems.extend((None, message) for message in clause.problems)
    stated: dict[str, dict[Term, str]] = {}
    resolutions = []
    for n, grant in enumerate(clause.grants):
        label = _label(n)
        members, steps = reader.subject(grant.subject)
        resolutions.append(Resolution(label, grant.subject, grant.term, tuple(steps), tuple(members)))
        for name in members:
            stated.setdefault(name, {}).setdefault(grant.term, label)
    terms: dict[str, Term] = {}
    basis: dict[str, str] = {}
    for name in portfolios:
        given = stated.get(name, {})
        if len(given) == 1:
            ((terms[name], basis[name]),) = given.items()
        elif given:
            listed = " and ".join(sorted(f"{describe_term(t)} [{label}]" for t, label in given.items()))
            problems.append((name, f"the term clause gives it more than one term ({listed})."))
        else:
            problems.append((name, "the term clause gives it no end date and does not make it permanent."))
    return terms, basis, tuple(resolutions), problems


def _label(n: int) -> str:
    return chr(ord("a") + n) if n < 26 else f"g{n + 1}"


def describe_term(term: Term) -> str:
    return term if isinstance(term, str) else f"until {term.isoformat()}"
