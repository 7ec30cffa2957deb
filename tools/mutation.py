"""Mutation testing of xlcap's core modules with mutmut: does a test fail when the code is changed?

    python tools/mutation.py money limits capcalc lookup send_log      # or: all
    python tools/mutation.py --minutes 5 --jobs 1 capcalc

For each module named, mutmut (in the `test` extra) changes the code one small way at a time
(`>=` to `>`, `+` to `-`, a constant, a dropped argument...) and runs, against each change, the
fast tests that reach the changed function (mutmut records which tests call which function;
LibreOffice is skipped with XLCAP_SKIP_LIBREOFFICE=1). A mutant is *killed* when a test fails
(or crashes, or hangs). The score per module is killed / (mutants - equivalent): equivalent mutants
change nothing a caller can observe and are listed, each with the reason, in
tools/equivalent-mutants.txt. Every surviving mutant is printed with its diff: write a test
that kills it, or add it to that file with the reason.

Each module runs in its own fresh copy of the checkout (uncommitted changes included) under
$XLCAP_MUTATION_DIR (default: a folder in the system temp dir), never in the checkout itself,
and stops after --minutes (what was not reached is counted as "not run"). The golden-workbook
test is left out on purpose: a mutant only the golden files notice counts as a survivor.
Exit status 1 when a mutant survived that the file does not list, so this can gate a branch;
2 when mutmut could not run a module (most often: a test fails on the unchanged code).
mutmut 3 mutates code inside functions only: module-level constants (capcalc.NEAR_LIMIT, ...)
are guarded by hand-planted tests instead (tests/test_planted_bugs.py).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = Path(__file__).resolve().parent / "equivalent-mutants.txt"

# The fast tests: every test file but these. LibreOffice is skipped (XLCAP_SKIP_LIBREOFFICE=1);
# mutmut first records which tests call each function, then runs against each mutant only the
# tests that reach it, stopping at the first failure.
SLOW_OR_NOT_A_GUARD = {
    "tests/test_lint.py": "ruff and mypy judge style, not behaviour",
    "tests/test_golden.py": "the golden files are written by the code under test: a mutant only they catch is a survivor",
    "tests/test_udf_officejs.py": "needs an xlwings licence key",
    "tests/test_mutation_tool.py": "runs this script",
    "tests/test_installed.py": "builds and installs the wheel: packaging, not arithmetic (and it sees mutmut's files)",
}
# Modules that may be mutated, by short name -> their path under xlcap/ (dotted: their mutant names).
PATHS: dict[str, str] = {
    "money": "money", "limits": "agreements.limits", "schedule": "agreements.schedule", "lookup": "agreements.lookup",
    "vectorised": "agreements.vectorised", "capcalc": "report.compute", "excel_values": "excel.values",
    "send_log": "mail.send_log",
}  # fmt: skip
# `only` narrows a module to some functions; none is narrowed today.
MODULES: dict[str, list[str]] = {name: [] for name in PATHS}
# mutmut's exit codes per mutant: a failing test (1, 3), a timeout (an endless loop: 24, 36, 152, 255,
# or -9 when the CPU limit kills it) or a crash of the test process (-11) is caught.
CAUGHT, SURVIVED, NOT_RUN = {1, 3, 24, -24, 36, 152, 255, -9, -11}, {0}, {None, 2}


class MutmutFailed(Exception):
    """mutmut could not test a module (most often: a test fails on the unchanged code)."""


@dataclass
class Score:
    module: str
    codes: dict[str, int | None]
    equivalent: dict[str, str]
    timed_out: bool
    caught: list[str] = field(default_factory=list)
    survived: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    listed_equivalent: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name, code in sorted(self.codes.items(), key=lambda kv: _order(kv[0])):
            if code in CAUGHT:
                self.caught.append(name)
            elif code in NOT_RUN:
                self.not_run.append(name)
            elif name in self.equivalent:
                self.listed_equivalent.append(name)
            else:
                self.survived.append(name)  # survived, no test reaches it (33), suspicious...

    @property
    def scored(self) -> int:
        return len(self.caught) + len(self.survived)

    @property
    def percent(self) -> float:
        return 100.0 * len(self.caught) / self.scored if self.scored else 100.0


def _order(name: str) -> tuple[str, int]:
    base, _, n = name.rpartition("_")
    return base, int(n) if n.isdigit() else 0


def read_equivalents(path: Path = EQUIVALENTS) -> dict[str, str]:
    """`mutant name: reason` per line; '#' starts a comment line."""
    out: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            name, sep, reason = line.partition(":")
            if not sep or not reason.strip():
                raise SystemExit(f"{path}, line {n}: expected 'mutant name: reason', got {line!r}")
            out[name.strip()] = reason.strip()
    return out


def _checkout_copy(target: Path) -> None:
    """The checkout's files as they are now (tracked and new, not ignored), copied to target."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)


def _config(module: str, tests: list[str], also_copy: list[str]) -> str:
    return f"""

[tool.mutmut]
source_paths = ["xlcap/"]
only_mutate = ["xlcap/{PATHS[module].replace(".", "/")}.py"]
also_copy = {json.dumps(also_copy)}
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-W", "ignore"]
pytest_add_cli_args_test_selection = {json.dumps(tests)}
"""


def run_module(module: str, base: Path, minutes: float, jobs: int, equivalent: dict[str, str], tests: list[str]) -> Score:
    only = MODULES[module]
    work = base / module
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    _checkout_copy(work)
    tests = tests or sorted(str(p.relative_to(work)) for p in (work / "tests").glob("test_*.py"))
    tests = [t for t in tests if t not in SLOW_OR_NOT_A_GUARD]
    # Tests read files beside the package (README.md, workbooks/, udfs.py): mutmut runs them in mutants/.
    also_copy = sorted(p.name for p in work.iterdir() if p.name not in ("xlcap", "tests", "mutants", ".git"))
    with (work / "pyproject.toml").open("a", encoding="utf-8") as f:
        f.write(_config(module, tests, also_copy))
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["XLCAP_SKIP_LIBREOFFICE"] = "1"
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *only]
    log = work / "mutmut-run.log"
    timed_out = False
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            proc.wait(timeout=minutes * 60)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    meta = work / "mutants" / "xlcap" / f"{PATHS[module].replace('.', '/')}.py.meta"
    if not meta.exists() or (proc.returncode != 0 and not timed_out):
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise MutmutFailed(f"{module}: mutmut failed (exit {proc.returncode}); see {log}:\n{tail}")
    codes: dict[str, int | None] = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    if only:
        codes = {k: v for k, v in codes.items() if any(fnmatch.fnmatch(k, p) for p in only)}
    own = {k: v for k, v in equivalent.items() if k.startswith(f"xlcap.{PATHS[module]}.")}
    return Score(module, codes, own, timed_out)


def _diff(work: Path, name: str) -> str:
    shown = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=work, capture_output=True, text=True)
    changed = [line for line in shown.stdout.splitlines() if line[:1] in "-+" and line[:3] not in ("---", "+++")]
    return "\n".join(f"      {line}" for line in changed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="+", metavar="MODULE", help=f"any of: {', '.join(MODULES)}; or all")
    parser.add_argument("--minutes", type=float, default=10.0, help="time limit per module (default 10)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default 1: the machine is shared)")
    parser.add_argument("--tests", nargs="+", default=[], metavar="FILE", help="only these test files (default: all fast ones)")
    args = parser.parse_args(argv)
    modules = list(MODULES) if args.modules == ["all"] else args.modules
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; valid: {', '.join(MODULES)}, all")
    if shutil.which("git") is None:
        parser.error("git is needed to copy the checkout")
    equivalent = read_equivalents()
    base = Path(os.environ.get("XLCAP_MUTATION_DIR") or Path(tempfile.gettempdir()) / f"xlcap-mutation-{os.getuid()}")
    scores: list[Score] = []
    failed: list[str] = []
    for module in modules:
        started = time.monotonic()
        print(f"{module}: mutating xlcap/{PATHS[module].replace('.', '/')}.py in {base / module} ...", flush=True)
        try:
            score = run_module(module, base, args.minutes, args.jobs, equivalent, args.tests)
        except MutmutFailed as exc:
            print(exc, flush=True)
            failed.append(module)
            continue
        scores.append(score)
        print(f"{module}: {len(score.codes)} mutants in {time.monotonic() - started:.0f} s"
              + (f" (stopped at {args.minutes:g} min)" if score.timed_out else ""), flush=True)  # fmt: skip
        for name in score.survived:
            print(f"  SURVIVED {name}\n{_diff(base / module, name)}")
        stale = [n for n in score.equivalent if n not in score.codes or score.codes[n] in CAUGHT]
        for name in stale:
            print(f"  note: {name} is listed as equivalent in {EQUIVALENTS.name} but was killed or no longer exists")

    print(f"\n{'module':<14}{'mutants':>8}{'killed':>8}{'survived':>9}{'equiv.':>7}{'not run':>8}{'score':>8}")
    for s in scores:
        print(f"{s.module:<14}{len(s.codes):>8}{len(s.caught):>8}{len(s.survived):>9}{len(s.listed_equivalent):>7}"
              f"{len(s.not_run):>8}{s.percent:>7.1f}%")  # fmt: skip
    caught, scored = sum(len(s.caught) for s in scores), sum(s.scored for s in scores)
    total = sum(len(s.codes) for s in scores)
    print(f"{'total':<14}{total:>8}{caught:>8}{scored - caught:>9}{sum(len(s.listed_equivalent) for s in scores):>7}"
          f"{sum(len(s.not_run) for s in scores):>8}{100.0 * caught / scored if scored else 100.0:>7.1f}%")  # fmt: skip
    print("score = killed / (killed + survived); equivalent mutants (tools/equivalent-mutants.txt) and those not run left out")
    if failed:
        print(f"NOT SCORED (mutmut failed): {', '.join(failed)}")
        return 2
    return 1 if scored > caught else 0


if __name__ == "__main__":
    sys.exit(main())
