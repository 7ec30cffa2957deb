"""Reconciliation to the books: the waiver the agreement requires against the waiver booked in the ledger.

Fund accounting systems accrue the waiver daily in the NAV; the month's workbook is the check.
Where the actuals carry the month's booked waiver, the true-up entry is the required waiver less
the booked one, to the cent: positive, book more waiver (the Manager owes the fund more);
negative, reverse the excess. A difference within the tolerance (a setting, in dollars) is
shown but needs no entry. Without a booked figure the month says "Not reconciled", never 0.

The same words and steps serve capcalc (Python) and the workbook (formulas).
"""

from __future__ import annotations

from xlcap.money import excel_round

DEFAULT_TOLERANCE = 1.00  # dollars: a daily accrual may differ from the month's computation by cents
AGREES = "Agrees"
WITHIN = "Within tolerance"
TRUE_UP = "True-up needed"
NOT_RECONCILED = "Not reconciled"
RECONCILIATION_WORDS = (AGREES, WITHIN, TRUE_UP, NOT_RECONCILED)
# The entry, in the ledger's accounts: the waiver is a receivable from the Manager and a reduction of expenses.
BOOK_MORE = "Dr Receivable from the Manager; Cr Waiver / reimbursement by the Manager"
REVERSE = "Dr Waiver / reimbursement by the Manager; Cr Receivable from the Manager"
NO_ENTRY = "No entry"
TOLERANCE_NAME = "ReconTolerance"  # the workbook's defined name holding the tolerance


def reconcile(required: float, booked: float | None, tolerance: float) -> tuple[float | None, str, str]:
    """The true-up (required less booked, to the cent), the reconciliation word, and the entry to book."""
    if booked is None:
        return None, NOT_RECONCILED, ""
    true_up = excel_round(required - booked)
    if true_up == 0:
        return true_up, AGREES, NO_ENTRY
    if abs(true_up) <= tolerance:
        return true_up, WITHIN, NO_ENTRY
    return true_up, TRUE_UP, BOOK_MORE if true_up > 0 else REVERSE


def formulas(waiver: str, booked_source: str, booked: str, true_up: str, word: str) -> dict[str, str]:
    """The workbook's formulas for the booked, true-up, reconciliation and entry cells (given by address)."""
    return {
        "booked": f'=IF(ISNUMBER({booked_source}),{booked_source},"")',
        "true_up": f'=IF(ISNUMBER({booked}),ROUND({waiver}-{booked},2),"")',
        "reconciliation": (
            f'=IF(ISNUMBER({booked}),IF({true_up}=0,"{AGREES}",IF(ABS({true_up})<={TOLERANCE_NAME},"{WITHIN}",'
            f'"{TRUE_UP}")),"{NOT_RECONCILED}")'
        ),
        "entry": (
            f'=IF({word}="{TRUE_UP}",IF({true_up}>0,"{BOOK_MORE}","{REVERSE}"),IF({word}="{NOT_RECONCILED}","","{NO_ENTRY}"))'
        ),
    }


def describe(tolerance: float) -> str:
    """The Notes line: what the reconciliation compares and what the entry books."""
    return (
        "Where the actuals give the waiver booked for the month, True-up = waiver required less waiver booked, to the cent. "
        f"Positive: book more waiver ({BOOK_MORE}). Negative: reverse the excess ({REVERSE}). A difference of "
        f"${tolerance:,.2f} or less (the tolerance) needs no entry. No booked figure: {NOT_RECONCILED}."
    )
