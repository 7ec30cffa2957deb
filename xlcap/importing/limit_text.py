"""Limit wordings as filed ("0.80%", "None", "50 Basis Points", marginal breakpoints) read into limit kinds.

A breakpoint wording is read as pieces, one rate and one band each, in either order the filings
use: the rate first ("0.90% of the first $100 million plus ...", "0.90% First $100 million 0.85%
Next $400 million ...") or the band first ("First $100 million: 0.90%; ..."). The order is set by
what the text starts with and holds for the whole wording. Bands may be cumulative ("over $100
million up to $500 million") or incremental ("the next $400 million"). The reader is strict on
purpose: a piece that is not exactly one rate and one band in a known form, or pieces whose bands
leave a gap, overlap or run out of order, raise UnreadableLimit naming the piece and why, so
garbled text is reported, never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xlcap.agreements.limits import FlatLimit, Limit, NoLimit, Tier, TieredLimit, format_rate, rate_problem, tier_problems
from xlcap.errors import InvalidInputError
from xlcap.parse import parse_amount, parse_rate

MAX_CHARS = 2_000  # the longest real wording (a one-way switch) is under 500 characters


class UnreadableLimit(ValueError):
    """A limit text xlcap will not read; `offset` is where in the text the unreadable part starts."""

    def __init__(self, reason: str, offset: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_WORD_VALUES = {w: i for i, w in enumerate(_UNITS.split())} | {w: 10 * i for i, w in enumerate(_TENS, 2)}
_NUMBER_WORD = "(?:" + "|".join(sorted([*_WORD_VALUES, "hundred", "thousand"], key=len, reverse=True)) + ")"
_TOKEN = re.compile(
    rf"""
     (?P<pct>[0-9]+(?:\.[0-9]+)?|(?<![0-9])\.[0-9]+)\s*(?:%|percent\b|per\s+cent\b)
    |(?P<bp>[0-9]+(?:\.[0-9]+)?)\s*(?:basis\s+points?\b|bps?\b)
    |(?P<words>{_NUMBER_WORD}(?:(?:\s+and\s+|\s+|-){_NUMBER_WORD}){{0,8}})\s+(?P<unit>basis\s+points?|percent|per\s+cent)\b
    |(?P<amount>\$\s?(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?:\.[0-9]+)?(?:\s*(?:million|billion|thousand|mm|mn|bn|m|b|k)\b)?)
    |(?P<sep>;|,|:|/|\||\bplus\b|\.(?![0-9]))
    |(?P<paren>[()])
    |(?P<number>[0-9][0-9,.]*)
    |(?P<word>[a-z][a-z'\u2019]*(?:-[a-z]+)*)
    |(?P<other>\S)
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Words that carry no meaning for the band: "of such assets", "of the Portfolio's average daily net assets".
_FILLER = frozenset(
    (
        *("of", "such", "assets", "asset", "the", "a", "an", "on", "for", "all", "in", "at", "per", "annum", "year"),
        *("portfolio", "portfolio's", "portfolios", "fund", "fund's", "series", "average", "daily", "net", "annual", "rate"),
        *("amount", "amounts", "value"),
    )
)
_LOW = r"(?:excess over|excess above|over|excess|above|exceeding|from|more than|greater than|between)"
_HIGH = (
    r"(?:up to and including|and up to|but not exceeding|but not over|but less than|and not exceeding|up to|to|through"
    r"|below|under|less than|not exceeding|not excess|and|-|\u2013)"
)
_BAND = re.compile(
    rf"(?P<first>first \$)|(?P<next>next \$)|(?P<rest>excess|remainder|balance|remaining|thereafter)"
    rf"|(?:(?P<low>{_LOW}) \$)? ?(?:(?P<high>{_HIGH}) \$)?"
    rf"|(?P<range>\$) (?P<to>to|through|-|\u2013) \$"  # a bare range, as a table prints it: "$100 million to $500 million"
)
SMALLEST_BREAKPOINT = 10**6  # every breakpoint in the filings is in millions; a smaller one has lost its "million"
# One-way switches and per-class rates need more than a tier table; say so rather than misread them.
_SWITCH = re.compile(r"\breach(?:es|ed)?\b|\bsubsequent day\b|\bwhether or not\b|\bon the date\b", re.IGNORECASE)
_CLASSES = re.compile(r"\bclass(?:es)?\b", re.IGNORECASE)
PER_CLASS = (
    "it states limits per share class, which one limit cannot hold: each class group is its own row "
    '(share_classes = ["A", ...]), read by xlcap.importing.class_limits'
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # rate, amount, sep, paren, word
    text: str
    start: int
    rate: Decimal = Decimal(0)
    amount: int = 0

    @property
    def word(self) -> str:
        """A word as compared: lower case, typographic apostrophe as plain."""
        return self.text.lower().replace("\u2019", "'")


def read_limit(text: str) -> Limit:
    """The limit a Schedule A cell states; UnreadableLimit when it is empty, garbled or ambiguous."""
    stripped = text.strip().rstrip(".").strip()
    if not stripped:
        raise UnreadableLimit("the limit cell is empty")
    if len(text) > MAX_CHARS:
        raise UnreadableLimit(f"the limit cell holds {len(text):,} characters, more than any limit wording ({MAX_CHARS:,})")
    if stripped.lower() == "none":
        return NoLimit()
    if match := _SWITCH.search(text):
        raise UnreadableLimit(
            "the rates change once assets reach a level and then stay changed (a one-way switch); a tier table cannot hold that",
            match.start(),
        )
    if match := _CLASSES.search(text):
        raise UnreadableLimit(PER_CLASS, match.start())
    tokens = [t for t in _merge_stated_twice(_tokens(text)) if not _is_filler(t)]
    rates = [t for t in tokens if t.kind == "rate"]
    if not rates:
        raise UnreadableLimit("it states no rate")
    if len(rates) == 1 and not _band_words(tokens)[0]:
        if wrong := rate_problem(rates[0].rate):
            raise UnreadableLimit(f"the {wrong}", rates[0].start)
        return FlatLimit(rates[0].rate)
    tiers = _tiers(_pieces(tokens, text), text)
    if problems := tier_problems(tiers):
        raise UnreadableLimit(f"the tiers it states do not fit together: {'; '.join(problems)}")
    return TieredLimit(tiers)


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "unit":  # the unit of a rate in words is matched with its number
            kind = "words"
        if kind == "pct":
            tokens.append(_Token("rate", m.group(), m.start(), rate=parse_rate(f"0{m.group('pct')}%")))  # ".90%" too
        elif kind == "bp":
            tokens.append(_Token("rate", m.group(), m.start(), rate=Decimal(m.group("bp")) / 10_000))
        elif kind == "words":
            value = Decimal(_number_from_words(m.group("words")))
            per = Decimal(10_000) if m.group("unit").lower().startswith("basis") else Decimal(100)
            tokens.append(_Token("rate", m.group(), m.start(), rate=value / per))
        elif kind == "amount":
            tokens.append(_Token("amount", m.group(), m.start(), amount=_dollars(m.group(), m.start())))
        elif kind == "number":
            raise UnreadableLimit(f'"{m.group()}" is a number with neither "%" nor "$"', m.start())
        elif m.group() == "$":  # "$" stands for an amount in the band patterns, so a stray one must not pass as a word
            raise UnreadableLimit('"$" with no amount after it', m.start())
        else:
            tokens.append(_Token("word" if kind == "other" else str(kind), m.group(), m.start()))
    return tokens


def _number_from_words(words: str) -> int:
    """'one hundred sixty' -> 160, 'seventy-five' -> 75."""
    total, current = 0, 0
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and":
            continue
        if word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total, current = (total + max(current, 1)) * 1000, 0
        else:
            current += _WORD_VALUES[word]
    return total + current


def _dollars(text: str, start: int) -> int:
    try:
        amount = parse_amount(text.replace(" ", ""), "amount")
    except InvalidInputError:
        raise UnreadableLimit(f'"{text}" is not an amount', start) from None
    if amount != int(amount):
        raise UnreadableLimit(f'"{text}" is not a whole number of dollars', start)
    return int(amount)


def _merge_stated_twice(tokens: list[_Token]) -> list[_Token]:
    """A rate stated twice, "one hundred sixty basis points (1.60%)", is one rate; the two must agree."""
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "rate" and [x.kind for x in tokens[i + 1 : i + 4]] == ["paren", "rate", "paren"]:
            other = tokens[i + 2]
            if other.rate != t.rate:
                raise UnreadableLimit(
                    f'"{t.text}" is {format_rate(t.rate)} but "{other.text}" beside it is {format_rate(other.rate)}', t.start
                )
            out.append(t)
            i += 4
            continue
        if t.kind != "paren":  # other parentheses ("(of such assets)") add nothing
            out.append(t)
        i += 1
    return out


def _pieces(tokens: list[_Token], text: str) -> list[list[_Token]]:
    """One piece per rate, with the band words beside it: after the rate when the text starts with a rate
    ("0.90% of the first $100 million plus ..."), before it when the text starts with a band ("First $100
    million: 0.90%; ..."). Separators ("plus", ";", ",") need not be there: table forms print none."""
    at = [i for i, t in enumerate(tokens) if t.kind == "rate"]
    meaningful = [t for t in tokens if t.kind != "sep"]
    if meaningful[0].kind == "rate":  # rate first: each piece runs from its rate to the next rate
        bounds = [*at, len(tokens)]
        pieces = [tokens[bounds[n] : bounds[n + 1]] for n in range(len(at))]
    else:  # band first: each piece runs from after the rate before to its own rate
        starts = [0, *(i + 1 for i in at)]
        pieces = [tokens[starts[n] : at[n] + 1] for n in range(len(at))]
        if rest := [t for t in tokens[at[-1] + 1 :] if t.kind != "sep"]:
            raise UnreadableLimit(
                f'"{_span(rest, text)}" is a band with no rate: the bands come before their rates here', rest[0].start
            )
    return [[t for t in piece if t.kind != "sep"] for piece in pieces]


def _is_filler(token: _Token) -> bool:
    return token.kind == "word" and token.word in _FILLER


def _span(part: list[_Token], text: str) -> str:
    last = part[-1]
    return text[part[0].start : last.start + len(last.text)]


def _band_words(part: list[_Token]) -> tuple[str, list[int]]:
    """The band as words with "$" for each amount ("over $ up to $"), and the amounts."""
    words: list[str] = []
    amounts: list[int] = []
    for t in part:
        if t.kind == "amount":
            words.append("$")
            amounts.append(t.amount)
        elif t.kind == "word" and t.word not in _FILLER:
            words.append(t.word)
    while words and words[0] == "and":  # "; and 0.70% in excess of $1 billion"
        words.pop(0)
    while words and words[-1] == "and":  # band first: "Over $1 billion, and 0.70%"
        words.pop()
    return " ".join(words), amounts


def _tiers(pieces: list[list[_Token]], text: str) -> tuple[Tier, ...]:
    tiers: list[Tier] = []
    for n, piece in enumerate(pieces, 1):
        (rate,) = [t.rate for t in piece if t.kind == "rate"]
        words, amounts = _band_words(piece)
        where = f'part {n}, "{_span(piece, text)}",'
        band = _BAND.fullmatch(words)
        if band is None or not words or (band["low"] == "between") != (band["high"] == "and"):
            named = ", ".join(t.text for t in piece if t.kind == "amount")
            why = f'has a band ("{words}") xlcap does not read'
            if len(amounts) > 2:
                why = f"names {len(amounts)} amounts ({named}) for one rate, where a band has at most two"
            if not words:
                why = "gives a rate with no band"
            raise UnreadableLimit(f"{where} {why}", piece[0].start)
        if small := next((t for t in piece if t.kind == "amount" and 0 < t.amount < SMALLEST_BREAKPOINT), None):
            raise UnreadableLimit(
                f'{where} names "{small.text}", under $1 million: no breakpoint is that small (is "million" missing?)',
                small.start,
            )
        previous = tiers[-1].upper if tiers else None
        if (band["next"] or band["rest"]) and previous is None:
            raise UnreadableLimit(f"{where} follows no closed band, so its lower bound is unknown", piece[0].start)
        if band["first"] and tiers:
            raise UnreadableLimit(f'{where} says "first" after another band', piece[0].start)
        if band["low"] == "from" and not band["high"]:
            raise UnreadableLimit(f'{where} says "from" with no upper bound', piece[0].start)
        if band["first"]:
            lower, upper = 0, amounts[0]
        elif band["next"]:
            assert previous is not None
            lower, upper = previous, previous + amounts[0]
        elif band["rest"]:
            assert previous is not None
            lower, upper = previous, None
        elif (band["low"] and band["high"]) or band["range"]:
            lower, upper = amounts[0], amounts[1]
        elif band["low"]:
            lower, upper = amounts[0], None
        else:  # "up to $1 billion": from 0, or on from the band before
            if tiers and previous is None:
                raise UnreadableLimit(f"{where} follows an open-ended band", piece[0].start)
            lower, upper = previous or 0, amounts[0]
        tiers.append(Tier(lower, upper, rate))
    return tuple(tiers)
