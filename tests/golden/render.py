"""Renders the golden workbooks to PNG pages through LibreOffice, for a person to look at."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent.parent))

from tests.libreoffice import convert

if __name__ == "__main__":
    out = Path("/tmp/xlcap-golden")
    for pdf in convert(sorted(Path(__file__).parent.glob("*.xlsx")), out, to="pdf"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(out / pdf.stem)], check=True)
    print(out)
