"""Recorded approvals of repayment, from the agreement's events.toml (`[[approval]]`).

Where the recoupment clause requires it (`approval_required = true`), a repayment counts only up to
what the Board approved, on its date: an amount, or "all eligible". Each approval names the text it
comes from (`reference`, e.g. the board minute), as continuances do. Every problem is reported at
once, each with the file and the line of its `[[approval]]`.

    [[approval]]
    portfolio = "Zeta Growth Portfolio"
    share_class = "A"          # optional: where the agreement limits classes separately
    approved = 2011-06-30
    amount = 900.00            # dollars, at most cents; or amount = "all eligible"
    reference = "Board minutes, June 30, 2011, item 4"
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from xlcap.agreements.names import NameIndex, class_key, class_label
from xlcap.agreements.recoupment import Approval
from xlcap.errors import ScheduleDataError
from xlcap.money import MOST_DOLLARS

ALL_ELIGIBLE = "all eligible"
FIELDS = ("portfolio", "share_class", "approved", "amount", "reference")


@dataclass(frozen=True)
class RecordedApproval:
    """One approval of repayment as recorded: whose, when, how much (None: all eligible), and from which text."""

    portfolio: str
    share_class: str | None
    on: dt.date
    amount: float | None
    reference: str
    line: int  # of its [[approval]] in events.toml

    @property
    def approval(self) -> Approval:
        return Approval(self.on, self.amount)

    def describe(self) -> str:
        what = ALL_ELIGIBLE if self.amount is None else f"{self.amount:,.2f}"
        who = class_label(self.portfolio, self.share_class)
        return f"{who}: {what} approved {self.on.isoformat()} ({self.reference})"


def _lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip().replace(" ", "") == "[[approval]]"]


def read_approvals(
    events: dict[str, Any], text: str, where: str, names: NameIndex, classes: dict[str, set[str]]
) -> tuple[RecordedApproval, ...]:
    """The `[[approval]]` tables of events.toml; `classes` maps each portfolio to the class keys its rows name."""
    tables = events.get("approval", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ScheduleDataError(f"{where}: 'approval' must be [[approval]] tables; valid: {', '.join(FIELDS)}.")
    lines = _lines(text)
    problems: list[str] = []
    out: list[RecordedApproval] = []
    for n, table in enumerate(tables, 1):
        line = lines[n - 1] if n - 1 < len(lines) else 0
        spot = f"{where}: line {line}: approval {n}" if line else f"{where}: approval {n}"
        before = len(problems)
        problems += [f"{spot}: unknown field {k!r}; valid: {', '.join(FIELDS)}." for k in table if k not in FIELDS]
        typed = table.get("portfolio")
        portfolio = names.resolve(typed) if isinstance(typed, str) else None
        if portfolio is None:
            problems.append(f"{spot}: portfolio {typed!r} is not in any amendment on file; valid: a Schedule A name.")
        share_class = table.get("share_class")
        if share_class is not None and portfolio is not None:
            # a class with its own limit; under one limit for every class, any class the actuals may give apart
            valid = sorted(classes.get(portfolio, set()))
            if not isinstance(share_class, str) or not class_key(share_class) or (valid and class_key(share_class) not in valid):
                listed = ", ".join(valid) if valid else "a class as the actuals name it, e.g. A"
                problems.append(f"{spot}: share_class {share_class!r}; valid: {listed}.")
        on = table.get("approved")
        if not isinstance(on, dt.date) or isinstance(on, dt.datetime):
            problems.append(f"{spot}: 'approved' is {on!r}; valid: the approval's date, e.g. approved = 2011-06-30.")
        amount = table.get("amount")
        is_number = isinstance(amount, (int, float)) and not isinstance(amount, bool)
        in_range = is_number and math.isfinite(amount) and 0 < amount < MOST_DOLLARS and round(amount, 2) == amount
        if not (amount == ALL_ELIGIBLE or in_range):
            problems.append(
                f"{spot}: 'amount' is {amount!r}; valid: dollars above 0 and under 10^15, at most cents (900.00), "
                f'or "{ALL_ELIGIBLE}".'
            )
        reference = table.get("reference")
        if not isinstance(reference, str) or not reference.strip():
            problems.append(f"{spot}: 'reference' is missing; valid: the text the approval comes from (the board minute).")
        if len(problems) > before:
            continue
        assert portfolio is not None and isinstance(on, dt.date) and isinstance(reference, str)
        out.append(
            RecordedApproval(
                portfolio,
                class_key(share_class) if isinstance(share_class, str) else None,
                on,
                None if amount == ALL_ELIGIBLE else float(amount),
                reference.strip(),
                line,
            )
        )
    if problems:
        raise ScheduleDataError("\n".join(problems))
    return tuple(out)
