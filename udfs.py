"""xlcap's Excel functions: thin xlwings wrappers over xlcap.excel.functions, where all logic lives.

Desktop Excel (Windows, xlwings add-in): set UDF Modules to `udfs` and click Import Functions.
xlwings Lite: `xlcap excel lite --out DIR` writes a main.py holding this file and xlcap itself.
The same module runs unchanged in both; each function takes single cells or ranges.

Parameter names become VBA parameter names in classic Excel: never a VBA reserved word
(`date`, `string`, `currency`, `type`...), or the generated module does not compile
(tests/test_udf_classic.py checks them with a VBA grammar).
"""

# No type hints on the Excel functions: xlwings reads hints as converters.
from collections.abc import Callable
from typing import Any

from xlwings import XlwingsError, arg, func

from xlcap.errors import XlcapError
from xlcap.excel.functions import HELP, officejs_runtime
from xlcap.excel.functions import expcap as _expcap
from xlcap.excel.functions import expcap_amount as _expcap_amount
from xlcap.excel.functions import expcap_info as _expcap_info
from xlcap.excel.functions import expcap_portfolios as _expcap_portfolios
from xlcap.excel.functions import expcap_tiers as _expcap_tiers
from xlcap.excel.recoupment import expcap_recoupable as _expcap_recoupable


def _call(function: Callable[..., Any], *args: Any) -> Any:
    """Run a function; a failure becomes one line of text, never a traceback.

    Office.js (Lite, Server): an XlwingsError is #VALUE! with the message on hover.
    Classic (COM): any exception reaches the cell as pywin32's "Unexpected Python Error:
    Traceback ...", so the reason is returned as the cell's text instead.
    """
    try:
        return function(*args)
    except XlcapError as exc:
        message = exc.message
    except Exception as exc:  # a bug in xlcap: still one readable line, naming what to report
        message = f"xlcap internal error ({type(exc).__name__}: {exc}); please report it with the formula that caused it."
    message = " ".join(message.split())
    if officejs_runtime():
        raise XlwingsError(message) from None
    return message


@func
@arg("portfolio", ndim=2, err_to_str=True, doc=HELP["portfolio"])
@arg("assets", ndim=2, err_to_str=True, doc=HELP["assets"])
@arg("on_date", ndim=2, err_to_str=True, doc=HELP["on_date"])
@arg("share_class", ndim=2, err_to_str=True, doc=HELP["share_class"])
@arg("agreement", ndim=2, err_to_str=True, doc=HELP["agreement"])
def expcap(portfolio, assets, on_date, share_class=None, agreement=None):
    """Annual expense limit as a rate (format as %), blended over tiers; "NO LIMIT" where Schedule A says None."""
    return _call(_expcap, portfolio, assets, on_date, share_class, agreement)


@func
@arg("portfolio", ndim=2, err_to_str=True, doc=HELP["portfolio"])
@arg("assets", ndim=2, err_to_str=True, doc=HELP["assets"])
@arg("on_date", ndim=2, err_to_str=True, doc=HELP["on_date"])
@arg("days", ndim=2, err_to_str=True, doc=HELP["days"])
@arg("share_class", ndim=2, err_to_str=True, doc=HELP["share_class"])
@arg("agreement", ndim=2, err_to_str=True, doc=HELP["agreement"])
def expcap_amount(portfolio, assets, on_date, days=None, share_class=None, agreement=None):
    """Expense limit in dollars: annual, or for a number of days (x days / 365, or 366 in a leap year)."""
    return _call(_expcap_amount, portfolio, assets, on_date, days, share_class, agreement)


@func
@arg("portfolio", ndim=2, err_to_str=True, doc=HELP["portfolio"])
@arg("on_date", ndim=2, err_to_str=True, doc=HELP["on_date"])
@arg("share_class", ndim=2, err_to_str=True, doc=HELP["share_class"])
@arg("agreement", ndim=2, err_to_str=True, doc=HELP["agreement"])
def expcap_info(portfolio, on_date, share_class=None, agreement=None):
    """One readable line: the limit in force, its Schedule A text, amendment, term and notes; or why none applies."""
    return _call(_expcap_info, portfolio, on_date, share_class, agreement)


@func
@arg("portfolio", err_to_str=True, doc=HELP["portfolio"])
@arg("on_date", err_to_str=True, doc=HELP["on_date"])
@arg("share_class", err_to_str=True, doc=HELP["share_class"])
@arg("agreement", err_to_str=True, doc=HELP["agreement"])
def expcap_tiers(portfolio, on_date, share_class=None, agreement=None):
    """Spills the tier table in force for one portfolio: From, To, Rate (a flat limit is one open tier)."""
    return _call(_expcap_tiers, portfolio, on_date, share_class, agreement)


@func
@arg("as_of", err_to_str=True, doc=HELP["as_of"])
@arg("agreement", err_to_str=True, doc=HELP["agreement"])
def expcap_portfolios(as_of=None, agreement=None):
    """Spills the Schedule A in force: portfolio, limit as filed, term end as YYYY-MM-DD text (or Permanent)."""
    return _call(_expcap_portfolios, as_of, agreement)


@func
@arg("portfolio", ndim=2, err_to_str=True, doc=HELP["portfolio"])
@arg("on_date", ndim=2, err_to_str=True, doc=HELP["on_date"])
@arg("agreement", ndim=2, err_to_str=True, doc=HELP["agreement"])
def expcap_recoupable(portfolio, on_date, agreement=None):
    """Waived amounts the Manager may still recover (all fiscal years of origin), from the actuals in XLCAP_ACTUALS."""
    return _call(_expcap_recoupable, portfolio, on_date, agreement)
