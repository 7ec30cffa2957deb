"""The agreements of a data folder: each its own amendment chain (a History), chosen by id, trust or portfolio name.

A fund administrator services several trusts, each with its own agreement; amendment numbers
and portfolio names are that agreement's own. A name found in exactly one agreement resolves
there; a name in several needs the agreement chosen, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from xlcap.agreements.schedule import Amendment, History
from xlcap.errors import InvalidInputError, ScheduleDataError, UnknownPortfolioError

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def chosen(agreement: object) -> object:
    """None when no agreement is given: None, blank text, or NaN (pandas' missing value); else as given."""
    if agreement is None or (isinstance(agreement, str) and not agreement.strip()):
        return None
    if isinstance(agreement, float) and agreement != agreement:
        return None
    return agreement


def agreement_key(text: str) -> str:
    """How an agreement id or trust name is matched: lower case, letters and digits only."""
    return _NOT_ALNUM.sub("", text.lower().replace("&", "and"))


class Agreements:
    """Every agreement of a data folder, in folder order; ids are unique (loosely compared)."""

    def __init__(self, histories: Sequence[History]) -> None:
        if not histories:
            raise ScheduleDataError("No agreement is on file; valid: a folder holding amendment-NNN.toml, or subfolders that do.")
        self.all: tuple[History, ...] = tuple(histories)
        self._by_id: dict[str, History] = {}
        for history in self.all:
            key = agreement_key(history.id)
            if not key or key in self._by_id:
                raise ScheduleDataError(
                    f"Agreement id {history.id!r} ({history.trust}) is empty or used twice; valid: a distinct id per "
                    "agreement (agreement.toml's id, or its folder's name)."
                )
            self._by_id[key] = history

    def __len__(self) -> int:
        return len(self.all)

    def __iter__(self) -> Iterator[History]:
        return iter(self.all)

    @property
    def choices(self) -> str:
        """The agreements as a user chooses them: 'met-investors (Met Investors Series Trust), ...'."""
        return ", ".join(f"{h.id} ({h.trust})" for h in self.all)

    def get(self, agreement: object = None) -> History:
        """The agreement named by id or trust (loosely: 'acme' finds 'Acme Funds Trust'); the only one when None."""
        agreement = chosen(agreement)
        if agreement is None:
            if len(self.all) == 1:
                return self.all[0]
            raise InvalidInputError(
                f"Parameter 'agreement' is missing, and the data folder holds {len(self.all)} agreements. "
                f"Valid: one of {self.choices} (--agreement ID, or agreement= in Python and Excel)."
            )
        if not isinstance(agreement, str):
            raise InvalidInputError(f"Parameter 'agreement' received {agreement!r}, which is not text. Valid: {self.choices}.")
        key = agreement_key(agreement)
        exact = self._by_id.get(key) or next((h for h in self.all if agreement_key(h.trust) == key), None)
        if exact is not None:
            return exact
        partial = [h for h in self.all if key and (key in agreement_key(h.id) or key in agreement_key(h.trust))]
        if len(partial) == 1:
            return partial[0]
        why = "matches several agreements" if partial else "is not an agreement in the data folder"
        raise InvalidInputError(f"Parameter 'agreement' received {agreement!r}, which {why}. Valid: {self.choices}.")

    def amendment(self, agreement: object, number: int) -> Amendment | None:
        """Amendments are keyed by (agreement, number): each agreement numbers its own from 1."""
        return self.get(agreement).amendment(number)

    def for_portfolio(self, portfolio: object, agreement: object = None) -> History:
        """The agreement to look `portfolio` up in: the one chosen, the only one, or the one whose schedules name it."""
        if chosen(agreement) is not None or len(self.all) == 1:
            return self.get(agreement)
        typed = portfolio if isinstance(portfolio, str) else ""
        holding = [h for h in self.all if typed.strip() and h.names.resolve(typed) is not None]
        if len(holding) == 1:
            return holding[0]
        if holding:
            raise InvalidInputError(
                f"Parameter 'portfolio' received {portfolio!r}, a name in {len(holding)} agreements: "
                f"{', '.join(f'{h.id} ({h.trust})' for h in holding)}. Valid: choose one with the agreement argument "
                "(--agreement ID on the command line, agreement= in Python, the last argument of the Excel functions)."
            )
        if not typed.strip():
            return self.all[0]  # the lookup itself says what is wrong with a blank or non-text name
        suggestions = tuple(s for h in self.all for s in h.names.suggest(typed))[:3]
        hint = f" Did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        raise UnknownPortfolioError(
            f"Parameter 'portfolio' received {portfolio!r}, which is not a portfolio of any agreement on file "
            f"({self.choices}).{hint} Run 'xlcap portfolios --agreement ID' for each list.",
            suggestions=suggestions,
        )

    def naming_all(self, portfolios: Sequence[str]) -> History:
        """The one agreement whose schedules name every one of `portfolios` (a month's workbooks come from one)."""
        if len(self.all) == 1:
            return self.all[0]
        naming = [h for h in self.all if all(h.names.resolve(p) is not None for p in portfolios)]
        if len(naming) == 1:
            return naming[0]
        raise InvalidInputError(
            f"The portfolios {', '.join(map(repr, portfolios[:3]))}{'...' * (len(portfolios) > 3)} are named by "
            f"{len(naming) or 'no'} agreements of the data folder, not one. Valid: one agreement's portfolios, "
            f"of {self.choices}."
        )
