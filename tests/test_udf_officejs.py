"""The Excel functions through xlwings' own Office.js dispatch, as xlwings Lite and Server run them.

Needs an xlwings licence key (XLWINGS_LICENSE_KEY); skipped cleanly without one. CI sets
XLWINGS_LICENSE_KEY=noncommercial (.ci/run), which xlwings accepts under its PolyForm
Noncommercial licence for this open-source project's own test runs.

Office.js sends an empty cell as 0 and dates as serials: 39478 is 2008-01-31.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Skipped without a key on a developer's machine; never in CI, where a missing key must fail loudly.
pytestmark = pytest.mark.skipif(
    not os.environ.get("XLWINGS_LICENSE_KEY") and os.environ.get("CI") != "true", reason="needs XLWINGS_LICENSE_KEY"
)

NOT_AVAILABLE = {"type": "Error", "errorType": "NotAvailable"}
VALUE_ERROR = {"type": "Error", "errorType": "Value"}
CASES: list[tuple[Any, ...]] = [
    ("expcap", [["Lazard Mid-Cap"]], [[250000000]], [[39478]]),  # 0.80%
    ("expcap_amount", [["Lazard Mid-Cap"]], [[250000000]], [[39478]], [[31]]),  # 2,000,000 x 31 / 366
    ("expcap", [["Lazard Mid-Cap"], ["Nope"], ["PIMCO Total Return"]], [[1e8], [1e8], [1e8]], [[39478], [39478], [39478]]),
    ("expcap", [["Lazard Mid-Cap"]], [[1e8]], [[39569]]),  # term ended 2008-04-30
    ("expcap", [["Lazard Mid-Cap"]], [[-1]], [[39478]]),  # invalid: XlwingsError
    ("expcap", [["Lazard Mid-Cap"], ["Janus Forty"]], [[1e8], [-1]], [[39478], [39478]]),
    ("expcap_tiers", [["Lazard Mid-Cap"]], [[39478]]),
    ("expcap_amount", [["Lazard Mid-Cap"]], [[250000000]], [[39478]], [[0]]),  # days empty: the annual amount
    ("expcap", [["Lazard Mid-Cap"]], [[250000000]], [[0]]),  # date empty
    ("expcap", [[0]], [[250000000]], [[39478]]),  # portfolio empty
    ("expcap", [["Lazard Mid-Cap"]], [[0]], [[39478]]),  # assets empty
    ("expcap", [["Lazard Mid-Cap"], ["Janus Forty"]], [[1e8], [0]], [[39478], [39478]]),  # one assets cell empty
    ("expcap_portfolios", [[39478]]),
    ("expcap_portfolios", [[0]]),  # as_of empty: today
    ("expcap_portfolios", [[(dt.date.today() - dt.date(1899, 12, 30)).days]]),
]
EMPTY = "an empty cell (or 0, which xlwings Lite sends for one)"


@pytest.fixture(scope="module")
def dispatched() -> dict[str, Any]:
    script = Path(__file__).parent / "officejs_dispatch.py"
    proc = subprocess.run([sys.executable, str(script), json.dumps(CASES)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_metadata_excel_reads(dispatched: dict[str, Any]) -> None:
    functions = {f["name"]: f for f in dispatched["meta"]["functions"]}
    assert set(functions) == {"EXPCAP", "EXPCAP_AMOUNT", "EXPCAP_INFO", "EXPCAP_TIERS", "EXPCAP_PORTFOLIOS", "EXPCAP_RECOUPABLE"}
    assert functions["EXPCAP"]["description"].startswith("Annual expense limit as a rate")
    params = {p["name"]: p for p in functions["EXPCAP_AMOUNT"]["parameters"]}
    assert list(params) == ["portfolio", "assets", "on_date", "days", "share_class", "agreement"]
    assert params["days"].get("optional") is True
    assert params["assets"]["description"].startswith("Average daily net assets in dollars")


def test_calls(dispatched: dict[str, Any]) -> None:
    rate, amount, column, ended, invalid, bad_row, tiers, *_ = dispatched["calls"]
    assert rate == [[0.008]]
    assert round(amount[0][0], 2) == 169398.91
    assert column == [[0.008], [NOT_AVAILABLE], ["NO LIMIT"]]
    assert ended == [[NOT_AVAILABLE]]
    assert invalid["exception"] == "XlwingsError"
    assert invalid["message"].startswith("Parameter 'assets' received -1, which is negative.")
    assert bad_row == [[0.008], [VALUE_ERROR]]
    assert tiers == [["From", "To", "Rate"], [0.0, "", 0.008]]


def test_empty_cells_sent_as_0_read_as_empty(dispatched: dict[str, Any]) -> None:
    days, on_date, portfolio, assets, assets_row, _table, as_of_empty, as_of_today = dispatched["calls"][7:]
    assert days == [[2_000_000.0]]  # 0.80% x 250M, annual
    for call, name in [(on_date, "on_date"), (portfolio, "portfolio"), (assets, "assets")]:
        assert call["exception"] == "XlwingsError"
        assert call["message"].startswith(f"Parameter '{name}' received {EMPTY}. Valid: ")
    assert assets_row == [[0.008], [VALUE_ERROR]]
    assert as_of_empty == as_of_today


def test_dates_come_back_as_iso_text(dispatched: dict[str, Any]) -> None:
    table = dispatched["calls"][12]
    rows = {row[0]: row[1:] for row in table}
    assert rows["Lazard Mid-Cap Portfolio"] == ["0.80%", "2008-04-30"]
    assert rows["Batterymarch Growth and Income Portfolio"][1] == "Permanent"
