"""The recoupment ledger of every portfolio of one agreement, built from actuals since the first month on file.

One library call (`recoupment_book`) serves the CLI, the Excel function and the workbook sheet:
actuals (a file or a folder of monthly files) -> the month-end computation per fiscal year ->
each portfolio's monthly year-to-date figures -> `recoupment.ledger`. Same inputs, same ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from xlcap.agreements.limits import days_in_year
from xlcap.agreements.recoupment import Approval, Ledger, MonthFigures, RecoupmentRules, ledger
from xlcap.agreements.schedule import History
from xlcap.errors import InputFileError, InvalidInputError
from xlcap.money import excel_round
from xlcap.report.actuals import Actuals, read_actuals
from xlcap.report.compute import annual_limit, compute, row_tiers, schedule_state
from xlcap.report.openings import Opening

ACTUALS_SUFFIXES = (".csv", ".xlsx")


def read_actuals_path(path: Path | str, history: History) -> Actuals:
    """A single actuals file, or every .csv/.xlsx in a folder (monthly files across years), as one set of rows.

    A portfolio's month in two files is refused with both files named, never silently chosen.
    """
    path = Path(path)
    if not path.is_dir():
        return read_actuals(path, history)
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in ACTUALS_SUFFIXES and not p.name.startswith(("~", ".")))
    if not files:
        raise InputFileError([f"{path}: no actuals files (.csv or .xlsx) in the folder; valid: monthly actuals files."])
    problems: list[str] = []
    rows: dict[tuple[str, pd.Period], tuple[object, Path]] = {}
    for file in files:
        try:
            got = read_actuals(file, history)
        except InputFileError as exc:
            problems += exc.problems
            continue
        for r in got.rows:
            key = (r.portfolio, r.month)
            if key in rows:
                other = rows[key][1]
                problems.append(
                    f"{file}, row {r.source_row}: {r.portfolio} {r.month} is also in {other}; valid: each month in one file."
                )
            else:
                rows[key] = (r, file)
    if problems:
        raise InputFileError(problems)
    return Actuals(tuple(r for r, _ in rows.values()), str(path))  # type: ignore[misc]


@dataclass(frozen=True)
class PortfolioRecoupment:
    portfolio: str
    ledger: Ledger
    repaid_month: float  # in the as-of month; negative: a reversal of repayment
    repaid_ytd: float


@dataclass(frozen=True)
class RecoupmentBook:
    agreement: str
    as_of: dt.date
    rules: RecoupmentRules | None
    why_none: str  # when rules is None: why no recoupment is computed
    portfolios: tuple[PortfolioRecoupment, ...]

    def get(self, portfolio: str) -> PortfolioRecoupment | None:
        return next((p for p in self.portfolios if p.portfolio == portfolio), None)


def monthly_figures(
    actuals: Actuals, history: History, rules: RecoupmentRules, through: pd.Period
) -> dict[str, list[MonthFigures]]:
    """Each portfolio's month-end year-to-date limit and covered expenses, one month-end computation per fiscal year."""
    out: dict[str, list[MonthFigures]] = {}
    by_year: dict[int, pd.Period] = {}
    for m in actuals.months():
        if m <= through:
            by_year[m.year] = max(by_year.get(m.year, m), m)
    for year in sorted(by_year):
        records = compute(actuals, by_year[year], history).rows
        if per_class := sorted({f"{r.portfolio}, Class {r.share_class}" for r in records if r.share_class}):
            # one ledger per portfolio today: classes' months must never be mixed into one in silence
            raise InvalidInputError(
                f"The actuals give share classes ({', '.join(per_class[:3])}{', ...' * (len(per_class) > 3)}), but the "
                "recoupment ledger is kept per portfolio; valid: actuals without a share-class column for recoupment."
            )
        under: dict[str, dict[int, float]] = {}
        for r in records:
            limits_under: dict[int, float] = {}
            if rules.cap_test == "lesser_of":  # each earlier year's schedule on today's assets, year to date
                running = under.setdefault(r.portfolio, {})
                for origin in range(min(by_year), year):
                    amendment, row, lapsed = schedule_state(history, r.portfolio, dt.date(origin, 12, 31))
                    if amendment is None or row is None or lapsed is not None:
                        continue
                    annual = annual_limit(row_tiers(amendment, row), r.average_net_assets)
                    running[origin] = excel_round(running.get(origin, 0.0) + annual * r.days / days_in_year(r.month.year))
                limits_under = dict(running)
            out.setdefault(r.portfolio, []).append(
                MonthFigures(r.month.year, r.month.month, r.ytd_limit, r.ytd_covered, r.average_net_assets, limits_under)
            )
    return out


def recoupment_book(
    history: History,
    actuals: Actuals | None,
    as_of: dt.date,
    openings: Sequence[Opening] = (),
    approvals: Sequence[tuple[str, Approval]] = (),
) -> RecoupmentBook:
    """Every portfolio's ledger as of `as_of`; with no recoupment terms recorded, an empty book that says why."""
    terms = history.terms.recoupment
    if terms.rules is None:
        return RecoupmentBook(history.id, as_of, None, terms.why_none, ())
    if actuals is None:
        raise InvalidInputError("No actuals were given; valid: --actuals a file or a folder of monthly actuals files.")
    rules = terms.rules
    month = pd.Period(year=as_of.year, month=as_of.month, freq="M")
    figures = monthly_figures(actuals, history, rules, month)
    opened: dict[str, dict[int, float]] = {}
    for o in openings:
        if o.agreement == history.id:
            opened.setdefault(o.portfolio, {})[o.fiscal_year] = o.amount
    out: list[PortfolioRecoupment] = []
    for portfolio in [n for n in history.names.canonical if n in figures or n in opened]:
        months = figures.get(portfolio, [])
        mine = [a for p, a in approvals if p == portfolio]
        book = ledger(months, rules, opened.get(portfolio), mine, as_of)
        last = book.months[-1] if book.months else None
        this_month = last is not None and (last.year, last.month) == (as_of.year, as_of.month)
        in_year = last is not None and last.year == as_of.year
        out.append(
            PortfolioRecoupment(
                portfolio, book, last.repaid if this_month and last else 0.0, last.ytd_repaid if in_year and last else 0.0
            )
        )
    return RecoupmentBook(history.id, as_of, rules, "", tuple(out))


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
        "portfolios": [
            {
                "portfolio": p.portfolio,
                "share_class": None,
                "available": p.ledger.available,
                "repaid_this_month": p.repaid_month,
                "repaid_year_to_date": p.repaid_ytd,
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
        lines.append(f"{p.portfolio}: available {p.ledger.available:,.2f}; {said}; year to date {p.repaid_ytd:,.2f}")
        lines += [
            f"  FY {o.fiscal_year}: waived {o.waived:,.2f}  repaid {o.repaid:,.2f}  expired {o.expired:,.2f}  "
            f"available {o.available:,.2f}  until {o.expires_on.isoformat() if o.expires_on else '-'}"
            for o in p.ledger.origins
        ]
    return "\n".join(lines)
