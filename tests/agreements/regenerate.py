"""Writes tests/agreements/acme's amendments as a user would: filed text, then `xlcap import --write`.

Run from the repository root: python -m tests.agreements.regenerate. agreement.toml, aliases.toml and
events.toml are written by hand and kept.
"""

from __future__ import annotations

from pathlib import Path

from tests.filed import TERM_HEADING, filed_text
from xlcap.agreements.datafiles import load_history
from xlcap.importing.imported import import_amendment
from xlcap.importing.write import write_amendment

ACME = Path(__file__).parent / "acme"
PARTIES = ("Acme Advisers LLC", "Acme Funds Trust")
NOTICE = (
    "4. Termination. This Agreement may be terminated by either party hereto, without payment of any penalty, "
    "upon sixty (60) days' prior written notice."
)
AMENDMENTS = [
    (1, "January 1, 2008", "December 31, 2008", [
        ("Acme Growth Portfolio", "0.75%"),
        ("Acme Income Portfolio", "Class A 0.60%; Class B 0.85%"),
        ("Lazard Mid-Cap Portfolio", "0.90%"),
    ]),
    (2, "July 1, 2008", "June 30, 2009", [
        ("Acme Growth Portfolio", "0.70%"),
        ("Acme Income Portfolio", "Class A 0.60%; Class B 0.80%"),
        ("Lazard Mid-Cap Portfolio", "0.90%"),
    ]),
]  # fmt: skip


def term(end: str) -> list[str]:
    return [TERM_HEADING, f"This Agreement shall continue in effect until {end} with respect to all of the Portfolios.", NOTICE]


def main() -> None:
    for old in ACME.glob("amendment-*"):
        old.unlink()
    for number, date, end, rows in AMENDMENTS:
        filed = ACME.parent / f"amendment-{number:03d}.txt"
        filed.write_text(filed_text(number, date, term(end), rows, PARTIES), encoding="utf-8")
        try:
            history = load_history(ACME) if any(ACME.glob("amendment-*.toml")) else None
            write_amendment(import_amendment(filed), ACME, history)
        finally:
            filed.unlink()


if __name__ == "__main__":
    main()
