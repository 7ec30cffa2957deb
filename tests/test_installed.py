"""xlcap as users install it: the built wheel (not editable) in a fresh venv, run from outside the checkout.

Editable installs read files from the source tree, so they cannot show a file missing from the
wheel. These tests build the wheel and the sdist, check that every package file is in both,
install the wheel into a new venv and run the README's main command and the other commands from
an empty folder elsewhere, twice.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def package_files() -> set[str]:
    """Every file the package holds in the checkout: what a user's install must carry."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "xlcap").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # With no --wheel/--sdist, build makes the sdist and then the wheel *from the sdist*: a file the sdist
    # lacks is then missing from the wheel too.
    build = [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)]
    proc = subprocess.run(build, capture_output=True, text=True, timeout=300, cwd=out)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return out


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A fresh venv holding the wheel and its dependencies, and an environment that runs it from an empty folder."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    (wheel,) = dist.glob("*.whl")
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    environ["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{environ['PATH']}"
    yield environ


def in_fresh_folder(environ: dict[str, str], cwd: Path, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=environ, capture_output=True, text=True, timeout=300)


def test_the_wheel_holds_every_package_file(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert package_files() - names == set()
    assert {"xlcap/data/sample-actuals.csv", "xlcap/data/amendment-012.txt", "xlcap/py.typed", "udfs.py"} <= names
    assert not [n for n in names if n.startswith(("tests/", "tools/", "workbooks/"))]  # not shipped as packages


def test_the_sdist_holds_every_package_file_and_the_tests(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert package_files() - names == set()
    assert {"pyproject.toml", "README.md"} <= names


def test_the_readme_main_command_runs_from_the_installed_wheel_twice(installed: dict[str, str], tmp_path: Path) -> None:
    block = re.search(r"<!-- main-command -->\n```bash\n(.+?)\n```", README, flags=re.S)
    assert block is not None
    # The README installs from the checkout first; here the wheel is installed, so run what follows the install.
    command = block.group(1).split("&&", 1)[1].strip()
    assert command.startswith("xlcap report --month ")
    first = in_fresh_folder(installed, tmp_path, command)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"Wrote 8 workbooks for 2008-01 to {Path('workbooks') / '2008-01'}:")
    assert len(list((tmp_path / "workbooks" / "2008-01").glob("*.xlsx"))) == 8
    second = in_fresh_folder(installed, tmp_path, command)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("The 8 workbooks for 2008-01 in workbooks/2008-01 are up to date")


def test_the_installed_commands_find_their_data(installed: dict[str, str], tmp_path: Path) -> None:
    version = in_fresh_folder(installed, tmp_path, "xlcap --version && python -c 'import xlcap; print(xlcap.__file__)'")
    assert version.returncode == 0, version.stderr
    assert "site-packages" in version.stdout and str(ROOT) not in version.stdout  # the wheel, not the checkout

    cap = in_fresh_folder(installed, tmp_path, "xlcap cap 'Lazard Mid-Cap' --assets '$250m' --date 2008-01-31")
    assert cap.returncode == 0 and "Limit:      0.8000% a year = $2,000,000.00 a year" in cap.stdout  # 0.80% x 250M

    schedule = in_fresh_folder(installed, tmp_path, "xlcap schedule --as-of 2008-01-31")
    assert schedule.returncode == 0 and "In force on 2008-01-31: all 43 portfolios." in schedule.stdout

    filed = ROOT / "xlcap" / "data" / "amendment-012.txt"
    interpretations = ROOT / "tests" / "amendments" / "amendment-012-interpretations.toml"
    imported = in_fresh_folder(installed, tmp_path, f"xlcap import '{filed}' --interpretations '{interpretations}'")
    assert imported.returncode == 0, imported.stderr
    assert "Changes against Amendment No. 12, dated 2007-11-01, the schedule in force on 2007-11-01: none." in imported.stdout

    report = in_fresh_folder(installed, tmp_path, "xlcap report --month 2008-01 --out jan")
    assert report.returncode == 0, report.stderr
    send = in_fresh_folder(installed, tmp_path, "xlcap send --month 2008-01 --out jan --dry-run")
    assert send.returncode == 0, send.stderr
    assert len(list((tmp_path / "jan" / "outbox").glob("*.eml"))) == 7  # one per manager in the bundled recipients

    lite = in_fresh_folder(installed, tmp_path, "xlcap excel lite --out lite && python -c 'import udfs'")
    assert lite.returncode == 0, lite.stderr
    assert {p.name for p in (tmp_path / "lite").iterdir()} == {"main.py", "requirements.txt"}
