"""xlcap send against a real SMTP server (aiosmtpd) on 127.0.0.1: once, per manager, checked before connecting.

Workbooks come from tests/actuals/hand.csv, whose January 2008 figures are worked by hand in
tests/test_capcalc.py: Lazard Mid-Cap is capped with a waiver of $10,601.09 (180,000.00 less
0.80% x 250,000,000 x 31/366 = 169,398.91); its term ends April 30, 2008, within 90 days.
Misbehaving servers, kills and concurrent runs are in tests/test_send_faults.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
from email import message_from_bytes, policy
from pathlib import Path

import openpyxl
import pytest

from tests.smtp_server import Handler, free_port, self_signed, smtp_server
from xlcap.cli import main
from xlcap.locking import folder_lock

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
LAZARD = "caps@lazard.example.com, cfo@lazard.example.com"


def build(tmp_path: Path, recipients_text: str = RECIPIENTS, actuals: Path | None = HAND) -> tuple[Path, Path]:
    recipients = tmp_path / "recipients.toml"
    recipients.write_text(recipients_text, encoding="utf-8")
    out = tmp_path / "2008-01"
    source = ["--actuals", str(actuals)] if actuals else []
    assert main(["report", "--month", "2008-01", *source, "--recipients", str(recipients), "--out", str(out)]) == 0
    return out, recipients


@pytest.fixture
def month_dir(tmp_path: Path) -> tuple[Path, Path]:
    """January 2008's workbooks from the hand-worked actuals, and the recipients file."""
    return build(tmp_path)


def send(capsys: pytest.CaptureFixture[str], out: Path, recipients: Path | None, port: int, *extra: str) -> tuple[int, str, str]:
    who = ["--recipients", str(recipients)] if recipients else []
    code = main(["send", "--month", "2008-01", "--out", str(out), *who,
                 "--smtp", f"127.0.0.1:{port}", "--tls", "none", "--timeout", "10", *extra])  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def log_lines(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / "send-log.jsonl").read_text().splitlines()]


def test_one_message_per_manager_with_the_workbook_attached(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    handler = Handler()
    with smtp_server(handler) as port:
        code, stdout, err = send(capsys, out, recipients, port)
    assert (code, err) == (0, "")
    assert stdout.splitlines() == [f"Sent: Lazard -> {LAZARD}", "Sent: Janus -> ops@janus.example.com"]
    lazard, janus = handler.received
    assert lazard.recipients == ["caps@lazard.example.com", "cfo@lazard.example.com"]
    assert janus.recipients == ["ops@janus.example.com"]
    assert lazard.message["Subject"] == "Met Investors Series Trust: expense limits versus actual expenses, January 2008 (Lazard)"
    body = lazard.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "ILLUSTRATIVE" not in body
    assert "Capped this month: 1 (Lazard Mid-Cap Portfolio)." in body
    # the sub-adviser is addressed; the obligor is the Manager named in the agreement data, not the recipient
    assert body.splitlines()[2].startswith("To Lazard: the month-end expense limitation workbook for your portfolios")
    assert (
        "Waiver / reimbursement by the Manager (Met Investors Advisory LLC, under the expense limitation agreement): "
        "this month $10,601.09; fiscal year to date $10,601.09." in body
    )
    assert "owed by the manager" not in body
    assert "Terms ending within 90 days of January 31, 2008: Lazard Mid-Cap Portfolio (April 30, 2008)." in body
    assert lazard.message.get_body(("html",)) is not None
    (attachment,) = list(lazard.message.iter_attachments())
    assert attachment.get_content_type() == XLSX
    assert attachment.get_filename() == "expense-caps-2008-01-lazard.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()), data_only=True)
    assert book["Summary"]["A5"].value == "Lazard Mid-Cap Portfolio"
    assert book["Summary"]["G5"].value == 10_601.09
    janus_body = janus.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Near the limit (95% or more of it, year to date): Janus Forty Portfolio." in janus_body
    # One record before DATA and one after the 250 per message, each naming every recipient of that message.
    log = log_lines(out)
    assert [(e["event"], e.get("manager"), e.get("recipients")) for e in log] == [
        ("attempting", "Lazard", ["caps@lazard.example.com", "cfo@lazard.example.com"]),
        ("delivered", None, None),
        ("attempting", "Janus", ["ops@janus.example.com"]),
        ("delivered", None, None),
    ]
    assert log[1]["reply"] == "250 OK" or str(log[1]["reply"]).startswith("250 ")
    # The Message-ID is derived from month, manager and the manifest's inputs hash (the README's formula).
    inputs = json.loads((out / "manifest.json").read_text())["inputs_sha256"]
    digest = hashlib.sha256(f"2008-01\nLazard\n{inputs}".encode()).hexdigest()[:32]
    assert lazard.message["Message-ID"] == log[0]["message_id"] == f"<xlcap.2008-01.lazard.{digest}@localhost>"


def test_a_second_run_sends_nothing(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    handler = Handler()
    with smtp_server(handler) as port:
        assert send(capsys, out, recipients, port)[0] == 0
        code, stdout, _ = send(capsys, out, recipients, port)
    assert code == 0
    assert len(handler.received) == 2
    lines = stdout.splitlines()
    assert [line.split(": delivered on ")[0] for line in lines] == [
        f"Already sent, skipped: Lazard -> {LAZARD}",
        "Already sent, skipped: Janus -> ops@janus.example.com",
    ]


def test_a_refused_recipient_fails_that_manager_only_and_the_next_run_sends_it(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    first = Handler(refuse={"cfo@lazard.example.com"})
    with smtp_server(first) as port:
        code, stdout, err = send(capsys, out, recipients, port)
    assert code == 5
    assert stdout.splitlines() == [
        f"Failed: Lazard -> {LAZARD}: 127.0.0.1:{port} said: cfo@lazard.example.com refused: 550 5.1.1 mailbox unavailable",
        "Sent: Janus -> ops@janus.example.com",
    ]
    assert err == "1 manager of 2 not delivered (see above).\n"
    assert [r.recipients for r in first.received] == [["ops@janus.example.com"]]  # all of Lazard's addresses, or none
    second = Handler()
    with smtp_server(second) as port:
        code, stdout, _ = send(capsys, out, recipients, port)
    assert code == 0
    assert [r.recipients for r in second.received] == [["caps@lazard.example.com", "cfo@lazard.example.com"]]


def test_a_451_part_way_fails_that_manager_and_the_rest_go_on(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    first = Handler(fail_data_after=1)  # accepts Lazard's message, then answers 451
    with smtp_server(first) as port:
        code, stdout, _ = send(capsys, out, recipients, port)
    assert code == 5
    assert stdout.splitlines()[1] == (
        f"Failed: Janus -> ops@janus.example.com: 127.0.0.1:{port} said: 451 4.3.0 temporary failure, try later"
    )
    assert [e["event"] for e in log_lines(out)] == ["attempting", "delivered", "attempting", "failed"]
    second = Handler()
    with smtp_server(second) as port:
        assert send(capsys, out, recipients, port)[0] == 0
    assert [r.recipients for r in second.received] == [["ops@janus.example.com"]]


def test_a_mailbox_shared_by_two_managers_gets_both_workbooks_after_a_partial_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17: a send log keyed by address alone would count Lazard's delivery as Janus's and never send Janus's."""
    shared = RECIPIENTS.replace('"cfo@lazard.example.com"', '"desk@shared.example.com"').replace(
        '["ops@janus.example.com"]', '["desk@shared.example.com"]'
    )
    out, recipients = build(tmp_path, shared)
    first = Handler(fail_data_after=1)  # Lazard's message arrives; Janus's is refused with a 451
    with smtp_server(first) as port:
        assert send(capsys, out, recipients, port)[0] == 5
    second = Handler()
    with smtp_server(second) as port:
        code, stdout, _ = send(capsys, out, recipients, port)
    assert code == 0
    assert "Sent: Janus -> desk@shared.example.com" in stdout.splitlines()
    at_desk = [r.message["Subject"] for r in first.received + second.received if "desk@shared.example.com" in r.recipients]
    assert [s.rsplit("(", 1)[1] for s in at_desk] == ["Lazard)", "Janus)"]


def test_changed_means_the_inputs_changed_and_resend_is_scoped_and_never_repeats(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    handler = Handler()
    report = ["report", "--month", "2008-01", "--recipients", str(recipients), "--out", str(out), "--force"]
    with smtp_server(handler) as port:
        assert send(capsys, out, recipients, port)[0] == 0
        # Rebuilt from the same inputs (`report --force`): nothing changed, nothing is sent.
        assert main([*report, "--actuals", str(HAND)]) == 0
        assert send(capsys, out, recipients, port)[0] == 0
        assert len(handler.received) == 2
        # Rebuilt from changed actuals: reported, not sent.
        changed = out.parent / "changed.csv"
        changed.write_text(HAND.read_text().replace("150000.00,30000.00,21174.86", "150000.00,31000.00,21174.86"))
        assert main([*report, "--actuals", str(changed)]) == 0
        capsys.readouterr()
        code, stdout, err = send(capsys, out, recipients, port)
        assert code == 4
        assert stdout.splitlines()[0].startswith(
            f"Changed since sent, not sent: Lazard -> {LAZARD}: expense-caps-2008-01-lazard.xlsx was rebuilt from changed "
            "inputs since it was sent on "
        )
        assert stdout.splitlines()[0].endswith("; not sent again (use --resend 'Lazard' to send the new version)")
        assert err == "Changed workbooks were not sent (see above).\n"
        assert len(handler.received) == 2
        # --resend names the managers: only Lazard gets the new version, under a new Message-ID.
        code, stdout, _ = send(capsys, out, recipients, port, "--resend", "Lazard")
        assert code == 4  # Janus's workbook changed too and was not named
        assert [r.recipients for r in handler.received[2:]] == [["caps@lazard.example.com", "cfo@lazard.example.com"]]
        assert handler.received[2].message["Message-ID"] != handler.received[0].message["Message-ID"]
        # The same --resend again sends nothing more: Lazard has the new version.
        code, stdout, _ = send(capsys, out, recipients, port, "--resend", "Lazard")
        assert len(handler.received) == 3
        assert stdout.splitlines()[0].startswith(f"Already sent, skipped: Lazard -> {LAZARD}: delivered on ")
        code, _, err = send(capsys, out, recipients, port, "--resend", "Nobody")
    assert code == 2
    assert err == ("--resend/--retry-uncertain named 'Nobody', not a manager in this month's workbooks. Valid: Lazard, Janus.\n")


def test_dry_run_writes_eml_files_sends_nothing_and_creates_no_log(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    port = free_port()  # nothing listens here: a dry run must not connect
    code, stdout, _ = send(capsys, out, recipients, port, "--dry-run")
    assert code == 0
    drafts = sorted((out / "outbox").glob("*.eml"))
    assert [d.name for d in drafts] == ["expense-caps-2008-01-janus.eml", "expense-caps-2008-01-lazard.eml"]
    assert stdout.splitlines()[0] == "Wrote 2 messages for review, sent nothing."
    message = message_from_bytes(drafts[1].read_bytes(), policy=policy.default)
    assert message["To"] == LAZARD
    assert not (out / "send-log.jsonl").exists()


def test_starttls_and_login_with_a_self_signed_certificate(
    month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, recipients = month_dir
    cert = self_signed(tmp_path)
    handler = Handler()
    with smtp_server(handler, tls="starttls", cert=cert, login=("xlcap", "s3cret")) as port:
        base = ["send", "--month", "2008-01", "--out", str(out), "--recipients", str(recipients), "--smtp", f"localhost:{port}",
                "--user", "xlcap", "--timeout", "10"]  # fmt: skip
        monkeypatch.setenv("XLCAP_SMTP_PASSWORD", "wrong")
        assert main([*base, "--cafile", str(cert[0])]) == 5
        refused = f"SMTP server localhost:{port} refused the login for 'xlcap': 535 "
        assert capsys.readouterr().out.startswith(f"Not attempted: Lazard -> {LAZARD}: {refused}")
        monkeypatch.setenv("XLCAP_SMTP_PASSWORD", "s3cret")
        assert main(base) == 5  # the self-signed certificate is not trusted without --cafile
        assert f"Cannot connect to SMTP server localhost:{port}: [SSL: CERTIFICATE_VERIFY_FAILED]" in capsys.readouterr().out
        assert handler.received == []
        assert main([*base, "--cafile", str(cert[0])]) == 0
    assert len(handler.received) == 2


def test_implicit_tls(month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    cert = self_signed(tmp_path)
    handler = Handler()
    with smtp_server(handler, tls="ssl", cert=cert) as port:
        where = ["--out", str(out), "--recipients", str(recipients), "--smtp", f"localhost:{port}"]
        code = main(["send", "--month", "2008-01", *where, "--tls", "ssl", "--cafile", str(cert[0]), "--timeout", "10"])
    assert code == 0
    assert len(handler.received) == 2


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # that server is the point of the test
def test_a_login_over_plain_smtp_is_refused_before_connecting(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: the server would take the password in clear text; xlcap must never offer it."""
    out, recipients = month_dir
    monkeypatch.setenv("XLCAP_SMTP_PASSWORD", "s3cret")
    handler = Handler()
    with smtp_server(handler, login=("xlcap", "s3cret"), login_needs_tls=False) as port:
        code, stdout, err = send(capsys, out, recipients, port, "--user", "xlcap")
    assert (code, stdout) == (2, "")
    assert err == (
        "Parameter 'tls' received 'none' with a login: xlcap will not send a password unencrypted. "
        "Valid: --tls starttls or --tls ssl.\n"
    )
    assert handler.received == []


def test_password_comes_only_from_the_environment(
    month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = month_dir
    monkeypatch.delenv("XLCAP_SMTP_PASSWORD", raising=False)
    code = main(["send", "--month", "2008-01", "--out", str(out), "--smtp", f"127.0.0.1:{free_port()}", "--user", "xlcap"])
    assert code == 2
    assert capsys.readouterr().err == (
        "Parameter 'user' received 'xlcap', but the environment variable XLCAP_SMTP_PASSWORD holding the password is not set. "
        "Valid: set it in the environment (never on the command line or in a file).\n"
    )


def test_no_server_is_a_clear_error_per_manager(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    port = free_port()
    code, stdout, err = send(capsys, out, recipients, port)
    assert code == 5
    refused = f"Cannot connect to SMTP server 127.0.0.1:{port}: [Errno 111] Connection refused."
    assert stdout.splitlines() == [
        f"Not attempted: Lazard -> {LAZARD}: {refused}",
        f"Not attempted: Janus -> ops@janus.example.com: {refused}",
    ]
    assert err == "2 managers of 2 not delivered (see above).\n"


@pytest.mark.parametrize(
    ("address", "why"),
    [("lazard at example", "no @"), (".a@b.com", "leading dot"), ("a.@b.com", "trailing dot"), ("a..b@b.com", "double dot"),
     ("a@-b.com", "label starts with a hyphen"), ("a@b", "no dot in the domain"), ("a b@b.com", "a space")],
)  # fmt: skip
@pytest.mark.parametrize("dry_run", [False, True])
def test_a_bad_address_is_refused_before_anything_is_sent(
    month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], address: str, why: str, dry_run: bool
) -> None:
    out, _ = month_dir
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[[manager]]\nname = "Lazard"\nportfolios = ["Lazard Mid-Cap"]\nemails = ["{address}"]\n')
    handler = Handler()
    with smtp_server(handler) as port:
        code, _, err = send(capsys, out, bad, port, *(["--dry-run"] if dry_run else []))
    assert code == 2, why
    assert err == (
        f"1 problem found; nothing was written:\n{bad}, manager 1 (Lazard), emails: {address!r} is not an email address; "
        "valid: name@example.com.\n"
    )
    assert handler.received == []
    assert not (out / "outbox").exists()


def test_missing_workbooks_are_an_error_and_never_built_from_the_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "2008-O1"  # a typo in --out
    handler = Handler()
    with smtp_server(handler) as port:
        code, stdout, err = send(capsys, out, None, port)
    assert (code, stdout) == (2, "")
    assert err == (
        f"1 problem found; nothing was written:\n{out}: no workbooks for 2008-01 (manifest.json is missing). send mails only "
        f"workbooks that report made: run xlcap report --month 2008-01 --actuals YOUR-ACTUALS --out {out} first.\n"
    )
    assert not out.exists()
    assert handler.received == []


def test_another_months_workbooks_are_refused(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = month_dir
    code = main(["send", "--month", "2008-02", "--out", str(out), "--smtp", f"127.0.0.1:{free_port()}", "--tls", "none"])
    assert code == 2
    assert capsys.readouterr().err == (
        f"1 problem found; nothing was written:\n{out / 'manifest.json'}: these workbooks are for 2008-01, not 2008-02; "
        f"nothing was sent. Valid: --month 2008-01, or rebuild with xlcap report --month 2008-02 --actuals YOUR-ACTUALS "
        f"--out {out} --force.\n"
    )


def test_a_workbook_edited_after_report_or_an_old_manifest_is_refused(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    port = free_port()
    book = out / "expense-caps-2008-01-janus.xlsx"
    original = book.read_bytes()
    book.write_bytes(original + b"\0")
    code, _, err = send(capsys, out, recipients, port)
    assert code == 2
    assert f"{book}: not the workbook report wrote (its contents changed since); run xlcap report" in err
    book.write_bytes(original)
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["inputs_sha256"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    code, _, err = send(capsys, out, recipients, port)
    assert code == 2
    assert "made by an older xlcap, without the record of the inputs the workbooks came from" in err
    assert "rebuild with xlcap report --month 2008-01" in err


def test_workbooks_from_the_sample_are_marked_illustrative(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = build(tmp_path, RECIPIENTS.split('[[manager]]\nname = "Janus"')[0], actuals=None)  # bundled sample actuals
    handler = Handler()
    with smtp_server(handler) as port:
        code, _, err = send(capsys, out, None, port)  # managers and addresses as report recorded them
    assert code == 0
    (got,) = handler.received
    assert got.message["Subject"].startswith("ILLUSTRATIVE, sample figures: Met Investors Series Trust: expense limits")
    body = got.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("ILLUSTRATIVE: these figures were computed from the bundled sample actuals, not from the Trust's")
    html = got.message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<p><strong>ILLUSTRATIVE: these figures" in html
    assert err.startswith("Warning: These workbooks were made from the bundled ILLUSTRATIVE sample actuals")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--timeout", "0", "Parameter 'timeout' received 0.0, which is not a usable wait."),
        ("--timeout", "-1", "Parameter 'timeout' received -1.0, which is not a usable wait."),
        ("--timeout", "nan", "Parameter 'timeout' received nan, which is not a usable wait."),
        ("--timeout", "inf", "Parameter 'timeout' received inf, which is not a usable wait."),
        ("--from", "caps@example.com\r\nBcc: all@example.com", "Parameter 'from' received 'caps@example.com\\r\\nBcc: "),
        ("--from", "not an address", "Parameter 'from' received 'not an address', which is not one email address"),
        ("--cafile", "/nonexistent/ca.pem", "Parameter 'cafile' received '/nonexistent/ca.pem' with --tls none"),
    ],
)
def test_every_bad_setting_is_a_clear_error_before_connecting(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str], option: str, value: str, message: str
) -> None:
    out, recipients = month_dir
    handler = Handler()
    with smtp_server(handler) as port:
        code, stdout, err = send(capsys, out, recipients, port, option, value)
    assert (code, stdout) == (2, "")
    assert err.startswith(message)
    assert handler.received == []
    assert not (out / "send-log.jsonl").exists()


def test_a_cafile_that_is_not_certificates(
    month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = month_dir
    garbage = tmp_path / "ca.pem"
    garbage.write_text("not a certificate\n")
    for path, reason in [(garbage, "cannot be read as CA certificates ("), (tmp_path / "missing.pem", "No such file")]:
        code = main(
            ["send", "--month", "2008-01", "--out", str(out), "--smtp", f"127.0.0.1:{free_port()}", "--cafile", str(path)]
        )
        err = capsys.readouterr().err
        assert code == 2
        assert err.startswith(f"Parameter 'cafile' received '{path}', which cannot be read as CA certificates")
        assert reason in err


def test_a_line_break_in_a_manager_name_is_refused(
    month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = month_dir
    recipients = tmp_path / "r.toml"
    recipients.write_text('[[manager]]\nname = "Lazard\\r\\nBcc: all@example.com"\nportfolios = ["Lazard Mid-Cap"]\n'
                          'emails = ["caps@lazard.example.com"]\n')  # fmt: skip
    code = main(["send", "--month", "2008-01", "--out", str(out), "--recipients", str(recipients), "--dry-run"])
    assert code == 2
    assert "the name contains a line break or control character; valid: one line of text." in capsys.readouterr().err


def test_a_run_refuses_while_another_holds_the_folder(month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out, recipients = month_dir
    handler = Handler()
    with smtp_server(handler) as port, folder_lock(out, "a test"):
        code, stdout, err = send(capsys, out, recipients, port)
    assert (code, stdout) == (4, "")
    assert err == (
        f"Another xlcap run is using {out} (lock {out / '.xlcap.lock'} is held); nothing was done for sending 2008-01's "
        "workbooks. Wait for it to finish, then run this again.\n"
    )
    assert handler.received == []


def test_a_send_log_that_is_not_a_file_is_refused_before_connecting(
    month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    (out / "send-log.jsonl").symlink_to(tmp_path / "nowhere" / "log.jsonl")  # dangling
    handler = Handler()
    with smtp_server(handler) as port:
        code, stdout, err = send(capsys, out, recipients, port)
    assert (code, stdout) == (6, "")
    assert err.startswith(f"The send log {out / 'send-log.jsonl'} is not a regular file (a symbolic link or a folder)")
    assert handler.received == []


def test_a_damaged_log_line_is_refused_and_a_torn_last_line_repaired(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    handler = Handler()
    with smtp_server(handler) as port:
        assert send(capsys, out, recipients, port)[0] == 0
        log = out / "send-log.jsonl"
        whole = log.read_bytes()
        lines = whole.splitlines(keepends=True)
        # Garbage in the middle: refused, naming the line; nothing sent.
        log.write_bytes(lines[0] + b"garbage\n" + b"".join(lines[1:]))
        code, _, err = send(capsys, out, recipients, port)
        assert code == 3
        assert err.startswith(f"{log}, line 2: not a send-log record (b'garbage'). The send log is what keeps")
        # Janus's delivered record torn in half (a crash mid-write): cut off, kept aside, Janus is now uncertain.
        log.write_bytes(b"".join(lines[:3]) + lines[3][:25])
        code, stdout, err = send(capsys, out, recipients, port)
    assert code == 5
    assert stdout.splitlines()[1].startswith("Uncertain: Janus -> ops@janus.example.com: message <xlcap.2008-01.janus.")
    assert err.startswith(f"Warning: The last line of {log} was incomplete")
    assert (out / "send-log.jsonl.torn").read_bytes() == lines[3][:25] + b"\n"
    assert log.read_bytes() == b"".join(lines[:3])
    assert len(handler.received) == 2


def test_recipients_that_do_not_match_the_workbooks_are_refused(
    month_dir: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = month_dir
    other = tmp_path / "other.toml"
    other.write_text(
        RECIPIENTS.replace('name = "Janus"', 'name = "Janus Capital"').replace('["Lazard Mid-Cap"]', '["Janus Forty"]')
    )
    code, stdout, err = send(capsys, out, other, free_port(), "--dry-run")
    assert (code, stdout) == (2, "")
    assert err.splitlines()[1:] == [
        f"{out / 'manifest.json'}: Lazard's workbook covers other portfolios than the recipients name; run xlcap report "
        f"--month 2008-01 --out {out} --force with the same recipients file.",
        f"{out / 'manifest.json'}: no workbook for Janus Capital; run xlcap report --month 2008-01 --out {out} --force with "
        "the same recipients file.",
    ]


def test_a_read_only_send_log_is_found_before_connecting(
    month_dir: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out, recipients = month_dir
    log = out / "send-log.jsonl"
    log.write_bytes(b"")
    if os.geteuid() != 0:
        log.chmod(0o444)
    elif subprocess.run(["chattr", "+i", str(log)], capture_output=True).returncode != 0:  # root ignores file modes
        pytest.skip("no read-only file possible here: running as root, and chattr +i is refused (no CAP_LINUX_IMMUTABLE)")
    try:
        handler = Handler()
        with smtp_server(handler) as port:
            code, stdout, err = send(capsys, out, recipients, port)
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(log)], check=True)
    assert (code, stdout) == (6, "")
    assert err.startswith(f"Cannot write the send log {log}: ")
    assert err.endswith(
        "; nothing was sent. Check that the month's folder and its send-log.jsonl are writable and the disk is not full.\n"
    )
    assert handler.received == []
