"""What Excel shows in its function wizard, read from udfs.py the way xlwings will read it.

On Linux xlwings' decorators are no-ops, so the metadata is read from the source; with an
xlwings licence key, tests/test_udf_officejs.py also checks xlwings' own view of it.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import udfs
from xlcap.excel.functions import HELP

SOURCE = ast.parse((Path(__file__).parent.parent / "udfs.py").read_text(encoding="utf-8"))
EXCEL_FUNCTIONS = {"EXPCAP", "EXPCAP_AMOUNT", "EXPCAP_INFO", "EXPCAP_TIERS", "EXPCAP_PORTFOLIOS", "EXPCAP_RECOUPABLE"}


def _decorated() -> dict[str, ast.FunctionDef]:
    return {
        node.name: node
        for node in SOURCE.body
        if isinstance(node, ast.FunctionDef) and any(isinstance(d, ast.Name) and d.id == "func" for d in node.decorator_list)
    }


def _arg_docs(node: ast.FunctionDef) -> dict[str, str]:
    docs = {}
    for d in node.decorator_list:
        if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "arg":
            name = ast.literal_eval(d.args[0])
            doc = next(k.value for k in d.keywords if k.arg == "doc")
            assert isinstance(doc, ast.Subscript)  # HELP["..."]
            docs[name] = HELP[ast.literal_eval(doc.slice)]
    return docs


def test_excel_names() -> None:
    assert {name.upper() for name in _decorated()} == EXCEL_FUNCTIONS


def test_every_function_has_a_description_excel_can_show() -> None:
    for name in _decorated():
        doc = inspect.getdoc(getattr(udfs, name))
        assert doc, name
        assert len(doc) <= 255, f"{name}: Excel cuts descriptions at 255 characters"


def test_every_argument_has_help_and_the_same_options() -> None:
    for name, node in _decorated().items():
        params = list(inspect.signature(getattr(udfs, name)).parameters)
        docs = _arg_docs(node)
        assert set(docs) == set(params), name
        for param, text in docs.items():
            assert 0 < len(text) <= 255, f"{name}({param})"
        for d in node.decorator_list:
            if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "arg":
                keywords = {k.arg for k in d.keywords}
                assert "err_to_str" in keywords, f"{name}: error cells must arrive as '#N/A' text, not as empty"


def test_optional_arguments_default_to_none() -> None:
    assert inspect.signature(udfs.expcap_amount).parameters["days"].default is None
    assert inspect.signature(udfs.expcap_portfolios).parameters["as_of"].default is None
    for function in (udfs.expcap, udfs.expcap_amount, udfs.expcap_info, udfs.expcap_tiers):
        parameters = list(inspect.signature(function).parameters.values())
        assert parameters[-2].name == "share_class" and parameters[-2].default is None, function.__name__
    for function in (udfs.expcap, udfs.expcap_amount, udfs.expcap_info, udfs.expcap_tiers, udfs.expcap_portfolios):
        last = list(inspect.signature(function).parameters.values())[-1]
        assert last.name == "agreement" and last.default is None, function.__name__
