"""The opening-balances file: amounts waived before the actuals on file start, still recoverable.

Columns (CSV or XLSX, header row required, any order, case-insensitive): Agreement, Portfolio,
Share class (empty: the whole portfolio), Fiscal year, Amount (dollars, at most cents). Every
problem is reported at once, each with file, row and column; nothing is half-read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from xlcap.agreements.collection import Agreements
from xlcap.errors import InputFileError, InvalidInputError
from xlcap.report.sheetfile import read_rows

COLUMNS = ("agreement", "portfolio", "share class", "fiscal year", "amount")


@dataclass(frozen=True)
class Opening:
    agreement: str
    portfolio: str
    share_class: str
    fiscal_year: int
    amount: float
    source_row: int


def read_openings(path: Path | str, agreements: Agreements) -> tuple[Opening, ...]:
    path = Path(path)
    try:
        header_row, header, rows = read_rows(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise InputFileError([f"{path}: cannot be read as an opening-balances file ({exc})."]) from None
    names = [str(h or "").strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise InputFileError(
            [
                f"{path}, row {header_row}: missing column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}; "
                f"valid header: {', '.join(c.capitalize() for c in COLUMNS)}."
            ]
        )
    at = {c: names.index(c) for c in COLUMNS}
    problems: list[str] = []
    out: list[Opening] = []
    seen: dict[tuple[str, str, str, int], int] = {}
    for n, cells in rows:

        def cell(column: str, cells: list[object] = cells) -> str:
            i = at[column]
            return str(cells[i]).strip() if i < len(cells) and cells[i] is not None else ""

        if not any(cell(c) for c in COLUMNS):
            continue
        where = f"{path}, row {n}"
        ok = True
        try:
            history = agreements.get(cell("agreement") or None)
            agreement = history.id
        except InvalidInputError as exc:
            problems.append(f"{where}, column Agreement: {exc}")
            ok, history, agreement = False, None, ""
        portfolio = ""
        if history is not None:
            resolved = history.names.resolve(cell("portfolio"))
            if resolved is None:
                typed = cell("portfolio")
                problems.append(f"{where}, column Portfolio: {typed!r} is not in {agreement!r}; valid: a name on its Schedule A.")
                ok = False
            else:
                portfolio = resolved
        share_class = cell("share class")
        if share_class:  # actuals are per portfolio: a class balance could never be repaid from them
            problems.append(
                f"{where}, column Share class: {share_class!r}; valid: empty (actuals are per portfolio, so the ledger is too)."
            )
            ok = False
        year_text = cell("fiscal year").removesuffix(".0")
        year = int(year_text) if year_text.isdigit() else 0
        if not 1990 <= year <= 2100:
            problems.append(f"{where}, column Fiscal year: {cell('fiscal year')!r}; valid: a year such as 2023.")
            ok = False
        amount_text = cell("amount").replace(",", "").replace("$", "")
        try:
            amount = float(amount_text)
            if not math.isfinite(amount) or amount < 0 or round(amount, 2) != amount:
                raise ValueError
        except ValueError:
            problems.append(f"{where}, column Amount: {cell('amount')!r}; valid: dollars of 0 or more, at most cents (1234.56).")
            ok = False
        if ok:
            key = (agreement, portfolio, share_class, year)
            if key in seen:
                problems.append(
                    f"{where}: {portfolio}, fiscal year {year} is also on row {seen[key]}; valid: one row per portfolio and year."
                )
                continue
            seen[key] = n
            out.append(Opening(agreement, portfolio, share_class, year, amount, n))
    if problems:
        raise InputFileError(problems)
    return tuple(out)
