"""What an imported amendment changes against the schedule in force on its date: the reviewer's summary."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from xlcap.agreements.collection import agreement_key
from xlcap.agreements.datafiles import DATA_DIR, agreement_folders, load_agreements, load_history
from xlcap.agreements.names import class_key, name_key
from xlcap.agreements.schedule import Amendment, History, ScheduleRow
from xlcap.errors import InvalidInputError, ScheduleDataError
from xlcap.importing.imported import ImportedAmendment, ImportedRow

RENAME_SIMILARITY = 0.8  # difflib ratio of two names' matching keys above which a drop-and-add looks like a rename


@dataclass(frozen=True)
class Changes:
    """Portfolios added, removed and apparently renamed; limits and terms changed, as (name, before, after)."""

    against: Amendment | None
    added: tuple[str, ...]
    removed: tuple[str, ...]
    renamed: tuple[tuple[str, str], ...]
    limits: tuple[tuple[str, str, str], ...]
    terms: tuple[tuple[str, str, str], ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.limits or self.terms)


def history_in(data_dir: Path | None) -> History | None:
    """The history on file in `data_dir` (default: the bundled data), or None when no amendment is on file yet."""
    base = DATA_DIR if data_dir is None else data_dir
    return load_history(base) if any(base.glob("amendment-*.toml")) else None


def agreement_folder(data_dir: Path, agreement: str | None, trust: str | None) -> Path:
    """Where an imported amendment belongs: the folder of one agreement (or of none yet), else the subfolder of the
    agreement chosen, or, when none is, of the one agreement whose trust the filed text names."""
    try:
        folders = agreement_folders(data_dir)
    except ScheduleDataError:
        return data_dir  # nothing on file yet: the first amendment of an agreement
    if len(folders) == 1 and agreement is None:
        return folders[0]
    agreements = load_agreements(data_dir)
    if agreement is None and trust:
        named = [h for h in agreements if agreement_key(h.trust) == agreement_key(trust)]
        if len(named) != 1:
            raise InvalidInputError(
                f"The amendment names the trust {trust!r}, which {len(named) or 'no'} agreements in {data_dir} are with. "
                f"Valid: choose with --agreement ID, one of {agreements.choices}."
            )
        return named[0].amendments[0].source_path.parent
    return agreements.get(agreement).amendments[0].source_path.parent


def compare(imported: ImportedAmendment, history: History | None) -> Changes:
    """The changes against the schedule in force on the imported amendment's date (itself, if already on file)."""
    before = history.in_force(imported.date) if history else None
    old = {row.portfolio: row for row in before.rows} if before else {}
    new = {row.portfolio: row for row in imported.rows if row.portfolio}
    added = [n for n in new if n not in old]
    removed = [n for n in old if n not in new]
    renamed = []
    for gone in list(removed):
        candidates = [
            (_similarity(gone, n), n)
            for n in added
            if _similarity(gone, n) >= RENAME_SIMILARITY or (history and history.names.resolve(n) == gone)
        ]
        if candidates:
            _, successor = max(candidates)
            renamed.append((gone, successor))
            removed.remove(gone)
            added.remove(successor)
    # A portfolio is compared as all its rows (class groups) together, keyed by (portfolio, classes), so no class's
    # limit is hidden behind another's, and a change of one class group shows as that group's.
    olds: dict[str, list[ScheduleRow]] = {}
    news: dict[str, list[ImportedRow]] = {}
    for row in before.rows if before else ():
        olds.setdefault(row.portfolio, []).append(row)
    for imported_row in imported.rows:
        if imported_row.portfolio:
            news.setdefault(imported_row.portfolio, []).append(imported_row)
    pairs = [(name, olds[name], news[name]) for name in new if name in old] + [(a, olds[a], news[b]) for a, b in renamed]
    limits = [(n, _classes(a, _limit), _classes(b, _limit)) for n, a, b in pairs if _classes(a, _limit) != _classes(b, _limit)]
    terms = [(n, _classes(a, _term), _classes(b, _term)) for n, a, b in pairs if _classes(a, _term) != _classes(b, _term)]
    return Changes(before, tuple(added), tuple(removed), tuple(renamed), tuple(limits), tuple(terms))


def _classes(rows: Sequence[ScheduleRow | ImportedRow], show: Callable[[ScheduleRow | ImportedRow], str]) -> str:
    """One description of a portfolio's rows: the row's own when it has no classes, else each class group's in order."""
    if len(rows) == 1 and rows[0].share_classes is None:
        return show(rows[0])
    parts = []
    for row in sorted(rows, key=lambda r: sorted(class_key(c) for c in r.share_classes or ("\uffff",))):
        who = "other classes" if row.share_classes is None else f"Class {', '.join(sorted(row.share_classes))}"
        parts.append(f"{who}: {show(row)}")
    return "; ".join(parts)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, name_key(a), name_key(b)).ratio()


def _limit(row: ScheduleRow | ImportedRow) -> str:
    return "not read" if row.limit is None else row.limit.describe()


def _term(row: ScheduleRow | ImportedRow) -> str:
    if row.permanent:
        return "permanent"
    return "not read" if row.term_end is None else f"until {row.term_end.isoformat()}"
