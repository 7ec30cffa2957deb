"""Schedule A tables beyond two columns: a "Share Class" column (one row per class group, with share_classes),
and a column of asset bands beside the rates (read as one tier a band)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import xlcap
from tests.filed import TERM_HEADING, filed_text, flat, tiered
from xlcap.agreements.datacheck import check_folder
from xlcap.agreements.datafiles import load_history
from xlcap.errors import InvalidInputError
from xlcap.importing.imported import import_amendment
from xlcap.importing.write import write_amendment

M, B = 10**6, 10**9


PER_CLASS_TABLE = """
                                   SCHEDULE A
--------------------------------------------------------------------------------
                                   Share          Maximum Annual
Name of Series                     Class          Operating Expense Limit
---------------------------------- -------------- ------------------------------
---------------------------------- -------------- ------------------------------
Tarn Conservative Term Series      L, R, S, I     0.65%
---------------------------------- -------------- ------------------------------
---------------------------------- -------------- ------------------------------
Tarn Conservative Term Series      Z              0.50%
---------------------------------- -------------- ------------------------------
"""
PER_CLASS_HTML = """<html><body>
<p>AMENDMENT NO. 23 to the Amended and Restated Expense Limitation Agreement, dated as of May 1, 2010, by and
between Met Investors Advisory LLC (the "Manager") and Met Investors Series Trust (the "Trust"). The Manager and the \
Trust hereby agree to amend the Amended and Restated Expense Limitation Agreement (the "Agreement").</p>
<p>This Agreement shall continue in effect until April 30, 2011 with respect to all of the Portfolios.</p>
<table>
<tr><td>Name of Series</td><td>Share Class</td><td>Maximum Annual Operating Expense Limit</td></tr>
<tr><td>Tarn Conservative Term Series</td><td>L, R, S, I</td><td>0.65%</td></tr>
<tr><td>Tarn Conservative Term Series</td><td>Z</td><td>0.50%</td></tr>
</table></body></html>
"""


def _per_class_filings(tmp_path: Path) -> list[tuple[Path, tuple[int, int]]]:
    text = filed_text(
        23,
        "May 1, 2010",
        [TERM_HEADING, "This Agreement shall continue in effect until April 30, 2011 with respect to all of the Portfolios."],
        [("X Portfolio", "0.10%")],
    )
    text = text[: text.index("<PAGE>")] + PER_CLASS_TABLE
    (tmp_path / "txt").mkdir()
    (tmp_path / "htm").mkdir()
    (tmp_path / "txt" / "amendment-023.txt").write_text(text, encoding="utf-8")
    (tmp_path / "htm" / "amendment-023.htm").write_text(PER_CLASS_HTML, encoding="utf-8")
    # the lines of each row: the text table's, and the HTML's (one <tr> a line)
    return [(tmp_path / "txt" / "amendment-023.txt", (26, 29)), (tmp_path / "htm" / "amendment-023.htm", (7, 8))]


def test_a_share_class_column_gives_one_row_per_class_group(tmp_path: Path, data_dir: Path) -> None:
    """limit_wordings.md 8: each row of a table with a "Share Class" column is the limit of its class group; written
    with share_classes, read back, checked by `xlcap data check`, and priced per class by the lookup."""
    for path, lines in _per_class_filings(tmp_path):
        amendment = import_amendment(path)
        assert [p for p in amendment.problems if p.portfolio] == [], path
        assert [(r.portfolio, r.share_classes, r.limit, r.source_lines[0]) for r in amendment.rows] == [
            ("Tarn Conservative Term Series", ("L", "R", "S", "I"), flat("0.65"), lines[0]),
            ("Tarn Conservative Term Series", ("Z",), flat("0.50"), lines[1]),
        ], path
        folder = tmp_path / f"data-{path.suffix}"
        shutil.copytree(data_dir, folder)
        toml_path, _ = write_amendment(amendment, folder, load_history(folder))
        assert toml_path.read_text(encoding="utf-8").count('share_classes = ["L", "R", "S", "I"]') == 1
        assert check_folder(folder).problems == ()
        history = load_history(folder)
        # 0.65% x $100m = $650,000 for classes L, R, S, I; 0.50% x $100m = $500,000 for Z; W is in no row
        assert (
            xlcap.lookup("Tarn Conservative Term Series", 1e8, "2010-06-01", share_class="r", history=history).annual_amount
            == 650_000.0
        )
        assert (
            xlcap.lookup("Tarn Conservative Term Series", 1e8, "2010-06-01", share_class="Class Z", history=history).rate == 0.005
        )
        with pytest.raises(InvalidInputError, match=r"received 'W', .* valid: I, L, R, S, Z\."):
            xlcap.lookup("Tarn Conservative Term Series", 1e8, "2010-06-01", share_class="W", history=history)


def test_a_class_listed_twice_in_the_class_column_is_a_problem(tmp_path: Path) -> None:
    (path, _), _ = _per_class_filings(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("Z              0.50%", "R              0.50%"), encoding="utf-8")
    amendment = import_amendment(path)
    assert [(p.line, p.message) for p in amendment.problems if p.portfolio] == [
        (29, "listed twice in Schedule A for class R (first as 'Tarn Conservative Term Series').")
    ]


BANDS_TEXT = """
                                   SCHEDULE A

                                                       Maximum Annual
Name of Portfolio            Average Daily Net Assets  Operating Expense Limit

Aspen Core Equity Portfolio                            0.85%

Birch Mid-Cap Value          First $100 million        0.90%
Portfolio                    Next $400 million         0.85%
                             Over $500 million         0.80%

Cedar Municipal Portfolio    $0 to $1 billion          0.625%
                             Over $1 billion           0.600%
"""
BANDS_HTML = """<html><body>
<p>AMENDMENT NO. 26 to the Amended and Restated Expense Limitation Agreement, dated as of May 1, 2011, by and
between Met Investors Advisory LLC (the "Manager") and Met Investors Series Trust (the "Trust"). The Manager and the \
Trust hereby agree to amend the Amended and Restated Expense Limitation Agreement (the "Agreement").</p>
<p>This Agreement shall continue in effect until April 30, 2012 with respect to all of the Portfolios.</p>
<table>
<tr><td>Name of Portfolio</td><td>Average Daily Net Assets</td><td>Maximum Annual Operating Expense Limit</td></tr>
<tr><td>Aspen Core Equity Portfolio</td><td></td><td>0.85%</td></tr>
<tr><td>Birch Mid-Cap Value Portfolio</td><td>First $100 million</td><td>0.90%</td></tr>
<tr><td></td><td>Next $400 million</td><td>0.85%</td></tr>
<tr><td></td><td>Over $500 million</td><td>0.80%</td></tr>
<tr><td>Cedar Municipal Portfolio</td><td>$0 to $1 billion<br>Over $1 billion</td><td>0.625%<br>0.600%</td></tr>
</table></body></html>
"""


def test_a_column_of_asset_bands_beside_the_limit_column(tmp_path: Path) -> None:
    """A Schedule A with an "Average Daily Net Assets" column: each band and the rate beside it make one tier. In
    HTML, bands and rates stacked with <br> in two cells lose their pairing: refused, never paired by guess."""
    birch = tiered((0, 100 * M, "0.90"), (100 * M, 500 * M, "0.85"), (500 * M, None, "0.80"))
    text = filed_text(
        26,
        "May 1, 2011",
        [TERM_HEADING, "This Agreement shall continue in effect until April 30, 2012 with respect to all of the Portfolios."],
        [("X Portfolio", "0.10%")],
    )
    path = tmp_path / "amendment-026.txt"
    path.write_text(text[: text.index("<PAGE>")] + BANDS_TEXT, encoding="utf-8")
    amendment = import_amendment(path)
    assert amendment.problems == ()
    assert {r.portfolio: r.limit for r in amendment.rows} == {
        "Aspen Core Equity Portfolio": flat("0.85"),
        "Birch Mid-Cap Value Portfolio": birch,
        "Cedar Municipal Portfolio": tiered((0, B, "0.625"), (B, None, "0.600")),
    }
    html = tmp_path / "amendment-026.htm"
    html.write_text(BANDS_HTML, encoding="utf-8")
    amendment = import_amendment(html)
    assert [r.limit for r in amendment.rows] == [flat("0.85"), birch, None]
    assert [(p.line, p.portfolio, p.message) for p in amendment.problems if p.portfolio] == [
        (
            11,  # the HTML line of its <tr>
            "Cedar Municipal Portfolio",
            'limit text not read: part 1, "$0 to $1 billion Over $1 billion 0.625%", names 3 amounts ($0, $1 billion, '
            "$1 billion) for one rate, where a band has at most two.",
        )
    ]


def test_no_interpretation_stands_for_several_classes_limits(tmp_path: Path) -> None:
    text = filed_text(
        23,
        "May 1, 2010",
        [TERM_HEADING, "This Agreement shall continue in effect until April 30, 2011 with respect to all of the Portfolios."],
        [("Tarn Portfolio", "0.80% for Class A plus 1.05% for Class B")],
    )
    filed = tmp_path / "amendment-023.txt"
    filed.write_text(text, encoding="utf-8")
    reason = "the share classes 'Class A plus 1.05% for Class B' are not a list of class names such as \"A, C\""
    assert [p.message for p in import_amendment(filed).problems] == [f"limit text not read: {reason}."]
    path = tmp_path / "i.toml"
    path.write_text(
        '[[interpretation]]\nportfolio = "Tarn Portfolio"\nreading = "1.00%"\nnote = "n"\nauthority = "a"\n', encoding="utf-8"
    )
    with pytest.raises(InvalidInputError) as info:
        import_amendment(filed, path)
    assert str(info.value) == (
        f"{path}: interpretation 1: 'Tarn Portfolio' has a problem no interpretation resolves (limit text not read: "
        f"{reason}.) Remove the entry; the data file must be written by hand."
    )
