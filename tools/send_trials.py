"""Issue 13's acceptance trials for `xlcap send`: SIGKILL at random points and reruns; concurrent runs.

    python tools/send_trials.py [--kills 20] [--concurrent 5] [--seed 13]

Each trial uses a fresh copy of January 2008's workbooks (tests/actuals/hand.csv, two managers,
three addresses) and a fresh server of our own on 127.0.0.1 (tests/rogue_smtp.py) that answers
each command after 50 ms, so a run spends about a second talking to it.

- Kill trials: start `xlcap send`, SIGKILL it at a random moment between its first RCPT reaching
  the server and the end of a whole run (timed in a calibration run); then rerun until it exits 0,
  adding --retry-uncertain only after a rerun has reported an uncertain message.
- Concurrent trials: two `xlcap send` runs started together on the same folder.

Pass when, in every trial, no address got two messages with different Message-IDs, no address got
none, and every duplicate (same Message-ID) follows an uncertain report. Exit status 1 otherwise.
"copies" is the count per address (caps@lazard / cfo@lazard / ops@janus).
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.rogue_smtp import Rogue, rogue_server  # noqa: E402
from xlcap.cli import main as xlcap_main  # noqa: E402

ADDRESSES = ["caps@lazard.example.com", "cfo@lazard.example.com", "ops@janus.example.com"]
RECIPIENTS = (ROOT / "tests" / "test_send.py").read_text().split('RECIPIENTS = """')[1].split('"""')[0]


def send_cmd(out: Path, recipients: Path, port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "xlcap", "send", "--month", "2008-01", "--out", str(out), "--recipients", str(recipients),
            "--smtp", f"127.0.0.1:{port}", "--tls", "none", "--timeout", "5", *extra]  # fmt: skip


def fresh(template: Path, into: Path) -> Path:
    out = into / "2008-01"
    shutil.copytree(template, out)
    return out


def verdict(rogue: Rogue, uncertain_seen: bool) -> str:
    copies = rogue.copies()
    problems = [f"{a}: none" for a in ADDRESSES if a not in copies]
    problems += [f"{a}: {len(set(ids))} different Message-IDs" for a, ids in copies.items() if len(set(ids)) > 1]
    if any(len(ids) > 1 for ids in copies.values()) and not uncertain_seen:
        problems.append("a duplicate without an uncertain report")
    return "; ".join(problems)


def counts(rogue: Rogue) -> str:
    """Copies per address, in ADDRESSES order: 1/1/1, or 2/2/1 after an uncertain Lazard message was retried."""
    copies = rogue.copies()
    return "/".join(str(len(copies.get(a, []))) for a in ADDRESSES)


def kill_trial(template: Path, recipients: Path, at: float, work: Path) -> tuple[str, str, int, bool, str]:
    """SIGKILL `at` seconds after the run's first RCPT reaches the server."""
    out = fresh(template, work)
    talking = threading.Event()
    rogue = Rogue(delay=0.05, lifetime=120, hooks={"rcpt": talking.set})
    with rogue_server(rogue) as port:
        proc = subprocess.Popen(send_cmd(out, recipients, port), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        talking.wait(30)
        time.sleep(at)
        killed = proc.poll() is None
        if killed:
            proc.send_signal(signal.SIGKILL)
            stage = f"{rogue.data_commands} DATA sent, {len(rogue.received)} received"
        proc.wait(30)
        if not killed:
            stage = "finished before the kill"
        uncertain_seen, extra, reruns = False, [], 0
        while reruns < 4:
            reruns += 1
            run = subprocess.run(send_cmd(out, recipients, port, *extra), capture_output=True, text=True, timeout=60)
            if "Uncertain:" in run.stdout:
                uncertain_seen, extra = True, ["--retry-uncertain"]
            if run.returncode == 0:
                break
    return stage, verdict(rogue, uncertain_seen), reruns, uncertain_seen, counts(rogue)


def concurrent_trial(template: Path, recipients: Path, work: Path) -> tuple[list[int], str]:
    out = fresh(template, work)
    rogue = Rogue(delay=0.05, lifetime=120)
    with rogue_server(rogue) as port:
        procs = [subprocess.Popen(send_cmd(out, recipients, port), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(2)]  # fmt: skip
        codes = sorted(p.wait(60) for p in procs)
    problems = verdict(rogue, False)
    if any(len(ids) != 1 for ids in rogue.copies().values()):
        problems = problems or "more than one copy"
    return codes, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        recipients = base / "recipients.toml"
        recipients.write_text(RECIPIENTS, encoding="utf-8")
        template = base / "template"
        hand = ROOT / "tests" / "actuals" / "hand.csv"
        report = ["report", "--month", "2008-01", "--actuals", str(hand), "--recipients", str(recipients), "--out"]
        assert xlcap_main([*report, str(template)]) == 0
        # Calibration: when does a run reach its first RCPT, and when does it end?
        first_rcpt: list[float] = []
        rogue = Rogue(delay=0.05, hooks={"rcpt": lambda: first_rcpt.append(time.monotonic())})
        (base / "cal").mkdir()
        out = fresh(template, base / "cal")
        with rogue_server(rogue) as port:
            start = time.monotonic()
            subprocess.run(send_cmd(out, recipients, port), capture_output=True, check=True, timeout=60)
            total = time.monotonic() - start
        span = total - (first_rcpt[0] - start)
        print(f"calibration: first RCPT at {first_rcpt[0] - start:.2f} s, whole run {total:.2f} s; "
              f"kills 0 to {span:.2f} s after the first RCPT")  # fmt: skip
        print(
            f"\n{'trial':>5}  {'kill at':>7}  {'server at the kill':<30} {'reruns':>6}  {'uncertain':<9}  {'copies':<7}  result"
        )
        for n in range(1, args.kills + 1):
            at = rng.uniform(0, span)
            (base / f"k{n}").mkdir()
            stage, problems, reruns, uncertain, copies = kill_trial(template, recipients, at, base / f"k{n}")
            failures += bool(problems)
            shown = "yes" if uncertain else "no"
            print(f"{n:>5}  {at:>6.2f}s  {stage:<30} {reruns:>6}  {shown:<9}  {copies:<7}  {problems or 'ok'}")
        print(f"\n{'trial':>5}  {'exit codes':<10}  result")  # copies are exactly 1/1/1 or the trial fails
        for n in range(1, args.concurrent + 1):
            (base / f"c{n}").mkdir()
            codes, problems = concurrent_trial(template, recipients, base / f"c{n}")
            failures += bool(problems)
            print(f"{n:>5}  {codes!s:<10}  {problems or 'ok: one copy per address'}")
    print(f"\n{failures} failed of {args.kills + args.concurrent} trials")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
