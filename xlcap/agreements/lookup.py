"""One lookup: which limit applies to a portfolio at an asset level on a date, and why."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from xlcap.agreements.datafiles import DATA_DIR, default_agreements
from xlcap.agreements.limits import period_amount
from xlcap.agreements.names import class_key
from xlcap.agreements.schedule import Amendment, History, ScheduleRow
from xlcap.errors import InvalidInputError, NoScheduleError, TermEndedError, UnknownPortfolioError
from xlcap.parse import parse_amount, parse_date

Status = Literal["in_effect", "no_limit"]


@dataclass(frozen=True, slots=True)
class CapResult:
    """The limit in force for one portfolio, asset level and date, with the contract text behind it."""

    portfolio: str
    date: dt.date
    assets: float
    share_class: str | None  # as the data names it ("A"); None when no class was given
    agreement: str  # the agreement's id ("met-investors")
    status: Status
    rate: float | None  # decimal fraction (0.008); None when Schedule A says "None"
    annual_amount: float | None
    amendment: int
    amendment_date: dt.date
    term_end: dt.date | None  # last day in force; None when permanent
    permanent: bool
    limit_text: str  # exactly as filed
    notes: tuple[str, ...]  # interpretation notes; empty when the filed text is applied as written
    row: ScheduleRow = field(repr=False, compare=False)

    @property
    def interpreted(self) -> bool:
        return self.row.interpretation is not None

    def period_amount(self, days: int) -> float | None:
        """The dollar limit for `days` days: annual x days / days in the year (365 or 366)."""
        if self.annual_amount is None:
            return None
        return period_amount(self.annual_amount, days, self.date)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `xlcap cap --json`."""
        return {
            "portfolio": self.portfolio,
            "date": self.date.isoformat(),
            "assets": self.assets,
            "share_class": self.share_class,
            "agreement": self.agreement,
            "status": self.status,
            "rate": self.rate,
            "annual_amount": self.annual_amount,
            "amendment": self.amendment,
            "term_end": None if self.term_end is None else self.term_end.isoformat(),
            "permanent": self.permanent,
            "limit_text": self.limit_text,
            "notes": list(self.notes),
        }


def schedule_in_force(on: dt.date | str, history: History | None = None, *, agreement: str | None = None) -> Amendment:
    """The amendment whose Schedule A is in force on `on` in one agreement; NoScheduleError before the first on file.

    `agreement` (id or trust) chooses among the data folder's agreements; needed only when it holds several.
    """
    day = parse_date(on, "date")
    history = history or default_agreements().get(agreement)
    amendment = history.in_force(day)
    if amendment is None:
        first = history.amendments[0]
        raise NoScheduleError(
            f"Parameter 'date' received {day.isoformat()}, which is before the first expense limitation schedule on file "
            f"({first.label}). No limit on file applies then; valid dates are {first.date.isoformat()} or later."
        )
    return amendment


def resolve_row(portfolio: str, on: dt.date, history: History, share_class: str | None = None) -> tuple[Amendment, ScheduleRow]:
    """The Schedule A row for `portfolio` in force on `on`, or the specific error saying why there is none."""
    if not isinstance(portfolio, str) or not portfolio.strip():
        raise InvalidInputError(
            f"Parameter 'portfolio' received {portfolio!r}, which is not a portfolio name. Valid: a name from Schedule A, "
            "e.g. 'Lazard Mid-Cap Portfolio' (run 'xlcap portfolios' for the list)."
        )
    amendment = schedule_in_force(on, history)
    name = history.names.resolve(portfolio)
    if name is None:
        suggestions = history.names.suggest(portfolio)
        hint = f" Did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        raise UnknownPortfolioError(
            f"Parameter 'portfolio' received {portfolio!r}, which is not a portfolio of {amendment.trust}.{hint} "
            "Run 'xlcap portfolios' for the list.",
            suggestions=suggestions,
        )
    rows = amendment.rows_for(name)
    if not rows:
        last = history.last_listing(name, on)
        listed = f"; it was last listed in {last.label}" if last else "; it is first listed in a later amendment"
        raise TermEndedError(
            f"{name!r} is not in Schedule A of {amendment.label}, the schedule in force on {on.isoformat()}{listed}."
        )
    row = row_for_class(rows, name, share_class)
    if not row.in_force_on(on):
        assert row.term_end is not None
        raise TermEndedError(
            f"The expense limitation for {name!r} ended on {row.term_end.isoformat()} ({row.term_basis}); no continuance is "
            f"recorded, so no limit is in force on {on.isoformat()}. Valid dates: {amendment.date.isoformat()} to "
            f"{row.term_end.isoformat()}. If the Independent Trustees approved a continuance, "
            f"record it in {_events_file(amendment, history)}."
        )
    return amendment, row


def _events_file(amendment: Amendment, history: History) -> str:
    """Where a continuance is recorded: the bundled data's file, or the events.toml of the user's agreement."""
    folder = amendment.source_path.parent
    return "xlcap/data/events.toml" if folder == DATA_DIR else f"events.toml of agreement {history.id!r} ({folder})"


def row_for_class(rows: tuple[ScheduleRow, ...], name: str, share_class: str | None) -> ScheduleRow:
    """The row of `rows` (one portfolio's, in one amendment) that prices `share_class`.

    The one class rule, used by the scalar and the vectorised lookups alike: a portfolio whose rows
    carry no classes prices every class (and no class given) alike; once its limits differ by class,
    a class is needed, matched loosely (class_key), a row with no classes standing for every class
    not listed. Anything else is InvalidInputError naming the portfolio, the class and the valid ones.
    """
    key = _class_key(share_class)
    if all(row.share_classes is None for row in rows):
        return rows[0]
    if key is not None:
        for row in rows:
            if row.share_classes is not None and any(class_key(c) == key for c in row.share_classes):
                return row
        for row in rows:
            if row.share_classes is None:
                return row
    classes = sorted(c for row in rows for c in (row.share_classes or ()))
    others = " (or any other class)" if any(row.share_classes is None for row in rows) else ""
    received = "no class" if key is None else repr(share_class)
    raise InvalidInputError(
        f"Parameter 'share_class' received {received}, but {name!r} has limits per share class; "
        f"valid: {', '.join(classes)}{others}."
    )


def _class_key(share_class: object) -> str | None:
    """None for no class (None or blank text); the class key otherwise."""
    if share_class is None or (isinstance(share_class, float) and math.isnan(share_class)):  # NaN: pandas' missing
        return None
    if not isinstance(share_class, str):
        raise InvalidInputError(
            f"Parameter 'share_class' received {share_class!r}, which is not a class name. "
            'Valid: a share class as text ("A", "Class A"), or none.'
        )
    return class_key(share_class) or None


def class_shown(row: ScheduleRow, share_class: str | None) -> str | None:
    """The class a result names: the data's own spelling when the row lists it, else the key of the class given."""
    key = _class_key(share_class)
    if key is None or row.share_classes is None:
        return key
    return next((c for c in sorted(row.share_classes) if class_key(c) == key), key)


def lookup(
    portfolio: str,
    assets: float | str,
    on: dt.date | str,
    *,
    share_class: str | None = None,
    agreement: str | None = None,
    history: History | None = None,
) -> CapResult:
    """The expense limit for `portfolio` at average net `assets` on date `on`.

    `agreement` (id or trust name, typed loosely) chooses the agreement; without it, the one
    agreement whose schedules name the portfolio. Raises UnknownPortfolioError, NoScheduleError,
    TermEndedError or InvalidInputError, each naming the input, what was wrong and what is valid.
    """
    amount = parse_amount(assets, "assets")
    day = parse_date(on, "date")
    history = history or default_agreements().for_portfolio(portfolio, agreement)
    amendment, row = resolve_row(portfolio, day, history, share_class)
    rate = row.limit.annual_rate(amount)
    return CapResult(
        portfolio=row.portfolio,
        date=day,
        assets=amount,
        share_class=class_shown(row, share_class),
        agreement=history.id,
        status="no_limit" if rate is None else "in_effect",
        rate=rate,
        annual_amount=row.limit.annual_amount(amount),
        amendment=amendment.number,
        amendment_date=amendment.date,
        term_end=row.term_end,
        permanent=row.permanent,
        limit_text=row.limit_text,
        notes=row.notes,
        row=row,
    )
