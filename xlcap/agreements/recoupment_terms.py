"""An agreement's recoupment settings from the optional `[recoupment]` table of agreement.toml.

Every setting must carry the clause text it came from (`<setting>_clause`), so each figure in the
ledger traces to contract words. `status = "unknown"` with a `reason` records that the clause is not
on file: then no recoupment is computed and outputs print the reason instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlcap.agreements.approvals import RecordedApproval
from xlcap.agreements.recoupment import RecoupmentRules
from xlcap.errors import ScheduleDataError

SETTINGS = ("window", "window_unit", "cap_test", "order", "minimum_assets", "approval_required")
_VALID = {
    "window_unit": ("fiscal_years", "months"),
    "cap_test": ("current", "lesser_of"),
    "order": ("oldest_first",),
}


@dataclass(frozen=True)
class RecoupmentTerms:
    """The rules, or why there are none (`unknown`: the reason outputs print)."""

    rules: RecoupmentRules | None
    unknown: str = ""
    approvals: tuple[RecordedApproval, ...] = ()  # from events.toml [[approval]] (xlcap/agreements/approvals.py)

    @property
    def why_none(self) -> str:
        return self.unknown or "agreement.toml has no [recoupment] table: the agreement's recoupment clause is not recorded."


NOT_RECORDED = RecoupmentTerms(None)


def recoupment_terms(data: dict[str, Any], where: str) -> RecoupmentTerms:
    """Read agreement.toml's `[recoupment]` table; every problem in it is reported at once."""
    table = data.get("recoupment")
    if table is None:
        return NOT_RECORDED
    where = f"{where} [recoupment]"
    if not isinstance(table, dict):
        raise ScheduleDataError(
            f"{where}: must be a table of settings; valid: window, window_unit, cap_test, ... each with <name>_clause."
        )
    if table.get("status") == "unknown":
        reason = table.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ScheduleDataError(
                f'{where}: status = "unknown" needs a reason (what is not on file), printed wherever recoupment would be.'
            )
        return RecoupmentTerms(None, reason.strip())
    problems: list[str] = []
    known = {*SETTINGS, *(f"{s}_clause" for s in SETTINGS if s != "window_unit"), "status", "reason"}
    problems += [
        f"{where}: unknown setting {k!r}; valid: {', '.join(SETTINGS)} and <setting>_clause." for k in table if k not in known
    ]
    if "window" not in table:
        problems.append(f'{where}: missing \'window\' (the look-back, e.g. 3 with window_unit = "fiscal_years", or 36 "months").')
    window = table.get("window", 1)
    if not isinstance(window, int) or isinstance(window, bool) or not 1 <= window <= 120:
        problems.append(f"{where}: 'window' is {window!r}; valid: a whole number from 1 to 120.")
    for key, valid in _VALID.items():
        if key in table and table[key] not in valid:
            problems.append(f"{where}: {key!r} is {table[key]!r}; valid: {', '.join(map(repr, valid))}.")
    minimum = table.get("minimum_assets")
    if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, (int, float)) or minimum < 0):
        problems.append(f"{where}: 'minimum_assets' is {minimum!r}; valid: average net assets in dollars, 0 or more.")
    if not isinstance(table.get("approval_required", False), bool):
        problems.append(f"{where}: 'approval_required' is {table['approval_required']!r}; valid: true or false.")
    clauses: dict[str, str] = {}
    for key in SETTINGS:
        if key in table and key != "window_unit":  # the unit is part of the window's clause
            clause = table.get(f"{key}_clause")
            if not isinstance(clause, str) or not clause.strip():
                problems.append(f"{where}: {key!r} has no {key}_clause; valid: the clause text the setting comes from, quoted.")
            else:
                clauses[key] = clause.strip()
    if problems:
        raise ScheduleDataError("\n".join(problems))
    rules = RecoupmentRules(
        window=window,
        window_unit=table.get("window_unit", "fiscal_years"),
        cap_test=table.get("cap_test", "current"),
        minimum_assets=float(minimum) if minimum is not None else None,
        approval_required=bool(table.get("approval_required", False)),
        clauses=clauses,
    )
    return RecoupmentTerms(rules)
