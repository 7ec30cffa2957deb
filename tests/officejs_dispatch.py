"""Runs udfs.py through xlwings' own Office.js dispatch (needs XLWINGS_LICENSE_KEY); prints JSON.

Run as a separate process by tests/test_udf_officejs.py, because xlwings picks its decorators
when it is first imported (XLWINGS_ON_SERVER=true selects the Office.js ones). tests/lite_runtime.py
uses `call` too, on a generated main.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from types import ModuleType

os.environ["XLWINGS_ON_SERVER"] = "true"

import xlwings
from xlwings.server import custom_functions_call, custom_functions_meta


def call(module: ModuleType, func_name: str, *args: object) -> object:
    """One call shaped as Excel sends it: every argument a 2-D matrix, dates as serials."""
    data = {
        "func_name": func_name,
        "args": list(args),
        "caller_address": "Sheet1!B2",
        "formula_name": func_name.upper(),
        "version": xlwings.__version__,
        "runtime": "1.4",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "client": "Office.js",
    }
    try:
        return asyncio.run(custom_functions_call(data, module))
    except Exception as exc:  # the test asserts on what Excel would be told
        return {"exception": type(exc).__name__, "message": str(exc)}


def run(module: ModuleType, cases: list[list[object]]) -> dict[str, object]:
    return {"meta": custom_functions_meta(module), "calls": [call(module, str(c[0]), *c[1:]) for c in cases]}


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent.parent))
    import udfs

    print(json.dumps(run(udfs, json.loads(sys.argv[1])), default=str))
