"""Rounding money the way Excel and LibreOffice do, so Python and the workbook agree to the cent."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# Dollars: above any fund's assets or expenses, and within the 15 significant digits money is rounded
# on (a larger figure has no cents, and Decimal cannot quantize 1e100 to them): inputs are refused here.
MOST_DOLLARS = 1e15


def excel_round(value: float, digits: int = 2) -> float:
    """Excel's ROUND: read the double to 15 significant digits, then round half away from zero.

    Python's round() rounds the binary value half to even (round(2.675, 2) == 2.67); Excel's
    ROUND(2.675, 2) is 2.68, because it works on the 15-digit decimal the user sees.
    """
    if not math.isfinite(value):
        return value  # NaN and infinities have no cents
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(f"{value:.15g}").quantize(quantum, rounding=ROUND_HALF_UP))
