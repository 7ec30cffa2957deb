"""Rebuilds the golden workbooks for an intended change, and renders them for a person to review.

    python tests/golden/regenerate.py

It prints each part that changed (sheet XML, styles, chart...) with its first differing element,
then renders every page to PNG (LibreOffice -> PDF -> PNG, in /tmp/xlcap-golden). Look at every
page before committing. The commit message must say what changed in the workbooks and why (the
parts listed here), and that the pages were looked at: the golden files are written by the code
they check, so the review is the only thing that makes them a reference.

The golden files are never the only guard: each figure or status they would catch also has a
test with a hand-worked answer (tests/test_workbook.py, tests/test_planted_bugs.py).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent.parent))

from tests.workbooks import build, element_diff, parts

HERE = Path(__file__).parent
GOLDEN = {
    "hand-2008-02-trust.xlsx": {"month": "2008-02"},
    "hand-2008-01-lazard.xlsx": {"month": "2008-01", "manager": "Lazard", "portfolios": {"Lazard Mid-Cap Portfolio"}},
}


def changes(old: Path, new: Path) -> list[str]:
    """Each part of `new` that differs from `old`, with its first differing element."""
    if not old.exists():
        return ["(new file)"]
    a, b = parts(old), parts(new)
    lines = [f"{part}: {'removed' if part not in b else 'added'}" for part in sorted(set(a) ^ set(b))]
    lines += [f"{part}: {diff}" for part in sorted(set(a) & set(b)) if (diff := element_diff(a[part], b[part]))]
    return lines


if __name__ == "__main__":
    from tests.golden.render import render

    with tempfile.TemporaryDirectory() as tmp:
        for name, kwargs in GOLDEN.items():
            fresh = build(Path(tmp) / name, **kwargs)  # type: ignore[arg-type]
            changed = changes(HERE / name, fresh)
            print(f"{name}: {'unchanged' if not changed else f'{len(changed)} parts changed'}")
            for line in changed:
                print(f"  {line}")
            shutil.copyfile(fresh, HERE / name)
    pngs = render([HERE / name for name in GOLDEN])
    print(f"\nLook at every page ({len(pngs)} PNGs in {pngs[0].parent if pngs else '-'}), then commit with a message")
    print("saying what changed in the workbooks and why.")
