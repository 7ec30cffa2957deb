"""`xlcap import`: exit codes, exact messages, hostile input, --write, and the history after a write."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from pathlib import Path

import pytest

import xlcap
from xlcap.agreements.datafiles import load_history
from xlcap.cli import main

DOCS = Path(__file__).parent / "amendments"
REFERENCE = str(Path(__file__).parent.parent / "xlcap" / "data" / "amendment-012.txt")
INTERPRETATIONS = str(DOCS / "amendment-012-interpretations.toml")
WORDINGS = str(DOCS / "amendment-013-wordings.txt")
UNRESOLVED_ONE = "1 unresolved problem(s): --write needs an interpretation recorded for each.\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listing(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


# Hostile input: a clear error, quickly, nothing written.

SCRIPTED = """<html><body>
<p>AMENDMENT NO. 16 to the Agreement, dated as of May 1, 2010</p>
<script>document.location = "https://example.invalid/"</script>
<table><tr><td>Name of Portfolio</td><td>Operating Expense Limit</td></tr></table>
</body></html>
"""
NO_ROWS = """AMENDMENT NO. 16 to the Amended and Restated Expense Limitation Agreement, dated as of May 1, 2010, by and
between Met Investors Advisory LLC (the "Manager") and Met Investors Series Trust (the "Trust").

                                   SCHEDULE A
--------------------------------------------------------------------------------
                                                Maximum Annual
Name of Portfolio                               Operating Expense Limit
----------------------------------------------- --------------------------------
----------------------------------------------- --------------------------------
"""


def _make(path: Path, kind: str) -> None:
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "blank":
        path.write_text("\n   \n\t\n", encoding="utf-8")
    elif kind == "binary":
        path.write_bytes(bytes(range(256)) * 64)
    elif kind == "pdf":
        path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    elif kind == "huge":  # 50 MB: the reference text, then zeros to 50 MB
        with path.open("wb") as f:
            f.write(Path(REFERENCE).read_bytes())
            f.truncate(50 * 2**20)
    elif kind == "scripted":
        path.write_text(SCRIPTED, encoding="utf-8")
    elif kind == "handler":
        without_script = "".join(line for line in SCRIPTED.splitlines(keepends=True) if "<script>" not in line)
        path.write_text(without_script.replace("<body>", '<body onload="steal()">'), encoding="utf-8")
    elif kind == "unclosed-tags":  # html.parser alone takes seconds on this; refused in one linear pass
        path.write_text("<html><body>\n" + "<a " * 100_000, encoding="utf-8")
    elif kind == "long-paragraph":  # one "paragraph" of 60,000 characters before the reference text
        path.write_text("x" * 60_000 + "\n\n" + Path(REFERENCE).read_text(encoding="utf-8"), encoding="utf-8")
    elif kind == "no-rows":
        path.write_text(NO_ROWS, encoding="utf-8")
    elif kind == "no-table":
        path.write_text("AMENDMENT NO. 16, dated as of May 1, 2010.\n\nNo schedule here.\n", encoding="utf-8")
    elif kind == "directory":
        path.mkdir()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("empty", "is empty; give the filed amendment as text or HTML."),
        ("blank", "is empty; give the filed amendment as text or HTML."),
        ("binary", "is a binary file, not text or HTML; give the filing's .txt or .htm document."),
        ("pdf", "is a PDF, not text or HTML; give the filing's .txt or .htm document."),
        (
            "huge",
            "larger than 4,194,304 bytes, too large for a filed amendment; give the amendment's own document.",
        ),
        (
            "scripted",
            "line 3: <script> is active content, which a filed amendment never has; refusing to read it.",
        ),
        (
            "handler",
            'line 1: the attribute "onload" of <body> is active content, which a filed amendment never has; refusing to read it.',
        ),
        (
            "unclosed-tags",
            "line 2: a tag or comment opened here is not closed before the next one; the HTML is malformed.",
        ),
        ("long-paragraph", "line 1: a paragraph of 60,000 characters, longer than any in a filed amendment (at most 50,000)."),
        ("no-rows", "the Schedule A table at line 7 has no rows."),
        ("no-table", 'no Schedule A table found (no line names the "Name of Portfolio" column).'),
        ("directory", "cannot be read (Is a directory)."),
        ("missing", "cannot be read (No such file or directory)."),
    ],
)
def test_hostile_input_is_a_clear_error_quickly_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path, kind: str, message: str
) -> None:
    path = tmp_path / f"{kind}.htm"
    _make(path, kind)
    before = listing(data_dir)
    start = time.perf_counter()
    code, out, err = run(capsys, "import", str(path), "--write", "--data-dir", str(data_dir))
    assert time.perf_counter() - start < 1.0
    assert (code, out, err) == (2, "", f"{path}: {message}\n")
    assert listing(data_dir) == before


def test_hostile_input_with_json_carries_the_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    code, out, err = run(capsys, "import", str(path), "--json")
    message = f"{path}: is empty; give the filed amendment as text or HTML."
    assert (code, err) == (2, message + "\n")
    assert json.loads(out) == {"error": {"code": "unreadable_document", "message": message, "suggestions": []}}


def test_data_dir_must_be_a_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere")
    code, out, err = run(capsys, "import", REFERENCE, "--data-dir", missing)
    assert (code, out, err) == (2, "", f"Parameter 'data-dir' received {missing!r}, which is not a directory.\n")


# Reading: the table and changes, or JSON; exit 1 while problems are unresolved.


def test_reference_text_view(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", REFERENCE)
    assert (code, err) == (2, UNRESOLVED_ONE)
    lines = out.splitlines()
    assert lines[0] == (
        f"Amendment No. 12 to Amended and Restated Expense Limitation Agreement, dated 2007-11-01, read from {REFERENCE}"
    )
    assert lines[1] == "  Parties:     Met Investors Advisory LLC (Manager) and Met Investors Series Trust (Trust)"
    assert lines[3] == "  Prior:       11 amendments, 2002-05-01 to 2007-05-01"
    assert "Schedule A: 43 portfolios" in lines
    # Which clause gave each row its term: section 3's three grants, each row pointing at one.
    terms = lines.index("  Terms read:")
    assert lines[terms + 1 : terms + 10] == [
        '    [a] until 2009-04-30: "the New Portfolio" -> 1 portfolio',
        '        "New Portfolio": defined at line 15 by ("New Portfolio") as Rainier Large Cap Equity',
        "          Portfolio",
        '    [b] until 2008-04-30: "the existing Portfolios set forth in Amendment No. 12 to Schedule A',
        '        (except Batterymarch Growth and Income Portfolio)" -> 41 portfolios',
        '        "existing Portfolios": the 42 rows of this Schedule A that are not New Portfolios',
        "        except Batterymarch Growth and Income Portfolio",
        '    [c] permanent: "the Batterymarch Growth and Income Portfolio" -> 1 portfolio',
        "",
    ]
    assert "Batterymarch Growth and Income Portfolio         not read  permanent   lines 102-109, term [c], problem [1]" in lines
    assert "Rainier Large Cap Equity Portfolio               0.80%     2009-04-30  line 208, term [a], new portfolio" in lines
    assert "Lazard Mid-Cap Portfolio                         0.80%     2008-04-30  line 139, term [b]" in lines
    assert "Problems: 1, 1 unresolved" in lines
    assert lines[-1] == "                 $1B-$1.5B; 0.45% $1.5B-$2B; 0.40% over $2B -> not read"
    assert lines[-3] == "Changes against Amendment No. 12, dated 2007-11-01, the schedule in force on 2007-11-01:"


def test_reference_text_with_the_interpretation_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", REFERENCE, "--interpretations", INTERPRETATIONS)
    assert (code, err) == (0, "")
    assert "Problems: 1, 0 unresolved" in out
    assert out.endswith("Changes against Amendment No. 12, dated 2007-11-01, the schedule in force on 2007-11-01: none.\n")


def test_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", str(DOCS / "amendment-015.htm"), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "amendment": 15,
        "date": "2009-05-01",
        "portfolios": [
            {
                "name": "Lazard Mid-Cap Portfolio",
                "limit": {"kind": "flat", "rate": 0.008},
                "term_end": None,
                "permanent": True,
                "limit_text": "0.80%",
                "term_from": "c",
            },
            {
                "name": "Met/AIM Capital Appreciation Portfolio",
                "limit": {
                    "kind": "tiered",
                    "tiers": [
                        {"from": 0, "to": 100000000, "rate": 0.008},
                        {"from": 100000000, "to": 200000000, "rate": 0.0075},
                        {"from": 200000000, "to": 1000000000, "rate": 0.007},
                        {"from": 1000000000, "to": None, "rate": 0.0065},
                    ],
                },
                "term_end": "2010-04-30",
                "permanent": False,
                "limit_text": "0.80% of the first $100 million of such assets plus 0.75% of such assets over $100 million "
                "up to $200 million plus 0.70% of such assets over $200 million up to $1 billion plus 0.65% of such assets "
                "over $1 billion",
                "term_from": "b",
            },
            {
                "name": "SSgA Growth & Income ETF Portfolio",
                "limit": {"kind": "flat", "rate": 0.0045},
                "term_end": "2011-04-30",
                "permanent": False,
                "limit_text": "forty-five basis points",
                "term_from": "a",
            },
            {
                "name": "PIMCO Total Return Portfolio",
                "limit": {"kind": "none"},
                "term_end": "2010-04-30",
                "permanent": False,
                "limit_text": "None",
                "term_from": "b",
            },
        ],
        "terms": [  # the term clause's grants, as the Schedule A rows' "term_from" names them
            {
                "from": "a",
                "subject": "the New Portfolio",
                "term": "2011-04-30",
                "reading": ['"New Portfolio": defined at line 19 by ("New Portfolio") as SSgA Growth & Income ETF Portfolio'],
                "portfolios": ["SSgA Growth & Income ETF Portfolio"],
            },
            {
                "from": "b",
                "subject": "the existing Portfolios set forth in Amendment No. 15 to Schedule A "
                "(except Lazard Mid-Cap Portfolio)",
                "term": "2010-04-30",
                "reading": [
                    '"existing Portfolios": the 3 rows of this Schedule A that are not New Portfolios',
                    "except Lazard Mid-Cap Portfolio",
                ],
                "portfolios": ["Met/AIM Capital Appreciation Portfolio", "PIMCO Total Return Portfolio"],
            },
            {
                "from": "c",
                "subject": "the Lazard Mid-Cap Portfolio",
                "term": "permanent",
                "reading": [],
                "portfolios": ["Lazard Mid-Cap Portfolio"],
            },
        ],
        "problems": [],
    }


def test_json_of_an_unread_row(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", REFERENCE, "--json")
    data = json.loads(out)
    assert (code, err) == (2, UNRESOLVED_ONE)
    assert data["portfolios"][5] == {
        "name": "Batterymarch Growth and Income Portfolio",
        "limit": None,
        "term_end": None,
        "permanent": True,
        "limit_text": "0.65% of the first $500 million of such assets plus 0.55% of such assets over $500 million up to "
        "assets over $1 billion up to $1.5 billion plus 0.45% of such assets over $1.5 billion up to $2 billion plus "
        "0.40% of such assets over $2 billion",
        "term_from": "c",  # the third grant: "The expense limitation for the Batterymarch ... is permanent."
    }
    assert [p["line"] for p in data["problems"]] == [103]


# --write: a new data file beside a copy of the filed document, never over anything on file.


def test_write_refuses_unresolved_problems(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    before = listing(data_dir)
    garbled = str(DOCS / "amendment-014-garbled.txt")
    code, out, err = run(capsys, "import", garbled, "--write", "--data-dir", str(data_dir), "--json")
    assert (code, listing(data_dir)) == (2, before)
    assert err == (
        f"Not written: 15 problems in {garbled} without a recorded interpretation. Record one for each row with "
        "--interpretations FILE.\n"
    )
    assert len(json.loads(out)["problems"]) == 15


def test_write_refuses_an_amendment_already_on_file(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    before = listing(data_dir)
    code, _, err = run(capsys, "import", REFERENCE, "--interpretations", INTERPRETATIONS, "--write", "--data-dir", str(data_dir))
    assert (code, listing(data_dir)) == (4, before)
    assert (
        err == "Not written: Amendment No. 12, dated 2007-11-01 is already on file; xlcap never replaces an amendment on file.\n"
    )


def test_write_never_overwrites_a_file(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    (data_dir / "amendment-013.txt").write_text("someone else's notes\n", encoding="utf-8")
    before = listing(data_dir)
    code, _, err = run(capsys, "import", WORDINGS, "--write", "--data-dir", str(data_dir))
    assert (code, listing(data_dir)) == (4, before)
    assert err == f"Not written: {data_dir / 'amendment-013.txt'} already exists; xlcap never overwrites a data file.\n"


def test_write_into_an_empty_data_dir_reproduces_amendment_12(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # A new folder of one's own starts with the agreement's terms (the section and notice its text states).
    shutil.copy(Path(xlcap.__file__).parent / "data" / "agreement.toml", tmp_path)
    code, out, err = run(
        capsys, "import", REFERENCE, "--interpretations", INTERPRETATIONS, "--write", "--data-dir", str(tmp_path)
    )
    assert (code, sorted(listing(tmp_path))) == (0, ["agreement.toml", "amendment-012.toml", "amendment-012.txt"])
    assert err == f"Wrote {tmp_path / 'amendment-012.toml'} and {tmp_path / 'amendment-012.txt'}; review them before merging.\n"
    assert out.endswith("Changes: no schedule on file is in force on 2007-11-01, so every portfolio is new.\n")
    assert load_history(tmp_path).amendments[0].rows == xlcap.default_history().amendments[0].rows


def test_history_after_writing_an_amendment(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, _, err = run(capsys, "import", WORDINGS, "--write", "--data-dir", str(data_dir))
    assert (code, err) == (
        0,
        f"Wrote {data_dir / 'amendment-013.toml'} and {data_dir / 'amendment-013.txt'}; review them before merging.\n",
    )
    history = load_history(data_dir)
    assert [a.number for a in history.amendments] == [12, 13]
    assert xlcap.schedule_in_force("2008-04-27", history).number == 12
    assert xlcap.schedule_in_force("2008-04-28", history).number == 13

    # Every lookup uses the schedule in force on the date asked.
    before = xlcap.lookup("Lazard Mid-Cap", 1e8, "2008-04-27", history=history)
    after = xlcap.lookup("Lazard Mid-Cap", 1e8, "2008-04-28", history=history)
    assert (before.amendment, before.rate, before.term_end) == (12, 0.008, dt.date(2008, 4, 30))
    assert (after.amendment, after.rate, after.term_end) == (13, 0.0085, dt.date(2008, 10, 31))
    rcm = xlcap.lookup("RCM Technology", 1.25e9, "2008-06-30", history=history)
    assert rcm.annual_amount == pytest.approx(13_500_000, rel=1e-12)  # 1.10% x 1B + 1.00% x 0.25B = 11M + 2.5M

    # A portfolio dropped by the later amendment is not in force after its date.
    assert xlcap.lookup("Janus Forty", 1e8, "2008-04-27", history=history).rate == 0.0125
    with pytest.raises(xlcap.TermEndedError) as info:
        xlcap.lookup("Janus Forty", 1e8, "2008-04-28", history=history)
    assert str(info.value) == (
        "'Janus Forty Portfolio' is not in Schedule A of Amendment No. 13, dated 2008-04-28, the schedule in force on "
        "2008-04-28; it was last listed in Amendment No. 12, dated 2007-11-01."
    )
    out = xlcap.lookup_many(
        ["Janus Forty", "Janus Forty", "RCM Technology", "Balanced Portfolio"],
        [1e8, 1e8, 1.25e9, 2e9],
        ["2008-04-27", "2008-04-28", "2008-06-30", "2008-06-30"],
        history=history,
    )
    assert list(out["status"]) == ["in_effect", "term_ended", "in_effect", "in_effect"]
    assert list(out["amendment"]) == [12, 13, 13, 13]
    assert out["annual_amount"].iloc[2] == pytest.approx(13_500_000, rel=1e-12)
    assert out["annual_amount"].iloc[3] == pytest.approx(14_500_000, rel=1e-12)  # 0.75% x 1B + 0.70% x 1B

    # The written data file is read back as reviewed data: the filed text beside it, pinned by hash.
    (wordings,) = [a for a in history.amendments if a.number == 13]
    assert wordings.source_text == Path(WORDINGS).read_text(encoding="utf-8")
    assert wordings.new_portfolios == ("Balanced Portfolio", "Bond Portfolio", "High Yield Corporate Bond Portfolio")

    # Writing it again is refused, and changes nothing.
    before_files = listing(data_dir)
    code, _, err = run(capsys, "import", WORDINGS, "--write", "--data-dir", str(data_dir))
    assert (code, listing(data_dir)) == (4, before_files)
    assert err.startswith("Not written: Amendment No. 13, dated 2008-04-28 is already on file")


def test_an_html_filing_is_written_beside_its_copy(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    code, _, _ = run(capsys, "import", str(DOCS / "amendment-015.htm"), "--write", "--data-dir", str(data_dir))
    assert code == 0
    history = load_history(data_dir)
    assert (data_dir / "amendment-015.htm").read_bytes() == (DOCS / "amendment-015.htm").read_bytes()
    result = xlcap.lookup("SSgA Growth & Income ETF", 1e8, "2009-05-01", history=history)
    assert (result.amendment, result.rate, result.term_end) == (15, 0.0045, dt.date(2011, 4, 30))
    assert xlcap.lookup("Lazard Mid-Cap", 1e8, "2020-01-01", history=history).permanent
    with pytest.raises(xlcap.TermEndedError):
        xlcap.lookup("Janus Forty", 1e8, "2009-05-01", history=history)
