"""Limit wordings read into limit kinds: each family of shared/examples/limit_wordings.md and of the filings'
tables, refusals with their reasons, and hypothesis round trips: random tier tables written out in every
wording family read back to the same tiers, and damaged wordings are refused or read the same, never
read as other figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlcap.agreements.limits import LIMIT_KINDS, FlatLimit, NoLimit, Tier, TieredLimit
from xlcap.importing.limit_text import PER_CLASS, UnreadableLimit, read_limit

M, B = 10**6, 10**9


def tiered(*rows: tuple[int, int | None, str]) -> TieredLimit:
    return TieredLimit(tuple(Tier(lo, hi, Decimal(rate) / 100) for lo, hi, rate in rows))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.80%", FlatLimit(Decimal("0.008"))),
        ("None", NoLimit()),
        ("None.", NoLimit()),
        ("50 Basis Points", FlatLimit(Decimal("0.005"))),
        ("one hundred sixty basis points (1.60%)", FlatLimit(Decimal("0.016"))),
        ("seventy-five basis points", FlatLimit(Decimal("0.0075"))),
        ("0.95 percent", FlatLimit(Decimal("0.0095"))),
        ("0.80% of average daily net assets", FlatLimit(Decimal("0.008"))),
        # limit_wordings.md 1: Batterymarch, as restored from the management-fee schedule
        (
            "0.65% of the first $500 million of such assets plus 0.55% of such assets over $500 million up to $1 billion "
            "plus 0.50% of such assets over $1 billion up to $1.5 billion plus 0.45% of such assets over $1.5 billion up "
            "to $2 billion plus 0.40% of such assets over $2 billion",
            tiered(
                (0, 500 * M, "0.65"),
                (500 * M, 1 * B, "0.55"),
                (1 * B, 1500 * M, "0.50"),
                (1500 * M, 2 * B, "0.45"),
                (2 * B, None, "0.40"),
            ),
        ),
        # 2: Met/AIM Capital Appreciation, with its closing period
        (
            "0.80% of the first $100 million of such assets plus 0.75% of such assets over $100 million up to $200 million "
            "plus 0.70% of such assets over $200 million up to $1 billion plus 0.65% of such assets over $1 billion.",
            tiered((0, 100 * M, "0.80"), (100 * M, 200 * M, "0.75"), (200 * M, 1 * B, "0.70"), (1 * B, None, "0.65")),
        ),
        # 3: "of first", three-decimal rate
        (
            "0.10% of first $500 million of such assets plus 0.075% of such assets over $500 million up to $1 billion "
            "plus 0.05% of such assets over $1 billion",
            tiered((0, 500 * M, "0.10"), (500 * M, 1 * B, "0.075"), (1 * B, None, "0.05")),
        ),
        # 4: ", plus"
        (
            "0.88% of the first $500 million of such assets, plus 0.83% of such assets over $500 million",
            tiered((0, 500 * M, "0.88"), (500 * M, None, "0.83")),
        ),
        # 6: "up to ...; and ... in excess of", "from ... to", and the filing's missing space in "up to$1 billion"
        (
            "0.75% up to $1 billion; and 0.70% in excess of $1 billion",
            tiered((0, 1 * B, "0.75"), (1 * B, None, "0.70")),
        ),
        (
            "0.500% up to $500 million; 0.475% from $500 million to $1 billion; and 0.450% in excess of $1 billion",
            tiered((0, 500 * M, "0.500"), (500 * M, 1 * B, "0.475"), (1 * B, None, "0.450")),
        ),
        (
            "0.570% up to$1 billion; 0.550% from $1 billion to $5 billion; and 0.525% in excess of $5 billion",
            tiered((0, 1 * B, "0.570"), (1 * B, 5 * B, "0.550"), (5 * B, None, "0.525")),
        ),
        # kin: first / next / on excess, "$1B", "$1.5 billion", figures in full, "between ... and"
        (
            "1.10% of the first $1B, 1.00% of the next $500 million and 0.95% on excess",
            tiered((0, 1 * B, "1.10"), (1 * B, 1500 * M, "1.00"), (1500 * M, None, "0.95")),
        ),
        (
            "0.80% on assets up to $1.5 billion; 0.75% on assets in excess of $1.5 billion",
            tiered((0, 1500 * M, "0.80"), (1500 * M, None, "0.75")),
        ),
        (
            "60 basis points on the first $250,000,000; 55 basis points on assets between $250,000,000 and $750,000,000; "
            "50 basis points thereafter",
            tiered((0, 250 * M, "0.60"), (250 * M, 750 * M, "0.55"), (750 * M, None, "0.50")),
        ),
        (
            "0.70% of the Portfolio\u2019s average daily net assets up to $2B plus 0.65% over $2B",
            tiered((0, 2 * B, "0.70"), (2 * B, None, "0.65")),
        ),
        # Table forms (issue 15): a rate then its band with no "plus" and no "of such assets"
        (
            "0.90% First $100 million 0.85% Next $400 million 0.80% Excess of $500 million",
            tiered((0, 100 * M, "0.90"), (100 * M, 500 * M, "0.85"), (500 * M, None, "0.80")),
        ),
        # the band then its rate, cumulative, as a two-column table prints it
        (
            "First $250MM 0.725% $250MM to $750MM 0.700% Over $750MM 0.675%",
            tiered((0, 250 * M, "0.725"), (250 * M, 750 * M, "0.700"), (750 * M, None, "0.675")),
        ),
        (
            "On the first $1B: 0.60%; on the next $1.5B: 0.55%; on the excess: 0.50%.",
            tiered((0, 1 * B, "0.60"), (1 * B, 2500 * M, "0.55"), (2500 * M, None, "0.50")),
        ),
        # "of first ... of next ... on excess", three-decimal rates, "$750MM"
        (
            "0.875% of first $750MM, 0.825% of next $750MM, 0.775% on excess",
            tiered((0, 750 * M, "0.875"), (750 * M, 1500 * M, "0.825"), (1500 * M, None, "0.775")),
        ),
        # cumulative "up to" after a closed band: on from where the band before ends
        (
            "0.95% up to $50 million, 0.90% up to $200 million, 0.85% over $200 million",
            tiered((0, 50 * M, "0.95"), (50 * M, 200 * M, "0.90"), (200 * M, None, "0.85")),
        ),
        # rates without a leading zero, "of amounts over"
        (
            ".90% of the first $100 million; .85% of the next $400 million; .80% of amounts over $500 million",
            tiered((0, 100 * M, "0.90"), (100 * M, 500 * M, "0.85"), (500 * M, None, "0.80")),
        ),
        # a table's cells run together with "/" between them
        (
            "First $500 million 0.75% / Next $500 million 0.70% / Over $1 billion 0.65%",
            tiered((0, 500 * M, "0.75"), (500 * M, 1 * B, "0.70"), (1 * B, None, "0.65")),
        ),
        # "over ... and up to", "over ... but not exceeding"
        (
            "0.75% up to $500 million, 0.70% over $500 million and up to $1 billion, 0.65% over $1 billion but not "
            "exceeding $2 billion, 0.60% over $2 billion",
            tiered((0, 500 * M, "0.75"), (500 * M, 1 * B, "0.70"), (1 * B, 2 * B, "0.65"), (2 * B, None, "0.60")),
        ),
        # a hyphenated range, and "$0" as the first floor
        (
            "$0-$300 million 1.00%; $300 million-$1 billion 0.90%; over $1 billion 0.80%",
            tiered((0, 300 * M, "1.00"), (300 * M, 1 * B, "0.90"), (1 * B, None, "0.80")),
        ),
    ],
)
def test_wording_families(text: str, expected: object) -> None:
    assert read_limit(text) == expected


@pytest.mark.parametrize(
    ("text", "reason", "offset"),
    [
        # the reference Batterymarch text as filed: one rate for a garbled band
        (
            "0.65% of the first $500 million of such assets plus 0.55% of such assets over $500 million up to assets over "
            "$1 billion up to $1.5 billion plus 0.45% of such assets over $1.5 billion up to $2 billion plus 0.40% of such "
            "assets over $2 billion",
            'part 2, "0.55% of such assets over $500 million up to assets over $1 billion up to $1.5 billion", names 3 '
            "amounts ($500 million, $1 billion, $1.5 billion) for one rate, where a band has at most two",
            52,
        ),
        ("", "the limit cell is empty", 0),
        ("0.80% " * 400, "the limit cell holds 2,400 characters, more than any limit wording (2,000)", 0),
        ("0.55% in excess of $ plus", '"$" with no amount after it', 19),
        ("0.80", '"0.80" is a number with neither "%" nor "$"', 0),
        ("12.5%", "the rate 12.50% is outside (0%, 10%)", 0),
        ("0%", "the rate 0.00% is outside (0%, 10%)", 0),
        ("fifty basis points (0.60%)", '"fifty basis points" is 0.50% but "0.60%" beside it is 0.60%', 0),
        ("of such assets", "it states no rate", 0),
        (
            "0.65% of the first $500 million plus 0.55% of such assets over $600 million",
            "the tiers it states do not fit together: tier 2 starts at 600,000,000 but tier 1 ends at 500,000,000 (a gap)",
            0,
        ),
        (
            "0.90% First $100 million 0.85% over $50 million up to $500 million 0.80% over $500 million",
            "the tiers it states do not fit together: tier 2 starts at 50,000,000 but tier 1 ends at 100,000,000 (they overlap)",
            0,
        ),
        (
            "0.80% over $500 million up to $1 billion plus 0.90% of the first $100 million",
            'part 2, "0.90% of the first $100 million", says "first" after another band',
            46,
        ),
        (
            "0.90% up to $100 million; 0.85% over $500 million up to $1 billion; 0.80% over $100 million up to $500 million; "
            "0.75% over $1 billion",
            "the tiers it states do not fit together: tier 2 starts at 500,000,000 but tier 1 ends at 100,000,000 (a gap); "
            "tier 3 starts at 100,000,000 but tier 2 ends at 1,000,000,000 (out of order); "
            "tier 4 starts at 1,000,000,000 but tier 3 ends at 500,000,000 (a gap)",
            0,
        ),
        # issue 17, planted bug: "over $X and $Y" is not a band ("between $X and $Y" is)
        (
            "0.90% of the first $100 million plus 0.85% over $100 million and $500 million plus 0.80% over $500 million",
            'part 2, "0.85% over $100 million and $500 million", has a band ("over $ and $") xlcap does not read',
            37,
        ),
        # issue 17, planted bug: an empty tier, from $100 million to $100 million
        (
            "0.90% of the first $100 million plus 0.85% over $100 million up to $100 million plus 0.80% over $100 million",
            "the tiers it states do not fit together: tier 2 runs from 100,000,000 to 100,000,000, which is empty",
            0,
        ),
        (
            "0.90% of the first $0 plus 0.85% over $0",
            "the tiers it states do not fit together: tier 1 runs from 0 to 0, which is empty",
            0,
        ),
        (
            "0.90% of the first $100 plus 0.85% over $100 million",
            'part 1, "0.90% of the first $100", names "$100", under $1 million: no breakpoint is that small '
            '(is "million" missing?)',
            19,
        ),
        (
            "First $100 million 0.90% Next $400 million 0.85% Over $500 million",
            '"Over $500 million" is a band with no rate: the bands come before their rates here',
            49,
        ),
        ("0.90% First $100 million 0.85% 0.80% Over $100 million", 'part 2, "0.85%", gives a rate with no band', 25),
        (
            "0.65% of the first $500 million",
            "the tiers it states do not fit together: the last tier ends at 500,000,000; it must be open-ended",
            0,
        ),
        ("0.65% plus 0.55% over $1 billion", 'part 1, "0.65%", gives a rate with no band', 0),
        (
            "0.60% on excess plus 0.55% over $1 billion",
            'part 1, "0.60% on excess", follows no closed band, so its lower bound is unknown',
            0,
        ),
        (
            "0.65% up to $1 billion plus 0.60% roughly above $1 billion",
            'part 2, "0.60% roughly above $1 billion", has a band ("roughly above $") xlcap does not read',
            28,
        ),
        (
            # limit_wordings.md 5: Legg Mason Value Equity, a one-way switch
            "0.70% of the first $350 million of such assets. On the date that such assets reach $350 million and each "
            "subsequent day thereafter, whether or not such assets are above or below $350 million, the fee schedule shall "
            "be: 0.65% of the first $200 million of such assets plus 0.63% of such assets over $200 million.",
            "the rates change once assets reach a level and then stay changed (a one-way switch); a tier table cannot hold that",
            48,
        ),
        (
            # limit_wordings.md 7: per-class rates
            "would exceed an annual rate of 0.95% for Institutional Class and 1.20% for Financial Intermediary Class.",
            PER_CLASS,
            55,
        ),
        (
            "1.00% for Class A and 1.05% for Class B",
            PER_CLASS,
            10,
        ),
    ],
)
def test_refused_with_the_reason(text: str, reason: str, offset: int) -> None:
    with pytest.raises(UnreadableLimit) as info:
        read_limit(text)
    assert (info.value.reason, info.value.offset) == (reason, offset)


# The data model refuses the same tables, whatever wrote them (a data file edited by hand, an interpretation).


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ((), "a tiered limit needs at least one tier"),
        (  # issue 17, planted bug: an empty tier
            ((0, 100 * M, "0.90"), (100 * M, 100 * M, "0.85"), (100 * M, None, "0.80")),
            "tier 2 runs from 100,000,000 to 100,000,000, which is empty",
        ),
        (((0, 0, "0.90"), (0, None, "0.85")), "tier 1 runs from 0 to 0, which is empty"),
        (
            ((0, 100 * M, "0.90"), (200 * M, None, "0.85")),
            "tier 2 starts at 200,000,000 but tier 1 ends at 100,000,000 (a gap)",
        ),
        (
            ((0, 100 * M, "0.90"), (50 * M, None, "0.85")),
            "tier 2 starts at 50,000,000 but tier 1 ends at 100,000,000 (they overlap)",
        ),
        (
            ((0, None, "0.90"), (100 * M, None, "0.85")),
            "tier 1 has no upper bound but is not the last tier",
        ),
    ],
)
def test_the_data_model_refuses_tiers_that_do_not_fit(tiers: tuple[tuple[int, int | None, str], ...], message: str) -> None:
    with pytest.raises(ValueError) as info:
        tiered(*tiers)
    assert str(info.value) == message
    data = {"kind": "tiered", "tiers": [{"from": lo, "to": hi, "rate": f"{rate}%"} for lo, hi, rate in tiers]}
    with pytest.raises(ValueError) as info:
        LIMIT_KINDS["tiered"].from_data(data)  # as a data file is loaded
    assert str(info.value) == message


# hypothesis: tier tables written out in several wordings read back to the same tiers.

ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
ONES += ["thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def words(n: int) -> str:
    """0 < n < 1000 in words, as contracts spell basis points: 160 -> 'one hundred sixty'."""
    hundreds, rest = divmod(n, 100)
    parts = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        parts.append(TENS[rest // 10] + (f"-{ONES[rest % 10]}" if rest % 10 else ""))
    elif rest:
        parts.append(ONES[rest])
    return " ".join(parts)


def percent(rate: Decimal) -> str:
    return f"{rate * 100:.3f}".rstrip("0").rstrip(".") + "%" if (rate * 100_000) % 10 else f"{rate * 100:.2f}%"


def rate_text(rate: Decimal, style: int) -> str:
    bp = rate * 10_000
    if style == 1:
        return f"{bp.normalize():f} basis points"
    if style == 2 and bp == int(bp):
        return f"{words(int(bp))} basis points ({percent(rate)})"
    return percent(rate)


def money(amount: int, style: int) -> str:
    """An amount as the filings print it: 0 "$100 million", 1 "$100,000,000", 2 "$100M" / "$1.5B", 3 "$100MM" / "$1.5bn"."""
    if style == 1 or amount % (5 * M):
        return f"${amount:,}"
    if amount % (100 * M) == 0 and amount >= B:
        billions = f"{Decimal(amount) / B:f}"  # exact: 1.5, 50
        return {0: f"${billions} billion", 2: f"${billions}B", 3: f"${billions}bn"}[style]
    return {0: f"${amount // M} million", 2: f"${amount // M}M", 3: f"${amount // M}MM"}[style]


FAMILIES = 9


def wording(tiers: tuple[Tier, ...], family: int, rates: int, amounts: int) -> str:
    """The tier table written in one of the wording families of the filings (prose and table form, rate then band
    and band then rate, cumulative and incremental bands)."""
    r = [rate_text(t.rate, rates) for t in tiers]
    a = [money(t.lower, amounts) for t in tiers]
    step = [money(t.upper - t.lower, amounts) if t.upper is not None else "" for t in tiers]  # incremental bands
    n = len(tiers) - 1
    mid = range(1, n)
    if family == 0:  # Met: "of the first ... plus ... over ... up to ... plus ... over"
        middle = "".join(f" plus {r[i]} of such assets over {a[i]} up to {a[i + 1]}" for i in mid)
        return f"{r[0]} of the first {a[1]} of such assets{middle} plus {r[n]} of such assets over {a[n]}"
    if family == 1:  # advisory: "up to ...; from ... to ...; and ... in excess of"
        middle = "".join(f"; {r[i]} from {a[i]} to {a[i + 1]}" for i in mid)
        return f"{r[0]} up to {a[1]}{middle}; and {r[n]} in excess of {a[n]}"
    if family == 2:  # first / next / on excess
        middle = "".join(f", {r[i]} of the next {step[i]}" for i in mid)
        return f"{r[0]} of the first {a[1]}{middle} and {r[n]} on excess"
    if family == 3:  # "on assets up to ...; over ... up to and including ...; over"
        middle = "".join(f"; {r[i]} on assets over {a[i]} up to and including {a[i + 1]}" for i in mid)
        return f"{r[0]} on assets up to {a[1]}{middle}; {r[n]} on assets over {a[n]}"
    if family == 4:  # table, rate then band, incremental, no separators
        middle = "".join(f" {r[i]} Next {step[i]}" for i in mid)
        return f"{r[0]} First {a[1]}{middle} {r[n]} Excess of {a[n]}"
    if family == 5:  # table, band then rate, cumulative
        middle = "".join(f" {a[i]} to {a[i + 1]} {r[i]}" for i in mid)
        return f"First {a[1]} {r[0]}{middle} Over {a[n]} {r[n]}"
    if family == 6:  # band then rate, incremental, with separators
        middle = "".join(f"; on the next {step[i]}: {r[i]}" for i in mid)
        return f"On the first {a[1]}: {r[0]}{middle}; on the excess: {r[n]}."
    if family == 7:  # cumulative "up to" after a closed band
        middle = "".join(f", {r[i]} up to {a[i + 1]}" for i in mid)
        return f"{r[0]} up to {a[1]}{middle}, {r[n]} over {a[n]}"
    middle = "".join(f" plus {r[i]} of such assets between {a[i]} and {a[i + 1]}" for i in mid)
    return f"{r[0]} of the first {a[1]}{middle} plus {r[n]} of such assets in excess of {a[n]}"


@st.composite
def tier_tables(draw: st.DrawFn) -> tuple[Tier, ...]:
    """1 to 7 tiers; every band at least $1 million wide (as every filed breakpoint is), often round numbers."""
    round_ = st.integers(min_value=1, max_value=2_000).map(lambda k: k * 5 * M)  # up to $10 billion a band
    any_ = st.integers(min_value=M, max_value=10 * B)
    widths = draw(st.lists(st.one_of(round_, any_), min_size=1, max_size=6))
    floors = [sum(widths[: i + 1]) for i in range(len(widths))]
    rates = draw(st.lists(st.integers(min_value=1, max_value=9_999), min_size=len(floors) + 1, max_size=len(floors) + 1))
    bounds = [0, *floors]
    uppers: list[int | None] = [*floors, None]
    return tuple(Tier(lo, hi, Decimal(r) / 100_000) for lo, hi, r in zip(bounds, uppers, rates, strict=True))


@given(tier_tables(), st.integers(0, FAMILIES - 1), st.integers(0, 2), st.integers(0, 3))
def test_tier_tables_read_back_from_every_wording(tiers: tuple[Tier, ...], family: int, rates: int, amounts: int) -> None:
    text = wording(tiers, family, rates, amounts)
    assert read_limit(text) == TieredLimit(tiers), text


@given(st.integers(min_value=1, max_value=999), st.integers(0, 2))
def test_flat_rates_read_back_from_every_form(bp: int, style: int) -> None:
    rate = Decimal(bp) / 10_000
    assert read_limit(rate_text(rate, style)) == FlatLimit(rate)


PIECES = [
    *("0.65%", "12%", "50 basis points", "fifty-five percent", "(", ")", "$", "$500 million", "$1B", "$1.5 billion"),
    *("$2,000,000", "of", "the", "first", "next", "over", "up to", "from", "between", "and", "in excess of", "on excess"),
    *("thereafter", "plus", ";", ",", ".", ":", "such assets", "None", "0.80", "$1,00", "class", "reach", "\u2019", "#"),
]


@given(tier_tables(), st.integers(0, FAMILIES - 1), st.integers(0, 2), st.integers(0, 3), st.data())
def test_a_damaged_wording_is_refused_or_read_as_written(
    tiers: tuple[Tier, ...], family: int, rates: int, amounts: int, data: st.DataObject
) -> None:
    """The wording fuzz test: a written tier table reads back to exactly the tiers written; with one word deleted,
    or one piece of another wording put in anywhere, it reads the same or is refused with a reason; never other
    figures."""
    written = wording(tiers, family, rates, amounts)
    assert read_limit(written) == TieredLimit(tiers), written  # undamaged, what was written is what is read
    words = written.split(" ")
    at = data.draw(st.integers(0, len(words) - 1), label="at")
    if data.draw(st.booleans(), label="delete"):
        damaged = words[:at] + words[at + 1 :]
    else:
        damaged = [*words[:at], data.draw(st.sampled_from(PIECES), label="piece"), *words[at:]]
    text = " ".join(damaged)
    try:
        read = read_limit(text)
    except UnreadableLimit as exc:
        assert exc.reason and 0 <= exc.offset <= len(text)
    else:
        assert read == TieredLimit(tiers), f"{text!r} read as other figures than written"
