"""A portfolio-month's status: the words, what each means, and its colour, in one place.

capcalc decides the status, the workbook writes it (status text, a formula that reaches the same
word, a conditional format per colour), and the mail and the console read it back. Three states
have no limit in force, and each says why, because the reader acts differently on each: no
Schedule A on file for the date (we hold no amendment then: find it), the term ended with no
continuance recorded (record the continuance, or the limit has lapsed), and "None" in Schedule A
(no limit by agreement).
"""

from __future__ import annotations

from dataclasses import dataclass

from xlcap.errors import InvalidInputError

CAPPED = "Capped"
REVERSAL = "Waiver reversed"
NEAR_LIMIT = "Near limit"
WITHIN_LIMIT = "Within limit"
NO_LIMIT = "No limit"
NO_SCHEDULE = "No schedule on file"
TERM_ENDED = "Term ended"

NO_LIMIT_TEXT = "None"  # the Limit column where Schedule A says "None": never 0%
# "Near limit": expenses at or above this share of the limit (year to date for the default method), a setting
# (xlcap report --near). A share, not basis points: 5 bp is 57% of a 0.10% cap but 99% of a 1.10% one.
DEFAULT_NEAR_SHARE = 0.95


def parse_near(text: str) -> float:
    """A "Near limit" share from the command line: 95, 95% or 0.95 all mean 95% of the limit."""
    cleaned = str(text).strip().removesuffix("%").strip()
    try:
        number = float(cleaned)
    except ValueError:
        number = float("nan")
    share = number / 100 if number > 1 or str(text).strip().endswith("%") else number
    if not 0 < share <= 1:  # NaN fails too
        raise InvalidInputError(
            f"Parameter 'near' received {text!r}, which is not a share of the limit. Valid: a percentage above 0 and at "
            "most 100, e.g. 95% (or 0.95)."
        )
    return share


def percent(share: float) -> str:
    """95% for 0.95, 99.7% for 0.997: never rounded to a figure the setting is not."""
    return f"{round(share * 100, 6):g}%"


def near_meaning(share: float = DEFAULT_NEAR_SHARE) -> str:
    return f"Within the limit, with expenses subject to the limit at {percent(share)} or more of it (year to date)."


@dataclass(frozen=True)
class State:
    word: str
    meaning: str  # one sentence, for the workbook's Notes and the console
    font: str | None  # conditional format colours; None: the cell's own
    fill: str | None
    bold: bool = False
    live: bool = True  # a limit is in force: the month counts towards the year to date


STATES: tuple[State, ...] = (
    State(CAPPED, "Expenses exceed the limit: the Manager waives the excess.", "#1F3864", "#BDD7EE", bold=True),
    State(
        REVERSAL,
        "This month's waiver is negative: expenses came back under the limit, so part or all of the waiver booked "
        "earlier in the fiscal year is reversed (the Manager's obligation to date went down).",
        "#3F3F76",
        "#E4DFEC",
        bold=True,
    ),
    State(NEAR_LIMIT, near_meaning(), "#7F6000", "#FFE699"),
    State(WITHIN_LIMIT, "Within the limit.", None, None),
    State(NO_LIMIT, 'Schedule A says "None": no limit by agreement (never 0%).', "#375623", "#E2EFDA", live=False),
    State(
        NO_SCHEDULE,
        "No Schedule A on file covers the portfolio on that date (before the first amendment we hold, or before "
        "the amendment that first lists it): add the amendment in force then.",
        "#808080",
        "#F2F2F2",
        live=False,
    ),
    State(
        TERM_ENDED,
        "The limitation term ended (or a later amendment dropped the portfolio) and no continuance is recorded: "
        "no limit is in force. Record an approved continuance in events.toml.",
        "#9C0006",
        "#FFC7CE",
        bold=True,
        live=False,
    ),
)
BY_WORD = {s.word: s for s in STATES}
NOT_IN_FORCE = (NO_SCHEDULE, TERM_ENDED)  # no limit in force, and no agreement that there be none
