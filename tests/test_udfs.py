"""The Excel functions called as each runtime calls them (on Linux, xlwings' decorators leave plain callables).

Expected values are worked by hand from Schedule A: Lazard Mid-Cap 0.80%; Janus Forty 1.25%;
PIMCO Total Return "None"; Batterymarch Growth and Income tiers 0.65% / 0.55% / 0.50% / 0.45% / 0.40%.
Excel serial 39478 is 2008-01-31; 39569 is 2008-05-01.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pytest
from xlwings import XlwingsError

import udfs
from xlcap.excel.functions import NO_LIMIT, expcap

NA = -2146826246  # classic Excel's #N/A error cell, as COM hands it to Python


def cells(value: object) -> object:
    """What xlwings writes to the sheet: a returned array becomes nested lists (ndarray.tolist)."""
    return value.tolist() if isinstance(value, np.ndarray) else value


VALID_AMOUNTS = "Valid: an amount above 0 such as 250000000, 250,000,000, 250e6, $250m or 1.2bn."
EMPTY = "an empty cell (or 0, which xlwings Lite sends for one)"


def refused(monkeypatch: pytest.MonkeyPatch, function: Callable[..., object], *args: object) -> str:
    """The one-line reason: the cell's text in classic Excel, an XlwingsError (#VALUE!) in Office.js."""
    classic = function(*args)
    assert isinstance(classic, str) and "\n" not in classic
    with monkeypatch.context() as m:
        m.setenv("XLWINGS_ON_SERVER", "true")
        with pytest.raises(XlwingsError) as info:
            function(*args)
    assert str(info.value) == classic
    return classic


# Every way a runtime may hand over January 31, 2008 (each dialect with its own answer: tests/test_udf_dialects.py).
DATES = [
    dt.datetime(2008, 1, 31),
    dt.date(2008, 1, 31),
    39478,
    39478.0,
    39478.75,  # a time of day is dropped
    "2008-01-31",
    "1/31/2008",
    [[39478]],
    [[dt.datetime(2008, 1, 31)]],
]


@pytest.mark.parametrize("date", DATES)
def test_expcap_amount_for_days(date: object) -> None:
    # 2,000,000 x 31 / 366 (2008 is a leap year) = 169,398.907...
    assert round(udfs.expcap_amount("Lazard Mid-Cap", 250e6, date, 31), 2) == 169_398.91
    assert round(udfs.expcap_amount("Lazard Mid-Cap", 250e6, date, 31.0), 2) == 169_398.91
    assert round(udfs.expcap_amount("Lazard Mid-Cap", 250e6, date, [[31]]), 2) == 169_398.91
    assert udfs.expcap_amount("Lazard Mid-Cap", 250e6, date, None) == 2_000_000.0
    assert udfs.expcap_amount("Lazard Mid-Cap", 250e6, date, "") == 2_000_000.0


def test_tiered_blended_rate() -> None:
    # 0.65% x 500M + 0.55% x 500M + 0.50% x 250M = 7,250,000; / 1.25B = 0.58%
    assert udfs.expcap("Batterymarch Growth and Income", 1.25e9, 39478) == pytest.approx(0.0058, rel=1e-12)
    assert udfs.expcap_amount("Batterymarch Growth and Income", "1.25bn", 39478) == pytest.approx(7_250_000.0, rel=1e-12)


def test_no_limit_is_text_that_arithmetic_cannot_use() -> None:
    assert udfs.expcap("PIMCO Total Return", 1e9, 39478) == NO_LIMIT == "NO LIMIT"
    assert udfs.expcap_amount("PIMCO Total Return", 1e9, 39478, 31) == "NO LIMIT"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("Rainer Large Cap", 1e8, 39478),
            "Parameter 'portfolio' received 'Rainer Large Cap', which is not a portfolio of Met Investors Series Trust. "
            "Did you mean 'Rainier Large Cap Equity Portfolio'? Run 'xlcap portfolios' for the list.",
        ),
        (
            ("Lazard Mid-Cap", 1e8, 39386),  # 2007-10-31
            "Parameter 'date' received 2007-10-31, which is before the first expense limitation schedule on file "
            "(Amendment No. 12, dated 2007-11-01). No limit on file applies then; valid dates are 2007-11-01 or later.",
        ),
        (
            ("Lazard Mid-Cap", 1e8, 39569),  # 2008-05-01
            "The expense limitation for 'Lazard Mid-Cap Portfolio' ended on 2008-04-30 (Amendment No. 12, section 3); no "
            "continuance is recorded, so no limit is in force on 2008-05-01. Valid dates: 2007-11-01 to 2008-04-30. If the "
            "Independent Trustees approved a continuance, record it in xlcap/data/events.toml.",
        ),
    ],
)
def test_no_limit_in_force_reads_as_the_reason_in_classic_and_na_in_officejs(args: tuple[object, ...], message: str) -> None:
    assert udfs.expcap(*args) == message
    assert expcap(*args, officejs=False) == message
    assert expcap(*args, officejs=True) == "#N/A"


def test_officejs_is_detected_from_the_server_flag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLWINGS_ON_SERVER", "true")
    assert udfs.expcap("Lazard Mid-Cap", 1e8, 39569) == "#N/A"
    assert udfs.expcap_info("Lazard Mid-Cap", 39569).startswith("The expense limitation for 'Lazard Mid-Cap Portfolio' ended")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("Lazard Mid-Cap", -1, 39478), f"Parameter 'assets' received -1, which is negative. {VALID_AMOUNTS}"),
        (("Lazard Mid-Cap", "ten", 39478), f"Parameter 'assets' received 'ten', which is not an amount. {VALID_AMOUNTS}"),
        (("Lazard Mid-Cap", None, 39478), f"Parameter 'assets' received {EMPTY}. {VALID_AMOUNTS}"),
        (("Lazard Mid-Cap", "", 39478), f"Parameter 'assets' received {EMPTY}. {VALID_AMOUNTS}"),
        (("Lazard Mid-Cap", 0, 39478), f"Parameter 'assets' received {EMPTY}. {VALID_AMOUNTS}"),
        (("Lazard Mid-Cap", "$0", 39478), f"Parameter 'assets' received '$0', which is 0. {VALID_AMOUNTS}"),
        (("Lazard Mid-Cap", NA, 39478), f"Parameter 'assets' received the Excel error #N/A. {VALID_AMOUNTS}"),
        (("Lazard Mid-Cap", "#DIV/0!", 39478), f"Parameter 'assets' received the Excel error #DIV/0!. {VALID_AMOUNTS}"),
        (("Lazard Mid-Cap", True, 39478), f"Parameter 'assets' received True, which is not an amount. {VALID_AMOUNTS}"),
        (
            ("Lazard Mid-Cap", 1e8, None),
            f"Parameter 'on_date' received {EMPTY}. Valid: a date as YYYY-MM-DD or m/d/yyyy, e.g. 2008-01-31 or "
            "1/31/2008, or a date cell.",
        ),
        (
            ("Lazard Mid-Cap", 1e8, "#N/A"),
            "Parameter 'on_date' received the Excel error #N/A. Valid: a date as YYYY-MM-DD or m/d/yyyy, e.g. 2008-01-31 or "
            "1/31/2008, or a date cell.",
        ),
        (
            ("Lazard Mid-Cap", 1e8, "31.01.2008"),
            "Parameter 'on_date' received '31.01.2008', which is not a date. Valid: a date as YYYY-MM-DD or m/d/yyyy, e.g. "
            "2008-01-31 or 1/31/2008.",
        ),
        (
            ("Lazard Mid-Cap", 1e8, 60),
            "Parameter 'on_date' received 60, which as an Excel serial date is outside 61 (1900-03-01) to 2958465 "
            "(9999-12-31). Valid: a date as YYYY-MM-DD or m/d/yyyy, e.g. 2008-01-31 or 1/31/2008, or a date cell.",
        ),
        (
            (None, 1e8, 39478),
            f"Parameter 'portfolio' received {EMPTY}. Valid: a portfolio name from Schedule A, e.g. \"Lazard Mid-Cap\".",
        ),
        (
            (42, 1e8, 39478),
            "Parameter 'portfolio' received the number 42, not a name. Valid: a portfolio name from Schedule A, e.g. "
            '"Lazard Mid-Cap".',
        ),
    ],
)
def test_invalid_input_is_one_line_naming_the_argument(
    monkeypatch: pytest.MonkeyPatch, args: tuple[object, ...], message: str
) -> None:
    assert refused(monkeypatch, udfs.expcap, *args) == message


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (367, "Parameter 'days' received 367, which is not a whole number from 1 to 366."),
        (31.5, "Parameter 'days' received 31.5, which is not a whole number from 1 to 366."),
        ("31", "Parameter 'days' received '31', which is not valid."),
    ],
)
def test_invalid_days(monkeypatch: pytest.MonkeyPatch, days: object, message: str) -> None:
    valid = "Valid: a whole number of days from 1 to 366, or leave it empty for the annual amount."
    assert refused(monkeypatch, udfs.expcap_amount, "Lazard Mid-Cap", 1e8, 39478, days) == f"{message} {valid}"


def test_range_with_bad_rows_answers_only_those_rows() -> None:
    portfolios = [
        ["Lazard Mid-Cap"],
        ["Janus Forty"],
        ["Nope"],
        ["PIMCO Total Return"],
        ["Janus Forty"],
        [None],
        ["Lazard Mid-Cap"],
    ]
    assets = [[250e6], [100e6], [1e8], [1e8], [-5], [1e8], ["$100m"]]
    out = cells(udfs.expcap_amount(portfolios, assets, 39478))
    assert out[0] == [2_000_000.0]  # 0.80% x 250M
    assert out[1] == [1_250_000.0]  # 1.25% x 100M
    assert out[2][0].startswith("Parameter 'portfolio' received 'Nope', which is not a portfolio")
    assert out[3] == ["NO LIMIT"]
    assert out[4] == [f"Parameter 'assets' received -5, which is negative. {VALID_AMOUNTS}"]
    assert out[5][0].startswith(f"Parameter 'portfolio' received {EMPTY}.")
    assert out[6] == [800_000.0]  # 0.80% x 100M
    officejs = cells(expcap(portfolios, assets, 39478, officejs=True))
    assert officejs == [[0.008], [0.0125], ["#N/A"], ["NO LIMIT"], ["#VALUE!"], ["#VALUE!"], [0.008]]


def test_scalars_broadcast_against_ranges_and_shapes_are_kept() -> None:
    assert cells(udfs.expcap("Janus Forty", [[1e8], [2e8]], [[39478], [39569]])) == [
        [0.0125],
        [
            "The expense limitation for 'Janus Forty Portfolio' ended on 2008-04-30 (Amendment No. 12, section 3); no "
            "continuance is recorded, so no limit is in force on 2008-05-01. Valid dates: 2007-11-01 to 2008-04-30. If the "
            "Independent Trustees approved a continuance, record it in xlcap/data/events.toml."
        ],
    ]
    # A row range stays a row; classic xlwings' 1-D list is read as a column.
    assert cells(udfs.expcap([["Janus Forty", "Lazard Mid-Cap"]], 1e8, 39478)) == [[0.0125, 0.008]]
    assert cells(udfs.expcap(["Janus Forty", "Lazard Mid-Cap"], 1e8, 39478)) == [[0.0125], [0.008]]
    assert cells(udfs.expcap_amount("Lazard Mid-Cap", 250e6, [["2008-01-31"], [dt.datetime(2008, 2, 29)]], [[31], [29]])) == [
        [pytest.approx(169_398.9071, abs=1e-4)],  # 2,000,000 x 31 / 366
        [pytest.approx(158_469.9454, abs=1e-4)],  # 2,000,000 x 29 / 366 = 58,000,000 / 366
    ]


def test_ranges_of_different_sizes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert refused(monkeypatch, udfs.expcap, [["Janus Forty"], ["MFS Value"]], [[1], [2], [3]], 39478) == (
        "Parameters 'portfolio' and 'assets' are ranges of 2x1 and 3x1 cells. Valid: ranges of the same size, or single cells."
    )


def test_expcap_info() -> None:
    assert udfs.expcap_info("Lazard Mid-Cap", 39478) == (
        'In effect: 0.80% (Schedule A: "0.80%"), Amendment No. 12, dated 2007-11-01, through 2008-04-30.'
    )
    assert udfs.expcap_info("PIMCO Total Return", "2008-01-31") == (
        'No limit (Schedule A: "None"), Amendment No. 12, dated 2007-11-01, through 2008-04-30.'
    )
    batterymarch = udfs.expcap_info("batterymarch growth & income", dt.datetime(2008, 1, 31))
    assert batterymarch.startswith(
        "In effect: 0.65% to $500M; 0.55% $500M-$1B; 0.50% $1B-$1.5B; 0.45% $1.5B-$2B; 0.40% over $2B "
        '(Schedule A: "0.65% of the first $500 million'
    )
    assert ", permanent. Interpretation: the filed text lost a tier" in batterymarch
    column = udfs.expcap_info([["Lazard Mid-Cap"], ["Nope"]], [[39478], [39478]])
    assert column[1][0].startswith("Parameter 'portfolio' received 'Nope'")


def test_expcap_tiers(monkeypatch: pytest.MonkeyPatch) -> None:
    assert udfs.expcap_tiers("Batterymarch Growth and Income", 39478) == [
        ["From", "To", "Rate"],
        [0.0, 500e6, 0.0065],
        [500e6, 1e9, 0.0055],
        [1e9, 1.5e9, 0.005],  # the restored tier
        [1.5e9, 2e9, 0.0045],
        [2e9, "", 0.004],
    ]
    assert udfs.expcap_tiers([["Lazard Mid-Cap"]], [[39478]]) == [["From", "To", "Rate"], [0.0, "", 0.008]]
    assert udfs.expcap_tiers("PIMCO Total Return", 39478) == [["From", "To", "Rate"], [0.0, "", "NO LIMIT"]]
    assert udfs.expcap_tiers("Lazard Mid-Cap", 39569).startswith("The expense limitation for 'Lazard Mid-Cap Portfolio' ended")
    assert refused(monkeypatch, udfs.expcap_tiers, [["Lazard Mid-Cap"], ["Janus Forty"]], 39478).startswith(
        "EXPCAP_TIERS takes one portfolio and one date, not ranges"
    )


def test_expcap_portfolios(monkeypatch: pytest.MonkeyPatch) -> None:
    table = udfs.expcap_portfolios(39478)
    assert table[0] == ["Portfolio", "Limit (Schedule A as filed)", "Term end"]
    assert len(table) == 44
    rows = {row[0]: row[1:] for row in table[1:]}
    assert rows["Lazard Mid-Cap Portfolio"] == ["0.80%", "2008-04-30"]  # ISO text: readable in every runtime
    assert rows["Rainier Large Cap Equity Portfolio"] == ["0.80%", "2009-04-30"]
    assert rows["Batterymarch Growth and Income Portfolio"][1] == "Permanent"
    assert udfs.expcap_portfolios() == udfs.expcap_portfolios(dt.date.today())
    assert udfs.expcap_portfolios([["2008-01-31"]]) == table
    assert udfs.expcap_portfolios(39386).startswith("Parameter 'date' received 2007-10-31, which is before the first")
    assert refused(monkeypatch, udfs.expcap_portfolios, "#N/A").startswith("Parameter 'as_of' received the Excel error #N/A")


def test_two_dimensional_range_keeps_its_shape() -> None:
    out = cells(udfs.expcap([["Janus Forty", "MFS Value"], ["Lazard Mid-Cap", "PIMCO Total Return"]], 1e8, 39478))
    assert out == [[0.0125, 0.01], [0.008, "NO LIMIT"]]


def test_bad_serial_in_a_range_of_serials() -> None:
    out = cells(udfs.expcap("Lazard Mid-Cap", 1e8, [[39478], [60], [39479], ["#N/A"], [39569]]))
    assert out[0] == [0.008] and out[2] == [0.008]
    assert out[1][0].startswith("Parameter 'on_date' received 60, which as an Excel serial date is outside 61 (1900-03-01)")
    assert out[3][0].startswith("Parameter 'on_date' received the Excel error #N/A.")
    assert out[4][0].startswith("The expense limitation for 'Lazard Mid-Cap Portfolio' ended on 2008-04-30")


def test_long_range_agrees_with_single_cells() -> None:
    names = ["Lazard Mid-Cap", "Janus Forty", "Batterymarch Growth and Income", "PIMCO Total Return", "Rainier Large Cap Equity"]
    rows = [(names[i % 5], 1e8 * (1 + i % 37), 39387 + (i * 7) % 600) for i in range(2000)]
    out = cells(udfs.expcap_amount([[r[0]] for r in rows], [[r[1]] for r in rows], [[r[2]] for r in rows], 30))
    for (name, assets, serial), (got,) in zip(rows, out, strict=True):
        assert got == udfs.expcap_amount(name, assets, serial, 30)
