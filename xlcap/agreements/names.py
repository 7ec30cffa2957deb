"""Portfolio names as accountants type them: loose matching, aliases and suggestions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def name_key(name: str) -> str:
    """The matching key: lower case, '&' read as 'and', no spacing or punctuation, no trailing 'portfolio'."""
    key = _NOT_ALNUM.sub("", name.lower().replace("&", "and"))
    return key.removesuffix("portfolio") or key


class NameIndex:
    """Resolves loosely typed names to canonical ones; `aliases` maps other names to canonical names."""

    def __init__(self, canonical: Iterable[str], aliases: Mapping[str, str]) -> None:
        self._by_key: dict[str, str] = {}
        for name in canonical:
            key = name_key(name)
            if key in self._by_key:
                raise ValueError(f"portfolio names {self._by_key[key]!r} and {name!r} are indistinguishable when typed loosely")
            self._by_key[key] = name
        self.canonical: tuple[str, ...] = tuple(self._by_key.values())
        self._aliases = {name_key(alias): target for alias, target in aliases.items() if name_key(target) in self._by_key}

    def resolve(self, typed: str) -> str | None:
        """The canonical name for `typed`, or None."""
        key = name_key(typed)
        return self._by_key.get(key) or self._aliases.get(key)

    def suggest(self, typed: str, limit: int = 3) -> tuple[str, ...]:
        """The closest canonical names to an unknown `typed` name, best first."""
        key = name_key(typed)
        if not key:
            return ()
        contains = [name for k, name in self._by_key.items() if key in k]
        close = difflib.get_close_matches(key, self._by_key, n=limit, cutoff=0.6)
        found = dict.fromkeys(contains + [self._by_key[k] for k in close])  # "Lord Abbett" lists every Lord Abbett first
        return tuple(found)[:limit]


_CLASS_WORDS = re.compile(r"^(?:share\s+)?class(?:es)?\s+|\s+(?:share\s+)?class(?:es)?$|\s+shares?$", re.IGNORECASE)


def class_name(share_class: str) -> str:
    """A share class as a data file names it: single spaces, no "Class"/"Share Class" before or after, no "Shares"."""
    text = " ".join(share_class.split())
    previous = None
    while previous != text:  # "Class A Shares": both ends
        previous, text = text, _CLASS_WORDS.sub("", text).strip()
    return text


def class_words(share_class: str) -> str:
    """How a class is said: "Class A", "Class R6" for a letter or code; "Investor Class" for a word (never "Class Class B")."""
    name = class_name(share_class) or share_class.strip()
    return f"{name} Class" if len(name) > 3 and name.replace(" ", "").isalpha() else f"Class {name}"


def class_label(portfolio: str, share_class: str | None) -> str:
    """A portfolio, or one class of it, as sheets and messages name it: "Acme Income Portfolio, Class B"."""
    return portfolio if not share_class or not share_class.strip() else f"{portfolio}, {class_words(share_class)}"


def class_key(share_class: str) -> str:
    """The matching key of a share class: "Class A", "A", "a" and " class  b " read as "A" and "B".

    class_name in upper case ("Institutional Class" is "INSTITUTIONAL"); empty when nothing is left.
    """
    return class_name(share_class).upper()
