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
from xlcap.agreements.names import class_key, class_label
from xlcap.errors import InputFileError, InvalidInputError
from xlcap.report.actual_classes import spelling
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
        share_class = ""  # named as the actuals' class is (the agreement's spelling), so the two meet in one ledger
        if typed_class := cell("share class"):
            if not class_key(typed_class):
                problems.append(
                    f"{where}, column Share class: {typed_class!r} is not a class name; valid: a share class such as A "
                    "or Class A, or empty for the whole portfolio."
                )
                ok = False
            elif history is not None and portfolio:
                share_class = spelling(history, portfolio, class_key(typed_class))
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
                    f"{where}: {class_label(portfolio, share_class)}, fiscal year {year} is also on row {seen[key]}; "
                    "valid: one row per portfolio (and share class) and year."
                )
                continue
            seen[key] = n
            out.append(Opening(agreement, portfolio, share_class, year, amount, n))
    if problems:
        raise InputFileError(problems)
    return tuple(out)
