"""Schedule A tables beyond two columns: a "Share Class" column (a problem on every row until per-class limits
are imported), and a column of asset bands beside the rates (read as one tier a band)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.filed import TERM_HEADING, filed_text, flat, tiered
from xlcap.amendment_import import Problem, import_amendment
from xlcap.amendment_write import write_amendment
from xlcap.errors import ImportRefusedError, InvalidInputError

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
between Met Investors Advisory LLC (the "Manager") and Met Investors Series Trust (the "Trust").</p>
<p>This Agreement shall continue in effect until April 30, 2011 with respect to all of the Portfolios.</p>
<table>
<tr><td>Name of Series</td><td>Share Class</td><td>Maximum Annual Operating Expense Limit</td></tr>
<tr><td>Tarn Conservative Term Series</td><td>L, R, S, I</td><td>0.65%</td></tr>
<tr><td>Tarn Conservative Term Series</td><td>Z</td><td>0.50%</td></tr>
</table></body></html>
"""


def test_a_share_class_column_is_a_problem_on_every_row_not_a_guess(tmp_path: Path) -> None:
    """Decision (issue 15): the data model can hold per-class rows (share_classes), but the importer does not read
    them yet (three-column segmentation, per-class diff and writer are another issue); each row is a document
    problem, which no interpretation can resolve, so --write refuses the file."""
    text = filed_text(
        23,
        "May 1, 2010",
        [TERM_HEADING, "This Agreement shall continue in effect until April 30, 2011 with respect to all of the Portfolios."],
        [("X Portfolio", "0.10%")],
    )
    text = text[: text.index("<PAGE>")] + PER_CLASS_TABLE
    html = tmp_path / "amendment-023.htm"
    html.write_text(PER_CLASS_HTML, encoding="utf-8")
    for path, heading, rows in (
        (tmp_path / "amendment-023.txt", 23, (26, 29)),
        (html, 6, (7, 8)),  # lines of the HTML: the heading row, then one <tr> a line
    ):
        if path.suffix == ".txt":
            path.write_text(text, encoding="utf-8")
        amendment = import_amendment(path)
        assert tuple(p for p in amendment.problems if p.portfolio) == tuple(
            Problem(
                line,
                "Tarn Conservative Term Series",
                f'row not read: Schedule A has a "Share Class" column (line {heading}), so this row is the limit of one '
                "class group; xlcap does not import per-class limits yet: give each class group its own row in the data "
                'file (share_classes = ["A", ...]).',
            )
            for line in rows
        ), path
        assert [r.limit for r in amendment.rows] == [None, None]
        with pytest.raises(ImportRefusedError):  # a document problem: no interpretation resolves it
            write_amendment(amendment, tmp_path, None)
        assert not list(tmp_path.glob("*.toml"))


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
between Met Investors Advisory LLC (the "Manager") and Met Investors Series Trust (the "Trust").</p>
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
    path = tmp_path / "i.toml"
    path.write_text(
        '[[interpretation]]\nportfolio = "Zeta Portfolio"\nreading = "1.00%"\nnote = "n"\nauthority = "a"\n', encoding="utf-8"
    )
    with pytest.raises(InvalidInputError) as info:
        import_amendment(Path(__file__).parent / "amendments" / "amendment-014-garbled.txt", path)
    assert str(info.value) == (
        f"{path}: interpretation 1: 'Zeta Portfolio' has a problem no interpretation resolves (limit text not read: it "
        "states limits per share class; xlcap does not import per-class limits yet: give each class group its own row "
        'in the data file (share_classes = ["A", ...]).) Remove the entry; the data file must be written by hand.'
    )
