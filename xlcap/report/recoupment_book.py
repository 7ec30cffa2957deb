"""The recoupment ledger of every portfolio of one agreement, built from actuals since the first month on file.

One library call (`recoupment_book`) serves the CLI, the Excel function and the workbook sheet:
actuals (a file or a folder of monthly files) -> the month-end computation per fiscal year ->
each portfolio's monthly year-to-date figures -> `recoupment.ledger`. Same inputs, same ledger.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from xlcap.agreements.approvals import RecordedApproval
from xlcap.agreements.limits import days_in_year
from xlcap.agreements.names import class_label
from xlcap.agreements.recoupment import Ledger, MonthFigures, RecoupmentRules, ledger
from xlcap.agreements.schedule import History
from xlcap.errors import InputFileError, InvalidInputError
from xlcap.money import excel_round
from xlcap.report.actual_classes import mixed_problems, spelling
from xlcap.report.actuals import ActualRow, Actuals, read_actuals
from xlcap.report.compute import Tier, annual_limit, compute, row_tiers, schedule_state
from xlcap.report.openings import Opening

ACTUALS_SUFFIXES = (".csv", ".xlsx")


def read_actuals_for_month(path: Path | str, history: History, month: pd.Period) -> Actuals:
    """The month report's actuals: a file (as read_actuals), or a folder of monthly files across years.

    From a folder the rows through `month` are kept, and the month must be among them.
    """
    path = Path(path)
    if not path.is_dir():
        return read_actuals(path, history, month)
    got = read_actuals_path(path, history)
    if not any(r.month == month for r in got.rows):
        present = ", ".join(str(m) for m in got.months()) or "none"
        raise InputFileError([f"{path}: no rows for {month} in any file of the folder; the files hold {present}."])
    return Actuals(tuple(r for r in got.rows if r.month <= month), got.source)


def actuals_digest(path: Path) -> str:
    """SHA-256 of an actuals file, or of a folder's actuals files (each name and content): what a rerun compares."""
    if not path.is_dir():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in ACTUALS_SUFFIXES and not p.name.startswith(("~", ".")))
    return hashlib.sha256(
        b"".join(f"{f.name}:{hashlib.sha256(f.read_bytes()).hexdigest()}\n".encode() for f in files)
    ).hexdigest()


MONTHLY_WHY = (
    "the ledger follows the fiscal-year-to-date method (a waiver is the year-to-date excess over the year-to-date "
    "limit), and this workbook uses the monthly method, whose waivers differ: run xlcap report with --method fytd "
    "for the Recoupment sheet, or xlcap recoupment for the ledger."
)


def report_book(history: History, actuals: Path, openings: Path | None, month: pd.Period, method: str = "fytd") -> RecoupmentBook:
    """The ledger as of the report month's end, for the workbook: every month on file (a folder: across years)."""
    as_of = month.end_time.date()
    if history.terms.recoupment.rules is None:
        return recoupment_book(history, None, as_of)
    if method != "fytd":  # a ledger of other waivers than the workbook shows would be read as this workbook's
        return RecoupmentBook(history.id, as_of, None, MONTHLY_WHY, ())
    opened: tuple[Opening, ...] = ()
    if openings is not None:
        from xlcap.agreements.collection import Agreements
        from xlcap.agreements.datafiles import default_agreements
        from xlcap.report.openings import read_openings

        known = default_agreements()
        agreements = known if any(h is history for h in known) else Agreements([history])
        opened = read_openings(openings, agreements)
    return recoupment_book(history, read_actuals_path(actuals, history), as_of, opened)


Series = tuple[str, str | None]  # (portfolio, share class): a class only where the actuals give one


def series_of(row: object) -> Series:
    """The ledger a row belongs to: per portfolio, or per class once actuals carry one (ActualRow.share_class)."""
    return (str(getattr(row, "portfolio")), getattr(row, "share_class", None) or None)  # noqa: B009


def read_actuals_path(path: Path | str, history: History) -> Actuals:
    """A single actuals file, or every .csv/.xlsx in a folder (monthly files across years), as one set of rows.

    A portfolio's (or share class's) month in two files is refused with both files named, never silently chosen;
    so is a month given for the whole portfolio in one file and per class in another.
    """
    path = Path(path)
    if not path.is_dir():
        return read_actuals(path, history)
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in ACTUALS_SUFFIXES and not p.name.startswith(("~", ".")))
    if not files:
        raise InputFileError([f"{path}: no actuals files (.csv or .xlsx) in the folder; valid: monthly actuals files."])
    problems: list[str] = []
    rows: dict[tuple[Series, pd.Period], tuple[ActualRow, Path]] = {}
    for file in files:
        try:
            got = read_actuals(file, history)
        except InputFileError as exc:
            problems += exc.problems
            continue
        for r in got.rows:
            key = (series_of(r), r.month)  # (portfolio, share class) and month
            if key in rows:
                other = rows[key][1]
                problems.append(
                    f"{file}, row {r.source_row}: {class_label(r.portfolio, r.share_class)} {r.month} is also in {other}; "
                    "valid: each month in one file."
                )
            else:
                rows[key] = (r, file)
    problems += mixed_problems((r.portfolio, r.share_class, r.month, f"{f}, row {r.source_row}") for r, f in rows.values())
    if problems:
        raise InputFileError(problems)
    return Actuals(tuple(r for r, _ in rows.values()), str(path))


@dataclass(frozen=True)
class PortfolioRecoupment:
    portfolio: str
    ledger: Ledger
    repaid_month: float  # in the as-of month; negative: a reversal of repayment
    repaid_ytd: float
    share_class: str | None = None
    month: MonthFigures | None = None  # the as-of month's figures, when the actuals hold that month
    repaid_before_month: float = 0.0  # repaid year to date through the previous month on file
    held_back: str = ""  # why the as-of month repaid less than the room allowed (approval, minimum assets)
    approved_left: float | None = None  # approvals on file less earlier years' repayments; None: no such cap

    @property
    def label(self) -> str:
        return class_label(self.portfolio, self.share_class)


@dataclass(frozen=True)
class RecoupmentBook:
    agreement: str
    as_of: dt.date
    rules: RecoupmentRules | None
    why_none: str  # when rules is None: why no recoupment is computed
    portfolios: tuple[PortfolioRecoupment, ...]
    approvals: tuple[RecordedApproval, ...] = ()

    def get(self, portfolio: str, share_class: str | None = None) -> PortfolioRecoupment | None:
        return next((p for p in self.portfolios if (p.portfolio, p.share_class) == (portfolio, share_class)), None)


Bands = tuple[tuple[float, float, float], ...]  # a schedule row's limit as (from, to, rate) bands, whatever its amendment


def _bands(tiers: Iterable[Tier]) -> Bands:
    return tuple((t.lower, t.upper, t.rate) for t in tiers)


def monthly_figures(
    actuals: Actuals,
    history: History,
    rules: RecoupmentRules,
    through: pd.Period,
    opening_years: Mapping[Series, Iterable[int]] | None = None,
) -> dict[Series, list[MonthFigures]]:
    """Each series' month-end year-to-date limit and covered expenses, one month-end computation per fiscal year.

    With the lesser-of cap test, also each earlier year's limit on today's assets, for the years the series has
    something to recover from: a year with a waiver on file, or an opening balance (`opening_years`).
    """
    out: dict[Series, list[MonthFigures]] = {}
    owed: dict[Series, set[int]] = {k: set(v) for k, v in (opening_years or {}).items()}  # years with amounts to recover
    by_year: dict[int, pd.Period] = {}
    for m in actuals.months():
        if m <= through:
            by_year[m.year] = max(by_year.get(m.year, m), m)
    tiers_at: dict[tuple[Series, int], list[Tier] | None] = {}  # each year's schedule row, looked up once per series
    # Years of origin reach back past the first year of actuals (opening balances), as far as the window and the
    # first schedule on file allow: an opening from a year before the actuals is capped by its own year's schedule.
    span = rules.window + 1 if rules.window_unit == "fiscal_years" else rules.window // 12 + 2
    first_schedule = min((a.date.year for a in history.amendments), default=min(by_year, default=through.year))
    for year in sorted(by_year):
        under: dict[Series, dict[int, float]] = {}
        origins: dict[Series, list[int]] = {}
        report = compute(actuals, by_year[year], history)
        records = report.rows
        # An earlier year priced by the very bands that priced every month of this year has the same limit: the lesser
        # of the two is today's (the fallback), so its running limit is not needed.
        priced_by: dict[Series, set[Bands]] = {}
        if rules.cap_test == "lesser_of":
            by_key: dict[str, list[Tier]] = {}
            for t in report.tiers:
                by_key.setdefault(t.key, []).append(t)
            for r in records:
                priced_by.setdefault((r.portfolio, r.share_class), set()).add(_bands(by_key.get(r.schedule_key, ())))
        # the minimum-assets condition reads the portfolio's average net assets, every class together
        portfolio_assets: dict[tuple[str, pd.Period], float] = {}
        for r in records:
            portfolio_assets[r.portfolio, r.month] = portfolio_assets.get((r.portfolio, r.month), 0.0) + r.average_net_assets
        for r in records:
            key: Series = (r.portfolio, r.share_class)  # a class's own ledger once the actuals name classes
            limits_under: dict[int, float] = {}
            if rules.cap_test == "lesser_of":  # each earlier year's schedule on today's assets, year to date
                running = under.setdefault(key, {})
                if key not in origins:  # earlier years' waivers are all known by now: once per series and year
                    origins[key] = []
                    for o in sorted(o for o in owed.get(key, ()) if max(first_schedule, year - span) <= o < year):
                        if (key, o) not in tiers_at:
                            amendment, row, lapsed = schedule_state(history, r.portfolio, dt.date(o, 12, 31), r.share_class)
                            live = amendment is not None and row is not None and lapsed is None
                            tiers_at[key, o] = row_tiers(amendment, row) if live else None  # type: ignore[arg-type]
                        then = tiers_at[key, o]
                        if then is not None and priced_by[key] != {_bands(then)}:
                            origins[key].append(o)
                for origin in origins[key]:
                    tiers = tiers_at[key, origin]
                    assert tiers is not None  # origins holds only years with a schedule, and another than this year's
                    annual = annual_limit(tiers, r.average_net_assets)
                    running[origin] = excel_round(running.get(origin, 0.0) + annual * r.days / days_in_year(r.month.year))
                limits_under = dict(running)
                if r.ytd_waiver > 0:  # a year with a waiver: later years may repay it
                    owed.setdefault(key, set()).add(r.month.year)
            out.setdefault(key, []).append(
                MonthFigures(
                    r.month.year, r.month.month, r.ytd_limit, r.ytd_covered, portfolio_assets[r.portfolio, r.month], limits_under
                )
            )
    return out


def recoupment_book(
    history: History,
    actuals: Actuals | None,
    as_of: dt.date,
    openings: Sequence[Opening] = (),
    approvals: Sequence[RecordedApproval] | None = None,
) -> RecoupmentBook:
    """Every series' ledger as of `as_of`; with no recoupment terms recorded, an empty book that says why.

    `approvals` defaults to those recorded in the agreement's events.toml; an approval applies to the
    ledger of its portfolio and class (no class: the whole portfolio's ledger).
    """
    terms = history.terms.recoupment
    if terms.rules is None:
        return RecoupmentBook(history.id, as_of, None, terms.why_none, ())
    if actuals is None:
        raise InvalidInputError("No actuals were given; valid: --actuals a file or a folder of monthly actuals files.")
    rules = terms.rules
    recorded = tuple(terms.approvals if approvals is None else approvals)
    month = pd.Period(year=as_of.year, month=as_of.month, freq="M")
    opened: dict[Series, dict[int, float]] = {}
    for o in openings:
        if o.agreement == history.id:
            opened.setdefault((o.portfolio, o.share_class or None), {})[o.fiscal_year] = o.amount
    figures = monthly_figures(actuals, history, rules, month, opened)
    # an approval names its class by key ("INVESTOR"); a series by the agreement's spelling ("Investor"), as actuals do
    approved = [(a.portfolio, spelling(history, a.portfolio, a.share_class) if a.share_class else None) for a in recorded]
    _refuse_orphans(
        figures,
        [((o.portfolio, o.share_class or None), f"the opening balance on row {o.source_row}") for o in openings
         if o.agreement == history.id]
        + [(k, f"the approval on line {a.line} of events.toml ({a.reference})") for k, a in zip(approved, recorded, strict=True)],
    )  # fmt: skip
    order = {name: i for i, name in enumerate(history.names.canonical)}
    keys = sorted({*figures, *opened}, key=lambda k: (order.get(k[0], len(order)), k[1] or ""))
    out: list[PortfolioRecoupment] = []
    for key in keys:
        months = figures.get(key, [])
        mine = [a.approval for a, series in zip(recorded, approved, strict=True) if series == key]
        book = ledger(months, rules, opened.get(key), mine, as_of)
        out.append(_series(key, book, months, as_of))
    return RecoupmentBook(history.id, as_of, rules, "", tuple(out), recorded)


def _refuse_orphans(figures: Mapping[Series, object], named: Sequence[tuple[Series, str]]) -> None:
    """An opening balance or approval whose ledger the actuals never make (the actuals give the portfolio per class, it
    names none, or another class) would count as recoverable, or hold repayment back, with nothing to repay it from."""
    kept: dict[str, list[str]] = {}
    for portfolio, share_class in figures:
        kept.setdefault(portfolio, []).append(class_label(portfolio, share_class))
    problems = []
    for (portfolio, share_class), what in named:
        if portfolio in kept and (portfolio, share_class) not in figures:
            problems.append(
                f"{what} is for {class_label(portfolio, share_class)}, but the actuals give "
                f"{'; '.join(sorted(kept[portfolio]))}: "
                "it joins no ledger. Valid: one per ledger the actuals make (per class, or for the whole portfolio, as the "
                "actuals give it)."
            )
    if problems:
        raise InputFileError(problems)


def _series(key: Series, book: Ledger, months: Sequence[MonthFigures], as_of: dt.date) -> PortfolioRecoupment:
    """One series' ledger with what the as-of month shows: its repayment, the figures it came from, why any was held back."""
    last = book.months[-1] if book.months else None
    this_month = last is not None and (last.year, last.month) == (as_of.year, as_of.month)
    in_year = last is not None and last.year == as_of.year
    figures = next((m for m in months if (m.year, m.month) == (as_of.year, as_of.month)), None)
    before = book.months[-2] if this_month and len(book.months) > 1 else None
    return PortfolioRecoupment(
        key[0],
        book,
        last.repaid if this_month and last else 0.0,
        last.ytd_repaid if in_year and last else 0.0,
        key[1],
        figures,
        before.ytd_repaid if before is not None and before.year == as_of.year else 0.0,
        last.held_back if this_month and last else "",
        last.approved_left if this_month and last else None,
    )


def book_json(book: RecoupmentBook) -> dict[str, object]:
    """The book as plain data (README, "Recoupment", documents every key)."""
    rules = book.rules
    return {
        "agreement": book.agreement,
        "as_of": book.as_of.isoformat(),
        "computed": rules is not None,
        "why_not_computed": book.why_none or None,
        "rules": None
        if rules is None
        else {
            "window": rules.window,
            "window_unit": rules.window_unit,
            "cap_test": rules.cap_test,
            "minimum_assets": rules.minimum_assets,
            "approval_required": rules.approval_required,
            "clauses": dict(rules.clauses),
        },
        "approvals": [
            {
                "portfolio": a.portfolio,
                "share_class": a.share_class,
                "approved": a.on.isoformat(),
                "amount": a.amount,
                "reference": a.reference,
            }
            for a in book.approvals
        ],
        "portfolios": [
            {
                "portfolio": p.portfolio,
                "share_class": p.share_class,
                "available": p.ledger.available,
                "repaid_this_month": p.repaid_month,
                "repaid_year_to_date": p.repaid_ytd,
                "held_back": p.held_back or None,
                "by_fiscal_year": [
                    {
                        "fiscal_year": o.fiscal_year,
                        "waived": o.waived,
                        "repaid": o.repaid,
                        "expired": o.expired,
                        "available": o.available,
                        "expires_on": o.expires_on.isoformat() if o.expires_on else None,
                    }
                    for o in p.ledger.origins
                ],
            }
            for p in book.portfolios
        ],
    }


def run_recoupment(
    as_of: dt.date, actuals: Path | str | None = None, openings: Path | str | None = None, agreement: str | None = None
) -> RecoupmentBook:
    """The one call behind `xlcap recoupment`: load the agreement, actuals and openings, build the book."""
    from xlcap.agreements.datafiles import default_agreements
    from xlcap.report.openings import read_openings

    agreements = default_agreements()
    history = agreements.get(agreement)
    if history.terms.recoupment.rules is None:
        return recoupment_book(history, None, as_of)
    if actuals is None:
        raise InvalidInputError(
            "Parameter 'actuals' is missing: the ledger is built from every month on file. "
            "Valid: --actuals FILE, or --actuals FOLDER of monthly actuals files across years."
        )
    opened = read_openings(openings, agreements) if openings is not None else ()
    return recoupment_book(history, read_actuals_path(actuals, history), as_of, opened)


def book_text(book: RecoupmentBook) -> str:
    """The ledger as a person reads it: per portfolio, each fiscal year of origin, and the month's repayment in words."""
    if book.rules is None:
        return f"Recoupment for {book.agreement} as of {book.as_of.isoformat()}: not computed. {book.why_none}"
    lines = [f"Recoupment for {book.agreement} as of {book.as_of.isoformat()} (amounts the portfolio may repay the Manager):"]
    for p in book.portfolios:
        month = p.repaid_month
        said = (
            f"repaid to the Manager this month {month:,.2f}"
            if month > 0
            else f"reversal of repayment this month {-month:,.2f} (the Manager gives back)"
            if month < 0
            else "nothing repaid this month"
        )
        held = f" (held back: {p.held_back})" if p.held_back else ""
        lines.append(f"{p.label}: available {p.ledger.available:,.2f}; {said}{held}; year to date {p.repaid_ytd:,.2f}")
        lines += [
            f"  FY {o.fiscal_year}: waived {o.waived:,.2f}  repaid {o.repaid:,.2f}  expired {o.expired:,.2f}  "
            f"available {o.available:,.2f}  until {o.expires_on.isoformat() if o.expires_on else '-'}"
            for o in p.ledger.origins
        ]
    return "\n".join(lines)
