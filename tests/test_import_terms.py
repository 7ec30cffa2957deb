"""Amendments as the Trust's later filings word them: defined terms, group term clauses, table-form breakpoints.

Every document here is written for the test in the filed fixed-width form (tests/filed.py) with
made-up names, rates and dates; the wordings are those of the filed amendments in
shared/agreements/real-excerpts (a "New Portfolios" list one name a line, "with respect the existing
Portfolios", "other than the New Portfolio set forth in ...", a definition inside the except-list).
Expected terms are written out by hand from each document's term clause.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.filed import TERM_HEADING, THEREAFTER, flat, imported, terms, tiered
from xlcap.agreements.limits import NoLimit
from xlcap.importing.imported import Problem, import_amendment

M, B = 10**6, 10**9
SCHEDULE = "2. Schedule A. Schedule A to the Agreement, as amended, which sets forth the Portfolios of the Trust, is hereby "


def test_new_portfolios_listed_one_a_line_table_form_breakpoints_and_the_filings_typo(tmp_path: Path) -> None:
    names = ["Juniper Global Bond Portfolio", "Kestrel Small Cap Portfolio", "Larch Dividend Portfolio"]
    amendment = imported(
        tmp_path,
        16,
        [
            '1. New Portfolios. The Manager and the Trust have determined to add the following portfolios ("New '
            'Portfolios") to the Agreement on the terms and conditions contained in the Agreement, and at the level of '
            "the expense limitation applicable to each New Portfolio as set forth in the attached schedule:",
            "\n".join(" " * 18 + name for name in names),
            SCHEDULE + "replaced in its entirety by Amendment No. 16 to Schedule A attached hereto.",
            TERM_HEADING,
            "This Agreement shall continue in effect until April 30, 2011 with respect the existing Portfolios set forth in "
            "Amendment No. 16 to Schedule A (except Hawthorn Income and Growth Portfolio and Ibis Real Return Portfolio) "
            "and with respect to all of the New Portfolios until April 30, 2012. The expense limitation for the Hawthorn "
            "Income and Growth Portfolio is permanent. This Agreement shall continue in effect with respect to the Ibis "
            "Real Return Portfolio until October 31, 2010." + THEREAFTER,
        ],
        [
            ("Aspen Core Equity Portfolio", "0.85%"),
            ("Birch Mid-Cap Value Portfolio", "0.90% First $100 million 0.85% Next $400 million 0.80% Excess of $500 million"),
            ("Cedar Municipal Portfolio", "First $1B 0.625% $1B to $2.5B 0.600% Over $2.5B 0.575%"),
            ("Hawthorn Income and Growth Portfolio", "0.70% of first $750MM, 0.65% of next $750MM, 0.60% on excess"),
            ("Ibis Real Return Portfolio", "None"),
            ("Juniper Global Bond Portfolio", "0.725%"),
            (
                "Kestrel Small Cap Portfolio",
                "1.10% up to $250 million; 1.05% from $250 million to $1 billion; and 1.00% in excess of $1 billion",
            ),
            ("Larch Dividend Portfolio", "0.80%"),
        ],
    )
    assert amendment.problems == ()
    assert amendment.header.new_portfolios == tuple(names)
    assert [r.portfolio for r in amendment.rows if r.new_portfolio] == names
    assert {r.portfolio: r.limit for r in amendment.rows} == {
        "Aspen Core Equity Portfolio": flat("0.85"),
        # table form, a rate then its band, incremental: 0-100M, 100M + 400M = 500M, over 500M
        "Birch Mid-Cap Value Portfolio": tiered((0, 100 * M, "0.90"), (100 * M, 500 * M, "0.85"), (500 * M, None, "0.80")),
        # table form, a band then its rate, cumulative
        "Cedar Municipal Portfolio": tiered((0, B, "0.625"), (B, 2500 * M, "0.600"), (2500 * M, None, "0.575")),
        # "of first ... of next ... on excess", $750MM: 0-750M, 750M + 750M = 1.5B, over 1.5B
        "Hawthorn Income and Growth Portfolio": tiered(
            (0, 750 * M, "0.70"), (750 * M, 1500 * M, "0.65"), (1500 * M, None, "0.60")
        ),
        "Ibis Real Return Portfolio": NoLimit(),
        "Juniper Global Bond Portfolio": flat("0.725"),
        "Kestrel Small Cap Portfolio": tiered((0, 250 * M, "1.10"), (250 * M, B, "1.05"), (B, None, "1.00")),
        "Larch Dividend Portfolio": flat("0.80"),
    }
    # existing = the five rows that are not New Portfolios; minus Hawthorn (permanent) and Ibis (its own date)
    assert terms(amendment) == {
        "Aspen Core Equity Portfolio": dt.date(2011, 4, 30),
        "Birch Mid-Cap Value Portfolio": dt.date(2011, 4, 30),
        "Cedar Municipal Portfolio": dt.date(2011, 4, 30),
        "Hawthorn Income and Growth Portfolio": "permanent",
        "Ibis Real Return Portfolio": dt.date(2010, 10, 31),
        "Juniper Global Bond Portfolio": dt.date(2012, 4, 30),
        "Kestrel Small Cap Portfolio": dt.date(2012, 4, 30),
        "Larch Dividend Portfolio": dt.date(2012, 4, 30),
    }
    a, b, c, d = amendment.resolutions
    assert (a.term, a.steps, a.members) == (
        dt.date(2011, 4, 30),
        (
            '"existing Portfolios": the 5 rows of this Schedule A that are not New Portfolios',
            "except Hawthorn Income and Growth Portfolio, Ibis Real Return Portfolio",
        ),
        ("Aspen Core Equity Portfolio", "Birch Mid-Cap Value Portfolio", "Cedar Municipal Portfolio"),
    )
    assert (b.subject, b.steps) == (
        "all of the New Portfolios",
        (f'"New Portfolios": defined at line 13 by ("New Portfolios") as {", ".join(names)}',),
    )
    assert [(r.subject, r.term) for r in (c, d)] == [
        ("the Hawthorn Income and Growth Portfolio", "permanent"),
        ("the Ibis Real Return Portfolio", dt.date(2010, 10, 31)),
    ]
    assert {r.portfolio: r.term_from for r in amendment.rows} == dict(
        zip(terms(amendment), ["a", "a", "a", "c", "d", "b", "b", "b"], strict=True)
    )


def test_new_portfolios_defined_by_the_heading_and_again_inside_the_except_list(tmp_path: Path) -> None:
    rows = [(n, "0.75%") for n in ("Aspen Core Equity Portfolio", "Mesa Portfolio", "Nimbus Portfolio", "Onyx Portfolio")]
    sections = [
        "1. New Portfolios. The Manager and the Trust have determined to add the Mesa Portfolio, the Nimbus Portfolio and "
        "the Onyx Portfolio to the Agreement on the terms and conditions contained in the Agreement.",
        TERM_HEADING,
        "This Agreement shall continue in effect until April 30, 2011 with respect to all of the Portfolios (except the "
        'Mesa Portfolio, the Nimbus Portfolio and the Onyx Portfolio (together, the "New Portfolios")) and until April 30, '
        "2012 with respect to all of the New Portfolios." + THEREAFTER,
    ]
    amendment = imported(tmp_path, 17, sections, rows)
    assert amendment.problems == ()
    assert amendment.header.new_portfolios == ("Mesa Portfolio", "Nimbus Portfolio", "Onyx Portfolio")
    assert [(d.term, d.line, d.how) for d in amendment.definitions] == [
        ("New Portfolios", 13, "the heading of section 1"),
        ("New Portfolios", 20, '(together, the "New Portfolios")'),  # the line its paragraph starts on
    ]
    assert terms(amendment) == {
        "Aspen Core Equity Portfolio": dt.date(2011, 4, 30),
        "Mesa Portfolio": dt.date(2012, 4, 30),
        "Nimbus Portfolio": dt.date(2012, 4, 30),
        "Onyx Portfolio": dt.date(2012, 4, 30),
    }
    assert amendment.resolutions[0].steps == (
        '"all of the Portfolios": all 4 rows of this Schedule A',
        "except Mesa Portfolio, Nimbus Portfolio, Onyx Portfolio",  # named, and defined as the New Portfolios
    )
    # The two definitions must agree: a clause that defines the group otherwise is a problem, not a choice.
    sections[2] = sections[2].replace(
        "the Nimbus Portfolio and the Onyx", "the Nimbus Portfolio, the Aspen Core Equity Portfolio and the Onyx"
    )
    amendment = imported(tmp_path, 17, sections, rows)
    assert amendment.problems[0] == Problem(
        20, None, '"New Portfolios" is defined twice with different portfolios (line 13 and line 20).', "document"
    )


def test_the_base_agreements_each_a_portfolio_is_not_a_group(tmp_path: Path) -> None:
    rows = [("Aspen Core Equity Portfolio", "0.85%"), ("Birch Mid-Cap Value Portfolio", "0.90%")]
    sections = [
        'Recitals. The Trust, on behalf of each of its series listed in Schedule A (each a "Portfolio"), and the '
        "Manager are parties to the Agreement.",
        TERM_HEADING,
        "This Agreement shall continue in effect until April 30, 2011 with respect to each Portfolio." + THEREAFTER,
    ]
    amendment = imported(tmp_path, 27, sections, rows)
    assert (amendment.definitions, amendment.problems) == ((), ())
    assert set(terms(amendment).values()) == {dt.date(2011, 4, 30)}


def test_all_other_than_the_new_portfolio_then_the_new_portfolio(tmp_path: Path) -> None:
    rows = [("Aspen Core Equity Portfolio", "0.85%"), ("Quartz Portfolio", "0.95%"), ("Ibis Real Return Portfolio", "None")]
    amendment = imported(
        tmp_path,
        18,
        [
            '1. New Portfolio. The Manager and the Trust have determined to add the Quartz Portfolio, ("New Portfolio") to '
            "the Agreement on the terms and conditions contained in the Agreement.",
            TERM_HEADING,
            "This Agreement shall continue in effect with respect to all of the Portfolios, other than the New Portfolio set "
            "forth in Amendment No. 18 to Schedule A, until April 30, 2011, and, with respect to the New Portfolio, until "
            "April 30, 2012, and shall thereafter continue in effect with respect to each Portfolio from year to year "
            "provided such continuance is specifically approved by a majority of the Independent Trustees.",
        ],
        rows,
    )
    assert amendment.problems == ()
    assert terms(amendment) == {
        "Aspen Core Equity Portfolio": dt.date(2011, 4, 30),
        "Quartz Portfolio": dt.date(2012, 4, 30),
        "Ibis Real Return Portfolio": dt.date(2011, 4, 30),
    }
    assert [(r.subject, r.members) for r in amendment.resolutions] == [
        (
            "all of the Portfolios, other than the New Portfolio set forth in Amendment No. 18 to Schedule A",
            ("Aspen Core Equity Portfolio", "Ibis Real Return Portfolio"),
        ),
        ("the New Portfolio", ("Quartz Portfolio",)),
    ]


def test_numbered_new_portfolios_each_defined_and_one_clause_for_new_and_existing(tmp_path: Path) -> None:
    rows = [("Aspen Core Equity Portfolio", "0.85%"), ("Pine Portfolio", "0.65%"), ("Quill Portfolio", "0.70%")]
    rows.append(("Birch Mid-Cap Value Portfolio", "0.90%"))
    amendment = imported(
        tmp_path,
        19,
        [
            "1. New Portfolios. The Manager and the Trust have determined to add the (1) Pine Portfolio and (2) Quill "
            'Portfolio (each a "New Portfolio") to the Agreement.',
            TERM_HEADING,
            "This Agreement shall continue in effect until April 30, 2013 with respect to the New Portfolios and the existing "
            "Portfolios set forth in Amendment No. 19 to Schedule A (except Aspen Core Equity Portfolio). The expense "
            "limitation for the Aspen Core Equity Portfolio is permanent." + THEREAFTER,
        ],
        rows,
    )
    assert amendment.problems == ()
    assert amendment.header.new_portfolios == ("Pine Portfolio", "Quill Portfolio")
    assert terms(amendment) == {
        "Aspen Core Equity Portfolio": "permanent",
        "Pine Portfolio": dt.date(2013, 4, 30),
        "Quill Portfolio": dt.date(2013, 4, 30),
        "Birch Mid-Cap Value Portfolio": dt.date(2013, 4, 30),
    }


def test_what_does_not_resolve_is_a_problem_with_its_line(tmp_path: Path) -> None:
    rows = [("Aspen Core Equity Portfolio", "0.85%"), ("Pine Portfolio", "0.65%"), ("Birch Mid-Cap Value Portfolio", "0.90%")]
    amendment = imported(
        tmp_path,
        20,
        [
            '1. New Portfolio. The Manager and the Trust have determined to add the Pine Portfolio ("New Portfolio") to the '
            "Agreement.",
            TERM_HEADING,
            "This Agreement shall continue in effect until April 30, 2011 with respect to the existing Portfolios set forth "
            "in Amendment No. 19 to Schedule A (except the Pine Portfolio) and until April 30, 2012 with respect to the "
            "Equity Portfolios. This Agreement shall continue in effect with respect to the Birch Mid-Cap Value Portfolio "
            "until October 31, 2010." + THEREAFTER,
        ],
        rows,
    )
    line = 19  # the term clause's first line
    assert amendment.problems == (
        Problem(
            line,
            None,
            'the term clause speaks of "set forth in Amendment No. 19 to Schedule A", which is not this amendment\'s '
            "Schedule A (Amendment No. 20).",
        ),
        Problem(
            line,
            "Pine Portfolio",
            'the term clause excepts it from "the existing Portfolios set forth in Amendment No. 19 to Schedule A (except '
            'the Pine Portfolio)", which does not include it.',
            "term",
        ),
        Problem(line, None, 'the term clause speaks of "Equity Portfolios", a group the amendment does not define.'),
        Problem(line, "Pine Portfolio", "the term clause gives it no end date and does not make it permanent.", "term"),
        Problem(
            line,
            "Birch Mid-Cap Value Portfolio",
            "the term clause gives it more than one term (until 2010-10-31 [c] and until 2011-04-30 [a]).",
            "term",
        ),
    )
    assert terms(amendment)["Aspen Core Equity Portfolio"] == dt.date(2011, 4, 30)


def test_a_listed_name_with_funds_in_it_and_a_misspelt_new_portfolio(tmp_path: Path) -> None:
    rows = [
        ("Granite Funds Bond Portfolio", "0.60%"),
        ("Granite Funds Growth Portfolio", "0.70%"),
        ("Van Kampf Value Portfolio", "0.80%"),
    ]
    amendment = imported(
        tmp_path,
        22,
        [
            '1. New Portfolios. The Manager and the Trust have determined to add the following portfolios ("New '
            'Portfolios") to the Agreement:',
            " " * 18
            + "Granite Funds Bond Portfolio\n"
            + " " * 18
            + "Granite Funds Growth Portfolio\n"
            + " " * 18
            + "Van Kampe Value Portfolio",
            TERM_HEADING,
            "This Agreement shall continue in effect until April 30, 2012 with respect to the New Portfolios." + THEREAFTER,
        ],
        rows,
    )
    assert amendment.header.new_portfolios == (
        "Granite Funds Bond Portfolio",
        "Granite Funds Growth Portfolio",
        "Van Kampe Value Portfolio",
    )
    assert amendment.problems == (  # the filings' own kind of typo ("Van Kamper"): reported, with the row it may mean
        Problem(
            None,
            "Van Kampe Value Portfolio",
            "the amendment adds this New Portfolio, but Schedule A does not list it (the closest row is 'Van Kampf Value "
            "Portfolio').",
        ),
        Problem(23, "Van Kampf Value Portfolio", "the term clause gives it no end date and does not make it permanent.", "term"),
    )


HTML_FILING = """<html><body>
<p>AMENDMENT NO. 24 to the Amended and Restated Expense Limitation Agreement,
dated as of May&nbsp;1, 2011, by and between MetLife Advisers, LLC (the
&ldquo;Manager&rdquo;) and Met Investors Series Trust (the &ldquo;Trust&rdquo;).</p>
<p>The Manager and the Trust hereby agree to modify and amend the Amended and Restated Expense Limitation
Agreement effective as of October 9, 2001 (the &ldquo;Agreement&rdquo;) between Met Investors Advisory Corp.
and the Trust, as amended on November&nbsp;1, 2007 and April&nbsp;28, 2008.</p>
<p>1. New Portfolios. The Manager and the Trust have determined to add the following portfolios
(&ldquo;New Portfolios&rdquo;) to the Agreement:</p>
<p style="margin-left: 1in">Sorrel Emerging Debt Portfolio</p>
<p style="margin-left: 1in">Teasel Managed Volatility Portfolio</p>
<p>3. Term and Termination of Agreement. The Term and Termination provisions of this Agreement are amended as
follows:</p>
<p>This Agreement shall continue in effect until April&nbsp;30, 2012 with respect the existing Portfolios set
forth in Amendment No. 24 to Schedule A (except Aspen Core Equity Portfolio) and until April&nbsp;30, 2013 with
respect to each of the New Portfolios. The expense limitation for the Aspen Core Equity Portfolio is
permanent. The Agreement shall thereafter continue in effect from year to year.</p>
<table>
<tr><td>Name of Portfolio</td><td>Maximum Annual<br>Operating Expense Limit</td></tr>
<tr><td>Aspen Core Equity Portfolio</td><td>0.85%</td></tr>
<tr><td>Birch Mid-Cap Value Portfolio</td><td>0.90%&nbsp;&nbsp;First $100 million<br>0.85%&nbsp;&nbsp;Next
$400 million<br>0.80%&nbsp;&nbsp;Excess of $500 million</td></tr>
<tr><td>Sorrel Emerging Debt Portfolio</td><td>Up to $1 billion: 0.700%<br>Over $1 billion: 0.675%</td></tr>
<tr><td>Teasel Managed Volatility Portfolio</td><td>0.35%</td></tr>
</table></body></html>
"""


def test_an_html_filing_with_the_new_portfolios_one_a_paragraph_and_breakpoints_one_a_line(tmp_path: Path) -> None:
    path = tmp_path / "amendment-024.htm"
    path.write_text(HTML_FILING, encoding="utf-8")
    amendment = import_amendment(path)
    assert amendment.problems == ()
    assert amendment.header.new_portfolios == ("Sorrel Emerging Debt Portfolio", "Teasel Managed Volatility Portfolio")
    assert {r.portfolio: (r.limit, r.term, r.term_from) for r in amendment.rows} == {
        "Aspen Core Equity Portfolio": (flat("0.85"), "permanent", "c"),
        "Birch Mid-Cap Value Portfolio": (
            tiered((0, 100 * M, "0.90"), (100 * M, 500 * M, "0.85"), (500 * M, None, "0.80")),
            dt.date(2012, 4, 30),
            "a",
        ),
        "Sorrel Emerging Debt Portfolio": (tiered((0, B, "0.700"), (B, None, "0.675")), dt.date(2013, 4, 30), "b"),
        "Teasel Managed Volatility Portfolio": (flat("0.35"), dt.date(2013, 4, 30), "b"),
    }


def test_a_group_defined_in_its_own_section_and_a_name_it_lists_that_schedule_a_lacks(tmp_path: Path) -> None:
    rows = [
        ("Aspen Core Equity Portfolio", "0.85%"),
        ("Birch Mid-Cap Value Portfolio", "0.90%"),
        ("Elm Total Return Portfolio", "0.60%"),
    ]
    sections = [
        "2. Core Portfolios. The provisions of this section apply with respect to the Aspen Core Equity Portfolio and the "
        'Elm Total Return Portfolio (together, the "Core Portfolios").',
        TERM_HEADING,
        "This Agreement shall continue in effect until April 30, 2012 with respect to the Core Portfolios and until April "
        "30, 2011 with respect to all of the Portfolios (except the Core Portfolios)." + THEREAFTER,
    ]
    amendment = imported(tmp_path, 25, sections, rows)
    assert amendment.problems == ()
    assert terms(amendment) == {
        "Aspen Core Equity Portfolio": dt.date(2012, 4, 30),
        "Birch Mid-Cap Value Portfolio": dt.date(2011, 4, 30),
        "Elm Total Return Portfolio": dt.date(2012, 4, 30),
    }
    assert amendment.resolutions[1].steps == (
        '"all of the Portfolios": all 3 rows of this Schedule A',
        '"Core Portfolios": defined at line 13 by (together, the "Core Portfolios") as Aspen Core Equity Portfolio, Elm '
        "Total Return Portfolio",
        "except Aspen Core Equity Portfolio, Elm Total Return Portfolio",
    )
    # The group names a portfolio Schedule A does not list: reported where the group is used, never dropped quietly.
    sections[0] = sections[0].replace("the Elm Total Return Portfolio", "the Zinnia Portfolio")
    amendment = imported(tmp_path, 25, sections, rows)
    assert amendment.problems == (
        Problem(
            20, "Zinnia Portfolio", 'the definition of "Core Portfolios" (line 13) names it, but Schedule A does not list it.'
        ),
    )
    assert terms(amendment)["Elm Total Return Portfolio"] == dt.date(2011, 4, 30)  # no longer a Core Portfolio
