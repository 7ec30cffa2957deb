from __future__ import annotations

import csv
import hashlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ANSWERS = Path(__file__).parent / "answers"
DATA = Path(__file__).parent.parent / "xlcap" / "data"


def read_answers(name: str) -> list[dict[str, str]]:
    """Rows of a reviewed answer file; lines starting with '#' are commentary."""
    with (ANSWERS / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    """A private copy of the bundled data, for tests that record events or add amendments."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    yield target


LAZARD_AT_85 = """[[portfolio]]
name = "Lazard Mid-Cap Portfolio"
limit_text = "0.85%"
source_lines = [2, 2]
limit = { kind = "flat", rate = "0.85%" }
term_end = 2009-04-30
"""

# A made-up Amendment No. 13: Lazard raised to 0.85%, and a new Test Growth Portfolio at 0.90%.
TEST_GROWTH_13 = """[[portfolio]]
name = "Lazard Mid-Cap Portfolio"
limit_text = "0.85%"
source_lines = [2, 2]
limit = { kind = "flat", rate = "0.85%" }
term_end = 2009-04-30

[[portfolio]]
name = "Test Growth Portfolio"
limit_text = "0.90%"
source_lines = [3, 3]
limit = { kind = "flat", rate = "0.90%" }
term_end = 2009-04-30
new_portfolio = true
"""
TEST_GROWTH_13_TEXT = (
    "AMENDMENT NO. 13 (a test document, not a filing)\nLazard Mid-Cap Portfolio 0.85%\nTest Growth Portfolio 0.90%\n"
)


def add_test_amendment(data_dir: Path, number: int, date: str, text: str, portfolios: str) -> None:
    """A made-up amendment (not a filing) in a private data folder: its text file, hash-pinned, and its rows as TOML."""
    (data_dir / f"amendment-{number:03d}.txt").write_text(text, encoding="utf-8")
    header = f"""amendment = {number}
date = {date}
title = "Amendment No. {number} (test)"
manager = "Met Investors Advisory LLC"
trust = "Met Investors Series Trust"
agreement = "test"
source_file = "amendment-{number:03d}.txt"
source_sha256 = "{hashlib.sha256(text.encode()).hexdigest()}"
term_clause = "test"

"""
    (data_dir / f"amendment-{number:03d}.toml").write_text(header + portfolios, encoding="utf-8")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say it loudly at the end when the LibreOffice tests were skipped: they are the workbook's only recalculation."""
    from tests.libreoffice import SKIP_REASON

    skipped = [r for r in terminalreporter.stats.get("skipped", []) if SKIP_REASON in str(r.longrepr)]
    if skipped:
        terminalreporter.section("LIBREOFFICE NOT INSTALLED", sep="!", red=True, bold=True)
        terminalreporter.write_line(f"{len(skipped)} workbook tests were SKIPPED: no formula was recalculated or checked.")
        terminalreporter.write_line("Install LibreOffice (apt-get install libreoffice-calc-nogui) and run again; CI runs them.")
