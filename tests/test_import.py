"""Importing filed amendments: the reference text end to end, and test documents in the filed formats.

Every expected value here is written by hand from the document it tests (tests/amendments/,
xlcap/data/amendment-012.txt) or from the reviewed data file amendment-012.toml.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from xlcap.agreements.datafiles import default_history, load_amendment
from xlcap.agreements.limits import FlatLimit, NoLimit, Tier, TieredLimit
from xlcap.errors import InvalidInputError
from xlcap.importing.diff import compare
from xlcap.importing.imported import ImportedAmendment, ImportedRow, Problem, import_amendment
from xlcap.importing.write import write_amendment

DATA = Path(__file__).parent.parent / "xlcap" / "data"
DOCS = Path(__file__).parent / "amendments"
REFERENCE = DATA / "amendment-012.txt"
INTERPRETATIONS = DOCS / "amendment-012-interpretations.toml"
SHIPPED = load_amendment(DATA / "amendment-012.toml")
M, B = 10**6, 10**9
BATTERYMARCH = "Batterymarch Growth and Income Portfolio"
BATTERYMARCH_PROBLEM = (
    'limit text not read: part 2, "0.55% of such assets over $500 million up to assets over $1 billion up to $1.5 '
    'billion", names 3 amounts ($500 million, $1 billion, $1.5 billion) for one rate, where a band has at most two.'
)


def tiered(*rows: tuple[int, int | None, str]) -> TieredLimit:
    return TieredLimit(tuple(Tier(lo, hi, Decimal(rate) / 100) for lo, hi, rate in rows))


def flat(rate: str) -> FlatLimit:
    return FlatLimit(Decimal(rate) / 100)


def row(imported: ImportedAmendment, name: str) -> ImportedRow:
    (found,) = [r for r in imported.rows if r.portfolio == name]
    return found


# The reference text (Amendment No. 12 as filed)


def test_reference_header() -> None:
    h = import_amendment(REFERENCE).header
    assert (h.number, h.date, h.title) == (
        12,
        dt.date(2007, 11, 1),
        "Amendment No. 12 to Amended and Restated Expense Limitation Agreement",
    )
    assert (h.manager, h.trust) == ("Met Investors Advisory LLC", "Met Investors Series Trust")
    assert h.agreement == "Amended and Restated Expense Limitation Agreement effective as of October 9, 2001"
    assert h.prior_amendment_dates == tuple(
        dt.date(*d)
        for d in [
            (2002, 5, 1), (2003, 5, 1), (2004, 4, 30), (2004, 11, 3), (2005, 5, 1), (2005, 9, 30),
            (2005, 11, 1), (2005, 12, 16), (2006, 5, 1), (2006, 11, 1), (2007, 5, 1),
        ]
    )  # fmt: skip
    assert h.new_portfolios == ("Rainier Large Cap Equity Portfolio",)
    assert h.problems == ()


def test_reference_term_clause_and_terms() -> None:
    imported = import_amendment(REFERENCE)
    assert imported.term_clause == (
        "This Agreement shall continue in effect with respect to the New Portfolio until April 30, 2009 and will continue "
        "in effect until April 30, 2008 with respect to the existing Portfolios set forth in Amendment No. 12 to Schedule A "
        "(except Batterymarch Growth and Income Portfolio). The expense limitation for the Batterymarch Growth and Income "
        "Portfolio is permanent."
    )
    terms = {r.portfolio: r.term for r in imported.rows}
    assert terms.pop("Rainier Large Cap Equity Portfolio") == dt.date(2009, 4, 30)
    assert terms.pop(BATTERYMARCH) == "permanent"
    assert len(terms) == 41 and set(terms.values()) == {dt.date(2008, 4, 30)}
    assert [r.portfolio for r in imported.rows if r.new_portfolio] == ["Rainier Large Cap Equity Portfolio"]


def test_reference_43_rows_match_the_shipped_data_except_batterymarch() -> None:
    imported = import_amendment(REFERENCE)
    assert len(imported.rows) == 43
    for got, shipped in zip(imported.rows, SHIPPED.rows, strict=True):
        assert (got.portfolio, got.limit_text, got.source_lines) == (shipped.portfolio, shipped.limit_text, shipped.source_lines)
        assert (got.term_end, got.permanent, got.new_portfolio) == (shipped.term_end, shipped.permanent, shipped.new_portfolio)
        assert got.interpretation is None
        if got.portfolio != BATTERYMARCH:
            assert got.limit == shipped.limit
    assert row(imported, BATTERYMARCH).limit is None  # reported, never guessed
    assert row(imported, BATTERYMARCH).source_lines == (102, 109)


def test_reference_batterymarch_is_reported_with_line_and_reason() -> None:
    imported = import_amendment(REFERENCE)
    assert imported.problems == (Problem(103, BATTERYMARCH, BATTERYMARCH_PROBLEM, "limit"),)
    assert imported.unresolved == imported.problems
    assert imported.to_dict()["problems"] == [{"line": 103, "portfolio": BATTERYMARCH, "message": BATTERYMARCH_PROBLEM}]


def test_reference_with_the_recorded_interpretation_reproduces_the_shipped_data_file(tmp_path: Path) -> None:
    imported = import_amendment(REFERENCE, INTERPRETATIONS)
    assert imported.unresolved == ()
    toml_path, source_path = write_amendment(imported, tmp_path, None)
    assert (toml_path.name, source_path.name) == ("amendment-012.toml", "amendment-012.txt")
    assert source_path.read_bytes() == REFERENCE.read_bytes()
    with toml_path.open("rb") as written, (DATA / "amendment-012.toml").open("rb") as shipped:
        assert tomllib.load(written) == tomllib.load(shipped)  # every field, every row, the interpretation
    assert load_amendment(toml_path).rows == SHIPPED.rows


def test_reference_as_html_reads_the_same_rows() -> None:
    imported = import_amendment(DOCS / "amendment-012.htm")
    assert (imported.number, imported.date, imported.header.manager) == (12, dt.date(2007, 11, 1), "Met Investors Advisory LLC")
    assert imported.header.new_portfolios == ("Rainier Large Cap Equity Portfolio",)
    assert len(imported.header.prior_amendment_dates) == 11
    for got, shipped in zip(imported.rows, SHIPPED.rows, strict=True):
        assert (got.portfolio, got.limit_text, got.term_end, got.permanent) == (
            shipped.portfolio,
            shipped.limit_text,
            shipped.term_end,
            shipped.permanent,
        )
        assert got.portfolio == BATTERYMARCH or got.limit == shipped.limit
    # lines of the HTML file: cells on their own lines, the Batterymarch limit wrapped with <BR>
    assert row(imported, "Strategic Growth with Income Portfolio").source_lines == (65, 66)
    assert row(imported, BATTERYMARCH).source_lines == (85, 93)
    assert row(imported, "Lord Abbett Growth and Income Portfolio").source_lines == (153, 154)  # after a spacer row
    assert row(imported, "Van Kampen Comstock Portfolio").source_lines == (241, 242)
    assert imported.problems == (Problem(87, BATTERYMARCH, BATTERYMARCH_PROBLEM, "limit"),)


# Amendment No. 13 (test document): every wording family, wrapped cells, a page break, group terms


def test_wordings_document() -> None:
    imported = import_amendment(DOCS / "amendment-013-wordings.txt")
    h = imported.header
    assert (h.number, h.date, len(h.prior_amendment_dates), h.prior_amendment_dates[-1]) == (
        13,
        dt.date(2008, 4, 28),
        12,
        dt.date(2007, 11, 1),
    )
    assert h.new_portfolios == ("Balanced Portfolio", "Bond Portfolio", "High Yield Corporate Bond Portfolio")
    assert imported.problems == ()
    assert len(imported.rows) == 45
    expected = {
        # name: (limit, source lines)
        "Met/AIM Capital Appreciation Portfolio": (
            tiered((0, 100 * M, "0.80"), (100 * M, 200 * M, "0.75"), (200 * M, 1 * B, "0.70"), (1 * B, None, "0.65")),
            (90, 105),  # continued after the <PAGE> break
        ),
        "Met/AIM Small Cap Growth Portfolio": (tiered((0, 500 * M, "0.88"), (500 * M, None, "0.83")), (108, 110)),
        BATTERYMARCH: (
            tiered(
                (0, 500 * M, "0.65"),
                (500 * M, 1 * B, "0.55"),
                (1 * B, 1500 * M, "0.50"),
                (1500 * M, 2 * B, "0.45"),
                (2 * B, None, "0.40"),
            ),
            (113, 121),
        ),
        "Lazard Mid-Cap Portfolio": (flat("0.85"), (148, 148)),
        "Lord Abbett Bond Debenture Portfolio": (NoLimit(), (160, 160)),
        "MetLife Defensive Strategy Portfolio": (
            tiered((0, 500 * M, "0.10"), (500 * M, 1 * B, "0.075"), (1 * B, None, "0.05")),
            (178, 183),
        ),
        "PIMCO Total Return Portfolio": (flat("0.50"), (210, 210)),  # "50 Basis Points"
        "Pioneer Strategic Income Portfolio": (flat("1.60"), (216, 217)),  # "one hundred sixty basis points (1.60%)"
        "RCM Technology Portfolio": (tiered((0, 1 * B, "1.10"), (1 * B, 1500 * M, "1.00"), (1500 * M, None, "0.95")), (220, 222)),
        "Rainier Large Cap Equity Portfolio": (tiered((0, 1500 * M, "0.80"), (1500 * M, None, "0.75")), (225, 227)),
        "Third Avenue Small Cap Value Portfolio": (flat("0.95"), (233, 233)),  # "0.95 percent"
        "Van Kampen Comstock Portfolio": (flat("0.75"), (239, 239)),  # "seventy-five basis points"
        "Balanced Portfolio": (tiered((0, 1 * B, "0.75"), (1 * B, None, "0.70")), (242, 243)),
        "Bond Portfolio": (tiered((0, 500 * M, "0.500"), (500 * M, 1 * B, "0.475"), (1 * B, None, "0.450")), (246, 249)),
        "High Yield Corporate Bond Portfolio": (  # the name wraps over two lines
            tiered((0, 1 * B, "0.570"), (1 * B, 5 * B, "0.550"), (5 * B, None, "0.525")),
            (252, 255),
        ),
    }
    for name, (limit, lines) in expected.items():
        assert (row(imported, name).limit, row(imported, name).source_lines) == (limit, lines), name
    assert row(imported, "High Yield Corporate Bond Portfolio").limit_text == (
        "0.570% up to$1 billion; 0.550% from $1 billion to $5 billion; and 0.525% in excess of $5 billion"
    )
    terms = {r.portfolio: r.term for r in imported.rows}
    for name in ("Balanced Portfolio", "Bond Portfolio", "High Yield Corporate Bond Portfolio"):
        assert terms.pop(name) == dt.date(2010, 4, 30)  # the New Portfolios
        assert row(imported, name).new_portfolio
    assert terms.pop("Lazard Mid-Cap Portfolio") == dt.date(2008, 10, 31)  # excepted, then named
    assert terms.pop(BATTERYMARCH) == "permanent"
    assert set(terms.values()) == {dt.date(2009, 4, 30)} and len(terms) == 40


def test_wordings_document_changes_against_amendment_12() -> None:
    changes = compare(import_amendment(DOCS / "amendment-013-wordings.txt"), default_history())
    assert changes.against is not None and changes.against.number == 12
    assert changes.added == ("Balanced Portfolio", "Bond Portfolio", "High Yield Corporate Bond Portfolio")
    assert changes.removed == ("Janus Forty Portfolio",)  # dropped
    assert changes.renamed == (("Legg Mason Partners Aggressive Growth Portfolio", "Legg Mason Aggressive Growth Portfolio"),)
    assert changes.limits == (
        (
            "Met/AIM Capital Appreciation Portfolio",
            "1.25%",
            "0.80% to $100M; 0.75% $100M-$200M; 0.70% $200M-$1B; 0.65% over $1B",
        ),
        ("Met/AIM Small Cap Growth Portfolio", "1.05%", "0.88% to $500M; 0.83% over $500M"),
        ("Lazard Mid-Cap Portfolio", "0.80%", "0.85%"),
        ("MetLife Defensive Strategy Portfolio", "0.10%", "0.10% to $500M; 0.075% $500M-$1B; 0.05% over $1B"),
        ("PIMCO Total Return Portfolio", "None", "0.50%"),
        ("Pioneer Strategic Income Portfolio", "1.25%", "1.60%"),
        ("RCM Technology Portfolio", "1.10%", "1.10% to $1B; 1.00% $1B-$1.5B; 0.95% over $1.5B"),
        ("Rainier Large Cap Equity Portfolio", "0.80%", "0.80% to $1.5B; 0.75% over $1.5B"),
        ("Van Kampen Comstock Portfolio", "0.80%", "0.75%"),
    )  # Batterymarch's restored tiers are now the filed text: no change
    terms = {name: (before, after) for name, before, after in changes.terms}
    assert terms.pop("Lazard Mid-Cap Portfolio") == ("until 2008-04-30", "until 2008-10-31")
    assert len(terms) == 39 and set(terms.values()) == {("until 2008-04-30", "until 2009-04-30")}


# Amendment No. 14 (test document): garbled rows and term problems, each reported with line and reason


def test_garbled_document_reports_every_problem() -> None:
    imported = import_amendment(DOCS / "amendment-014-garbled.txt")
    assert imported.problems == (
        Problem(
            35,
            "Alpha Portfolio",
            'limit text not read: part 2, "0.55% of such assets over $500 million up to assets over $1 billion up to $1.5 '
            'billion", names 3 amounts ($500 million, $1 billion, $1.5 billion) for one rate, where a band has at most two.',
            "limit",
        ),
        Problem(
            42,
            "Beta Portfolio",
            "limit text not read: the tiers it states do not fit together: tier 2 starts at 600,000,000 but tier 1 ends at "
            "500,000,000 (a gap).",
            "limit",
        ),
        Problem(47, "Gamma Portfolio", "limit text not read: the rate 12.50% is outside (0%, 10%).", "limit"),
        Problem(
            50, "Delta Portfolio", 'limit text not read: "fifty basis points" is 0.50% but "0.60%" beside it is 0.60%.', "limit"
        ),
        Problem(
            54,
            "Epsilon Portfolio",
            "limit text not read: the rates change once assets reach a level and then stay changed (a one-way switch); a "
            "tier table cannot hold that.",
            "limit",
        ),
        Problem(64, "Eta Portfolio", 'limit text not read: "0.80" is a number with neither "%" nor "$".', "limit"),
        Problem(67, "Theta Portfolio", "limit text not read: the limit cell is empty.", "limit"),
        Problem(70, None, 'row not read: limit text with no portfolio name beside it: "0.90%".', "limit"),
        Problem(
            76,
            "Lambda Portfolio",
            "limit text not read: the tiers it states do not fit together: tier 2 starts at 400,000,000 but tier 1 ends at "
            "500,000,000 (they overlap).",
            "limit",
        ),
        Problem(87, "Kappa Portfolio", "listed twice in Schedule A (first as 'Kappa Portfolio')."),
        Problem(
            89,
            "Iota Portfolio",
            'row not read: text runs across the column boundary at line 89: "Iota Portfolio                                '
            '0.70%".',
            "limit",
        ),
        Problem(None, "Pi Portfolio", "the amendment adds this New Portfolio, but Schedule A does not list it."),
        Problem(22, "Nu Portfolio", 'the term clause names "Nu Portfolio", which is not in Schedule A.'),
        Problem(22, "Mu Portfolio", "the term clause gives it no end date and does not make it permanent.", "term"),
        Problem(
            22,
            "Omicron Portfolio",
            "the term clause gives it more than one term (permanent [b] and until 2010-04-30 [a]).",
            "term",
        ),
    )
    assert row(imported, "Kappa Portfolio").limit == flat("0.50")  # the first listing stays; the second is a problem
    assert row(imported, "Iota Portfolio").limit_text == "0.70%"
    # limit_wordings.md 7, wrapped over lines 59-61: one row per class group, each with its own words as filed
    zeta = [(r.share_classes, r.limit_text, r.limit, r.source_lines) for r in imported.rows if r.portfolio == "Zeta Portfolio"]
    assert zeta == [
        (("Institutional",), "0.95% for Institutional Class", flat("0.95"), (59, 61)),
        (("Financial Intermediary",), "1.20% for Financial Intermediary Class", flat("1.20"), (59, 61)),
    ]


def test_a_term_interpretation_resolves_a_term_problem(tmp_path: Path) -> None:
    path = tmp_path / "interpretations.toml"
    path.write_text(
        '[[interpretation]]\nportfolio = "mu portfolio"\nreading = "in force until April 30, 2010, as each Portfolio"\n'
        'note = "The except-list names Mu by mistake."\nauthority = "Letter from the Trust, May 5, 2009"\n'
        "term_end = 2010-04-30\n",
        encoding="utf-8",
    )
    imported = import_amendment(DOCS / "amendment-014-garbled.txt", path)
    mu = row(imported, "Mu Portfolio")
    assert (mu.term, mu.interpretation is not None) == (dt.date(2010, 4, 30), True)
    (problem,) = [p for p in imported.problems if p.portfolio == "Mu Portfolio"]
    assert problem.resolved_by == mu.interpretation
    assert problem.to_dict()["message"] == (
        "the term clause gives it no end date and does not make it permanent. Resolved by the recorded interpretation "
        '(Letter from the Trust, May 5, 2009): "in force until April 30, 2010, as each Portfolio".'
    )
    assert len(imported.unresolved) == 14


# Amendment No. 15 (test document, HTML): <br> in cells, a limit continued in another <tr>, a permanent limitation


def test_html_document() -> None:
    imported = import_amendment(DOCS / "amendment-015.htm")
    h = imported.header
    assert (h.number, h.date, h.manager, h.trust) == (
        15,
        dt.date(2009, 5, 1),
        "MetLife Advisers, LLC",
        "Met Investors Series Trust",
    )
    assert h.prior_amendment_dates == (dt.date(2007, 11, 1), dt.date(2008, 4, 28))
    assert h.new_portfolios == ("SSgA Growth & Income ETF Portfolio",)
    assert imported.problems == ()
    assert imported.rows == (
        ImportedRow("Lazard Mid-Cap Portfolio", "0.80%", (42, 44), flat("0.80"), "permanent", term_from="c"),
        ImportedRow(
            "Met/AIM Capital Appreciation Portfolio",
            "0.80% of the first $100 million of such assets plus 0.75% of such assets over $100 million up to $200 million "
            "plus 0.70% of such assets over $200 million up to $1 billion plus 0.65% of such assets over $1 billion",
            (47, 57),
            tiered((0, 100 * M, "0.80"), (100 * M, 200 * M, "0.75"), (200 * M, 1 * B, "0.70"), (1 * B, None, "0.65")),
            dt.date(2010, 4, 30),
            term_from="b",
        ),
        ImportedRow(
            "SSgA Growth & Income ETF Portfolio",
            "forty-five basis points",
            (60, 62),
            flat("0.45"),
            dt.date(2011, 4, 30),
            new_portfolio=True,
            term_from="a",
        ),
        ImportedRow("PIMCO Total Return Portfolio", "None", (65, 67), NoLimit(), dt.date(2010, 4, 30), term_from="b"),
    )


def test_impossible_dates_in_the_prose_are_problems_not_crashes(tmp_path: Path) -> None:
    # Prose problems point at the first line of their paragraph: 14 ("as amended on ..."), 26 (the term clause).
    text = (DOCS / "amendment-015.htm").read_text(encoding="utf-8")
    text = text.replace("until April&nbsp;30, 2011", "until April&nbsp;31, 2011").replace("April&nbsp;28, 2008", "April 31, 2008")
    path = tmp_path / "amendment-015.htm"
    path.write_text(text, encoding="utf-8")
    imported = import_amendment(path)
    assert imported.problems == (
        Problem(14, None, "a prior amendment date 'April 31, 2008' is not a calendar date (day is out of range for month)."),
        Problem(
            26,
            None,
            "the end date for the New Portfolio 'April 31, 2011' is not a calendar date (day is out of range for month).",
        ),
        Problem(
            26,
            "SSgA Growth & Income ETF Portfolio",
            "the term clause gives it no end date and does not make it permanent.",
            "term",
        ),
    )


def test_the_term_clause_is_kept_as_prose_and_written_back_exactly(tmp_path: Path) -> None:
    text = (DOCS / "amendment-013-wordings.txt").read_text(encoding="utf-8")
    path = tmp_path / "amendment-013.txt"
    spaced = text.replace("Schedule A (except Batterymarch", "Schedule A  (except\tBatterymarch")
    assert spaced != text
    path.write_text(spaced, encoding="utf-8")
    imported = import_amendment(path)
    assert "set forth in Amendment No. 13 to Schedule A (except Batterymarch Growth and Income" in imported.term_clause
    (tmp_path / "data").mkdir()
    toml_path, _ = write_amendment(imported, tmp_path / "data", None)
    assert load_amendment(toml_path).term_clause == imported.term_clause


def test_a_wrapped_cell_line_of_digits_is_text_but_a_centred_page_number_is_not(tmp_path: Path) -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    lazard = "Lazard Mid-Cap Portfolio                        0.80%\n"
    wrapped = "Lazard Mid-Cap Portfolio                        0.80% until April 30,\n" + " " * 48 + "2008\n"
    centred = "\n" + " " * 38 + "12\n\n"
    path = tmp_path / "amendment-012.txt"
    path.write_text(text.replace(lazard, wrapped + centred), encoding="utf-8")
    imported = import_amendment(path)
    assert row(imported, "Lazard Mid-Cap Portfolio").limit_text == "0.80% until April 30, 2008"
    assert row(imported, "Lazard Mid-Cap Portfolio").source_lines == (139, 140)
    assert [p.line for p in imported.problems] == [103, 139]  # Batterymarch, and Lazard's unreadable wording


# Interpretations files: refused when they would not resolve a problem, or cannot be read


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            'portfolio = "Janus Forty"\nreading = "1.25%"\nnote = "n"\nauthority = "a"',
            "interpretation 1: 'Janus Forty Portfolio' has no problem this entry resolves; an interpretation never "
            "replaces text that reads as filed. Remove the entry.",
        ),
        (
            'portfolio = "Nope Portfolio"\nreading = "1.25%"\nnote = "n"\nauthority = "a"',
            "interpretation 1: 'Nope Portfolio' is not in Schedule A of ",
        ),
        (
            'portfolio = "Batterymarch Growth and Income"\nreading = "0.65% of the first $500 million"\nnote = "n"\n'
            'authority = "a"',
            "interpretation 1: the reading for 'Batterymarch Growth and Income Portfolio' is not read: the tiers it states "
            "do not fit together: the last tier ends at 500,000,000; it must be open-ended.",
        ),
        ('portfolio = "Batterymarch Growth and Income"\nreading = "0.65%"\nnote = ""', "interpretation 1: field 'note' must be "),
        (
            'portfolio = "x"\nreading = "x"\nnote = "x"\nauthority = "x"\nterm_end = 2009-04-30\npermanent = true',
            "interpretation 1: gives both 'term_end' and 'permanent'; give one.",
        ),
    ],
)
def test_interpretations_that_resolve_nothing_or_cannot_be_read_are_refused(tmp_path: Path, entry: str, message: str) -> None:
    path = tmp_path / "i.toml"
    path.write_text(f"[[interpretation]]\n{entry}\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        import_amendment(REFERENCE, path)
    assert str(info.value).startswith(f"{path}: {message}")
