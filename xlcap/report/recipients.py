"""Who gets which workbook: manager -> portfolios -> email addresses, from a TOML file.

    [[manager]]
    name = "Lazard"
    portfolios = ["Lazard Mid-Cap Portfolio"]
    emails = ["fundreporting@lazard.example.com"]

Every problem is reported at once (InputFileError), before anything is computed or sent.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from xlcap.agreements.datafiles import DATA_DIR
from xlcap.agreements.schedule import History
from xlcap.errors import InputFileError

SAMPLE_RECIPIENTS = DATA_DIR / "sample-recipients.toml"
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# A dot-atom local part (no leading, trailing or doubled dot) at a dotted domain name: what every SMTP server takes.
_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def valid_address(text: str, *, dotted: bool = True) -> bool:
    """A plain address, name@example.com, that a mail server takes as written (RFC 5321 dot-atom).

    dotted=False also allows a one-label domain (xlcap@localhost), for a sender on this machine."""
    local, _, domain = text.rpartition("@")
    return bool(_EMAIL.fullmatch(text)) and len(local) <= 64 and len(text) <= 254 and ("." in domain or not dotted)


def has_control(text: str) -> bool:
    """Carriage returns, line feeds and other control characters: never allowed in a mail header."""
    return bool(_CONTROL.search(text))


@dataclass(frozen=True)
class Manager:
    name: str
    portfolios: tuple[str, ...]  # canonical names
    emails: tuple[str, ...]

    @property
    def slug(self) -> str:
        return slug(self.name)


SLUG_MOST = 60  # characters of a name kept in a file name; a longer name is cut and told apart by a hash
RESERVED = {"trust"}  # the whole Trust's workbook


def slug(name: str) -> str:
    """A file-name-safe form of a name: 'Legg Mason' -> 'legg-mason', 'Société Générale' -> 'societe-generale'.

    Letters, digits and hyphens only (no '/', '..', or a bare Windows device name, since it always follows a
    prefix); at most 60 characters of the name plus a hash of the whole name when cut or nothing is left;
    'trust' (the whole Trust's workbook) becomes 'manager-trust'.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if len(text) > SLUG_MOST or not text:
        digest = hashlib.sha256(name.encode()).hexdigest()[:8]
        text = f"{text[:SLUG_MOST].strip('-') or 'manager'}-{digest}"
    return f"manager-{text}" if text in RESERVED else text


def _short(name: str, most: int = 60) -> str:
    return name if len(name) <= most else f"{name[: most - 3]}..."


def read_recipients(path: Path | str, history: History) -> tuple[Manager, ...]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputFileError([f"{path}: cannot be read as TOML ({exc})."]) from None
    entries = data.get("manager")
    if not isinstance(entries, list) or not entries:
        raise InputFileError(
            [f"{path}: no [[manager]] entries; valid: one [[manager]] table per manager with name, portfolios, emails."]
        )
    problems: list[str] = []
    managers: list[Manager] = []
    seen_slugs: dict[str, str] = {}
    for n, entry in enumerate(entries, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        where = f"{path}, manager {n}" + (f" ({_short(name)})" if isinstance(name, str) else "")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: missing 'name'; valid: the manager's name as text.")
            continue
        if has_control(name):
            problems.append(f"{where}: the name contains a line break or control character; valid: one line of text.")
        if slug(name) in seen_slugs:
            problems.append(
                f"{where}: name {_short(name)!r} gives the same file name (expense-caps-YYYY-MM-{slug(name)}.xlsx) as "
                f"{_short(seen_slugs[slug(name)])!r}; valid: names that differ in letters or digits."
            )
        seen_slugs[slug(name)] = name
        typed = entry.get("portfolios", [])
        if not isinstance(typed, list) or not typed:
            problems.append(f"{where}: no portfolios; valid: a list of portfolio names from Schedule A.")
            typed = []
        portfolios: list[str] = []
        for p in typed:
            canonical = history.names.resolve(p) if isinstance(p, str) else None
            if canonical is None:
                hint = history.names.suggest(str(p))
                suggestion = f" Did you mean {' or '.join(repr(s) for s in hint)}?" if hint else ""
                problems.append(f"{where}, portfolios: unknown portfolio {p!r}.{suggestion}")
            elif canonical not in portfolios:
                portfolios.append(canonical)
        emails = entry.get("emails", [])
        if not isinstance(emails, list) or not emails:
            problems.append(f"{where}: no emails; valid: a list of email addresses.")
            emails = []
        for address in emails:
            if not isinstance(address, str) or not valid_address(address.strip()):
                problems.append(f"{where}, emails: {address!r} is not an email address; valid: name@example.com.")
        managers.append(Manager(name.strip(), tuple(portfolios), tuple(str(e).strip() for e in emails)))
    if problems:
        raise InputFileError(problems)
    return tuple(managers)
