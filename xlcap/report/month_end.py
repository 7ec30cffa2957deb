"""The month-end job: actuals in, one workbook per manager and one for the whole Trust out.

Nothing is half-written: every input is checked before anything is computed (each cell:
actuals.py; every month and portfolio the month needs: completeness.py); each workbook is
written to a temporary file beside its destination and renamed into place only when all are
done; an existing month's files are replaced only with `force`. A manifest (manifest.json)
beside the workbooks records what was written and a hash of every input, for `xlcap send` and
for the next run: the same inputs again is "up to date", changed inputs need `force`. One run
at a time per folder (the folder lock).
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from xlcap import __version__
from xlcap.agreements.datafiles import DATA_DIR, default_history
from xlcap.agreements.schedule import History
from xlcap.errors import InputFileError, OutputExistsError, OutputWriteError
from xlcap.locking import folder_lock
from xlcap.report.completeness import check_complete
from xlcap.report.compute import CapReport, Method, compute
from xlcap.report.provenance import Provenance
from xlcap.report.recipients import SAMPLE_RECIPIENTS, Manager, read_recipients
from xlcap.report.reconcile import DEFAULT_TOLERANCE
from xlcap.report.recoupment_book import RecoupmentBook, actuals_digest, read_actuals_for_month, report_book
from xlcap.report.status import DEFAULT_NEAR_SHARE, STATES
from xlcap.report.workbook import WorkbookContext, write_workbook

SAMPLE_ACTUALS = DATA_DIR / "sample-actuals.csv"
MANIFEST = "manifest.json"
TRUST_SLUG = "trust"  # the whole Trust's workbook; recipients.slug never gives it to a manager
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ReportFile:
    path: Path
    manager: str | None  # None: the whole Trust
    portfolios: tuple[str, ...]
    emails: tuple[str, ...]
    sha256: str
    absent: tuple[str, ...] = ()  # portfolios of the manager (or Trust) without actuals, so not in the workbook, with why


@dataclass(frozen=True)
class ReportRun:
    """What `run_report` did: the month's files, and whether they were already up to date (nothing written)."""

    out: Path
    files: list[ReportFile]
    up_to_date: bool = False
    notes: tuple[str, ...] = ()  # what the figures cover: a year to date that starts late, statuses without a limit


def default_out_dir(month: pd.Period) -> Path:
    return Path("workbooks") / str(month)


def file_name(month: pd.Period, who: str) -> str:
    return f"expense-caps-{month}-{who}.xlsx"


def generated_time() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so a rebuild from the same inputs is byte-for-byte the same."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    return dt.datetime.now().replace(microsecond=0)


def run_report(
    month: pd.Period,
    *,
    actuals: Path | None = None,
    out_dir: Path | None = None,
    recipients: Path | None = None,
    force: bool = False,
    method: Method = "fytd",
    history: History | None = None,
    generated_at: dt.datetime | None = None,
    progress: Progress | None = None,
    agreement: str | None = None,
    near_share: float = DEFAULT_NEAR_SHARE,
    tolerance: float = DEFAULT_TOLERANCE,
    openings: Path | None = None,
) -> ReportRun:
    """Check the inputs, compute the month, and write the Trust's and each manager's workbook.

    Run again with the same inputs, it writes nothing and says the files are up to date; with
    changed inputs it refuses (OutputExistsError, naming what changed) unless `force`.
    One agreement at a time: `agreement` (id or trust) chooses it when the data folder holds several.
    `actuals` may be a folder of monthly files across years: the month's figures use its fiscal year, the
    Recoupment sheet's ledger every month on file (with `openings`, amounts waived before the files start).
    """
    history = history or default_history(agreement)
    actuals_path = Path(actuals) if actuals else SAMPLE_ACTUALS
    recipients_path = Path(recipients) if recipients else SAMPLE_RECIPIENTS
    out = Path(out_dir) if out_dir else default_out_dir(month)
    managers, report, absent = prepare(month, actuals_path, recipients_path, history, method, near_share, tolerance)
    book = report_book(history, actuals_path, Path(openings) if openings else None, month, method)
    notes = tuple(report.ytd_notes() + report.class_notes() + status_notes(report))

    targets: list[tuple[Manager | None, Path]] = [(None, out / file_name(month, TRUST_SLUG))] + [
        (m, out / file_name(month, m.slug)) for m in managers
    ]
    if len({p.name for _, p in targets}) != len(targets):  # read_recipients refuses such names; never list a file twice
        raise InputFileError([f"{recipients_path}: two managers give the same workbook file name; valid: distinct names."])
    inputs = report_inputs(month, method, actuals_path, recipients_path, history, near_share, tolerance, openings)
    _make_folder(out)
    with folder_lock(out, f"{month}'s report"):
        existing = [p for _, p in targets if p.exists()] + ([out / MANIFEST] if (out / MANIFEST).exists() else [])
        if existing and not force:
            previous = _read_manifest(out / MANIFEST)
            changes = _changes(previous, inputs, [p for _, p in targets])
            if not changes and previous is not None:
                return ReportRun(out, _files_of(previous, out), up_to_date=True, notes=notes)
            raise OutputExistsError(
                f"{out} already holds {month}'s workbooks ({', '.join(p.name for p in existing)}), and "
                f"{'; '.join(changes)}; nothing was written. Use --force to replace them, or --out to write elsewhere."
            )
        for path in [p for _, p in targets] + [out / MANIFEST]:
            if path.exists() and not path.is_file():  # checked first: a failed rename half-way would mix two runs
                raise OutputWriteError(
                    f"Cannot write the workbooks in {out}: {path.name} there is not a file (a folder?). Remove or rename "
                    "it, or choose another folder with --out, then run this again. Nothing was written."
                )
        files = _write(report, history, targets, absent, inputs, actuals_path, generated_at, progress, book)
        return ReportRun(out, files, notes=notes)


def prepare(
    month: pd.Period,
    actuals: Path,
    recipients: Path,
    history: History,
    method: Method = "fytd",
    near_share: float = DEFAULT_NEAR_SHARE,
    tolerance: float = DEFAULT_TOLERANCE,
) -> tuple[tuple[Manager, ...], CapReport, dict[str | None, tuple[tuple[str, str], ...]]]:
    """Every input check, then the figures: the managers, the month's report, and each manager's portfolios left out.

    Raises InputFileError (every problem at once) before any figure is computed.
    """
    managers = read_recipients(recipients, history)
    data = read_actuals_for_month(actuals, history, month)
    absent = check_complete(data, month, history, managers, recipients)
    return managers, compute(data, month, history, method, near_share, tolerance), absent


def status_notes(report: CapReport) -> list[str]:
    """One line for each status with no limit in force this month: how many portfolios, and what it means."""
    lines = []
    for state in STATES:  # a portfolio once, however many of its classes share the status
        names = list(dict.fromkeys(r.portfolio for r in report.summary if r.status == state.word))
        if state.live or not names:
            continue
        who = ", ".join(names) if len(names) <= 3 else f"{len(names)} portfolios"
        lines.append(f"{state.word} in {report.month}: {who}. {state.meaning}")
    return lines


def _write(
    report: CapReport,
    history: History,
    targets: Sequence[tuple[Manager | None, Path]],
    absent: dict[str | None, tuple[tuple[str, str], ...]],
    inputs: dict[str, Any],
    actuals_path: Path,
    generated_at: dt.datetime | None,
    progress: Progress | None,
    book: RecoupmentBook | None = None,
) -> list[ReportFile]:
    out = targets[0][1].parent
    month, method = report.month, report.method
    trust = report.schedule[0][0].trust if report.schedule else history.amendments[-1].trust
    when = generated_at or generated_time()
    illustrative = actuals_path.resolve() == SAMPLE_ACTUALS.resolve()
    source = "bundled sample actuals (sample-actuals.csv)" if illustrative else str(actuals_path)
    written: list[tuple[Manager | None, Path, Path]] = []
    try:
        for done, (manager, path) in enumerate(targets):
            if progress:
                progress(done, len(targets), path.name)
            part = report if manager is None else report.for_portfolios(set(manager.portfolios))
            left_out = absent.get(None if manager is None else manager.name, ())
            none = f"no actuals for {month.strftime('%B %Y')}."
            context = WorkbookContext(trust, None if manager is None else manager.name, when, source, illustrative,
                                      tuple(f"{p} ({why}): {none}" for p, why in left_out),
                                      Provenance.from_inputs(inputs))  # fmt: skip
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=out)
            os.close(fd)
            written.append((manager, path, Path(tmp_name)))
            write_workbook(part, Path(tmp_name), context, book)
        in_month = {rec.portfolio for rec in report.summary}
        files = [
            ReportFile(
                path=path,
                manager=None if manager is None else manager.name,
                portfolios=tuple(sorted(in_month)) if manager is None else tuple(p for p in manager.portfolios if p in in_month),
                emails=() if manager is None else manager.emails,
                sha256=hashlib.sha256(tmp.read_bytes()).hexdigest(),
                absent=tuple(f"{p} ({w})" for p, w in absent.get(None if manager is None else manager.name, ())),
            )
            for manager, path, tmp in written
        ]
        manifest_tmp = out / f".{MANIFEST}.tmp"
        manifest_tmp.write_text(_manifest(month, method, when, source, files, inputs, illustrative), encoding="utf-8")
        mode = 0o666 & ~_umask()  # mkstemp makes files private; the workbooks are ordinary files
        for _, path, tmp in written:  # all written: now put them in place
            tmp.chmod(mode)
            os.replace(tmp, path)
        os.replace(manifest_tmp, out / MANIFEST)
    except OSError as exc:
        raise OutputWriteError(_write_failure(exc, out)) from None
    finally:
        for _, _, tmp in written:
            tmp.unlink(missing_ok=True)
        (out / f".{MANIFEST}.tmp").unlink(missing_ok=True)
    if progress:
        progress(len(targets), len(targets), "done")
    return files


_WHAT_TO_DO = {
    errno.ENOSPC: "the disk is full: free some space",
    errno.EDQUOT: "the disk quota is used up: free some space",
    errno.EACCES: "permission denied: make the folder writable, or choose another with --out",
    errno.EPERM: "permission denied: make the folder writable, or choose another with --out",
    errno.EROFS: "the file system is read-only: choose another folder with --out",
    errno.ENAMETOOLONG: "a file name is too long for this file system: choose a shorter --out path",
}


def _write_failure(exc: OSError, out: Path) -> str:
    where = exc.filename or out
    what = _WHAT_TO_DO.get(exc.errno or 0, f"{exc.strerror or exc}: check the folder")
    return (
        f"Cannot write the workbooks in {out} ({where}): {what}, then run this again. "
        "Nothing was replaced: the folder holds what it held before."
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _manifest(
    month: pd.Period,
    method: str,
    when: dt.datetime,
    source: str,
    files: list[ReportFile],
    inputs: dict[str, Any],
    illustrative: bool,
) -> str:
    return json.dumps(
        {
            "month": str(month),
            "method": method,
            "generated_at": when.isoformat(),
            "source": source,
            "illustrative": illustrative,
            "inputs": inputs,
            "inputs_sha256": inputs_digest(inputs),
            "files": [
                {
                    "file": f.path.name,
                    "manager": f.manager,
                    "portfolios": list(f.portfolios),
                    "emails": list(f.emails),
                    "sha256": f.sha256,
                    "not_in_workbook": list(f.absent),
                }
                for f in files
            ],
        },
        indent=2,
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report_inputs(
    month: pd.Period,
    method: str,
    actuals: Path,
    recipients: Path,
    history: History,
    near_share: float = DEFAULT_NEAR_SHARE,
    tolerance: float = DEFAULT_TOLERANCE,
    openings: Path | None = None,
) -> dict[str, Any]:
    """Everything the month's workbooks are made from, each with a content hash: what makes a rerun up to date.

    `actuals` may be a folder (its files' names and contents are hashed); `openings` is recorded only when given.
    """
    folders = sorted({a.source_path.parent for a in history.amendments})
    data_files = sorted(p for folder in folders for p in folder.glob("*.toml"))
    schedule = hashlib.sha256(b"".join(f"{p.name}:{_sha256(p)}\n".encode() for p in data_files)).hexdigest()
    return {
        "month": str(month),
        "method": method,
        "actuals": {"file": str(actuals), "sha256": actuals_digest(Path(actuals))},
        "recipients": {"file": str(recipients), "sha256": _sha256(recipients)},
        "schedule": {"amendments": [a.label for a in history.amendments], "sha256": schedule},
        "xlcap": __version__,
        "near_share": near_share,
        "tolerance": tolerance,
        **({"openings": {"file": str(openings), "sha256": _sha256(Path(openings))}} if openings is not None else {}),
    }


def inputs_digest(inputs: dict[str, Any]) -> str:
    """One hash over the inputs' contents (not their file names): the same data elsewhere is the same report."""
    basis = {k: v["sha256"] if isinstance(v, dict) else v for k, v in inputs.items()}
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


_INPUT_WORDS = {
    "month": "the month",
    "method": "the method",
    "actuals": "the actuals",
    "recipients": "the recipients file",
    "schedule": "the agreement data (Schedule A, aliases, events)",
    "xlcap": "the xlcap version",
    "near_share": "the near-limit share (--near)",
    "tolerance": "the reconciliation tolerance (--tolerance)",
    "openings": "the opening balances (--openings)",
}


def _changes(previous: dict[str, Any] | None, inputs: dict[str, Any], paths: list[Path]) -> list[str]:
    """Why the files in `out` are not this run's output; empty when they are (same inputs, files as written)."""
    if previous is None:
        return ["no readable manifest.json records what they were made from"]
    before = previous.get("inputs")
    if not isinstance(before, dict):
        return ["their manifest.json was written by an older xlcap that recorded no input hashes"]
    changes = []
    for key, now in inputs.items():
        was = before.get(key)
        now_hash, was_hash = (now["sha256"], was.get("sha256")) if isinstance(now, dict) and isinstance(was, dict) else (now, was)
        if now_hash != was_hash:
            shown = f" ({now['file']})" if isinstance(now, dict) and "file" in now else f" ({str(was)[:40]} -> {now})"
            changes.append(f"{_INPUT_WORDS[key]}{shown} changed since they were written")
    recorded = {f.get("file"): f.get("sha256") for f in previous.get("files", []) if isinstance(f, dict)}
    for path in paths:
        if path.name not in recorded:
            changes.append(f"{path.name} is not among the files they were written with")
        elif not path.exists():
            changes.append(f"{path.name} is missing")
        elif _sha256(path) != recorded[path.name]:
            changes.append(f"{path.name} was changed after it was written")
    return changes


def _read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest as written by xlcap, or None when it is missing, damaged or not of that shape."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and isinstance(f.get("file"), str) and isinstance(f.get("sha256"), str) for f in files
    ):
        return None
    return dict(data)


def _files_of(manifest: dict[str, Any], out: Path) -> list[ReportFile]:
    return [
        ReportFile(
            out / f["file"],
            f.get("manager"),
            tuple(f.get("portfolios", ())),
            tuple(f.get("emails", ())),
            f["sha256"],
            tuple(f.get("not_in_workbook", ())),
        )
        for f in manifest["files"]
    ]


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputWriteError(f"--out {out} is a file, not a folder. Valid: a folder path (it is made if missing).") from None
    except OSError as exc:
        raise OutputWriteError(
            f"Cannot make the output folder {out}: {exc.strerror}. Valid: a folder you can write to."
        ) from None
