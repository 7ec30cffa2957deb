"""xlcap send against a misbehaving server of our own (tests/rogue_smtp.py), killed runs and concurrent runs.

Every test counts the copies that reached the server, per address, and checks the promise the
README makes: no address gets two messages with different Message-IDs, none gets none once the
reruns are done, and a message that may or may not have arrived is reported as uncertain.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.rogue_smtp import Rogue, rogue_server
from tests.test_send import HAND, LAZARD, build, send
from xlcap.cli import main

ADDRESSES = ["caps@lazard.example.com", "cfo@lazard.example.com", "ops@janus.example.com"]


def assert_once_each(rogue: Rogue) -> None:
    """Every address has at least one copy, and all its copies carry one Message-ID (a droppable duplicate at worst)."""
    copies = rogue.copies()
    assert sorted(copies) == sorted(ADDRESSES), copies
    for address, ids in copies.items():
        assert len(set(ids)) == 1, (address, ids)


def cli(out: Path, recipients: Path, port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "xlcap", "send", "--month", "2008-01", "--out", str(out), "--recipients", str(recipients),
            "--smtp", f"127.0.0.1:{port}", "--tls", "none", "--timeout", "5", *extra]  # fmt: skip


@pytest.fixture
def month_dir(tmp_path: Path) -> tuple[Path, Path]:
    return build(tmp_path)


def test_552_fails_that_manager_and_the_run_goes_on(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    rogue = Rogue(actions={0: "552"})  # Lazard's message is too big
    with rogue_server(rogue) as port:
        code, stdout, err = send(capsys, out, recipients, port)
        assert code == 5
        assert stdout.splitlines() == [
            f"Failed: Lazard -> {LAZARD}: 127.0.0.1:{port} said: 552 5.3.4 message too big for this system",
            "Sent: Janus -> ops@janus.example.com",
        ]
        assert err == "1 manager of 2 not delivered (see above).\n"
        assert rogue.copies() == {"ops@janus.example.com": [rogue.received[0].message_id]}
        code, stdout, _ = send(capsys, out, recipients, port)  # the next run tries Lazard again, and only Lazard
    assert code == 0
    assert stdout.splitlines()[0] == f"Sent: Lazard -> {LAZARD}"
    assert_once_each(rogue)


def test_a_refused_data_command_fails_that_manager_and_the_connection_carries_on(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    rogue = Rogue(actions={0: "refuse_data"})
    with rogue_server(rogue) as port:
        code, stdout, _ = send(capsys, out, recipients, port)
        assert code == 5
        assert stdout.splitlines() == [
            f"Failed: Lazard -> {LAZARD}: 127.0.0.1:{port} said: DATA refused: 554 5.5.1 transaction failed",
            "Sent: Janus -> ops@janus.example.com",
        ]
        assert rogue.connections == 1
        assert send(capsys, out, recipients, port)[0] == 0
    assert_once_each(rogue)


def test_a_451_is_retried_next_run_with_the_same_message_id(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    rogue = Rogue(actions={1: "451"})
    with rogue_server(rogue) as port:
        assert send(capsys, out, recipients, port)[0] == 5
        assert send(capsys, out, recipients, port)[0] == 0
    assert_once_each(rogue)
    log = [json.loads(line) for line in (out / "send-log.jsonl").read_text().splitlines()]
    refused = next(e for e in log if e["event"] == "failed")
    assert refused["reason"] == "451 4.3.0 temporary failure, try later"
    assert rogue.copies()["ops@janus.example.com"] == [refused["message_id"]]  # the retry carried the refused one's ID


@pytest.mark.parametrize(
    ("action", "said"), [("drop", "Connection unexpectedly closed"), ("hang", "no reply within the timeout")]
)
def test_no_reply_after_the_message_is_uncertain_and_resent_only_when_asked_with_the_same_message_id(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str], action: str, said: str
) -> None:
    out, recipients = month_dir
    rogue = Rogue(actions={0: action}, lifetime=20)  # the server keeps Lazard's message but never answers
    with rogue_server(rogue) as port:
        code, stdout, err = send(capsys, out, recipients, port, "--timeout", "1")
        assert (code, err) == (5, "1 manager of 2 not delivered (see above).\n")
        lazard, janus = stdout.splitlines()
        assert lazard == (
            f"Uncertain: Lazard -> {LAZARD}: the whole message was sent but no reply came ({said}); it may have arrived. "
            "Run with --retry-uncertain 'Lazard' to send it again with the same Message-ID."
        )
        assert janus == "Sent: Janus -> ops@janus.example.com"  # on a new connection
        assert rogue.connections == 2
        # The next run reports it and sends nothing.
        code, stdout, _ = send(capsys, out, recipients, port)
        assert code == 5
        assert stdout.splitlines()[0].startswith(f"Uncertain: Lazard -> {LAZARD}: message <xlcap.2008-01.lazard.")
        assert "Ask the recipients; to send it again, run with --retry-uncertain 'Lazard'" in stdout
        assert len(rogue.received) == 2
        # Asked: sent again, with the Message-ID (and Date: a second later, a new one would differ) the first copy carried.
        time.sleep(1.1)
        code, stdout, _ = send(capsys, out, recipients, port, "--retry-uncertain")
        assert (code, stdout.splitlines()[0]) == (0, f"Sent: Lazard -> {LAZARD}")
        assert send(capsys, out, recipients, port)[0] == 0
    assert rogue.copies()["caps@lazard.example.com"] == [rogue.received[0].message_id] * 2
    first, again = (got.message for got in rogue.received if "caps@lazard.example.com" in got.recipients)
    assert (again["Date"], again["Subject"]) == (first["Date"], first["Subject"])  # the same message, once more
    assert_once_each(rogue)


def test_a_slow_drip_reply_is_waited_for(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    rogue = Rogue(actions={0: "drip", 1: "drip"}, delay=0.05)
    with rogue_server(rogue) as port:
        code, stdout, err = send(capsys, out, recipients, port, "--timeout", "2")
    assert (code, err) == (0, "")
    assert stdout.splitlines() == [f"Sent: Lazard -> {LAZARD}", "Sent: Janus -> ops@janus.example.com"]
    assert_once_each(rogue)
    assert [len(ids) for ids in rogue.copies().values()] == [1, 1, 1]


@pytest.mark.parametrize(("reply", "said"), [("250 what?", "answered QUIT with '250 what?' instead of 221"),
                                             (None, "did not answer QUIT")])  # fmt: skip
def test_an_odd_quit_after_delivery_is_a_warning(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str], reply: str | None, said: str
) -> None:
    out, recipients = month_dir
    rogue = Rogue(quit_reply=reply)
    with rogue_server(rogue) as port:
        code, stdout, err = send(capsys, out, recipients, port)
    assert code == 0
    assert stdout.splitlines() == [f"Sent: Lazard -> {LAZARD}", "Sent: Janus -> ops@janus.example.com"]
    assert err.startswith(f"Warning: SMTP server 127.0.0.1:{port}: the server {said}")
    assert err.endswith("; messages it had already accepted stand.\n")


@pytest.mark.parametrize("stage", ["rcpt", "data", "content", "replied"])
def test_killed_at_each_stage_then_rerun(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str], stage: str) -> None:
    """SIGKILL while Lazard's message is at `stage`: before the attempt is recorded (rcpt), after it and before the
    message (data), after the whole message before the reply (content), after the reply (replied, racing the log)."""
    out, recipients = month_dir
    child: dict[str, subprocess.Popen[bytes]] = {}

    def kill() -> None:
        if "killed" not in child:
            child["killed"] = child["proc"]
            os.kill(child["proc"].pid, signal.SIGKILL)
            child["proc"].wait(10)

    rogue = Rogue(hooks={stage: kill}, lifetime=30)
    with rogue_server(rogue) as port:
        child["proc"] = subprocess.Popen(cli(out, recipients, port), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        child["proc"].communicate(timeout=60)
        assert child["proc"].returncode == -signal.SIGKILL
        code, stdout, _ = send(capsys, out, recipients, port)
        uncertain = stdout.startswith(f"Uncertain: Lazard -> {LAZARD}: message <xlcap.2008-01.lazard.")
        if stage == "rcpt":  # nothing recorded, nothing sent: the rerun simply sends
            assert (code, uncertain) == (0, False)
        elif stage in ("data", "content"):  # recorded as attempting: reported, not sent until asked
            assert (code, uncertain) == (5, True)
            assert send(capsys, out, recipients, port, "--retry-uncertain", "Lazard")[0] == 0
        else:  # the 250 came: the log says delivered, or (killed before writing it) uncertain
            assert code == (5 if uncertain else 0)
            if uncertain:
                assert send(capsys, out, recipients, port, "--retry-uncertain")[0] == 0
        assert send(capsys, out, recipients, port)[0] == 0  # and after that, nothing more
    assert_once_each(rogue)
    lazard_copies = len(rogue.copies()["caps@lazard.example.com"])
    assert lazard_copies == {"rcpt": 1, "data": 1, "content": 2, "replied": 2 if uncertain else 1}[stage]


def test_two_runs_at_once_send_each_message_once(month_dir: tuple[Path, Path]) -> None:
    out, recipients = month_dir
    rogue = Rogue(delay=0.05)  # slow enough that the runs overlap
    with rogue_server(rogue) as port:
        procs = [subprocess.Popen(cli(out, recipients, port), stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        results = [(p.wait(60), p.stderr.read().decode()) for p in procs]  # type: ignore[union-attr]
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 4]), results
    if codes == [0, 4]:
        assert "Another xlcap run is using" in next(err for code, err in results if code == 4)
    assert [len(ids) for ids in rogue.copies().values()] == [1, 1, 1]
    assert_once_each(rogue)


def test_a_full_disk_stops_the_run_before_data_and_the_torn_record_is_repaired(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """RLIMIT_FSIZE makes the log's first record a partial write, as a full disk would: nothing may be sent."""
    out, recipients = month_dir

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    rogue = Rogue()
    with rogue_server(rogue) as port:
        proc = subprocess.run(cli(out, recipients, port), capture_output=True, text=True, timeout=60, preexec_fn=small_files)
        assert proc.returncode == 6, proc.stderr
        assert proc.stdout.splitlines()[0].startswith(f"Not attempted: Lazard -> {LAZARD}: Cannot write to the send log")
        assert "Cannot write to the send log" in proc.stderr
        assert rogue.received == []
        assert len((out / "send-log.jsonl").read_bytes()) == 100  # a torn line
        code, _, err = send(capsys, out, recipients, port)
    assert code == 0
    assert err.startswith("Warning: The last line of")
    assert_once_each(rogue)


def test_a_delivery_the_log_cannot_record_stops_the_run_and_is_uncertain_next_time(
    month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The disk fills between the attempting line and the delivered line: Lazard's message arrived, unrecorded."""
    out, recipients = month_dir
    probe = tmp_path / "probe"
    shutil.copytree(out, probe)
    with rogue_server(Rogue()) as port:  # a clean run in a copy: how long is the first (attempting) line?
        assert send(capsys, probe, recipients, port)[0] == 0
    first_line = len((probe / "send-log.jsonl").read_bytes().splitlines(keepends=True)[0])  # fixed width: same here

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (first_line + 10, first_line + 10))

    rogue = Rogue()
    with rogue_server(rogue) as port:
        proc = subprocess.run(cli(out, recipients, port), capture_output=True, text=True, timeout=60, preexec_fn=small_files)
        assert proc.returncode == 6, proc.stderr
        lazard, janus = proc.stdout.splitlines()
        assert lazard.startswith(
            f"Uncertain: Lazard -> {LAZARD}: the server answered 250 2.0.0 Message accepted, but the send log could not "
            "record it: Cannot write to the send log"
        )
        assert janus == "Not attempted: Janus -> ops@janus.example.com: the run stopped"
        assert len(rogue.received) == 1
        code, stdout, err = send(capsys, out, recipients, port)
        assert code == 5
        assert stdout.splitlines()[0].startswith(f"Uncertain: Lazard -> {LAZARD}: message <xlcap.2008-01.lazard.")
        assert stdout.splitlines()[1] == "Sent: Janus -> ops@janus.example.com"
        assert err.startswith("Warning: The last line of")
        assert send(capsys, out, recipients, port, "--retry-uncertain", "Lazard")[0] == 0
    assert_once_each(rogue)


def test_an_uncertain_message_of_an_older_version_gives_way_to_resend(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    rogue = Rogue(actions={0: "drop"})
    with rogue_server(rogue) as port:
        assert send(capsys, out, recipients, port)[0] == 5  # Lazard uncertain
        changed = out.parent / "changed.csv"
        changed.write_text(HAND.read_text().replace("150000.00,30000.00,21174.86", "150000.00,31000.00,21174.86"))
        report = ["report", "--month", "2008-01", "--actuals", str(changed), "--recipients", str(recipients), "--out", str(out)]
        assert main([*report, "--force"]) == 0
        capsys.readouterr()
        code, stdout, _ = send(capsys, out, recipients, port, "--retry-uncertain")
        assert code == 5  # the uncertain message's workbook is gone: retrying it would send the new figures
        assert "The workbook has been rebuilt from changed inputs since; --resend 'Lazard' sends the new version." in stdout
        assert len(rogue.received) == 2
        code, stdout, _ = send(capsys, out, recipients, port, "--resend", "Lazard", "Janus")
    assert code == 0
    first, new = rogue.copies()["caps@lazard.example.com"]
    assert first != new  # a new version: a new Message-ID


def test_a_connection_lost_between_messages_is_made_again_once(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    rogue = Rogue(drop_at_mail={1})  # after taking Lazard's message, the server hangs up when Janus's begins
    with rogue_server(rogue) as port:
        code, stdout, _ = send(capsys, out, recipients, port)
    assert code == 0
    assert stdout.splitlines() == [f"Sent: Lazard -> {LAZARD}", "Sent: Janus -> ops@janus.example.com"]
    assert rogue.connections == 2
    assert_once_each(rogue)


def test_ctrl_c_after_the_message_went_is_reported_as_uncertain(month_dir: tuple[Path, Path]) -> None:
    out, recipients = month_dir
    child: dict[str, subprocess.Popen[str]] = {}
    rogue = Rogue(hooks={"content": lambda: child["proc"].send_signal(signal.SIGINT)}, lifetime=30)
    with rogue_server(rogue) as port:
        child["proc"] = subprocess.Popen(cli(out, recipients, port), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        stdout, stderr = child["proc"].communicate(timeout=60)
    assert child["proc"].returncode == 130, stderr  # the exit code for Ctrl-C in every command
    assert stdout.splitlines() == [
        f"Uncertain: Lazard -> {LAZARD}: interrupted after the attempt was recorded; it may have arrived",
        "Not attempted: Janus -> ops@janus.example.com: the run stopped",
    ]
    assert stderr.splitlines()[-1] == (
        "Interrupted (Ctrl-C). What was delivered is recorded in the send log; a message that was in flight is reported "
        "as uncertain by the next run."
    )
    assert "Traceback" not in stderr
    assert len(rogue.received) == 1


def test_a_failed_resend_run_run_again_gives_no_third_copy(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    rogue = Rogue()
    with rogue_server(rogue) as port:
        assert send(capsys, out, recipients, port)[0] == 0  # messages 0 and 1: the first version
        changed = out.parent / "changed.csv"
        changed.write_text(HAND.read_text().replace("150000.00,30000.00,21174.86", "150000.00,31000.00,21174.86"))
        report = ["report", "--month", "2008-01", "--actuals", str(changed), "--recipients", str(recipients), "--out", str(out)]
        assert main([*report, "--force"]) == 0
        capsys.readouterr()
        rogue.actions[3] = "451"  # in the resend run Lazard's new version goes, Janus's is refused
        assert send(capsys, out, recipients, port, "--resend", "Lazard", "Janus")[0] == 5
        code, stdout, _ = send(capsys, out, recipients, port, "--resend", "Lazard", "Janus")
    assert code == 0
    assert stdout.splitlines()[0].startswith(f"Already sent, skipped: Lazard -> {LAZARD}")
    copies = rogue.copies()
    assert {address: len(ids) for address, ids in copies.items()} == dict.fromkeys(ADDRESSES, 2)  # old and new version
    assert all(len(set(ids)) == 2 for ids in copies.values())
