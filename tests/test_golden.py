"""Golden workbooks, reviewed by a person (rendered through LibreOffice and looked at), compared part by part.

A failure names the part (sheet XML, styles, chart...) and the first element that differs. For an
intended change: python tests/golden/regenerate.py, render and look, then commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden.regenerate import GOLDEN, HERE
from tests.workbooks import build, element_diff, parts


@pytest.mark.parametrize("name", list(GOLDEN))
def test_matches_the_reviewed_golden_workbook(name: str, tmp_path: Path) -> None:
    fresh = parts(build(tmp_path / name, **GOLDEN[name]))  # type: ignore[arg-type]
    golden = parts(HERE / name)
    assert sorted(fresh) == sorted(golden)
    for part in sorted(golden):
        assert element_diff(golden[part], fresh[part]) is None, f"{name}: {part}: {element_diff(golden[part], fresh[part])}"


def test_regenerate_lists_what_changed(tmp_path: Path) -> None:
    """regenerate.py prints the changed parts for the reviewer's commit message: none for the same build."""
    from tests.golden.regenerate import changes

    trust = HERE / "hand-2008-02-trust.xlsx"
    assert changes(trust, build(tmp_path / "same.xlsx", **GOLDEN["hand-2008-02-trust.xlsx"])) == []  # type: ignore[arg-type]
    other = changes(trust, build(tmp_path / "jan.xlsx", month="2008-01"))
    assert any(line.startswith("xl/worksheets/sheet1.xml: ") for line in other), other
    assert changes(tmp_path / "missing.xlsx", trust) == ["(new file)"]
