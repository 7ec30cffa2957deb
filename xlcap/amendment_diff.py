"""What an imported amendment changes against the schedule in force on its date: the reviewer's summary."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlcap.amendment_import import ImportedAmendment, ImportedRow
from xlcap.datafiles import DATA_DIR, load_history
from xlcap.limits import Limit
from xlcap.names import name_key
from xlcap.schedule import Amendment, History, ScheduleRow

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
    # A portfolio with per-class rows is compared as all its class groups together, so no class's limit is hidden.
    groups = {name: before.rows_for(name) for name in old} if before else {}
    pairs = [(name, groups[name], new[name]) for name in new if name in old] + [(a, groups[a], new[b]) for a, b in renamed]
    limits = [(n, _classes(a, _limit), _limit(b.limit)) for n, a, b in pairs if _classes(a, _limit) != _limit(b.limit)]
    terms = [(n, _classes(a, _term), _term(b)) for n, a, b in pairs if _classes(a, _term) != _term(b)]
    return Changes(before, tuple(added), tuple(removed), tuple(renamed), tuple(limits), tuple(terms))


def _classes(rows: tuple[ScheduleRow, ...], show: Callable[[Any], str]) -> str:
    """One description of a portfolio's rows: the row's own when it has no classes, else each class group's."""
    if len(rows) == 1 and rows[0].share_classes is None:
        return show(rows[0].limit if show is _limit else rows[0])
    parts = []
    for row in rows:
        who = "other classes" if row.share_classes is None else f"Class {', '.join(sorted(row.share_classes))}"
        parts.append(f"{who}: {show(row.limit if show is _limit else row)}")
    return "; ".join(parts)


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, name_key(a), name_key(b)).ratio()


def _limit(limit: Limit | None) -> str:
    return "not read" if limit is None else limit.describe()


def _term(row: ScheduleRow | ImportedRow) -> str:
    if row.permanent:
        return "permanent"
    return "not read" if row.term_end is None else f"until {row.term_end.isoformat()}"
