"""The Excel functions through xlwings' own Office.js dispatch, as xlwings Lite and Server run them.

Needs an xlwings licence key (XLWINGS_LICENSE_KEY); skipped cleanly without one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("XLWINGS_LICENSE_KEY"), reason="needs XLWINGS_LICENSE_KEY")

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
]


@pytest.fixture(scope="module")
def dispatched() -> dict[str, Any]:
    script = Path(__file__).parent / "officejs_dispatch.py"
    proc = subprocess.run([sys.executable, str(script), json.dumps(CASES)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_metadata_excel_reads(dispatched: dict[str, Any]) -> None:
    functions = {f["name"]: f for f in dispatched["meta"]["functions"]}
    assert set(functions) == {"EXPCAP", "EXPCAP_AMOUNT", "EXPCAP_INFO", "EXPCAP_TIERS", "EXPCAP_PORTFOLIOS"}
    assert functions["EXPCAP"]["description"].startswith("Annual expense limit as a rate")
    params = {p["name"]: p for p in functions["EXPCAP_AMOUNT"]["parameters"]}
    assert list(params) == ["portfolio", "assets", "date", "days"]
    assert params["days"].get("optional") is True
    assert params["assets"]["description"].startswith("Average daily net assets in dollars")


def test_calls(dispatched: dict[str, Any]) -> None:
    rate, amount, column, ended, invalid, bad_row, tiers = dispatched["calls"]
    assert rate == [[0.008]]
    assert round(amount[0][0], 2) == 169398.91
    assert column == [[0.008], [NOT_AVAILABLE], ["NO LIMIT"]]
    assert ended == [[NOT_AVAILABLE]]
    assert invalid["exception"] == "XlwingsError"
    assert invalid["message"].startswith("Parameter 'assets' received -1, which is negative.")
    assert bad_row == [[0.008], [VALUE_ERROR]]
    assert tiers == [["From", "To", "Rate"], [0.0, "", 0.008]]
