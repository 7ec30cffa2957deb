"""EXPCAP_RECOUPABLE: the amount the Manager may still recover for a portfolio on a date, from the ledger.

The ledger is built from every month on file, so the function reads actuals from a configured
place: XLCAP_ACTUALS (a file or a folder of monthly files) and, optionally, XLCAP_OPENINGS (the
opening-balances file). Both are read at each recalculation: same files, same answer.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from xlcap.agreements.datafiles import default_agreements
from xlcap.errors import InvalidInputError, XlcapError
from xlcap.excel.functions import _shape, failure_cell
from xlcap.excel.values import broadcast, cell_agreement, cell_date, cell_text
from xlcap.report.openings import read_openings
from xlcap.report.recoupment_book import RecoupmentBook, read_actuals_path, recoupment_book

ACTUALS_ENV = "XLCAP_ACTUALS"
OPENINGS_ENV = "XLCAP_OPENINGS"


def _book(agreement: str, on: dt.date) -> RecoupmentBook:
    agreements = default_agreements()
    history = agreements.get(agreement)
    if history.terms.recoupment.rules is None:
        return recoupment_book(history, None, on)
    actuals = os.environ.get(ACTUALS_ENV, "").strip()
    if not actuals:
        raise InvalidInputError(
            f"EXPCAP_RECOUPABLE needs the actuals on file, and {ACTUALS_ENV} is not set. Valid: set {ACTUALS_ENV} to an "
            "actuals file or a folder of monthly actuals files (and optionally XLCAP_OPENINGS to the opening-balances file) "
            "before starting Excel."
        )
    openings = os.environ.get(OPENINGS_ENV, "").strip()
    opened = read_openings(openings, agreements) if openings else ()
    return recoupment_book(history, read_actuals_path(actuals, history), on, opened)


def expcap_recoupable(portfolio: object, on_date: object, agreement: object = None, *, officejs: bool | None = None) -> Any:
    """The available recoupment balance (all fiscal years of origin, and every share class the ledger keeps apart) per
    portfolio and date; text where none is computed."""
    flat, shape = broadcast({"portfolio": portfolio, "on_date": on_date, "agreement": agreement})
    agreements = default_agreements()
    books: dict[tuple[str, dt.date], RecoupmentBook] = {}  # one ledger per agreement and date, however many cells
    cells: list[Any] = []
    for name, day, chosen in zip(flat["portfolio"], flat["on_date"], flat["agreement"], strict=True):
        on, typed = cell_date(day), cell_text(name)
        try:
            history = agreements.for_portfolio(typed, cell_agreement(chosen))
            portfolio_name = history.names.resolve(typed) or typed
            key = (history.id, on)
            if key not in books:
                books[key] = _book(history.id, on)
            book = books[key]
            if book.rules is None:
                cells.append(book.why_none)
                continue
            # a portfolio kept per share class has one ledger per class and none of its own: its balance is their sum
            mine = [p for p in book.portfolios if p.portfolio == portfolio_name]
            cells.append(round(sum(p.ledger.available for p in mine), 2))
        except XlcapError as exc:
            if isinstance(exc, InvalidInputError) and shape is None:
                raise
            cells.append(failure_cell(exc, officejs))
    return cells[0] if shape is None else _shape(cells, shape)
