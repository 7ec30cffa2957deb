"""xlcap: expense limitation agreements as effective-dated data, and the limit math over them.

>>> import xlcap
>>> r = xlcap.lookup("Lazard Mid-Cap", "$250m", "2008-01-31")
>>> r.rate, r.annual_amount, r.term_end
(0.008, 2000000.0, datetime.date(2008, 4, 30))
"""

__version__ = "0.2.0"

from xlcap.agreements.collection import Agreements
from xlcap.agreements.datafiles import default_agreements, default_history, load_agreements, load_history
from xlcap.agreements.limits import FlatLimit, Limit, NoLimit, Tier, TieredLimit, days_in_year, period_amount
from xlcap.agreements.lookup import CapResult, lookup, schedule_in_force
from xlcap.agreements.schedule import Amendment, History, Interpretation, ScheduleRow
from xlcap.errors import (
    InvalidInputError,
    NoScheduleError,
    ScheduleDataError,
    TermEndedError,
    UnknownPortfolioError,
    XlcapError,
)
from xlcap.parse import parse_amount, parse_date

__all__ = [
    "Agreements",
    "Amendment",
    "CapResult",
    "FlatLimit",
    "History",
    "Interpretation",
    "InvalidInputError",
    "Limit",
    "NoLimit",
    "NoScheduleError",
    "ScheduleDataError",
    "ScheduleRow",
    "TermEndedError",
    "Tier",
    "TieredLimit",
    "UnknownPortfolioError",
    "XlcapError",
    "__version__",
    "days_in_year",
    "default_agreements",
    "default_history",
    "load_agreements",
    "load_history",
    "lookup",
    "lookup_many",
    "parse_amount",
    "parse_date",
    "period_amount",
    "schedule_in_force",
]


def __getattr__(name: str) -> object:
    # The vectorised API needs NumPy and pandas; import them only when asked, so the CLI starts fast.
    if name == "lookup_many":
        from xlcap.agreements.vectorised import lookup_many

        return lookup_many
    raise AttributeError(f"module 'xlcap' has no attribute {name!r}")
