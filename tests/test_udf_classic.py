"""udfs.py as classic desktop Excel (Windows, COM) gets it, through xlwings' own classic code.

tests/classic_excel.py runs xlwings' Windows decorators, its VBA generator (import_udfs) and its
COM entry point (XLPython.CallUDF -> call_udf, with the Windows engine's value conversion) with
only pywin32 and the Excel COM objects stubbed. Here we check what it produced:
- the VBA module compiles: parameter names are not VBA reserved words (MS-VBAL 3.3.5.2) and the
  module parses with a VBA grammar from PyPI (antlr4-vba), both branches of its #If;
- the function wizard texts (MacroOptions) are whole, not cut at 255 characters;
- every invalid input reaches the cell as one line of text, never a traceback;
- date cells as COM hands them (pywintypes time, a time of day included) and returned dates.

Expected values are worked by hand from Schedule A (Amendment No. 12): Lazard Mid-Cap 0.80%,
term through 2008-04-30; Janus Forty 1.25%. Serial 39478 is 2008-01-31.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from antlr4 import CommonTokenStream, InputStream
from antlr4.error.ErrorListener import ErrorListener
from antlr4_vba.vba_ccLexer import vba_ccLexer
from antlr4_vba.vba_ccParser import vba_ccParser
from antlr4_vba.vbaLexer import vbaLexer
from antlr4_vba.vbaParser import vbaParser

from xlcap.excel.functions import HELP

NA, DIV0 = -2146826246, -2146826281  # error cells as COM hands them to Python
MISSING = -2147352572  # an omitted Optional argument, as VBA passes it


def rng(*rows: Any) -> dict[str, Any]:
    """A worksheet range argument: VBA passes the Range object; xlwings reads its .Value."""
    return {"range": [list(r) if isinstance(r, (list, tuple)) else [r] for r in rows]}


def date_cell(iso: str) -> dict[str, str]:
    return {"date": iso}


# MS-VBAL 3.3.5.2 "Reserved Identifiers and IDENTIFIER": statement and marker keywords, operators,
# reserved names, special forms, reserved types, literals, names reserved for the implementation.
# A parameter (MS-VBAL 5.3.1.5) may not be one. Error and Name are added to be safe: they are VBA
# statements too (xlwings issue #563 reports parameter names of this kind breaking Import Functions).
_RESERVED_TEXT = """
    Call Case Close Const Declare DefBool DefByte DefCur DefDate DefDbl DefInt DefLng DefLngLng DefLngPtr DefObj
    DefSng DefStr DefVar Dim Do Else ElseIf End EndIf Enum Erase Event Exit For Friend Function Get Global GoSub
    GoTo If Implements Input Let Lock Loop LSet Next On Open Option Print Private Public Put RaiseEvent ReDim
    Resume Return RSet Seek Select Set Static Stop Sub Type Unlock Wend While With Write Rem
    Any As ByRef ByVal Each In New Shared Until WithEvents Optional ParamArray Preserve Spc Tab Then To
    AddressOf And Eqv Imp Is Like Mod Not Or TypeOf Xor
    Abs CBool CByte CCur CDate CDbl CDec CInt CLng CLngLng CLngPtr CSng CStr CVar CVErr Date Debug DoEvents Fix Int
    Len LenB Me PSet Scale Sgn String Array Circle InputB LBound UBound
    Boolean Byte Currency Double Integer Long LongLong LongPtr Single Variant Object
    True False Nothing Empty Null
    Attribute LineInput VB_Base VB_Control VB_Creatable VB_Customizable VB_Description VB_Exposed VB_Ext_KEY
    VB_GlobalNameSpace VB_HelpID VB_Invoke_Func VB_Invoke_Property VB_Invoke_PropertyPut VB_Invoke_PropertyPutRef
    VB_MemberFlags VB_Name VB_PredeclaredId VB_ProcData VB_TemplateDerived VB_UserMemId VB_VarDescription
    VB_VarHelpID VB_VarMemberFlags VB_VarProcData VB_VarUserMemId CDecl Decimal DefDec
    Error Name
"""
VBA_RESERVED = {word.lower() for word in _RESERVED_TEXT.split()}

# What the generated module must declare, written out by hand from udfs.py's signatures.
SIGNATURES = {
    "expcap": ["portfolio", "assets", "on_date", "Optional share_class", "Optional agreement"],
    "expcap_amount": ["portfolio", "assets", "on_date", "Optional days", "Optional share_class", "Optional agreement"],
    "expcap_info": ["portfolio", "on_date", "Optional share_class", "Optional agreement"],
    "expcap_portfolios": ["Optional as_of", "Optional agreement"],
    "expcap_tiers": ["portfolio", "on_date", "Optional share_class", "Optional agreement"],
    "expcap_recoupable": ["portfolio", "on_date", "Optional agreement"],
}

VALID_DATES = "Valid: a date as YYYY-MM-DD or m/d/yyyy, e.g. 2008-01-31 or 1/31/2008, or a date cell."
VALID_AMOUNTS = "Valid: an amount above 0 such as 250000000, 250,000,000, 250e6, $250m or 1.2bn."
VALID_NAMES = 'Valid: a portfolio name from Schedule A, e.g. "Lazard Mid-Cap".'
EMPTY = "an empty cell (or 0, which xlwings Lite sends for one)"

# Every kind of input the functions refuse, as a cell would hand it over, and the line the cell shows.
INVALID: list[tuple[list[Any], str]] = [
    (["expcap", "Lazard Mid-Cap", -5, 39478], "Parameter 'assets' received -5, which is negative."),
    (["expcap", "Lazard Mid-Cap", rng(-5.0), 39478], "Parameter 'assets' received -5.0, which is negative."),
    (["expcap", "Lazard Mid-Cap", "ten", 39478], "Parameter 'assets' received 'ten', which is not an amount."),
    (["expcap", "Lazard Mid-Cap", "1,00,000", 39478], "Parameter 'assets' received '1,00,000', whose thousands separators"),
    (["expcap", "Lazard Mid-Cap", rng(None), 39478], f"Parameter 'assets' received {EMPTY}. {VALID_AMOUNTS}"),
    (["expcap", "Lazard Mid-Cap", rng(NA), 39478], f"Parameter 'assets' received the Excel error #N/A. {VALID_AMOUNTS}"),
    (["expcap", "Lazard Mid-Cap", rng(DIV0), 39478], f"Parameter 'assets' received the Excel error #DIV/0!. {VALID_AMOUNTS}"),
    (["expcap", "Lazard Mid-Cap", True, 39478], "Parameter 'assets' received True, which is not an amount."),
    (["expcap", "Lazard Mid-Cap", 1e8, rng(None)], f"Parameter 'on_date' received {EMPTY}. {VALID_DATES}"),
    (["expcap", "Lazard Mid-Cap", 1e8, rng(NA)], f"Parameter 'on_date' received the Excel error #N/A. {VALID_DATES}"),
    (["expcap", "Lazard Mid-Cap", 1e8, "31.01.2008"], "Parameter 'on_date' received '31.01.2008', which is not a date."),
    (["expcap", "Lazard Mid-Cap", 1e8, "2008-02-30"], "Parameter 'on_date' received '2008-02-30', which is not a calendar date"),
    (["expcap", "Lazard Mid-Cap", 1e8, 60], "Parameter 'on_date' received 60, which as an Excel serial date is outside 61"),
    (["expcap", rng(None), 1e8, 39478], f"Parameter 'portfolio' received {EMPTY}. {VALID_NAMES}"),
    (["expcap", 42, 1e8, 39478], f"Parameter 'portfolio' received the number 42, not a name. {VALID_NAMES}"),
    (["expcap", "Rainer Large Cap", 1e8, 39478], "Parameter 'portfolio' received 'Rainer Large Cap', which is not a portfolio"),
    (["expcap", "Lazard Mid-Cap", 1e8, 39386], "Parameter 'date' received 2007-10-31, which is before the first"),
    (["expcap", "Lazard Mid-Cap", 1e8, 39569], "The expense limitation for 'Lazard Mid-Cap Portfolio' ended on 2008-04-30"),
    (["expcap_amount", "Lazard Mid-Cap", 1e8, 39478, 31.5], "Parameter 'days' received 31.5, which is not a whole number"),
    (["expcap_amount", "Lazard Mid-Cap", 1e8, 39478, 367], "Parameter 'days' received 367, which is not a whole number"),
    (["expcap_amount", "Lazard Mid-Cap", 1e8, 39478, "31"], "Parameter 'days' received '31', which is not valid."),
    (
        ["expcap", rng("Janus Forty", "MFS Value"), rng(1, 2, 3), 39478],
        "Parameters 'portfolio' and 'assets' are ranges of 2x1 and 3x1 cells.",
    ),
    (["expcap_tiers", rng("Lazard Mid-Cap", "Janus Forty"), 39478], "EXPCAP_TIERS takes one portfolio and one date"),
    (["expcap_tiers", "Lazard Mid-Cap", rng(None)], f"Parameter 'on_date' received {EMPTY}."),
    (["expcap_portfolios", rng(NA)], "Parameter 'as_of' received the Excel error #N/A."),
    (["expcap_portfolios", rng(39478, 39479)], "Parameter 'as_of' received a range."),
    (["expcap_info", "Nope", 39478], "Parameter 'portfolio' received 'Nope', which is not a portfolio"),
]

VALUES: list[tuple[list[Any], Any]] = [
    # A date cell arrives as pywintypes' time; 18:00 on the term-end day is still that day.
    (["expcap", rng("Lazard Mid-Cap"), rng(250e6), rng(date_cell("2008-04-30T18:00:00"))], 0.008),
    (["expcap", "Lazard Mid-Cap", 250e6, 39568.75], 0.008),  # the same moment as a serial
    (["expcap_amount", "Lazard Mid-Cap", 250e6, 39478, MISSING], 2_000_000.0),  # days omitted: 0.80% x 250M
    (["expcap_amount", "Lazard Mid-Cap", 250e6, 39478, rng(None)], 2_000_000.0),  # days cell empty
    (
        ["expcap", rng("Lazard Mid-Cap", "Janus Forty"), 1e8, rng(date_cell("2008-04-30T18:00"), date_cell("2008-05-01T00:00"))],
        [
            [0.008],
            [
                "The expense limitation for 'Janus Forty Portfolio' ended on 2008-04-30 (Amendment No. 12, section 3); no "
                "continuance is recorded, so no limit is in force on 2008-05-01. Valid dates: 2007-11-01 to 2008-04-30. If the "
                "Independent Trustees approved a continuance, record it in xlcap/data/events.toml."
            ],
        ],
    ),
    (["expcap_tiers", "Lazard Mid-Cap", rng(date_cell("2008-01-31T00:00:00"))], [["From", "To", "Rate"], [0.0, "", 0.008]]),
]


@pytest.fixture(scope="module")
def classic() -> dict[str, Any]:
    cases = [case for case, _ in INVALID] + [case for case, _ in VALUES] + [["expcap_portfolios", 39478]]
    script = Path(__file__).parent / "classic_excel.py"
    proc = subprocess.run([sys.executable, str(script), json.dumps(cases)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


class _Errors(ErrorListener):  # type: ignore[misc]
    def __init__(self) -> None:
        self.errors: list[str] = []

    def syntaxError(self, recognizer: Any, symbol: Any, line: int, column: int, msg: str, e: Any) -> None:
        self.errors.append(f"line {line}:{column} {msg}")


def _parse(text: str, lexer_class: Any, parser_class: Any) -> list[str]:
    listener = _Errors()
    lexer = lexer_class(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(listener)
    parser = parser_class(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(listener)
    parser.startRule()
    return listener.errors


def _branch(bas: str, excel: bool) -> str:
    """The module as VBA compiles it after conditional compilation: one branch of each #If kept."""
    out, keep = [], [True]
    for line in bas.splitlines():
        directive = line.strip().lower()
        if directive.startswith("#if "):
            keep.append(keep[-1] and excel)
        elif directive == "#else":
            keep[-1] = keep[-2] and not excel
        elif directive == "#end if":
            keep.pop()
        elif not directive.startswith("#const") and keep[-1]:
            out.append(line)
            continue
        out.append("")  # keep line numbers for error messages
    return "\n".join(out) + "\n"


def vba_errors(bas: str) -> list[str]:
    """Syntax errors of a whole module: its conditional compilation, then the code in each branch."""
    errors = _parse(bas, vba_ccLexer, vba_ccParser)
    for excel in (True, False):
        errors += _parse(_branch(bas, excel), vbaLexer, vbaParser)
    return errors


def _signatures(bas: str) -> dict[str, list[str]]:
    return {
        m.group(1): [p.strip() for p in m.group(2).split(",") if p.strip()]
        for m in re.finditer(r"^Function (\w+)\(([^)]*)\)$", bas, re.MULTILINE)
    }


def test_one_module_declares_every_function_with_its_optional_arguments(classic: dict[str, Any]) -> None:
    assert len(classic["bas"]) == 1
    assert _signatures(classic["bas"][0]) == SIGNATURES
    # Not volatile, and computed in the function wizard and on opening (no call_in_wizard=False guard).
    assert "Application.Volatile" not in classic["bas"][0]
    assert "CommandBars" not in classic["bas"][0]


def test_parameter_and_function_names_are_not_vba_reserved_words(classic: dict[str, Any]) -> None:
    for function, params in _signatures(classic["bas"][0]).items():
        assert function.lower() not in VBA_RESERVED
        for param in params:
            assert param.removeprefix("Optional ").lower() not in VBA_RESERVED, f"{function}({param})"


def test_function_names_are_not_cell_references(classic: dict[str, Any]) -> None:
    for function in _signatures(classic["bas"][0]):
        name = function.upper()
        assert not re.fullmatch(r"[A-Z]{1,3}[0-9]+", name), name  # A1 style, columns A to XFD
        assert not re.fullmatch(r"R[0-9]*C[0-9]*", name), name  # R1C1 style
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name) and len(name) <= 255, name


def test_generated_module_passes_a_vba_grammar(classic: dict[str, Any]) -> None:
    assert vba_errors(classic["bas"][0]) == []


@pytest.mark.parametrize("word", ["date", "string", "currency", "type"])
def test_the_grammar_refuses_a_reserved_word_as_parameter(classic: dict[str, Any], word: str) -> None:
    # The check above can fail: the module as it was before the renaming (`date`) does not parse.
    broken = re.sub(r"\bon_date\b", word, classic["bas"][0])
    assert any("no viable alternative" in e or "mismatched input" in e for e in vba_errors(broken))


def test_function_wizard_texts_are_whole(classic: dict[str, Any]) -> None:
    import udfs  # plain functions on this OS; their docstrings are what xlwings sends

    options = {o["macro"]: o for o in classic["macro_options"]}
    assert set(options) == {f"'xlcap_functions.xlsm'!{name}" for name in SIGNATURES}
    for name, params in SIGNATURES.items():
        sent = options[f"'xlcap_functions.xlsm'!{name}"]
        assert sent["Description"] == getattr(udfs, name).__doc__, f"{name}: xlwings cuts descriptions at 255"
        helps = [HELP[p.removeprefix("Optional ")] for p in params]
        assert sent["ArgumentDescriptions"] == helps
        assert all(len(text) <= 255 for text in [sent["Description"], *helps])


@pytest.mark.parametrize(("case", "starts"), INVALID, ids=[f"{c[0]}-{i}" for i, (c, _) in enumerate(INVALID)])
def test_invalid_input_is_one_line_in_the_cell_never_a_traceback(classic: dict[str, Any], case: list[Any], starts: str) -> None:
    result = classic["calls"][INVALID.index((case, starts))]
    assert "err_description" not in result, result.get("err_description")
    value = result["value"]
    assert isinstance(value, str) and "\n" not in value and "Traceback" not in value
    assert value.startswith(starts)


@pytest.mark.parametrize(("case", "expected"), VALUES, ids=[f"{c[0]}-{i}" for i, (c, _) in enumerate(VALUES)])
def test_values_as_com_hands_them(classic: dict[str, Any], case: list[Any], expected: Any) -> None:
    result = classic["calls"][len(INVALID) + VALUES.index((case, expected))]
    assert result == {"value": expected}


def test_dates_come_back_as_readable_text(classic: dict[str, Any]) -> None:
    table = classic["calls"][-1]["value"]  # through the Windows engine's write conversion
    rows = {row[0]: row[1:] for row in table}
    assert rows["Portfolio"] == ["Limit (Schedule A as filed)", "Term end"]
    assert rows["Lazard Mid-Cap Portfolio"] == ["0.80%", "2008-04-30"]
    assert rows["Rainier Large Cap Equity Portfolio"] == ["0.80%", "2009-04-30"]
    assert rows["Batterymarch Growth and Income Portfolio"] == [rows["Batterymarch Growth and Income Portfolio"][0], "Permanent"]
    assert len(table) == 44  # a header and 43 portfolios
