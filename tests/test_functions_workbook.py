"""The example workbook: current with its generator, and calling only the xlcap functions correctly."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl

from workbooks.make_functions_workbook import OUT, build

ARITY = {"EXPCAP": (3, 5), "EXPCAP_AMOUNT": (3, 6), "EXPCAP_INFO": (2, 4), "EXPCAP_TIERS": (2, 4), "EXPCAP_PORTFOLIOS": (0, 2)}


def test_committed_workbook_is_current(tmp_path: Path) -> None:
    fresh = build(tmp_path / "fresh.xlsx")
    with zipfile.ZipFile(OUT) as old, zipfile.ZipFile(fresh) as new:
        assert old.namelist() == new.namelist()
        for part in old.namelist():
            assert old.read(part) == new.read(part), f"{part} differs: run python workbooks/make_functions_workbook.py"


def _calls(formula: str) -> list[tuple[str, int]]:
    """(function, argument count) for each EXPCAP-family call in a formula."""
    calls = []
    for match in re.finditer(r"(EXPCAP\w*)\(", formula):
        depth, args, i = 1, 1, match.end()
        if formula[i] == ")":
            args = 0
        while depth:
            ch = formula[i]
            depth += ch == "("
            depth -= ch == ")"
            args += ch == "," and depth == 1
            i += 1
        calls.append((match.group(1), args))
    return calls


def test_formulas_call_the_functions_with_valid_arguments() -> None:
    book = openpyxl.load_workbook(OUT)
    assert book.sheetnames == ["Read me", "Portfolios", "Schedule A", "Tiers"]
    seen = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                text = value.text if hasattr(value, "text") else value  # dynamic arrays load as ArrayFormula
                if isinstance(text, str) and text.startswith("="):
                    for name, args in _calls(text):
                        low, high = ARITY[name]
                        assert low <= args <= high, (cell.coordinate, text)
                        seen.add(name)
    assert seen == set(ARITY)
    portfolios = book["Portfolios"]
    assert portfolios["D2"].value == "=EXPCAP(A2,B2,C2)"
    assert portfolios["A44"].value == "Van Kampen Comstock Portfolio"
    assert "Net assets on the Portfolios sheet are illustrative" in " ".join(str(c.value) for c in book["Read me"]["A"])
