"""tools/mutation.py end to end on the smallest core module: mutmut really runs and the score is read back.

money.py has 14 mutants; the tests named here kill 13, and the 14th is listed as equivalent in
tools/equivalent-mutants.txt (Decimal(2).scaleb(-2) quantizes like Decimal(1).scaleb(-2)).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).parent.parent / "tools" / "mutation.py"


@pytest.mark.skipif(importlib.util.find_spec("mutmut") is None, reason="mutmut not installed (pip install -e '.[test]')")
def test_mutation_score_of_money(tmp_path: Path) -> None:
    env = {**os.environ, "XLCAP_MUTATION_DIR": str(tmp_path)}
    tests = ["tests/test_planted_bugs.py"]
    done = subprocess.run([sys.executable, str(TOOL), "money", "--minutes", "5", "--tests", *tests],
                          capture_output=True, text=True, env=env, timeout=400)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    rows = {line.split()[0]: line.split()[1:] for line in done.stdout.splitlines() if line.startswith(("money ", "total "))}
    # mutants, killed, survived, equivalent, not run, score
    assert rows["money"] == ["14", "13", "0", "1", "0", "100.0%"], done.stdout
    assert "SURVIVED" not in done.stdout and "no longer exists" not in done.stdout


def test_unknown_module_is_refused_with_the_valid_names() -> None:
    done = subprocess.run([sys.executable, str(TOOL), "moneys"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    valid = "money, limits, schedule, lookup, vectorised, capcalc, excel_values, send_log, all"
    assert f"unknown module moneys; valid: {valid}" in done.stderr


def test_equivalent_mutants_file_gives_a_reason_for_each(tmp_path: Path) -> None:
    sys.path.insert(0, str(TOOL.parent))
    try:
        from mutation import read_equivalents
    finally:
        sys.path.remove(str(TOOL.parent))
    listed = read_equivalents()
    assert "xlcap.money.x_excel_round__mutmut_7" in listed
    assert all(len(reason) > 20 for reason in listed.values())
    bad = tmp_path / "bad.txt"
    bad.write_text("# comment\nxlcap.money.x_excel_round__mutmut_7\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"bad.txt, line 2: expected 'mutant name: reason'"):
        read_equivalents(bad)
