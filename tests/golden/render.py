"""Renders workbooks to PNG pages through LibreOffice (xlsx -> PDF -> PNG), for a person to look at."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent.parent))

from tests.libreoffice import convert

OUT = Path("/tmp/xlcap-golden")


def render(workbooks: list[Path], out: Path = OUT) -> list[Path]:
    """Every page of each workbook as out/<name>-<page>.png; returns the PNGs, in order."""
    pngs: list[Path] = []
    for pdf in convert(workbooks, out, to="pdf"):
        for old in out.glob(f"{pdf.stem}-*.png"):
            old.unlink()  # pages of an earlier render would pass for this one
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(out / pdf.stem)], check=True)
        pngs += sorted(out.glob(f"{pdf.stem}-*.png"))
    return pngs


if __name__ == "__main__":
    for png in render(sorted(Path(__file__).parent.glob("*.xlsx"))):
        print(png)
