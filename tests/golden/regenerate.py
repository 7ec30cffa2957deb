"""Rebuilds the golden workbooks. Run only for an intended change, then look at every sheet before committing:

python tests/golden/regenerate.py && python tests/golden/render.py   # PNGs in /tmp/xlcap-golden
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent.parent))

from tests.workbooks import build

HERE = Path(__file__).parent
GOLDEN = {
    "hand-2008-02-trust.xlsx": {"month": "2008-02"},
    "hand-2008-01-lazard.xlsx": {"month": "2008-01", "manager": "Lazard", "portfolios": {"Lazard Mid-Cap Portfolio"}},
}

if __name__ == "__main__":
    for name, kwargs in GOLDEN.items():
        print(build(HERE / name, **kwargs))  # type: ignore[arg-type]
