"""The table every benchmark prints: each measure, its same-run baseline, the ratio, the target."""

from __future__ import annotations

# (measure, xlcap's figure, baseline's figure, ratio, target met, target)
Result = tuple[str, str, str, float, bool, str]
HEADER = ("measure", "xlcap", "baseline", "ratio", "target", "ok")


def print_results(results: list[Result]) -> int:
    """Print the table; the exit status is 0 when every target is met."""
    rows = [(name, ours, base, f"{ratio:.2f}x", target, "yes" if ok else "NO") for name, ours, base, ratio, ok, target in results]
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for row in [HEADER, *rows]:
        cells = [cell.rjust(w) if i in (1, 3) else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        print("  ".join(cells).rstrip())
    return 0 if all(r[4] for r in results) else 1
