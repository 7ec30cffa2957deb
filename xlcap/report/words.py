"""The words of the trade, one place for the workbook's headers and the mail.

A fund accountant reads "covered expenses" or "net ratio" as something else (the prospectus
ratios include 12b-1 fees); these say what the figure is.
"""

from __future__ import annotations

WORDS = {
    "covered": "Operating expenses subject to the limit",
    "limit_dollars": "Limit $ (month)",
    "gross": "Ratio before waiver (ex-12b-1)",
    "net": "Ratio after waiver (ex-12b-1)",
    "waiver": "Waiver / reimbursement by the Manager (month)",
    "ytd_waiver": "Waiver / reimbursement by the Manager (YTD)",
    # each class's ratio with its 12b-1 fees, annualised: what ties to the prospectus fee table (before waiver)
    "gross_12b1": "Total expense ratio incl. 12b-1, before waiver",
    "ytd_gross": "Ratio before waiver, YTD annualised (ex-12b-1)",
    "ytd_net": "Ratio after waiver, YTD annualised (ex-12b-1)",
    "ytd_limit": "Limit $ (YTD)",
    "ytd_covered": "Operating expenses subject to the limit (YTD)",
    "headroom": "Room under the limit (YTD)",
    "headroom_month": "Room under the limit (month)",
    "booked": "Waiver booked (ledger)",
    "true_up": "True-up (required less booked)",
    "entry": "True-up entry",
    "interpretation": "Interpretation",
    # Recoupment: money the portfolio pays the Manager back, the other way from a waiver
    "repayment": "Repayment to the Manager by the portfolio (month)",
    "ytd_repayment": "Repayment to the Manager by the portfolio (YTD)",
}
