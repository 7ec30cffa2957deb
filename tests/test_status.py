"""Three states without a limit, three words: no schedule on file, term ended, and "None" (no limit by agreement).

Each has its own word in capcalc, in the workbook's status formula (recalculated by LibreOffice),
its own colour, and its own line on the console. Before issue 12 the first two both read "Not in force".
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import LAZARD_AT_85, add_test_amendment
from tests.libreoffice import SOFFICE, convert
from tests.workbooks import build
from xlcap import default_history
from xlcap.agreements.datafiles import load_history
from xlcap.cli import main
from xlcap.report.compute import schedule_state
from xlcap.report.status import NO_LIMIT, NO_SCHEDULE, STATES, TERM_ENDED

needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None and os.environ.get("CI") != "true", reason="LibreOffice not installed (CI installs it)"
)
HEADER = "Month,Portfolio,Average net assets,Days,Management fee,Other expenses\n"


def test_the_states_without_a_limit_have_distinct_words_and_colours() -> None:
    quiet = [s for s in STATES if not s.live]
    assert [s.word for s in quiet] == [NO_LIMIT, NO_SCHEDULE, TERM_ENDED]
    assert len({s.word for s in STATES}) == len({(s.font, s.fill) for s in STATES}) == len(STATES)


def test_schedule_state_names_why_no_limit_is_in_force(data_dir: Path) -> None:
    history = default_history()
    # Amendment No. 12 (November 1, 2007) is the first on file; Lazard's term runs until April 30, 2008.
    assert schedule_state(history, "Lazard Mid-Cap Portfolio", dt.date(2007, 10, 31))[2] == NO_SCHEDULE
    assert schedule_state(history, "Lazard Mid-Cap Portfolio", dt.date(2008, 4, 30))[2] is None
    assert schedule_state(history, "Lazard Mid-Cap Portfolio", dt.date(2008, 5, 1))[2] == TERM_ENDED
    assert schedule_state(history, "PIMCO Total Return Portfolio", dt.date(2008, 1, 31))[2] is None  # "None" is a limit row
    # A made-up Amendment No. 13 (February 1, 2008) lists Lazard and a new portfolio only: the others are dropped
    # (term ended, with No. 13 named), and the new one had no schedule on file before No. 13.
    new = '[[portfolio]]\nname = "Test New Portfolio"\nlimit_text = "0.90%"\nsource_lines = [3, 3]\n'
    new += 'limit = { kind = "flat", rate = "0.90%" }\nterm_end = 2009-04-30\nnew_portfolio = true\n'
    add_test_amendment(data_dir, 13, "2008-02-01", "AMENDMENT NO. 13 (test)\nLazard 0.85%\nNew 0.90%\n", LAZARD_AT_85 + new)
    later = load_history(data_dir)
    amendment, row, why = schedule_state(later, "Janus Forty Portfolio", dt.date(2008, 2, 29))
    assert (amendment.number if amendment else None, row, why) == (13, None, TERM_ENDED)
    assert schedule_state(later, "Test New Portfolio", dt.date(2008, 1, 31))[2] == NO_SCHEDULE
    assert schedule_state(later, "Test New Portfolio", dt.date(2008, 2, 29))[2] is None


def _conditional_colours(path: Path, sheet: str) -> dict[str, tuple[str | None, str | None]]:
    ws = openpyxl.load_workbook(path)[sheet]
    colours = {}
    for rng in ws.conditional_formatting:
        for rule in rng.rules:
            if rule.type == "cellIs" and rule.formula and rule.formula[0].startswith('"'):
                font = rule.dxf.font.color.rgb if rule.dxf.font and rule.dxf.font.color else None
                fill = rule.dxf.fill.bgColor.rgb if rule.dxf.fill and rule.dxf.fill.bgColor else None
                colours[rule.formula[0].strip('"')] = (font, fill)
    return colours


@pytest.mark.parametrize("sheet", ["Summary", "Year to date"])
def test_each_status_has_its_own_colour_in_the_workbook(tmp_path: Path, sheet: str) -> None:
    colours = _conditional_colours(build(tmp_path / "book.xlsx", "2008-05"), sheet)
    expected = {s.word: (f"FF{s.font[1:]}", f"FF{s.fill[1:]}") for s in STATES if s.font and s.fill}
    assert {word: colour for word, colour in colours.items() if word in expected} == expected  # (and the reconciliation's)
    assert colours[TERM_ENDED] == ("FF9C0006", "FFFFC7CE")  # red: no limit in force until a continuance is recorded
    assert len({colours[w] for w in (NO_LIMIT, NO_SCHEDULE, TERM_ENDED)}) == 3


@needs_libreoffice
def test_libreoffice_reaches_the_same_word_for_a_dropped_portfolio(data_dir: Path, tmp_path: Path) -> None:
    """The status formula tells "term ended" (an amendment in force that no longer lists it) from "no schedule"."""
    add_test_amendment(data_dir, 13, "2008-02-01", "AMENDMENT NO. 13 (test)\nLazard 0.85%\n", LAZARD_AT_85)
    rows = [
        f"2008-0{m},{p},100000000,{d},80000,20000\n" for p in ("Janus Forty", "Lazard Mid-Cap") for m, d in ((1, 31), (2, 29))
    ]
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(HEADER + "".join(rows), encoding="utf-8")
    path = build(tmp_path / "book.xlsx", "2008-02", actuals=actuals, history=load_history(data_dir))
    (again,) = convert([path], tmp_path / "lo")
    for book in (path, again):  # stored by xlcap, then recalculated by LibreOffice
        ws = openpyxl.load_workbook(book, data_only=True)["Year to date"]
        header = [c.value for c in ws[4]]
        got = {
            (r[0], r[1].month): (r[header.index("Amendment")], r[header.index("Limit")], r[header.index("Status")])
            for r in ws.iter_rows(min_row=5, values_only=True)
            if r[0]
        }
        assert got[("Janus Forty Portfolio", 1)] == (12, 0.0125, "Within limit")
        assert got[("Janus Forty Portfolio", 2)] == (13, TERM_ENDED, TERM_ENDED)  # No. 13 does not list Janus Forty
        assert got[("Lazard Mid-Cap Portfolio", 2)] == (13, 0.0085, "Capped")


def test_each_state_has_its_own_line_on_the_console(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipients = tmp_path / "recipients.toml"
    recipients.write_text('[[manager]]\nname = "Lazard"\nportfolios = ["Lazard Mid-Cap"]\nemails = ["x@example.com"]\n')
    months = [(f"2008-0{m}", d) for m, d in ((1, 31), (2, 29), (3, 31), (4, 30), (5, 31))]
    actuals = tmp_path / "actuals.csv"
    actuals.write_text(HEADER + "".join(f"{m},Lazard Mid-Cap,250000000,{d},150000,30000\n" for m, d in months))
    assert main(["report", "--month", "2008-05", "--actuals", str(actuals), "--recipients", str(recipients),
                 "--out", str(tmp_path / "may")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert out.endswith(
        "Term ended in 2008-05: Lazard Mid-Cap Portfolio. The limitation term ended (or a later amendment dropped the "
        "portfolio) and no continuance is recorded: no limit is in force. Record an approved continuance in events.toml.\n"
    )
    actuals.write_text(HEADER + "2007-10,Lazard Mid-Cap,250000000,31,150000,30000\n")
    assert main(["report", "--month", "2007-10", "--actuals", str(actuals), "--recipients", str(recipients),
                 "--out", str(tmp_path / "october")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "\nNo schedule on file in 2007-10: Lazard Mid-Cap Portfolio. No Schedule A on file covers the portfolio" in out
    assert "Term ended" not in out
