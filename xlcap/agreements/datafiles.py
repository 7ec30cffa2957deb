"""Reads a folder of reviewed data files into Agreements (one History each): the bundled xlcap/data, or the user's own.

A folder holding amendment-NNN.toml is one agreement; otherwise each subfolder that does is one.

Files: `agreement.toml` (the agreement's own terms: the section that holds the term, the
notice period), `amendment-NNN.toml` (one per amendment, beside the filed text it names),
`aliases.toml` (other names of portfolios) and `events.toml` (continuances, termination
notices, approvals of repayment: xlcap/agreements/approvals.py). Any malformed field is a
ScheduleDataError naming file and field. The folder is
`XLCAP_DATA` when set (an administrator's own agreements, reviewed in git), else the bundled one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tomllib
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from xlcap.agreements.approvals import read_approvals
from xlcap.agreements.collection import Agreements
from xlcap.agreements.limits import LIMIT_KINDS, Limit
from xlcap.agreements.names import class_key
from xlcap.agreements.recoupment_terms import recoupment_terms
from xlcap.agreements.schedule import AgreementTerms, Amendment, History, Interpretation, ScheduleRow
from xlcap.errors import ScheduleDataError

# Found through importlib.resources, so an installed wheel reads its own copy wherever it is run from.
DATA_DIR = Path(str(resources.files("xlcap").joinpath("data")))
DATA_ENV = "XLCAP_DATA"
AGREEMENT_FILE = "agreement.toml"


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScheduleDataError(f"{path}: cannot be read as TOML ({exc}).") from None


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if key not in data:
        raise ScheduleDataError(f"{where}: missing field '{key}'.")
    value = data[key]
    if not isinstance(value, kind) or (kind is dt.date and isinstance(value, dt.datetime)):
        raise ScheduleDataError(f"{where}: field '{key}' is {value!r}; expected {getattr(kind, '__name__', kind)}.")
    return value


def _literal(data: dict[str, Any], where: str) -> Limit | None:
    """The limit the filed text gives read word for word (optional): the workbook shows its figures beside ours."""
    if "literal_limit" not in data:
        return None
    limit_data = _field(data, "literal_limit", dict, where)
    kind = limit_data.get("kind")
    if kind not in LIMIT_KINDS:
        raise ScheduleDataError(f"{where}: literal_limit kind {kind!r} is unknown; valid kinds: {', '.join(LIMIT_KINDS)}.")
    try:
        return LIMIT_KINDS[kind].from_data(limit_data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ScheduleDataError(f"{where}: literal_limit cannot be read ({exc}).") from None


def _row(data: dict[str, Any], where: str, number: int, terms: AgreementTerms) -> ScheduleRow:
    name = _field(data, "name", str, where)
    where = f"{where} ({name})"
    limit_data = _field(data, "limit", dict, where)
    kind = limit_data.get("kind")
    if kind not in LIMIT_KINDS:
        raise ScheduleDataError(f"{where}: limit kind {kind!r} is unknown; valid kinds: {', '.join(LIMIT_KINDS)}.")
    try:
        limit = LIMIT_KINDS[kind].from_data(limit_data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ScheduleDataError(f"{where}: limit cannot be read ({exc}).") from None
    permanent = data.get("permanent", False) is True
    term_end = None if permanent else _field(data, "term_end", dt.date, where)
    interpretation = None
    if "interpretation" in data:
        i = _field(data, "interpretation", dict, where)
        interpretation = Interpretation(
            _field(i, "reading", str, where + " interpretation"),
            _field(i, "note", str, where + " interpretation"),
            _field(i, "authority", str, where + " interpretation"),
            _literal(i, where + " interpretation"),
            str(i.get("literal_reading", "")),
        )
    lines = _field(data, "source_lines", list, where)
    classes = data.get("share_classes")
    if classes is not None and (not isinstance(classes, list) or not classes or not all(isinstance(c, str) for c in classes)):
        raise ScheduleDataError(
            f'{where}: field \'share_classes\' is {classes!r}; expected a list of class names, e.g. ["A", "C"].'
        )
    return ScheduleRow(
        portfolio=name,
        limit=limit,
        limit_text=_field(data, "limit_text", str, where),
        source_lines=(int(lines[0]), int(lines[-1])),
        term_end=term_end,
        permanent=permanent,
        term_basis=f"Amendment No. {number}, {terms.term_section}",
        interpretation=interpretation,
        new_portfolio=data.get("new_portfolio", False) is True,
        share_classes=None if classes is None else frozenset(classes),
    )


def load_amendment(path: Path, terms: AgreementTerms | None = None) -> Amendment:
    """Read one amendment file and check it against the filed document it names."""
    return amendment_from_data(_read_toml(path), path, terms or AgreementTerms())


def amendment_from_data(data: dict[str, Any], path: Path, terms: AgreementTerms) -> Amendment:
    """An amendment from its parsed TOML; `path` is where it came from (its filed document sits beside it)."""
    where = str(path)
    number = _field(data, "amendment", int, where)
    source = path.parent / _field(data, "source_file", str, where)
    try:
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
    except OSError as exc:
        raise ScheduleDataError(f"{where}: the filed document {source.name} cannot be read ({exc}).") from None
    if digest != _field(data, "source_sha256", str, where):
        raise ScheduleDataError(f"{where}: {source.name} does not match source_sha256; the filed document was changed.")
    rows = tuple(
        _row(r, f"{where}: portfolio {n}", number, terms) for n, r in enumerate(_field(data, "portfolio", list, where), 1)
    )
    try:
        return Amendment(
            number=number,
            date=_field(data, "date", dt.date, where),
            title=_field(data, "title", str, where),
            manager=_field(data, "manager", str, where),
            trust=_field(data, "trust", str, where),
            agreement=_field(data, "agreement", str, where),
            prior_amendment_dates=tuple(data.get("prior_amendment_dates", [])),
            new_portfolios=tuple(data.get("new_portfolios", [])),
            term_clause=_field(data, "term_clause", str, where).strip(),
            source_path=source,
            source_sha256=digest,
            rows=rows,
        )
    except ValueError as exc:
        raise ScheduleDataError(f"{where}: {exc}.") from None


def _apply_events(history: History, events: dict[str, Any], where: str) -> History:
    """Rewrite each affected row's term with the recorded continuances and termination notices."""
    changes: list[tuple[dt.date, str, str, dict[str, Any]]] = []
    for kind, date_key in (("continuance", "approved"), ("termination", "notice")):
        for n, event in enumerate(events.get(kind, []), 1):
            spot = f"{where}: {kind} {n}"
            changes.append((_field(event, date_key, dt.date, spot), kind, spot, event))
    amendments = {a.number: a for a in history.amendments}
    for on, kind, spot, event in sorted(changes, key=lambda c: c[0]):
        typed = _field(event, "portfolio", str, spot)
        name = history.names.resolve(typed)
        amendment = history.in_force(on)
        if name is None or amendment is None or not amendment.rows_for(name):
            raise ScheduleDataError(f"{spot}: portfolio {typed!r} is not in the schedule in force on {on.isoformat()}.")
        amendment = amendments[amendment.number]
        reference = _field(event, "reference", str, spot)
        rows = []
        for row in amendment.rows:
            if row.portfolio == name:
                if kind == "continuance":
                    end = _field(event, "new_end", dt.date, spot)
                    basis = f"continuance approved {on.isoformat()}: {reference}"
                    row = replace(row, term_end=end, permanent=False, term_basis=basis)
                else:
                    if history.terms.notice_days is None:
                        raise ScheduleDataError(
                            f"{spot}: a termination notice needs the agreement's notice period; record notice_days "
                            f"(and notice_text, as filed) in {AGREEMENT_FILE}."
                        )
                    end = on + dt.timedelta(days=history.terms.notice_days)
                    if row.term_end is None or end < row.term_end:
                        basis = f"termination noticed {on.isoformat()}: {reference}"
                        row = replace(row, term_end=end, permanent=False, term_basis=basis)
            rows.append(row)
        amendments[amendment.number] = amendment.with_rows(tuple(rows))
    return History(list(amendments.values()), history.aliases, history.terms)


def load_terms(base: Path) -> AgreementTerms:
    """The agreement's own terms from agreement.toml; defaults that assume nothing when the file is absent."""
    path = base / AGREEMENT_FILE
    if not path.exists():
        return AgreementTerms(id=base.name)
    data, where = _read_toml(path), str(path)
    notice = data.get("notice_days")
    if notice is not None and (not isinstance(notice, int) or isinstance(notice, bool) or not 1 <= notice <= 3650):
        raise ScheduleDataError(f"{where}: field 'notice_days' is {notice!r}; expected a whole number of days, 1 to 3650.")
    for key in ("id", "trust", "manager"):
        if key in data:
            _field(data, key, str, where)
    return AgreementTerms(
        id=str(data.get("id", "")).strip() or base.name,
        trust=str(data.get("trust", "")),
        manager=str(data.get("manager", "")),
        name=str(data.get("name", "")),
        term_section=_field(data, "term_section", str, where) if "term_section" in data else AgreementTerms.term_section,
        notice_days=notice,
        notice_text=str(data.get("notice_text", "")),
        recoupment=recoupment_terms(data, where),
    )


def load_history(data_dir: Path | None = None) -> History:
    """Every amendment under `data_dir` (default: data_folder()), with aliases and events applied."""
    base = data_folder() if data_dir is None else Path(data_dir)
    paths = sorted(base.glob("amendment-*.toml"))
    if not paths:
        raise ScheduleDataError(f"{base}: no amendment-*.toml files; at least one amendment must be on file.")
    terms = load_terms(base)
    amendments = [load_amendment(p, terms) for p in paths]
    aliases_path = base / "aliases.toml"
    aliases = _read_toml(aliases_path).get("aliases", {}) if aliases_path.exists() else {}
    history = History(amendments, aliases, terms)
    for alias, target in aliases.items():
        if history.names.resolve(target) != target:
            raise ScheduleDataError(f"{aliases_path}: alias {alias!r} points to {target!r}, which no amendment lists.")
    events_path = base / "events.toml"
    if events_path.exists():
        events = _read_toml(events_path)
        history = _apply_events(history, events, str(events_path))
        history = _with_approvals(history, events, events_path)
    return history


def _with_approvals(history: History, events: dict[str, Any], path: Path) -> History:
    """The recorded approvals of repayment, kept with the agreement's recoupment terms."""
    classes: dict[str, set[str]] = {}
    for amendment in history.amendments:
        for row in amendment.rows:
            classes.setdefault(row.portfolio, set()).update(class_key(c) for c in row.share_classes or ())
    text = path.read_text(encoding="utf-8", errors="replace")
    approvals = read_approvals(events, text, str(path), history.names, classes)
    if not approvals:
        return history
    terms = replace(history.terms, recoupment=replace(history.terms.recoupment, approvals=approvals))
    return History(list(history.amendments), history.aliases, terms)


def agreement_folders(folder: Path) -> list[Path]:
    """The agreements of a data folder: the folder itself when it holds amendments, else each subfolder that does."""
    folder = Path(folder)
    subfolders = sorted(
        p for p in folder.iterdir() if p.is_dir() and (any(p.glob("amendment-*.toml")) or (p / AGREEMENT_FILE).exists())
    )
    if any(folder.glob("amendment-*.toml")):
        if subfolders:  # which is meant cannot be told: say so rather than ignore the subfolders
            raise ScheduleDataError(
                f"{folder}: holds amendment-*.toml files and agreement subfolders ({', '.join(p.name for p in subfolders)}); "
                "valid: one agreement's files, or one subfolder per agreement (move the files into a subfolder of their own)."
            )
        return [folder]
    if not subfolders:
        raise ScheduleDataError(
            f"{folder}: no amendment-*.toml files and no agreement subfolders; valid: the amendments of one agreement, "
            "or one subfolder per agreement holding its agreement.toml and amendments."
        )
    return subfolders


def load_agreements(folder: Path | None = None) -> Agreements:
    """Every agreement of `folder` (default: data_folder()), one History each."""
    base = data_folder() if folder is None else Path(folder)
    return Agreements([load_history(p) for p in agreement_folders(base)])


def data_folder() -> Path:
    """The agreement data in use: the folder named by XLCAP_DATA, else the bundled Met Investors data."""
    return _folder(os.environ.get(DATA_ENV, ""))


def _folder(named: str) -> Path:
    if not named:
        return DATA_DIR
    folder = Path(named).expanduser()
    if not folder.is_dir():
        raise ScheduleDataError(
            f"The data folder (--data or {DATA_ENV}) is {named!r}, which is not a folder. Valid: a folder of agreement "
            "data (agreement.toml, amendment-NNN.toml beside the filed documents), or neither, for the bundled data."
        )
    return folder


def default_agreements() -> Agreements:
    """The agreements of data_folder(), read once per process for each folder."""
    return _cached_agreements(os.environ.get(DATA_ENV, ""))  # keyed by the setting: no file system call per lookup


def default_history(agreement: str | None = None) -> History:
    """One agreement of data_folder(): the one named (id or trust), or the only one."""
    return _cached_agreements(os.environ.get(DATA_ENV, "")).get(agreement)


@lru_cache(maxsize=4)
def _cached_agreements(named: str) -> Agreements:
    return load_agreements(_folder(named))
