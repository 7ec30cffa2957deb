"""`xlcap excel lite`: a main.py that runs every function in xlwings Lite with xlcap not installed.

The generated file is loaded as xlwings Lite loads main.py (tests/lite_runtime.py) in a Python
that sees site-packages but not the editable xlcap, then called through xlwings.server (needs
XLWINGS_LICENSE_KEY, as tests/test_udf_officejs.py). Built on demand, so it is always current.

Worked by hand from Schedule A: Lazard Mid-Cap 0.80% through 2008-04-30; Batterymarch tiers
0.65% / 0.55% / 0.50% / 0.45% / 0.40%. Serial 39478 is 2008-01-31; 39569 is 2008-05-01.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from xlcap.excel.lite import REQUIREMENTS, package_files

NEEDS_KEY = pytest.mark.skipif(
    not os.environ.get("XLWINGS_LICENSE_KEY") and os.environ.get("CI") != "true", reason="needs XLWINGS_LICENSE_KEY"
)
NOT_AVAILABLE = {"type": "Error", "errorType": "NotAvailable"}
VALUE_ERROR = {"type": "Error", "errorType": "Value"}
EMPTY = "an empty cell (or 0, which xlwings Lite sends for one)"

CASES: list[list[Any]] = [
    ["expcap", [["Lazard Mid-Cap"]], [[250_000_000]], [[39478]]],
    ["expcap_amount", [["Lazard Mid-Cap"]], [[250_000_000]], [[39478]], [[31]]],
    ["expcap_info", [["Lazard Mid-Cap"]], [[39478]]],
    ["expcap_tiers", [["Batterymarch Growth and Income"]], [[39478]]],
    ["expcap_portfolios", [[39478]]],
    ["expcap", [["Lazard Mid-Cap"], ["Nope"], ["Lazard Mid-Cap"]], [[1e8], [1e8], [-5]], [[39478], [39478], [39478]]],
    ["expcap", [["Lazard Mid-Cap"]], [[1e8]], [[39569]]],
    ["expcap", [["Lazard Mid-Cap"]], [[-5]], [[39478]]],
    ["expcap_amount", [["Lazard Mid-Cap"]], [[250_000_000]], [[39478]], [[0]]],
    ["expcap", [["Lazard Mid-Cap"]], [[250_000_000]], [[0]]],
]


def run_xlcap(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xlcap", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lite")
    proc = run_xlcap("excel", "lite", "--out", str(out), cwd=out)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def lite(built: Path) -> dict[str, Any]:
    script = Path(__file__).parent / "lite_runtime.py"
    site_packages = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sorted(site_packages))}
    proc = subprocess.run(
        [sys.executable, "-S", str(script), str(built / "main.py"), json.dumps(CASES)],
        capture_output=True,
        text=True,
        cwd=built,  # not the checkout: its xlcap/ must not be found there either
        env=env,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def test_writes_main_py_and_requirements(built: Path) -> None:
    assert (built / "requirements.txt").read_text(encoding="utf-8") == "xlwings>=0.33\nnumpy\npandas\n" == REQUIREMENTS
    main = (built / "main.py").read_text(encoding="utf-8")
    assert main.startswith('"""xlcap ')
    udfs_source = (Path(__file__).parent.parent / "udfs.py").read_text(encoding="utf-8")
    assert main.endswith("# ---- udfs.py ----\n" + udfs_source)  # udfs.py unchanged, after the embedded package


def test_refuses_to_replace_without_force(built: Path) -> None:
    before = (built / "main.py").read_bytes()
    (built / "main.py").write_text("# the user's own code\n", encoding="utf-8")
    proc = run_xlcap("excel", "lite", "--out", str(built), cwd=built)
    assert proc.returncode == 4
    assert proc.stderr.strip() == (
        f"main.py, requirements.txt already in {built}. Valid: another --out folder, or --force to replace them."
    )
    assert (built / "main.py").read_text(encoding="utf-8") == "# the user's own code\n"
    proc = run_xlcap("excel", "lite", "--out", str(built), "--force", cwd=built)
    assert proc.returncode == 0, proc.stderr
    assert (built / "main.py").read_bytes() == before  # the same sources give the same file
    assert sorted(p.name for p in built.iterdir()) == ["main.py", "requirements.txt"]  # no temporary files left


def test_embeds_every_module_and_data_file() -> None:
    names = {name for name, _ in package_files()}
    assert {"__init__.py", "excel/functions.py", "excel/values.py", "data/amendment-012.toml", "data/aliases.toml"} <= names
    assert {"data/events.toml", "data/amendment-012.txt"} <= names
    assert not any("__pycache__" in n for n in names)


def test_embeds_the_users_own_data_folder(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (data_dir / "amendment-013.htm").write_text("<p>a filed document of the user's</p>", encoding="utf-8")
    monkeypatch.setenv("XLCAP_DATA", str(data_dir))
    embedded = dict(package_files())
    assert embedded["data/amendment-013.htm"] == data_dir / "amendment-013.htm"
    assert embedded["data/amendment-012.toml"] == data_dir / "amendment-012.toml"
    assert embedded["excel/functions.py"].parent.name == "excel"


@NEEDS_KEY
def test_runs_with_xlcap_not_installed(lite: dict[str, Any], built: Path) -> None:
    assert lite["missing_before"] == {"xlcap": True, "udfs": True}
    assert not lite["xlcap_file"].startswith(str(Path(__file__).parent.parent))  # the embedded copy, unpacked


@NEEDS_KEY
def test_every_function_is_registered(lite: dict[str, Any]) -> None:
    functions = {f["name"]: [p["name"] for p in f["parameters"]] for f in lite["meta"]["functions"]}
    assert functions == {
        "EXPCAP": ["portfolio", "assets", "on_date", "share_class", "agreement"],
        "EXPCAP_AMOUNT": ["portfolio", "assets", "on_date", "days", "share_class", "agreement"],
        "EXPCAP_INFO": ["portfolio", "on_date", "share_class", "agreement"],
        "EXPCAP_TIERS": ["portfolio", "on_date", "share_class", "agreement"],
        "EXPCAP_PORTFOLIOS": ["as_of", "agreement"],
        "EXPCAP_RECOUPABLE": ["portfolio", "on_date", "agreement"],
    }


@NEEDS_KEY
def test_every_function_answers(lite: dict[str, Any]) -> None:
    rate, amount, info, tiers, table, column, ended, invalid, days_empty, date_empty = lite["calls"]
    assert rate == [[0.008]]
    assert round(amount[0][0], 2) == 169_398.91  # 0.80% x 250M x 31 / 366
    assert info == [['In effect: 0.80% (Schedule A: "0.80%"), Amendment No. 12, dated 2007-11-01, through 2008-04-30.']]
    assert tiers == [
        ["From", "To", "Rate"],
        [0.0, 500e6, 0.0065],
        [500e6, 1e9, 0.0055],
        [1e9, 1.5e9, 0.005],
        [1.5e9, 2e9, 0.0045],
        [2e9, "", 0.004],
    ]
    rows = {row[0]: row[1:] for row in table}
    assert len(table) == 44 and rows["Lazard Mid-Cap Portfolio"] == ["0.80%", "2008-04-30"]
    assert column == [[0.008], [NOT_AVAILABLE], [VALUE_ERROR]]
    assert ended == [[NOT_AVAILABLE]]
    assert invalid["exception"] == "XlwingsError"
    assert invalid["message"].startswith("Parameter 'assets' received -5, which is negative.")
    assert days_empty == [[2_000_000.0]]  # 0 days = an empty cell: the annual 0.80% x 250M
    assert date_empty["message"].startswith(f"Parameter 'on_date' received {EMPTY}.")


def test_says_where_udfs_py_was_looked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlcap.errors import InvalidInputError
    from xlcap.excel import lite as lite

    monkeypatch.setattr(lite, "PACKAGE_DIR", tmp_path / "site-packages" / "xlcap")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInputError) as info:
        lite.write_lite(tmp_path / "out")
    assert info.value.message == (
        f"Cannot find udfs.py beside the xlcap package ({tmp_path / 'site-packages'}) or in the current folder. "
        "Valid: run this in the xlcap folder, the one holding udfs.py."
    )
    assert not (tmp_path / "out").exists()  # nothing written


def test_an_out_path_that_is_a_file_is_refused_with_exit_6(tmp_path: Path) -> None:
    blocker = tmp_path / "lite"
    blocker.write_text("not a folder\n", encoding="utf-8")
    proc = run_xlcap("excel", "lite", "--out", str(blocker), cwd=tmp_path)
    assert proc.returncode == 6
    assert proc.stderr.startswith(f"Cannot write the xlwings Lite files to {blocker}: ")
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"
