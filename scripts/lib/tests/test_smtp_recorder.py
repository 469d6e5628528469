"""scripts/lib/smtp_recorder.py, the SMTP server Trellis's e-mail tests send to: what it records, what
it refuses, and that it ends with its parent."""
import json
import smtplib
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

RECORDER = Path(__file__).resolve().parents[1] / "smtp_recorder.py"


@pytest.fixture
def start(tmp_path):
    started = []

    def run(*options):
        out = tmp_path / f"messages-{len(started)}.jsonl"
        process = subprocess.Popen([sys.executable, str(RECORDER), "--out", str(out), *options],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        started.append(process)
        word, port = process.stdout.readline().split()
        assert word == "listening"
        return int(port), out, process

    yield run
    for process in started:
        process.stdin.close()
        process.wait(timeout=10)


def records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_records_the_envelope_headers_and_the_unstuffed_body(start):
    port, out, _ = start()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.sendmail("trellis@example.org", ["inbox@example.org"],
                        b"Subject: =?UTF-8?B?Q2Fmw6k=?=\r\nFrom: Trellis <trellis@example.org>\r\n\r\nfirst\r\n.\r\n..two\r\n")
    [record] = records(out)
    assert record["mail_from"] == "trellis@example.org"
    assert record["rcpt_tos"] == ["inbox@example.org"]
    assert ["Subject", "Café"] in record["headers"]
    # smtplib dot-stuffs the lines starting with "."; the recorder hands them back as they were written.
    assert record["raw"].endswith("\r\n\r\nfirst\r\n.\r\n..two\r\n")
    assert record["auth_login"] is None
    assert record["tls"] is False


def test_refuses_and_defers_the_recipients_it_is_told_to(start):
    port, out, _ = start("--refuse", "gone@example.org", "--defer", "busy@example.org")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.sendmail("trellis@example.org", ["gone@example.org"], b"Subject: x\r\n\r\nx\r\n")
        assert refused.value.recipients["gone@example.org"][0] == 550
        with pytest.raises(smtplib.SMTPRecipientsRefused) as deferred:
            client.sendmail("trellis@example.org", ["busy@example.org"], b"Subject: x\r\n\r\nx\r\n")
        assert deferred.value.recipients["busy@example.org"][0] == 451
    assert not out.exists() or records(out) == []


def test_requires_the_one_login_and_keeps_only_its_name(start):
    port, out, _ = start("--user", "agency", "--password", "s3cret-Pw")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login("agency", "wrong")
        client.login("agency", "s3cret-Pw")
        client.sendmail("trellis@example.org", ["inbox@example.org"], b"Subject: x\r\n\r\nx\r\n")
    [record] = records(out)
    assert record["auth_login"] == "agency"
    assert "s3cret-Pw" not in out.read_text()


def test_requires_starttls_when_it_has_a_certificate(start, tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", "server.key", "-out", "server.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], cwd=tmp_path, check=True, capture_output=True)
    port, out, _ = start("--tls-cert", str(tmp_path / "server.pem"), "--tls-key", str(tmp_path / "server.key"))
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        with pytest.raises(smtplib.SMTPSenderRefused):
            client.sendmail("trellis@example.org", ["inbox@example.org"], b"Subject: x\r\n\r\nx\r\n")
    context = ssl.create_default_context(cafile=str(tmp_path / "server.pem"))
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.starttls(context=context)
        client.sendmail("trellis@example.org", ["inbox@example.org"], b"Subject: x\r\n\r\nx\r\n")
    [record] = records(out)
    assert record["tls"] is True


def test_silent_accepts_and_never_greets(start):
    port, _, _ = start("--silent")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.settimeout(0.5)
        with pytest.raises(socket.timeout):
            connection.recv(1)


def test_ends_when_its_standard_input_closes(start):
    _, _, process = start()
    process.stdin.close()
    assert process.wait(timeout=10) == 0
