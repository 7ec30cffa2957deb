"""Loads a generated main.py the way xlwings Lite does, in a Python where xlcap is NOT installed.

The loader copies xlwings' open Wasm runtime (github.com/xlwings/xlwings-server,
xlwings_server/wasm/wasm_runtime.py, create_module_from_string): XLWINGS_ON_SERVER=true before
xlwings is imported (wasm/config.py), then main.py's text exec()'d as module `main`, with no
__file__, once for the functions' metadata and again for the calls, as Lite does on each request.
Then every call goes through xlwings.server's custom_functions_meta / custom_functions_call.

Run by tests/test_lite.py as `python -S` with only site-packages' directories on PYTHONPATH, so
no .pth file (the editable install of xlcap) is read. argv: main.py, JSON list of calls.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from types import ModuleType

os.environ["XLWINGS_ON_SERVER"] = "true"
missing = {name: importlib.util.find_spec(name) is None for name in ("xlcap", "udfs")}

from officejs_dispatch import run  # noqa: E402  (after XLWINGS_ON_SERVER, as xlwings requires)


def create_module_from_string(module_string: str, module_name: str) -> ModuleType:
    spec = importlib.util.spec_from_loader(module_name, loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    exec(module_string, module.__dict__)
    sys.modules[module_name] = module
    return module


with open(sys.argv[1], encoding="utf-8") as handle:
    text = handle.read()
meta = run(create_module_from_string(text, "main"), [])["meta"]
result = run(create_module_from_string(text, "main"), json.loads(sys.argv[2]))
xlcap = sys.modules["xlcap"]
print(json.dumps({"missing_before": missing, "meta": meta, "calls": result["calls"], "xlcap_file": xlcap.__file__}, default=str))
