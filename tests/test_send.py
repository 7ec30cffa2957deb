"""xlcap send against a real SMTP server on 127.0.0.1: exactly once, safely.

Workbooks come from tests/actuals/hand.csv, whose January 2008 figures are worked by hand in
tests/test_capcalc.py: Lazard Mid-Cap is capped with a waiver of $10,601.09 (180,000.00 less
0.80% x 250,000,000 x 31/366 = 169,398.91); its term ends April 30, 2008, within 90 days.
"""

from __future__ import annotations

import io
import json
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest

from tests.smtp_server import Handler, free_port, self_signed, smtp_server
from xlcap.cli import main

HAND = Path(__file__).parent / "actuals" / "hand.csv"
RECIPIENTS = """
[[manager]]
name = "Lazard"
portfolios = ["Lazard Mid-Cap"]
emails = ["caps@lazard.example.com", "cfo@lazard.example.com"]

[[manager]]
name = "Janus"
portfolios = ["Janus Forty"]
emails = ["ops@janus.example.com"]
"""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def month_dir(tmp_path: Path) -> tuple[Path, Path]:
    """January 2008's workbooks from the hand-worked actuals, and the recipients file."""
    recipients = tmp_path / "recipients.toml"
    recipients.write_text(RECIPIENTS, encoding="utf-8")
    out = tmp_path / "2008-01"
    code = main(["report", "--month", "2008-01", "--actuals", str(HAND), "--recipients", str(recipients), "--out", str(out)])
    assert code == 0
    return out, recipients


def send(capsys: pytest.CaptureFixture[str], out: Path, recipients: Path, port: int, *extra: str) -> tuple[int, str, str]:
    code = main(["send", "--month", "2008-01", "--out", str(out), "--recipients", str(recipients),
                 "--smtp", f"127.0.0.1:{port}", "--tls", "none", "--timeout", "10", *extra])  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_one_message_per_manager_with_the_workbook_attached(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    handler = Handler()
    with smtp_server(handler) as port:
        code, stdout, err = send(capsys, out, recipients, port)
    assert (code, err) == (0, "")
    assert stdout.splitlines() == [
        "Sent: Lazard -> caps@lazard.example.com",
        "Sent: Lazard -> cfo@lazard.example.com",
        "Sent: Janus -> ops@janus.example.com",
    ]
    lazard, janus = handler.received
    assert lazard.recipients == ["caps@lazard.example.com", "cfo@lazard.example.com"]
    assert janus.recipients == ["ops@janus.example.com"]
    assert lazard.message["Subject"] == "Met Investors Series Trust: expense limits versus actual expenses, January 2008 (Lazard)"
    body = lazard.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Capped this month: 1 (Lazard Mid-Cap Portfolio)." in body
    assert "Waiver owed by the manager this month: $10,601.09; fiscal year to date: $10,601.09." in body
    assert "Terms ending within 90 days of January 31, 2008: Lazard Mid-Cap Portfolio (April 30, 2008)." in body
    assert lazard.message.get_body(("html",)) is not None
    (attachment,) = list(lazard.message.iter_attachments())
    assert attachment.get_content_type() == XLSX
    assert attachment.get_filename() == "expense-caps-2008-01-lazard.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()), data_only=True)
    assert book["Summary"]["A5"].value == "Lazard Mid-Cap Portfolio"
    assert book["Summary"]["G5"].value == 10_601.09
    janus_body = janus.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Near their limit (within 5 basis points): Janus Forty Portfolio." in janus_body
    log = [json.loads(line) for line in (out / "send-log.jsonl").read_text().splitlines()]
    assert [(e["manager"], e["recipient"], e["file"]) for e in log] == [
        ("Lazard", "caps@lazard.example.com", "expense-caps-2008-01-lazard.xlsx"),
        ("Lazard", "cfo@lazard.example.com", "expense-caps-2008-01-lazard.xlsx"),
        ("Janus", "ops@janus.example.com", "expense-caps-2008-01-janus.xlsx"),
    ]
    assert log[0]["message_id"] == lazard.message["Message-ID"]


def test_a_second_run_sends_nothing(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    handler = Handler()
    with smtp_server(handler) as port:
        assert send(capsys, out, recipients, port)[0] == 0
        code, stdout, _ = send(capsys, out, recipients, port)
    assert code == 0
    assert len(handler.received) == 2
    assert stdout.splitlines() == [
        "Already sent, skipped: Lazard -> caps@lazard.example.com",
        "Already sent, skipped: Lazard -> cfo@lazard.example.com",
        "Already sent, skipped: Janus -> ops@janus.example.com",
    ]


def test_a_refused_recipient_is_sent_next_run_without_duplicates(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    first = Handler(refuse={"cfo@lazard.example.com"})
    with smtp_server(first) as port:
        code, stdout, err = send(capsys, out, recipients, port)
    assert code == 5
    assert stdout.splitlines() == ["Sent: Lazard -> caps@lazard.example.com", "Sent: Janus -> ops@janus.example.com"]
    assert err == f"Refused by 127.0.0.1:{port}: Lazard -> cfo@lazard.example.com: 550 5.1.1 mailbox unavailable\n"
    second = Handler()
    with smtp_server(second) as port:
        code, stdout, _ = send(capsys, out, recipients, port)
    assert code == 0
    assert [r.recipients for r in second.received] == [["cfo@lazard.example.com"]]
    assert "Sent: Lazard -> cfo@lazard.example.com" in stdout.splitlines()


def test_a_server_failing_part_way_leaves_a_log_to_finish_from(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    first = Handler(fail_data_after=1)  # accepts Lazard's message, then answers 451
    with smtp_server(first) as port:
        code, _, err = send(capsys, out, recipients, port)
    assert code == 5
    assert err == (
        f"SMTP server 127.0.0.1:{port} failed while sending to Janus (ops@janus.example.com): 451 4.3.0 temporary failure, try "
        f"later. Delivered so far: 2, recorded in {out / 'send-log.jsonl'}; run again to send the rest.\n"
    )
    assert len(first.received) == 1
    second = Handler()
    with smtp_server(second) as port:
        assert send(capsys, out, recipients, port)[0] == 0
    assert [r.recipients for r in second.received] == [["ops@janus.example.com"]]


def test_a_workbook_changed_since_sent_is_reported_not_resent(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    handler = Handler()
    with smtp_server(handler) as port:
        assert send(capsys, out, recipients, port)[0] == 0
        changed = out.parent / "changed.csv"
        changed.write_text(HAND.read_text().replace("150000.00,30000.00,21174.86", "150000.00,31000.00,21174.86"))
        report = ["report", "--month", "2008-01", "--actuals", str(changed), "--recipients", str(recipients)]
        assert main([*report, "--out", str(out), "--force"]) == 0
        code, _, err = send(capsys, out, recipients, port)
        assert code == 4
        assert (
            "Changed since sent: Lazard -> caps@lazard.example.com: "
            "expense-caps-2008-01-lazard.xlsx changed since it was sent on " in err
        )
        assert "not sent again (use --resend to send the new version)" in err
        assert len(handler.received) == 2
        code, _stdout, _ = send(capsys, out, recipients, port, "--resend")
    assert code == 0
    assert len(handler.received) == 4


def test_dry_run_writes_eml_files_and_sends_nothing(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    port = free_port()  # nothing listens here: a dry run must not connect
    code, stdout, _ = send(capsys, out, recipients, port, "--dry-run")
    assert code == 0
    drafts = sorted((out / "outbox").glob("*.eml"))
    assert [d.name for d in drafts] == ["expense-caps-2008-01-janus.eml", "expense-caps-2008-01-lazard.eml"]
    assert stdout.splitlines()[0] == "Wrote 2 messages for review, sent nothing:"
    message = message_from_bytes(drafts[1].read_bytes(), policy=policy.default)
    assert message["To"] == "caps@lazard.example.com, cfo@lazard.example.com"
    assert not (out / "send-log.jsonl").exists()


def test_starttls_and_login_with_a_self_signed_certificate(
    month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, recipients = month_dir
    cert = self_signed(tmp_path)
    handler = Handler()
    monkeypatch.setenv("XLCAP_SMTP_PASSWORD", "s3cret")
    with smtp_server(handler, tls="starttls", cert=cert, login=("xlcap", "s3cret")) as port:
        base = ["send", "--month", "2008-01", "--out", str(out), "--recipients", str(recipients), "--smtp", f"localhost:{port}",
                "--user", "xlcap", "--timeout", "10"]  # fmt: skip
        assert main([*base, "--cafile", str(cert[0])]) == 0
        assert len(handler.received) == 2
        capsys.readouterr()
        monkeypatch.setenv("XLCAP_SMTP_PASSWORD", "wrong")
        assert main([*base, "--cafile", str(cert[0]), "--resend"]) == 5
        assert capsys.readouterr().err.startswith(f"SMTP server localhost:{port} refused the login for 'xlcap': 535 ")
        assert main([*base, "--resend"]) == 5  # the self-signed certificate is not trusted without --cafile
        assert capsys.readouterr().err.startswith(
            f"Cannot connect to SMTP server localhost:{port}: [SSL: CERTIFICATE_VERIFY_FAILED]"
        )


def test_implicit_tls(month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    cert = self_signed(tmp_path)
    handler = Handler()
    with smtp_server(handler, tls="ssl", cert=cert) as port:
        where = ["--out", str(out), "--recipients", str(recipients), "--smtp", f"localhost:{port}"]
        code = main(["send", "--month", "2008-01", *where, "--tls", "ssl", "--cafile", str(cert[0]), "--timeout", "10"])
    assert code == 0
    assert len(handler.received) == 2


def test_password_comes_only_from_the_environment(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    out, recipients = month_dir
    monkeypatch.delenv("XLCAP_SMTP_PASSWORD", raising=False)
    code, _, err = send(capsys, out, recipients, free_port(), "--user", "xlcap")
    assert code == 2
    assert err == (
        "Parameter 'user' received 'xlcap', but the environment variable XLCAP_SMTP_PASSWORD holding the password is not set. "
        "Valid: set it in the environment (never on the command line or in a file).\n"
    )


def test_no_server_is_a_clear_error(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    port = free_port()
    code, _, err = send(capsys, out, recipients, port)
    assert code == 5
    assert err == f"Cannot connect to SMTP server 127.0.0.1:{port}: [Errno 111] Connection refused.\n"


def test_bad_recipients_send_nothing(month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = month_dir
    bad = tmp_path / "bad.toml"
    bad.write_text('[[manager]]\nname = "Lazard"\nportfolios = ["Lazard Mid-Cap"]\nemails = ["lazard at example"]\n')
    handler = Handler()
    with smtp_server(handler) as port:
        code, _, err = send(capsys, out, bad, port)
    assert code == 2
    assert err == (
        f"1 problem found; nothing was written:\n{bad}, manager 1 (Lazard), emails: 'lazard at example' is not an email address; "
        "valid: name@example.com.\n"
    )
    assert handler.received == []


def test_missing_workbooks_are_made_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipients = tmp_path / "recipients.toml"
    recipients.write_text(RECIPIENTS.split("[[manager]]")[0] + "[[manager]]" + RECIPIENTS.split("[[manager]]")[1])
    out = tmp_path / "2008-01"
    handler = Handler()
    with smtp_server(handler) as port:
        code, _, _ = send(capsys, out, recipients, port)
    assert code == 0
    assert (out / "expense-caps-2008-01-lazard.xlsx").exists()  # from the bundled sample actuals
    assert len(handler.received) == 1
