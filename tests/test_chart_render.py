"""The chart, as a person sees it: rendered by LibreOffice to PDF, then to pixels, and measured.

The bars' lengths must stand in the ratio of their values (the value axis starts at 0), and a
ratio before waiver over its limit must be drawn red. Figures from tests/test_capcalc.py:
Batterymarch 680,000 x 366 / (1,250,000,000 x 31) = 0.6423% against 0.580%; Janus 105,500 x 366 /
(100,000,000 x 31) = 1.2456% against 1.250%; Lazard 180,000 x 366 / (250,000,000 x 31) = 0.8502%
against 0.800%.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.libreoffice import SOFFICE, convert
from tests.workbooks import build
from xlcap.report.workbook_chart import LIMIT_COLOUR, OVER_COLOUR, WITHIN_COLOUR

pytestmark = pytest.mark.skipif(
    (SOFFICE is None or shutil.which("pdftoppm") is None) and os.environ.get("CI") != "true",
    reason="LibreOffice and poppler-utils not installed (CI installs them)",
)
BM, JANUS, LAZARD = 680_000 * 366 / (1_250_000_000 * 31), 105_500 * 366 / (100_000_000 * 31), 180_000 * 366 / (250_000_000 * 31)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _chart_page(pdf: Path, out: Path) -> np.ndarray:
    """The pixels (height x width x RGB) of the page whose text carries the chart's title."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    for page in range(1, pages + 1):
        where = ["-f", str(page), "-l", str(page)]
        text = subprocess.run(["pdftotext", *where, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        if "red bars are over the limit" in text:
            subprocess.run(["pdftoppm", "-r", "100", "-f", str(page), "-l", str(page), str(pdf), str(out / "page")], check=True)
            (ppm,) = out.glob("page*.ppm")
            data = ppm.read_bytes()
            head = data.split(maxsplit=4)  # P6, width, height, maxval, pixels
            width, height = int(head[1]), int(head[2])
            return np.frombuffer(head[4][: width * height * 3], dtype=np.uint8).reshape(height, width, 3)
    raise AssertionError(f"{pdf}: no page carries the chart")


def _bars(pixels: np.ndarray) -> list[tuple[float, str, int, int]]:
    """Every bar (a band of rows of one fill colour wider than the legend's swatch): centre, colour, left, length."""
    bars = []
    for name, colour in (("within", WITHIN_COLOUR), ("over", OVER_COLOUR), ("limit", LIMIT_COLOUR)):
        mask = np.all(pixels == np.array(_rgb(colour), dtype=np.uint8), axis=2)
        rows = [y for y in range(mask.shape[0]) if mask[y].sum() > 20]
        bands: list[list[int]] = []
        for y in rows:
            if bands and y == bands[-1][-1] + 1:
                bands[-1].append(y)
            else:
                bands.append([y])
        for band in bands:
            xs = np.nonzero(mask[band[len(band) // 2]])[0]
            bars.append((sum(band) / len(band), name, int(xs.min()), int(xs.max() - xs.min() + 1)))
    return sorted(bars)


@pytest.mark.parametrize(
    ("portfolios", "expected"),
    [
        (None, [("over", BM / 0.0058), ("within", JANUS / 0.0125), ("over", LAZARD / 0.008)]),
        ({"Lazard Mid-Cap Portfolio"}, [("over", LAZARD / 0.008)]),  # one portfolio: the axis still starts at 0
    ],
)
def test_bars_are_to_scale_from_zero_and_a_breach_is_red(tmp_path: Path, portfolios: set[str] | None,
                                                         expected: list[tuple[str, float]]) -> None:  # fmt: skip
    book = build(tmp_path / "jan.xlsx", "2008-01", portfolios=portfolios)
    (pdf,) = convert([book], tmp_path, to="pdf")
    bars = _bars(_chart_page(pdf, tmp_path))
    assert len(bars) == 2 * len(expected), bars
    lefts = {left for _, _, left, _ in bars}
    assert max(lefts) - min(lefts) <= 1  # every bar starts at the same place: the axis's 0
    pairs = [bars[i : i + 2] for i in range(0, len(bars), 2)]  # each portfolio: its ratio and its limit, side by side
    for (kind, ratio), pair in zip(expected, pairs, strict=True):
        ((_, first, _, a), (_, second, _, b)) = pair
        drawn = {first: a, second: b}
        assert set(drawn) == {kind, "limit"}, pair
        assert drawn[kind] / drawn["limit"] == pytest.approx(ratio, rel=0.02), (kind, drawn)
