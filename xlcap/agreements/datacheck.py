"""`xlcap data check`: every problem in a folder of agreement data, each with its file and line.

Loading stops at the first problem (a lookup must not run on broken data); a reviewer wants
them all at once, with where to look. This reads each file on its own, then the folder as a
whole (aliases, events), and checks each row's limit text against the filed document it cites.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from xlcap.agreements.datafiles import (
    AGREEMENT_FILE,
    agreement_folders,
    amendment_from_data,
    load_agreements,
    load_history,
    load_terms,
)
from xlcap.agreements.schedule import AgreementTerms, Amendment
from xlcap.errors import ScheduleDataError


@dataclass(frozen=True)
class DataProblem:
    file: Path
    line: int | None  # 1-based; None when the problem is the file as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass(frozen=True)
class DataReport:
    folder: Path
    amendments: tuple[Amendment, ...]
    problems: tuple[DataProblem, ...]
    agreements: tuple[str, ...] = ()  # the ids of the agreements checked

    def summary(self) -> str:
        """What `xlcap data check` prints: every problem, or what was checked."""
        if self.problems:
            head = f"{self.folder}: {_count(len(self.problems), 'problem')}; fix each, then run this again:"
            return head + "\n" + "\n".join(f"  {p}" for p in self.problems)
        several = f"{_count(len(self.agreements), 'agreement')} ({', '.join(self.agreements)}), " * (len(self.agreements) > 1)
        rows = _count(sum(len(a.rows) for a in self.amendments), "Schedule A row")
        return f"{self.folder}: {several}{_count(len(self.amendments), 'amendment')}, {rows}; no problems."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def check_folder(folder: Path) -> DataReport:
    """Every problem of every agreement in `folder` (one subfolder each, or the folder itself), in file order."""
    folder = Path(folder)
    if not folder.is_dir():
        return DataReport(folder, (), (DataProblem(folder, None, "not a folder"),))
    try:
        folders = agreement_folders(folder)
    except ScheduleDataError as exc:
        return DataReport(folder, (), (_located(exc.message, folder),))
    reports = [_check_agreement(f) for f in folders]
    problems = [p for r in reports for p in r.problems]
    if not problems and len(folders) > 1:  # each agreement loads: now the ids must tell them apart
        try:
            load_agreements(folder)
        except ScheduleDataError as exc:
            problems.append(DataProblem(folder, None, exc.message))
    amendments = tuple(a for r in reports for a in r.amendments)
    ids = tuple(load_terms(f).id if not r.problems else f.name for f, r in zip(folders, reports, strict=True))
    return DataReport(folder, amendments, tuple(problems), ids)


def _check_agreement(folder: Path) -> DataReport:
    """Every problem in one agreement's folder; the amendments that loaded cleanly."""
    problems: list[DataProblem] = []
    terms = _terms(folder, problems)
    paths = sorted(folder.glob("amendment-*.toml"))
    if not paths:
        problems.append(DataProblem(folder, None, "no amendment-*.toml files; at least one amendment must be on file"))
    amendments = []
    for path in paths:
        amendment = _amendment(path, terms, problems)
        if amendment is not None:
            amendments.append(amendment)
    numbers = [a.number for a in amendments]
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(DataProblem(folder, None, f"Amendment No. {number} is on file more than once"))
    if not problems:  # the folder as a whole: aliases and events need every amendment
        try:
            load_history(folder)
        except ScheduleDataError as exc:  # one problem a line: several approvals may be wrong at once
            problems += [_located(line, folder) for line in exc.message.splitlines()]
    return DataReport(folder, tuple(amendments), tuple(problems))


def _terms(folder: Path, problems: list[DataProblem]) -> AgreementTerms:
    if not (folder / AGREEMENT_FILE).exists():
        problems.append(
            DataProblem(
                folder / AGREEMENT_FILE,
                None,
                "missing: record the agreement's term section (term_section) and notice period (notice_days, "
                "notice_text) as its text states them",
            )
        )
        return AgreementTerms()
    try:
        return load_terms(folder)
    except ScheduleDataError as exc:
        problems += [_located(line, folder) for line in exc.message.splitlines()]
        return AgreementTerms()


def _amendment(path: Path, terms: AgreementTerms, problems: list[DataProblem]) -> Amendment | None:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+)", str(exc))
        problems.append(DataProblem(path, int(at.group(1)) if at else None, f"not valid TOML ({exc})"))
        return None
    # Each row on its own, under the file's header, so one bad row does not hide the next.
    rows = data["portfolio"] if isinstance(data.get("portfolio"), list) else []
    bad_rows = False
    for n, (row, line) in enumerate(zip(rows, _portfolio_lines(text), strict=False), 1):
        try:
            problems += _against_filed_text(path, amendment_from_data({**data, "portfolio": [row]}, path, terms))
        except ScheduleDataError as exc:
            if "portfolio 1" in exc.message:  # a row's own problem, not the header's
                bad_rows = True
                message = exc.message.removeprefix(f"{path}: ").replace("portfolio 1", f"portfolio {n}", 1)
                problems.append(DataProblem(path, line, message))
    try:
        return amendment_from_data(data, path, terms)
    except ScheduleDataError as exc:
        if not bad_rows:
            problems.append(DataProblem(path, _line_of_field(text, exc.message), exc.message.removeprefix(f"{path}: ")))
        return None


def _portfolio_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == "[[portfolio]]"]


def _line_of_field(text: str, message: str) -> int | None:
    field = re.search(r"field '([a-z_]+)'", message)
    if field:
        for i, line in enumerate(text.splitlines(), 1):
            if line.split("=")[0].strip() == field.group(1):
                return i
    return None


def _located(message: str, folder: Path) -> DataProblem:
    """A loader message 'FILE: text' as a problem of that file."""
    head, _, rest = message.partition(": ")
    path = Path(head)
    if not rest or path.parent != folder:
        return DataProblem(folder, None, message)
    at = re.match(r"line (\d+): ", rest)  # a loader that knows the line (events.toml approvals) says so first
    return DataProblem(path, int(at.group(1)), rest[at.end() :]) if at else DataProblem(path, None, rest)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[A-Za-z0-9$%.,]+", text)


def _against_filed_text(path: Path, amendment: Amendment) -> list[DataProblem]:
    """Each row's limit text must stand, word for word and in order, in the filed document at the lines it cites."""
    raw = amendment.source_text
    is_text = amendment.source_path.suffix.lower() == ".txt"
    lines = raw.splitlines() if is_text else html.unescape(re.sub(r"<[^>]+>", " ", raw)).splitlines()
    problems = []
    for row in amendment.rows:
        first, last = row.source_lines
        if is_text and not 1 <= first <= last <= len(lines):
            problems.append(
                DataProblem(path, None, f"{row.portfolio}: source_lines {first}-{last} are outside the filed document")
            )
            continue
        cited = " ".join(lines[first - 1 : last]) if is_text else " ".join(lines)
        if not _in_order(_tokens(row.limit_text), _tokens(cited)):
            where = f"lines {first}-{last} of {amendment.source_path.name}" if is_text else amendment.source_path.name
            problems.append(DataProblem(path, None, f"{row.portfolio}: limit_text {row.limit_text!r} is not in {where}"))
    return problems


def _in_order(needle: list[str], haystack: list[str]) -> bool:
    words = iter(haystack)
    return all(any(word == w for w in words) for word in needle)
