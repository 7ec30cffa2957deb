"""Per-share-class limit wordings read into one limit per class group, or refused with the reason.

The forms the filings use (see the domain notes' limit wordings):
- the class first, groups apart by ";" or ",": "Class A 0.80%; Class B 1.05%", "Classes A and C: 0.90%";
- the rate first: "0.80% for Class A and 1.05% for Class B", "0.95% for Institutional Class and 1.20% for
  Financial Intermediary Class";
- a "Share Class" column beside the limit: "L, R, S, I" (read_class_list).
Anything else that names a class (a class with no rate, a class twice, text left over) raises
UnreadableLimit: a per-class limit is never guessed at.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from xlcap.agreements.limits import Limit
from xlcap.agreements.names import class_key, class_name
from xlcap.importing.limit_text import UnreadableLimit, read_limit

CLASS_WORD = re.compile(r"\bclass(?:es)?\b", re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"\s*(?:,|/|&|\band\b)\s*", re.IGNORECASE)
_NAME = r"[a-z0-9][\w-]*"
# "Class A 0.80%", "Classes A and C: 0.90%": the class names, then the limit wording.
_CLASS_FIRST = re.compile(
    rf"^(?:and\s+|for\s+)*(?:share\s+)?class(?:es)?\s+(?P<names>{_NAME}(?:\s*(?:,|&|\band\b)\s*(?:class\s+)?{_NAME})*)"
    r"\s*:?\s+(?P<limit>\S.*?)\s*$",
    re.IGNORECASE,
)
# "0.80% for Class A", "0.95% for Institutional Class": one flat rate and whom it is for.
_RATE = r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(?:%|percent\b)|[0-9]+\s*basis\s+points?"
_RATE_FIRST = re.compile(
    rf"(?P<limit>{_RATE})\s+for\s+(?:the\s+)?(?P<who>.+?)(?=\s*(?:,|;|\band\b)\s*(?:{_RATE})|\s*[.;,]?\s*$)",
    re.IGNORECASE,
)
_CLASS_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*(?: [A-Za-z][A-Za-z-]*){0,2}")  # "A", "R6", "Financial Intermediary"
_BETWEEN = re.compile(r"^[\s,;]*(?:and)?[\s,;]*$", re.IGNORECASE)
_PREAMBLE = re.compile(r"^(?:[a-z']+\s+)*$", re.IGNORECASE)  # words only: "would exceed an annual rate of "


@dataclass(frozen=True, slots=True)
class ClassLimit:
    """One class group's limit: its classes as filed ("A", "Institutional"), the words stating it, and the limit."""

    classes: tuple[str, ...]
    text: str
    limit: Limit


def names_a_class(text: str) -> bool:
    return CLASS_WORD.search(text) is not None


def read_class_list(text: str) -> tuple[str, ...]:
    """The classes of a "Share Class" cell or phrase: "L, R, S, I", "Class A and Class C shares" -> ("A", "C")."""
    names = [class_name(part) for part in _LIST_SEPARATOR.split(text.strip().rstrip("."))]
    if not text.strip() or not all(_CLASS_NAME.fullmatch(name) for name in names):
        raise UnreadableLimit(f'the share classes {text.strip()!r} are not a list of class names such as "A, C"')
    return tuple(names)


def read_class_limits(text: str) -> tuple[ClassLimit, ...]:
    """Each class group's limit in a wording that states limits per share class; UnreadableLimit otherwise."""
    stripped = text.strip().rstrip(".").strip()
    first = re.match(r"(?:for\s+)?(?:share\s+)?class(?:es)?\b", stripped, re.IGNORECASE)
    groups = _class_first(stripped) if first else _rate_first(stripped)
    seen: dict[str, str] = {}
    for group in groups:
        for name in group.classes:
            if class_key(name) in seen:
                raise UnreadableLimit(f"it states a limit for class {name} twice")
            seen[class_key(name)] = name
    if len(groups) < 2:
        raise UnreadableLimit("it names a share class but states one limit only; a limit per class group is expected")
    return tuple(groups)


def _class_first(text: str) -> list[ClassLimit]:
    pieces = [p for p in re.split(r"\s*;\s*|,\s*(?=(?:and\s+)?(?:share\s+)?class)", text, flags=re.IGNORECASE) if p.strip()]
    groups = []
    for piece in pieces:
        match = _CLASS_FIRST.match(piece)
        if match is None:
            raise UnreadableLimit(f'the part {piece.strip()!r} is not a class followed by its limit ("Class A 0.80%")')
        groups.append(ClassLimit(read_class_list(match["names"]), piece.strip(), read_limit(match["limit"])))
    return groups


def _rate_first(text: str) -> list[ClassLimit]:
    matches = list(_RATE_FIRST.finditer(text))
    if not matches:
        raise UnreadableLimit('it names a share class, but no "<rate> for Class <name>" or "Class <name> <rate>" in it')
    if not _PREAMBLE.match(text[: matches[0].start()]):
        raise UnreadableLimit(f"the text before the first class's rate is not read: {text[: matches[0].start()].strip()!r}")
    for before, after in itertools.pairwise(matches):
        if not _BETWEEN.match(text[before.end() : after.start()]):
            raise UnreadableLimit(f"the text between two classes is not read: {text[before.end() : after.start()].strip()!r}")
    return [ClassLimit(read_class_list(m["who"]), m.group().strip(), read_limit(m["limit"])) for m in matches]
