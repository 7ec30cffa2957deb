"""LibreOffice, headless, as the tests' independent spreadsheet engine: recalculate every formula, render pages.

LibreOffice keeps an xlsx's stored results unless told otherwise, so each profile is created
with OOXMLRecalcMode = 0 ("always recalculate on load"): a stored value that disagrees with its
formula then shows up as a difference. soffice exits 0 even when it fails, so outputs are checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# Locally a missing LibreOffice skips the workbook recalculation tests, loudly (conftest repeats it
# at the end of the run); in CI (CI=true) nothing is skipped, so a missing soffice fails them.
# XLCAP_SKIP_LIBREOFFICE=1 skips them on purpose: tools/mutation.py's fast subsets.
LIBREOFFICE_MISSING = SOFFICE is None and os.environ.get("CI") != "true"
SKIP_REQUESTED = os.environ.get("XLCAP_SKIP_LIBREOFFICE") == "1"
SKIP_REASON = (
    "LIBREOFFICE NOT INSTALLED: the workbook formulas were NOT recalculated or checked. "
    "Install it (apt-get install libreoffice-calc-nogui) to run these; CI runs them."
)
needs_libreoffice = pytest.mark.skipif(
    LIBREOFFICE_MISSING or SKIP_REQUESTED,
    reason="skipped on request (XLCAP_SKIP_LIBREOFFICE=1): workbook formulas not recalculated" if SKIP_REQUESTED else SKIP_REASON,
)
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def _profile(base: Path) -> Path:
    profile = base / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    return profile


def convert(files: list[Path], out_dir: Path, to: str = "xlsx", timeout: int = 180) -> list[Path]:
    """Open each file in LibreOffice (recalculating every formula) and save it as `to` in out_dir."""
    if SOFFICE is None:
        raise RuntimeError("LibreOffice (soffice) is not installed; .ci/run installs it with apt-get")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlcap-lo-") as tmp:
        home = Path(tmp)
        env = {**os.environ, "HOME": str(home)}
        profile = _profile(home)
        subprocess.run(
            [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}", "--convert-to", to,
             "--outdir", str(out_dir), *map(str, files)],
            check=True, capture_output=True, timeout=timeout, env=env,
        )  # fmt: skip
    outputs = [out_dir / f"{f.stem}.{to.split(':')[0]}" for f in files]
    missing = [p for p in outputs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {', '.join(map(str, missing))}")
    return outputs
