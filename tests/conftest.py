from __future__ import annotations

import csv
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
