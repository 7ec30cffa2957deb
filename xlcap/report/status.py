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

CAPPED = "Capped"
NEAR_LIMIT = "Near limit"
WITHIN_LIMIT = "Within limit"
NO_LIMIT = "No limit"
NO_SCHEDULE = "No schedule on file"
TERM_ENDED = "Term ended"

NO_LIMIT_TEXT = "None"  # the Limit column where Schedule A says "None": never 0%


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
    State(NEAR_LIMIT, "Within the limit, with headroom of 5 basis points a year or less.", "#7F6000", "#FFE699"),
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
        "#833C0B",
        "#FBE5D6",
        live=False,
    ),
)
BY_WORD = {s.word: s for s in STATES}
NOT_IN_FORCE = (NO_SCHEDULE, TERM_ENDED)  # no limit in force, and no agreement that there be none
