"""Term clauses over random groups of portfolios (hypothesis), with definitions and exceptions, written in the
wordings of the Trust's filed amendments into made-up documents (tests/filed.py); every row's term read back,
and every row pointing at the grant that gave it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.filed import TERM_HEADING, THEREAFTER, imported, terms

POOL = [
    *("Aspen Core Equity", "Birch Mid-Cap Value", "Cedar Municipal", "Dogwood Growth and Income", "Elm Total Return"),
    *("Fir Real Estate", "Gum Tree Emerging Markets", "Hawthorn Income and Growth", "Ibis Real Return", "Juniper Bond"),
    *("Kestrel Small Cap", "Larch Dividend", "Maple Growth & Value", "Nimbus Capital Appreciation", "Onyx Inflation"),
    *("Pine Strategic Income", "Quill Large-Cap Core", "Rowan Balanced Allocation", "Met/Sable Global Markets"),
]
DATES = [dt.date(y, m, d) for y in range(2010, 2014) for m, d in ((4, 30), (10, 31))]
NEW_STYLES = ("paren", "together", "each", "individually", "heading", "following", "numbered", "in-except")
CLAUSE_STYLES = ("reference", "typo", "other-than", "union")


def listed(names: list[str], the: bool) -> str:
    names = [f"the {n}" if the else n for n in names]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def new_term(new: list[str]) -> str:
    return "New Portfolio" if len(new) == 1 else "New Portfolios"


def section_1(new: list[str], style: str, the: bool) -> list[str]:
    term = new_term(new)
    opening = "1. New Portfolios. The Manager and the Trust have determined to add "
    rest = " to the Agreement on the terms and conditions contained in the Agreement."
    if style == "paren":
        return [f'{opening}{listed(new, the)}, ("{term}"){rest}']
    if style in ("together", "each"):
        how = "together, the" if style == "together" else "each a"
        return [f'{opening}{listed(new, the)} ({how} "{term if style == "together" else "New Portfolio"}"){rest}']
    if style == "individually":
        return [f'{opening}{listed(new, the)} (individually, a "New Portfolio" and collectively, the "New Portfolios"){rest}']
    if style in ("heading", "in-except"):  # in-except: the heading defines them, and the clause again
        return [f"{opening}{listed(new, the)}{rest}"]
    if style == "numbered":
        return [f'{opening}{" and ".join(f"({i}) {n}" for i, n in enumerate(new, 1))} ("{term}"){rest}']
    return [  # following: one name a line after the colon
        f'{opening}the following portfolios ("{term}") to the Agreement at the level of the expense limitation set '
        "forth in the attached schedule:",
        "\n".join(" " * 18 + n for n in new),
    ]


@st.composite
def term_documents(draw: st.DrawFn) -> tuple[list[str], list[str], dict[str, object], list[str]]:
    """(Schedule A names, New Portfolios, the term each row must get, the sections of the document)."""
    rows = [f"{n} Portfolio" for n in draw(st.lists(st.sampled_from(POOL), min_size=2, max_size=10, unique=True))]
    new = [n for n in rows if draw(st.booleans())]
    existing = [n for n in rows if n not in new]
    d_new, d_old = draw(st.sampled_from(DATES)), draw(st.sampled_from(DATES))
    kinds = {n: draw(st.sampled_from(["group", "group", "permanent", "own"])) for n in existing}
    own = {n: draw(st.sampled_from(DATES)) for n in existing if kinds[n] == "own"}
    excepted = [n for n in existing if kinds[n] != "group"]
    the = draw(st.booleans())
    style = draw(st.sampled_from(NEW_STYLES)) if new else ""
    clause = draw(st.sampled_from(CLAUSE_STYLES))
    if clause == "union" and (not new or d_new != d_old):
        clause = "reference"
    if style == "in-except" or (clause == "other-than" and not new):
        clause = "other-than" if style != "in-except" else "in-except"
    expected: dict[str, object] = {n: d_new for n in new}
    expected |= {n: d_old if kinds[n] == "group" else own.get(n, "permanent") for n in existing}

    exc = f" (except {listed(excepted, the)})" if excepted else ""
    schedule = "set forth in Amendment No. 21 to Schedule A"
    term, day_new, day_old = new_term(new), _day(d_new), _day(d_old)
    if draw(st.booleans()) and style != "in-except":
        term = f'"{term}"'  # the defined term quoted again where the clause uses it
    sentences: list[str] = []
    if clause == "reference":
        first = f"with respect to the {term} until {day_new} and will continue in effect " if new else ""
        sentences.append(
            f"This Agreement shall continue in effect {first}until {day_old} with respect to the existing Portfolios "
            f"{schedule}{exc}."
        )
    elif clause == "typo":  # "with respect the existing Portfolios", then the New Portfolios in a sentence of their own
        sentences.append(
            f"This Agreement shall continue in effect until {day_old} with respect the existing Portfolios {schedule}{exc}."
        )
        if new:
            sentences.append(f"This Agreement shall continue in effect until {day_new} with respect to all of the {term}.")
    elif clause == "union":
        sentences.append(
            f"This Agreement shall continue in effect until {day_old} with respect to the {term} and the existing "
            f"Portfolios {schedule}{exc}."
        )
    elif clause == "other-than":
        others = ([f"the {term}"] if new else []) + [f"the {n}" if the else n for n in excepted]
        if others:
            head = f"with respect to all of the Portfolios, other than {listed(others, False)} {schedule}, until {day_old}"
        else:
            head = f"with respect to all of the Portfolios {schedule} until {day_old}"
        tail = f", and, with respect to the {term}, until {day_new}" if new else ""
        sentences.append(
            f"This Agreement shall continue in effect {head}{tail}, and shall thereafter continue in effect from year to year."
        )
    else:  # in-except: the New Portfolios defined inside the except-list, then named by their term
        inside = f'{listed(new, the)} (together, the "{term}")' + "".join(f", {'the ' * the}{n}" for n in excepted)
        sentences.append(
            f"This Agreement shall continue in effect until {day_old} with respect to all of the Portfolios (except {inside}) "
            f"and until {day_new} with respect to all of the {term}."
        )
    permanent = [n for n in excepted if kinds[n] == "permanent"]
    if permanent:
        verb = "limitation for" if len(permanent) == 1 else "limitations for"
        sentences.append(f"The expense {verb} {listed(permanent, True)} {'is' if len(permanent) == 1 else 'are'} permanent.")
    for n, day in own.items():
        if draw(st.booleans()):
            sentences.append(f"This Agreement shall continue in effect with respect to the {n} until {_day(day)}.")
        else:
            sentences.append(f"This Agreement shall continue in effect until {_day(day)} with respect to the {n}.")
    sections = [*(section_1(new, style, the) if new else []), TERM_HEADING, " ".join(sentences) + THEREAFTER]
    return rows, new, expected, sections


def _day(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(term_documents())
def test_every_rows_term_is_read_back_from_a_generated_clause(
    tmp_path: Path, document: tuple[list[str], list[str], dict[str, object], list[str]]
) -> None:
    rows, new, expected, sections = document
    amendment = imported(tmp_path, 21, sections, [(n, "0.75%") for n in rows])
    assert amendment.problems == (), (sections, amendment.problems)
    assert terms(amendment) == expected
    assert [r.portfolio for r in amendment.rows if r.new_portfolio] == new
    given_by = {r.label: r for r in amendment.resolutions}
    for row in amendment.rows:  # each row names the grant that gave its term, and that grant lists it
        assert row.term_from is not None and row.portfolio in given_by[row.term_from].members
        assert given_by[row.term_from].term == row.term
