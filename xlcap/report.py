"""The month-end job: actuals in, one workbook per manager and one for the whole Trust out.

Nothing is half-written: every input is checked before anything is computed; each workbook is
written to a temporary file beside its destination and renamed into place only when all are
done; an existing month's files are replaced only with `force`. A manifest (manifest.json)
beside the workbooks records what was written, for `xlcap send`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from xlcap.actuals import read_actuals
from xlcap.capcalc import Method, compute
from xlcap.datafiles import DATA_DIR, default_history
from xlcap.errors import InputFileError, OutputExistsError
from xlcap.recipients import SAMPLE_RECIPIENTS, Manager, read_recipients
from xlcap.schedule import History
from xlcap.workbook import WorkbookContext, write_workbook

SAMPLE_ACTUALS = DATA_DIR / "sample-actuals.csv"
MANIFEST = "manifest.json"
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ReportFile:
    path: Path
    manager: str | None  # None: the whole Trust
    portfolios: tuple[str, ...]
    emails: tuple[str, ...]
    sha256: str


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
) -> list[ReportFile]:
    """Check the inputs, compute the month, and write the Trust's and each manager's workbook."""
    history = history or default_history()
    actuals_path = Path(actuals) if actuals else SAMPLE_ACTUALS
    out = Path(out_dir) if out_dir else default_out_dir(month)
    managers = read_recipients(recipients or SAMPLE_RECIPIENTS, history)
    data = read_actuals(actuals_path, history, month)
    in_month = {r.portfolio for r in data.rows if r.month == month}
    missing = [f"{m.name}: none of {', '.join(m.portfolios)}" for m in managers if not in_month & set(m.portfolios)]
    if missing:
        raise InputFileError([f"{actuals_path}: no rows for {month} for manager {line}." for line in missing])

    targets = [(None, out / file_name(month, "trust"))] + [(m, out / file_name(month, m.slug)) for m in managers]
    existing = [p for _, p in targets if p.exists()] + ([out / MANIFEST] if (out / MANIFEST).exists() else [])
    if existing and not force:
        raise OutputExistsError(
            f"{out} already holds {month}'s workbooks ({', '.join(p.name for p in existing)}); nothing was written. "
            "Use --force to replace them, or --out to write elsewhere."
        )

    report = compute(data, month, history, method)
    trust = report.schedule[0][0].trust if report.schedule else history.amendments[-1].trust
    when = generated_at or generated_time()
    illustrative = actuals_path.resolve() == SAMPLE_ACTUALS.resolve()
    source = "bundled sample actuals (sample-actuals.csv)" if illustrative else str(actuals_path)
    out.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Manager | None, Path, Path]] = []
    try:
        for done, (manager, path) in enumerate(targets):
            if progress:
                progress(done, len(targets), path.name)
            part = report if manager is None else report.for_portfolios(set(manager.portfolios))
            context = WorkbookContext(trust, None if manager is None else manager.name, when, source, illustrative)
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=out)
            os.close(fd)
            written.append((manager, path, Path(tmp_name)))
            write_workbook(part, Path(tmp_name), context)
        files = [
            ReportFile(
                path=path,
                manager=None if manager is None else manager.name,
                portfolios=tuple(sorted(set(report.summary["portfolio"]))) if manager is None else manager.portfolios,
                emails=() if manager is None else manager.emails,
                sha256=hashlib.sha256(tmp.read_bytes()).hexdigest(),
            )
            for manager, path, tmp in written
        ]
        manifest_tmp = out / f".{MANIFEST}.tmp"
        manifest_tmp.write_text(
            _manifest(month, method, when, source, files, _inputs(actuals_path, recipients, method), illustrative),
            encoding="utf-8",
        )
        mode = 0o666 & ~_umask()  # mkstemp makes files private; the workbooks are ordinary files
        for _, path, tmp in written:  # all written: now put them in place
            tmp.chmod(mode)
            os.replace(tmp, path)
        os.replace(manifest_tmp, out / MANIFEST)
    finally:
        for _, _, tmp in written:
            tmp.unlink(missing_ok=True)
        (out / f".{MANIFEST}.tmp").unlink(missing_ok=True)
    if progress:
        progress(len(targets), len(targets), "done")
    return files


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _inputs(actuals: Path, recipients: Path | None, method: str) -> dict[str, str]:
    """What the workbooks were made from (stand-in on the issue-13 branch for issue 9's fuller record)."""
    schedule = hashlib.sha256()
    for path in sorted(DATA_DIR.glob("amendment-*.toml")):
        schedule.update(path.name.encode() + b"\0" + path.read_bytes())
    return {
        "actuals_sha256": hashlib.sha256(actuals.read_bytes()).hexdigest(),
        "recipients_sha256": hashlib.sha256(Path(recipients or SAMPLE_RECIPIENTS).read_bytes()).hexdigest(),
        "schedule_sha256": schedule.hexdigest(),
        "xlcap_version": importlib.metadata.version("xlcap"),
        "method": method,
    }


def _manifest(
    month: pd.Period, method: str, when: dt.datetime, source: str, files: list[ReportFile], inputs: dict[str, str],
    illustrative: bool,
) -> str:  # fmt: skip
    return json.dumps(
        {
            "month": str(month),
            "inputs": inputs,
            "inputs_sha256": hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest(),
            "illustrative": illustrative,
            "method": method,
            "generated_at": when.isoformat(),
            "source": source,
            "files": [
                {
                    "file": f.path.name,
                    "manager": f.manager,
                    "portfolios": list(f.portfolios),
                    "emails": list(f.emails),
                    "sha256": f.sha256,
                }
                for f in files
            ],
        },
        indent=2,
    )
