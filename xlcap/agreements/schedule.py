"""The agreement as effective-dated data: amendments, their Schedule A rows, and terms."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from xlcap.agreements.limits import Band, Limit
from xlcap.agreements.names import NameIndex, class_key
from xlcap.agreements.recoupment_terms import NOT_RECORDED, RecoupmentTerms
from xlcap.errors import ScheduleDataError


@dataclass(frozen=True, slots=True)
class Interpretation:
    """How xlcap reads a row whose filed text is garbled or ambiguous, and on what authority."""

    reading: str
    note: str
    authority: str
    literal: Limit | None = None  # the filed text read word for word, where it gives a figure: shown beside ours
    literal_reading: str = ""


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """One portfolio's line of Schedule A, with its term and the text it came from."""

    portfolio: str
    limit: Limit
    limit_text: str
    source_lines: tuple[int, int]
    term_end: dt.date | None
    permanent: bool
    term_basis: str
    interpretation: Interpretation | None = None
    new_portfolio: bool = False
    share_classes: frozenset[str] | None = None  # None: every class of the portfolio

    @property
    def notes(self) -> tuple[str, ...]:
        if self.interpretation is None:
            return ()
        i = self.interpretation
        return (f'{i.note} Reading applied: "{i.reading}" ({i.authority}).',)

    def in_force_on(self, on: dt.date) -> bool:
        return self.term_end is None or on <= self.term_end

    @property
    def label(self) -> str:
        """The row as a person names it: the portfolio, and its class group when the limit is per class."""
        if self.share_classes is None:
            return self.portfolio
        return f"{self.portfolio}, Class{'es' * (len(self.share_classes) > 1)} {', '.join(sorted(self.share_classes))}"

    @property
    def tiers(self) -> tuple[Band, ...]:
        """(from, to, rate) rows: a flat limit is one open tier, "None" has none.

        For a kind that is not marginal bands this raises ScheduleDataError naming the row: the
        workbook's tier table and lookup_many's arrays cannot hold it, and a guess would misprice it.
        """
        bands = self.limit.tier_view()
        if bands is None:
            raise ScheduleDataError(
                f"{self.portfolio}: limit kind {self.limit.kind!r} has no tier view, which the workbook's tier table needs; "
                "valid here: kinds written as marginal bands (flat, tiered, none)."
            )
        return bands


@dataclass(frozen=True)
class Amendment:
    """One amendment: its parties and date, its term clause, and the Schedule A it puts in force."""

    number: int
    date: dt.date
    title: str
    manager: str
    trust: str
    agreement: str
    prior_amendment_dates: tuple[dt.date, ...]
    new_portfolios: tuple[str, ...]
    term_clause: str
    source_path: Path
    source_sha256: str
    rows: tuple[ScheduleRow, ...]
    names: NameIndex = field(init=False, repr=False, compare=False)
    _rows_by_name: dict[str, tuple[ScheduleRow, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, list[ScheduleRow]] = {}
        for row in self.rows:
            by_name.setdefault(row.portfolio, []).append(row)
        for name, rows in by_name.items():
            _check_classes(name, rows)
        object.__setattr__(self, "_rows_by_name", {k: tuple(v) for k, v in by_name.items()})
        object.__setattr__(self, "names", NameIndex(by_name, {}))

    @property
    def label(self) -> str:
        return f"Amendment No. {self.number}, dated {self.date.isoformat()}"

    @property
    def source_text(self) -> str:
        """The filed document this schedule was read from."""
        return self.source_path.read_text(encoding="utf-8")

    @property
    def portfolios(self) -> tuple[str, ...]:
        return tuple(self._rows_by_name)

    def rows_for(self, portfolio: str) -> tuple[ScheduleRow, ...]:
        return self._rows_by_name.get(portfolio, ())

    def with_rows(self, rows: tuple[ScheduleRow, ...]) -> Amendment:
        return replace(self, rows=rows)


def _check_classes(name: str, rows: list[ScheduleRow]) -> None:
    """One portfolio's rows must name each class once: one row per class group, at most one for "every other class"."""
    if sum(row.share_classes is None for row in rows) > 1:
        raise ValueError(f"portfolio {name!r} is listed more than once without share_classes; valid: one row per class group")
    seen: dict[str, str] = {}
    for row in rows:
        for typed in row.share_classes or ():
            key = class_key(typed)
            if not key:
                raise ValueError(f'portfolio {name!r}: share class {typed!r} is empty; valid: class names such as "A"')
            if key in seen:
                raise ValueError(f"portfolio {name!r}: share class {typed!r} is in two rows (also as {seen[key]!r})")
            seen[key] = typed


@dataclass(frozen=True)
class AgreementTerms:
    """What the agreement's own text says about its term, recorded in agreement.toml beside the amendments.

    `term_section` names the clause each row's term comes from ("section 3"); `notice_days` is the
    termination notice ("upon ninety (90) days' prior written notice"), None when not recorded:
    then a termination notice cannot be applied and is refused, never guessed.
    """

    name: str = ""
    term_section: str = "term clause"
    notice_days: int | None = None
    notice_text: str = ""
    id: str = ""  # how a user chooses the agreement (--agreement); default: its folder's name
    trust: str = ""  # default: the latest amendment's trust
    manager: str = ""  # default: the latest amendment's manager
    recoupment: RecoupmentTerms = NOT_RECORDED  # the optional [recoupment] table (xlcap/agreements/recoupment_terms.py)


class History:
    """Every amendment on file; the schedule in force on a date is the latest dated on or before it."""

    def __init__(self, amendments: list[Amendment], aliases: Mapping[str, str], terms: AgreementTerms | None = None) -> None:
        self.amendments: tuple[Amendment, ...] = tuple(sorted(amendments, key=lambda a: a.date))
        terms = terms or AgreementTerms()
        if self.amendments and not (terms.trust and terms.manager):
            last = self.amendments[-1]
            terms = replace(terms, trust=terms.trust or last.trust, manager=terms.manager or last.manager)
        self.terms = terms
        self._dates = [a.date for a in self.amendments]
        everyone = dict.fromkeys(name for a in self.amendments for name in a.portfolios)
        self.names = NameIndex(everyone, aliases)
        self.aliases = dict(aliases)

    @property
    def id(self) -> str:
        return self.terms.id

    @property
    def trust(self) -> str:
        return self.terms.trust

    def amendment(self, number: int) -> Amendment | None:
        """This agreement's amendment of that number: numbers are unique within an agreement, not across them."""
        return next((a for a in self.amendments if a.number == number), None)

    def in_force(self, on: dt.date) -> Amendment | None:
        i = bisect.bisect_right(self._dates, on) - 1
        return self.amendments[i] if i >= 0 else None

    def last_listing(self, portfolio: str, before: dt.date) -> Amendment | None:
        """The latest amendment dated before `before` that lists `portfolio`."""
        for amendment in reversed(self.amendments):
            if amendment.date < before and amendment.rows_for(portfolio):
                return amendment
        return None
