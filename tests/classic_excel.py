"""Runs udfs.py through xlwings' own classic (Windows, COM) code on any OS; prints JSON.

What is real: xlwings' Windows decorators (xlfunc/xlarg/xlret, bound to xlwings.func/arg/ret the
way xlwings/__init__.py does on Windows), its VBA generator (import_udfs -> generate_vba_wrapper),
its COM server's CallUDF -> call_udf, and the Windows engine's value conversion (_xlwindows).
What is stubbed: the pywin32 modules, the Windows DLLs _xlwindows touches while importing, and
the Excel COM objects (workbook, VBProject, the caller and argument ranges), which record what
xlwings asks of them and hand back cell values as COM does (a date cell as pywintypes' time,
an empty cell as None, an error cell as a negative int).

Run as a separate process by tests/test_udf_classic.py: xlwings picks its decorators when udfs is
imported, and this replaces modules in sys.modules. Input (argv[1], JSON): a list of calls
[function, arg, ...], each arg a literal or {"range": [[...]]}, dates in cells as {"date": iso}.
"""

from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import json
import sys
import traceback
import types
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent.parent))


class Stub:
    """Any attribute, any call: what the pywin32 modules are on this OS."""

    def __init__(self, name: str = "stub") -> None:
        self._name = name

    def __getattr__(self, name: str) -> Stub:
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub(f"{self._name}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Stub:
        return Stub(f"{self._name}()")


class ComError(Exception):
    pass


class TimeType(dt.datetime):
    """pywintypes.TimeType: pywin32's datetime for a date cell's value."""


def _module(name: str, **attrs: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__getattr__ = lambda attr: Stub(f"{name}.{attr}")  # type: ignore[method-assign]
    for key, value in attrs.items():
        setattr(module, key, value)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module


MISSING = -2147352572  # what VBA passes for an omitted Optional Variant; call_udf reads it as "missing"
RANGE_IID = "{00020846-0000-0000-C000-000000000046}"

_module("pywintypes", com_error=ComError, error=ComError, TimeType=TimeType, IID=lambda iid: iid)


class PyIDispatch:
    pass


_module(
    "pythoncom",
    __file__="pythoncom.dll",
    CoInitialize=lambda: None,
    IID_IDispatch="IDispatch",
    TypeIIDs={"IDispatch": PyIDispatch},
)
for name in ("win32api", "win32con", "win32event", "win32gui"):
    _module(name)
_module("win32process", GetWindowThreadProcessId=lambda hwnd: (1, 4242))
_module("win32timezone", TimeZoneInfo=types.SimpleNamespace(utc=lambda: dt.UTC))
_module("win32com")
_module("win32com.client", Dispatch=lambda obj, *a, **k: obj, CDispatch=object, DispatchEx=Stub())
_module("win32com.client.gencache")
_module("win32com.server")
for name in ("dispatcher", "policy", "util", "exception"):
    _module(f"win32com.server.{name}")
sys.modules["win32com.server.util"].unwrap = lambda var: (_ for _ in ()).throw(ValueError("not wrapped"))  # type: ignore[attr-defined]

import xlwings  # noqa: E402

# _xlwindows reaches Windows DLLs through ctypes while it imports; stand in for them meanwhile.
_saved = {name: getattr(ctypes, name, None) for name in ("oledll", "windll", "PyDLL")}
ctypes.oledll = ctypes.windll = Stub("dll")  # type: ignore[attr-defined]
ctypes.PyDLL = lambda *a, **k: Stub("pydll")  # type: ignore[assignment,misc]
try:
    from xlwings import _xlwindows
finally:
    for name, value in _saved.items():
        if value is None:
            delattr(ctypes, name)
        else:
            setattr(ctypes, name, value)

from xlwings import com_server  # noqa: E402
from xlwings import udfs as xlwings_udfs  # noqa: E402
from xlwings.main import Engine  # noqa: E402

# As xlwings/__init__.py does when sys.platform is win32 and pywin32 imports:
xlwings.engines.add(Engine(impl=_xlwindows.engine))
xlwings.engines.active = xlwings.engines["excel"]
xlwings.func, xlwings.arg, xlwings.ret = xlwings_udfs.xlfunc, xlwings_udfs.xlarg, xlwings_udfs.xlret
xlwings.script = xlwings.sub = xlwings_udfs.xlsub


class TypeInfo:
    def GetTypeInfo(self) -> TypeInfo:
        return self

    def GetTypeAttr(self) -> TypeInfo:
        return self

    iid = RANGE_IID


class ComRange:
    """An Excel Range as COM hands it over: .Value is a scalar for one cell, rows of tuples for more."""

    _oleobj_ = TypeInfo()

    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = [[_cell(v) for v in row] for row in rows]
        self.Row, self.Column = 2, 2
        self.Rows = types.SimpleNamespace(Count=len(rows))
        self.Columns = types.SimpleNamespace(Count=len(rows[0]))
        application = types.SimpleNamespace(Hwnd=1)
        self.Worksheet = types.SimpleNamespace(Name="Sheet1", Parent=types.SimpleNamespace(Name="Book1", Application=application))

    @property
    def Value(self) -> Any:
        if len(self.rows) == 1 and len(self.rows[0]) == 1:
            return self.rows[0][0]
        return tuple(tuple(row) for row in self.rows)

    def GetAddress(self, *args: Any, **kwargs: Any) -> str:
        return "$B$2"


def _cell(value: Any) -> Any:
    if isinstance(value, dict) and "date" in value:
        return TimeType.fromisoformat(value["date"])
    return value


class Workbook:
    """Records what import_udfs asks of the workbook: the module it imports, MacroOptions calls."""

    Name = "xlcap_functions.xlsm"

    def __init__(self) -> None:
        self.imported: list[str] = []
        self.macro_options: list[dict[str, Any]] = []
        self.VBProject = types.SimpleNamespace(VBComponents=self)
        self.Worksheets = [types.SimpleNamespace(Name="Sheet1")]
        self.Application = types.SimpleNamespace(Version="16.0", MacroOptions=self._macro_options)

    def __call__(self, name: str) -> str:
        raise ComError(f"no component {name}")

    def Remove(self, component: object) -> None:
        pass

    def Import(self, path: str) -> None:
        self.imported.append(Path(path).read_text(encoding="utf-8"))

    def _macro_options(self, macro: str, **options: Any) -> None:
        self.macro_options.append({"macro": macro, **options})


def jsonable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return {"date": value.isoformat()}
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def call(function: str, *args: Any) -> Any:
    """One cell's call as the VBA wrapper makes it: XLPy.CallUDF("udfs", name, Array(args), wb, caller)."""
    com_args = [ComRange(a["range"]) if isinstance(a, dict) and "range" in a else _cell(a) for a in args]
    try:
        return {"value": jsonable(com_server.XLPython().CallUDF("udfs", function, com_args, None, ComRange([[None]])))}
    except Exception:
        # pywin32 hands a Python exception to VBA as "Unexpected Python Error: <traceback>", which
        # the generated wrapper writes into the cell (On Error GoTo failed: f = Err.Description).
        return {"err_description": "Unexpected Python Error: " + traceback.format_exc()}


def main() -> None:
    cases = json.loads(sys.argv[1]) if len(sys.argv) > 1 else []
    workbook = Workbook()
    import udfs  # with the Windows decorators bound above, as Excel's Python would import it

    assert all(hasattr(getattr(udfs, n), "__xlfunc__") for n in ("expcap", "expcap_amount")), "Windows decorators not bound"
    with contextlib.redirect_stdout(sys.stderr):  # import_udfs prints a line when no logger is set up
        xlwings_udfs.import_udfs("udfs", workbook)
    out = {
        "bas": workbook.imported,
        "macro_options": workbook.macro_options,
        "calls": [call(c[0], *c[1:]) for c in cases],
    }
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
