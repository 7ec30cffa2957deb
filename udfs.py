"""xlcap's Excel functions: thin xlwings wrappers over xlcap.excel_functions, where all logic lives.

Desktop Excel (Windows, xlwings add-in): set UDF Modules to `udfs` and click Import Functions.
xlwings Lite: add this file to the workbook's code (see README, "Use in Excel").
The same module runs unchanged in both; each function takes single cells or ranges.
"""

# No type hints on the Excel functions: xlwings reads hints as converters.
from collections.abc import Callable
from typing import Any

from xlwings import XlwingsError, arg, func, ret

from xlcap.errors import InvalidInputError
from xlcap.excel_functions import (
    HELP,
)
from xlcap.excel_functions import (
    expcap as _expcap,
)
from xlcap.excel_functions import (
    expcap_amount as _expcap_amount,
)
from xlcap.excel_functions import (
    expcap_info as _expcap_info,
)
from xlcap.excel_functions import (
    expcap_portfolios as _expcap_portfolios,
)
from xlcap.excel_functions import (
    expcap_tiers as _expcap_tiers,
)


def _call(function: Callable[..., Any], *args: Any) -> Any:
    # XlwingsError is the exception whose message Excel shows; never a traceback.
    try:
        return function(*args)
    except InvalidInputError as exc:
        raise XlwingsError(exc.message) from None


@func
@arg("portfolio", ndim=2, err_to_str=True, doc=HELP["portfolio"])
@arg("assets", ndim=2, err_to_str=True, doc=HELP["assets"])
@arg("date", ndim=2, err_to_str=True, doc=HELP["date"])
def expcap(portfolio, assets, date):
    """Annual expense limit as a rate (format as %), blended over tiers; "NO LIMIT" where Schedule A says None."""
    return _call(_expcap, portfolio, assets, date)


@func
@arg("portfolio", ndim=2, err_to_str=True, doc=HELP["portfolio"])
@arg("assets", ndim=2, err_to_str=True, doc=HELP["assets"])
@arg("date", ndim=2, err_to_str=True, doc=HELP["date"])
@arg("days", ndim=2, err_to_str=True, doc=HELP["days"])
def expcap_amount(portfolio, assets, date, days=None):
    """Expense limit in dollars: annual, or for a number of days (x days / 365, or 366 in a leap year)."""
    return _call(_expcap_amount, portfolio, assets, date, days)


@func
@arg("portfolio", ndim=2, err_to_str=True, doc=HELP["portfolio"])
@arg("date", ndim=2, err_to_str=True, doc=HELP["date"])
def expcap_info(portfolio, date):
    """One readable line: the limit in force, its Schedule A text, amendment, term and notes; or why none applies."""
    return _call(_expcap_info, portfolio, date)


@func
@arg("portfolio", err_to_str=True, doc=HELP["portfolio"])
@arg("date", err_to_str=True, doc=HELP["date"])
def expcap_tiers(portfolio, date):
    """Spills the tier table in force for one portfolio: From, To, Rate (a flat limit is one open tier)."""
    return _call(_expcap_tiers, portfolio, date)


@func
@arg("as_of", err_to_str=True, doc=HELP["as_of"])
@ret(date_format="yyyy-mm-dd")
def expcap_portfolios(as_of=None):
    """Spills the Schedule A in force: portfolio, limit as filed, term end (or Permanent)."""
    return _call(_expcap_portfolios, as_of)
