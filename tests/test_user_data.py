"""Agreement data the user owns: a folder named by --data or XLCAP_DATA, checked by `xlcap data check`.

The folder here is a copy of the bundled data plus a made-up Amendment No. 13 (not a filing)
that moves Lazard Mid-Cap to 0.85% from June 1, 2008; the bundled answers stay unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import udfs
from tests.conftest import LAZARD_AT_85, add_test_amendment
from xlcap.agreements.datafiles import DATA_ENV, default_history, load_history
from xlcap.cli import main

JULY = ("--assets", "250000000", "--date", "2008-07-31", "--json")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def own(data_dir: Path) -> Path:
    add_test_amendment(data_dir, 13, "2008-06-01", "A made-up amendment: Lazard Mid-Cap at 0.85%.\n", LAZARD_AT_85)
    return data_dir


def test_data_option_and_environment_choose_the_folder(
    own: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 0.85% x 250,000,000 = 2,125,000 under the made-up No. 13; the bundled data has no limit in force then.
    code, out, _ = run(capsys, "--data", str(own), "cap", "Lazard Mid-Cap", *JULY)
    assert (code, '"annual_amount": 2125000.0' in out, '"amendment": 13' in out) == (0, True, True)
    assert run(capsys, "cap", "Lazard Mid-Cap", *JULY)[0] == 1  # term ended 2008-04-30: --data did not stick
    monkeypatch.setenv(DATA_ENV, str(own))
    code, out, _ = run(capsys, "cap", "Lazard Mid-Cap", *JULY)
    assert (code, '"annual_amount": 2125000.0' in out) == (0, True)


def test_excel_functions_read_the_folder_named_by_the_environment(own: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV, str(own))
    assert udfs.expcap("Lazard Mid-Cap", 250e6, dt.datetime(2008, 7, 31)) == pytest.approx(0.0085)
    monkeypatch.delenv(DATA_ENV)
    assert default_history().amendments[-1].number == 12  # back to the bundled data


def test_the_agreement_terms_come_from_its_data(own: Path) -> None:
    (own / "agreement.toml").write_text('term_section = "paragraph 4"\nnotice_days = 60\n', encoding="utf-8")
    (own / "events.toml").write_text(
        '[[termination]]\nportfolio = "Lazard Mid-Cap"\nnotice = 2008-07-01\nreference = "letter of July 1, 2008"\n',
        encoding="utf-8",
    )
    history = load_history(own)
    (row,) = history.in_force(dt.date(2008, 7, 31)).rows_for("Lazard Mid-Cap Portfolio")  # type: ignore[union-attr]
    # 60 days after 2008-07-01: July has 30 days left (to 07-31), August 31 -> 2008-08-30.
    assert row.term_end == dt.date(2008, 8, 30)
    assert row.term_basis == "termination noticed 2008-07-01: letter of July 1, 2008"
    assert history.amendments[0].rows[0].term_basis == "Amendment No. 12, paragraph 4"


def test_a_termination_notice_without_a_recorded_notice_period_is_refused(own: Path) -> None:
    (own / "agreement.toml").unlink()
    (own / "events.toml").write_text(
        '[[termination]]\nportfolio = "Lazard Mid-Cap"\nnotice = 2008-07-01\nreference = "letter"\n', encoding="utf-8"
    )
    with pytest.raises(Exception, match="a termination notice needs the agreement's notice period; record notice_days"):
        load_history(own)


def test_import_write_goes_into_the_users_folder(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_ENV, str(data_dir))
    wordings = Path(__file__).parent / "amendments" / "amendment-013-wordings.txt"
    code, _, err = run(capsys, "import", str(wordings), "--write")
    assert (code, err) == (
        0,
        f"Wrote {data_dir / 'amendment-013.toml'} and {data_dir / 'amendment-013.txt'}; review them before merging.\n",
    )


def test_data_check_of_the_bundled_data(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "data", "check")
    assert code == 0
    assert out.endswith("xlcap/data: 1 amendment, 43 Schedule A rows; no problems.\n")


def test_data_check_reports_every_problem_with_file_and_line(own: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = own / "amendment-012.toml"
    text = path.read_text(encoding="utf-8")
    rows = [i for i, line in enumerate(text.splitlines(), 1) if line == "[[portfolio]]"]
    ten = next(r for r in load_history_rows(own) if r[1] == "1.00%")  # the row whose text is damaged below
    # Two bad rows (an unknown kind in row 1, a limit text the filed document does not hold), no agreement.toml,
    # and an amendment file that is not TOML: four problems, all reported at once.
    text = text.replace('kind = "flat", rate = "0.15%"', 'kind = "flatt", rate = "0.15%"', 1)
    text = text.replace('limit_text = "1.00%"', 'limit_text = "1.10%"', 1)
    path.write_text(text, encoding="utf-8")
    (own / "agreement.toml").unlink()
    (own / "amendment-013.toml").write_text("amendment = 13\ndate = 2008-06-01\ntitle = [unclosed\n", encoding="utf-8")
    code, out, _ = run(capsys, "data", "check", str(own))
    assert code == 3
    got = out.splitlines()
    assert got[0] == f"{own}: 4 problems; fix each, then run this again:"
    assert got[1:] == [
        f"  {own / 'agreement.toml'}: missing: record the agreement's term section (term_section) and notice period "
        "(notice_days, notice_text) as its text states them",
        f"  {path}:{rows[0]}: portfolio 1 (Strategic Growth with Income Portfolio): limit kind "
        "'flatt' is unknown; valid kinds: flat, none, tiered.",
        f"  {path}: {ten[0]}: limit_text '1.10%' is not in lines {ten[2]}-{ten[2]} of amendment-012.txt",
        f"  {own / 'amendment-013.toml'}:3: not valid TOML (Invalid value (at line 3, column 10))",
    ]


def load_history_rows(folder: Path) -> list[tuple[str, str, int]]:
    """(portfolio, limit text, first source line) of the shipped rows, read straight from the TOML, for messages."""
    import tomllib

    data = tomllib.loads((folder / "amendment-012.toml").read_text(encoding="utf-8"))
    return [(r["name"], r["limit_text"], r["source_lines"][0]) for r in data["portfolio"]]
