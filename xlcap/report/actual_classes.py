"""The share-class column of the actuals: which class a row is for, checked against the agreement.

The class rule is lookup's (xlcap/agreements/lookup.py `row_for_class`), applied to the Schedule A in
force on the month's last day (the day the month-end computation prices it on):

- a portfolio whose rows there are per class needs a class on every row, one the schedule lists (or
  any class, where a row covers "every other class"); a blank would take some class's limit in silence;
- a portfolio whose row covers every class takes a class or none. A class is accepted, and each class
  is then priced by the portfolio's one row (as lookups answer any class by it): fund accounting
  systems keep expenses per class, so actuals often come that way, and refusing would make the
  accountant add the classes up by hand, a step where errors creep in. What
  is not accepted is a month given both for the whole portfolio and per class (the figures would
  count twice): `mixed_problems`, used by the file reader and the folder reader alike;
- a month with no schedule on file for the portfolio cannot say which classes it has: a class or
  none is accepted as given (the month has no limit to test).

A class is stored in the agreement's spelling ("A" where the data says "A", whether the file says
"Class A" or "a"): the latest amendment listing that class for the portfolio; a class no amendment
lists for it (a portfolio with one limit for every class) is stored as its matching key, "A" for
"class a", as lookups show it. So the same class always has the same name, whatever the spelling.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from xlcap.agreements.lookup import row_for_class
from xlcap.agreements.names import class_key, class_words
from xlcap.agreements.schedule import Amendment, History, ScheduleRow
from xlcap.errors import InvalidInputError
from xlcap.report.sheetfile import shown

WHOLE = "the whole portfolio"


def schedule_rows(history: History, portfolio: str, month: pd.Period) -> tuple[Amendment | None, tuple[ScheduleRow, ...]]:
    """The amendment in force on the month's last day and the portfolio's rows in it (none: no schedule for it)."""
    end = month.to_timestamp(how="end").date()
    amendment = history.in_force(end)
    rows = amendment.rows_for(portfolio) if amendment is not None else ()
    return (amendment, rows) if rows else (None, ())


def per_class(rows: tuple[ScheduleRow, ...]) -> bool:
    return any(row.share_classes is not None for row in rows)


def admits(rows: tuple[ScheduleRow, ...], portfolio: str, share_class: str | None) -> bool:
    """Whether the schedule's rows price this class (None: the whole portfolio), by lookup's own rule."""
    if not rows:
        return True
    try:
        row_for_class(rows, portfolio, share_class)
    except InvalidInputError:
        return False
    return True


def listed_classes(rows: tuple[ScheduleRow, ...]) -> list[str]:
    """The classes the rows name, sorted; a row for every other class is not a class of its own."""
    return sorted(c for row in rows for c in (row.share_classes or ()))


def valid_classes(rows: tuple[ScheduleRow, ...]) -> str:
    others = " (or any other class)" if any(row.share_classes is None for row in rows) else ""
    return ", ".join(listed_classes(rows)) + others


def spelling(history: History, portfolio: str, key: str) -> str:
    """The agreement's name for the class with matching key `key`: the latest amendment's, else the key itself."""
    for amendment in reversed(history.amendments):
        for row in amendment.rows_for(portfolio):
            for typed in row.share_classes or ():
                if class_key(typed) == key:
                    return typed
    return key


def read_class(
    value: object, portfolio: str | None, month: object, history: History, spot: str, problems: list[str]
) -> str | None:
    """The class of one actuals row in the agreement's spelling, None for the whole portfolio; problems appended.

    `spot` names the cell ("file, row 5, column B (Share class)"). With an unknown portfolio or month the class
    is only checked for being a name: the portfolio's own error says the rest.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        typed = None
    elif isinstance(value, str):
        typed = value
    elif isinstance(value, int) and not isinstance(value, bool):  # a class called 1 in a spreadsheet
        typed = str(value)
    else:
        problems.append(f'{spot}: {shown(value)} is not a share class name; valid: a class as text ("A", "Class A"), or blank.')
        return None
    key = class_key(typed) if typed is not None else None  # never empty: class_name leaves a word ("Class", "Shares")
    if portfolio is None or not isinstance(month, pd.Period):
        return key
    amendment, rows = schedule_rows(history, portfolio, month)
    if amendment is not None and not admits(rows, portfolio, typed):
        valid = valid_classes(rows)
        if key is None:
            problems.append(
                f"{spot}: empty, but {portfolio} has limits per share class in {amendment.label}, in force for {month}; "
                f"valid: one of {valid}. The limit is tested per class: a row without a class has no limit to price it."
            )
        else:
            problems.append(
                f"{spot}: {shown(value)} is not a share class of {portfolio} in {amendment.label}, in force for {month}; "
                f"valid: {valid}."
            )
        return None
    return None if key is None else spelling(history, portfolio, key)


def mixed_problems(entries: Iterable[tuple[str, str | None, pd.Period, str]]) -> list[str]:
    """One problem per portfolio and month given both for the whole portfolio and per class.

    `entries`: (portfolio, class or None, month, where the row is: "file, row n"), in file order.
    """
    whole: dict[tuple[str, pd.Period], str] = {}
    classes: dict[tuple[str, pd.Period], list[tuple[str, str]]] = {}
    for portfolio, share_class, month, where in entries:
        if share_class is None:
            whole.setdefault((portfolio, month), where)
        else:
            classes.setdefault((portfolio, month), []).append((share_class, where))
    problems = []
    for key, given in classes.items():
        if key in whole:
            portfolio, month = key
            named = ", ".join(f"{class_words(c)} ({w})" for c, w in given)
            problems.append(
                f"{whole[key]}: {portfolio} {month} is given for {WHOLE} here and per share class in {named}; "
                "valid: one row for the whole portfolio, or one row per share class, not both (the figures would count twice)."
            )
    return problems
