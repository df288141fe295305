"""mail --send over STARTTLS and over TLS from the start, logging in with the password read from the
environment: a real aiosmtpd server on loopback with a certificate made for the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import POSITIONED_ERROR, run
from helpers.smtp_server import SmtpServer, journalists, media_csv, self_signed

RELEASE = "iom-20km-brussels-2017"


def use_secure_smtp(workspace: Path, port: int, tls: str) -> None:
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text() + '\nmail:\n  from: "IOM Belgium Press <press@example.org>"\n'
                      f"  smtp: {{host: 127.0.0.1, port: {port}, tls: {tls}, username: press, "
                      "password_env: PRESSGEN_TEST_SMTP_PASSWORD}\n")


@pytest.mark.parametrize("tls", ["starttls", "tls"])
def test_send_over_tls_with_a_login(tls: str, workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    context, cert = self_signed(tmp_path)
    server = SmtpServer(logins={"press": "s3cret"}, starttls=context if tls == "starttls" else None,
                        implicit_tls=context if tls == "tls" else None)
    server.start()
    try:
        use_secure_smtp(workspace, server.port, tls)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's certificate
        monkeypatch.chdir(workspace)
        media = media_csv(workspace / "media.csv", journalists(2))
        monkeypatch.setenv("PRESSGEN_TEST_SMTP_PASSWORD", "wrong")
        assert run("mail", RELEASE, "--list", str(media), "--send") == 1
        [error] = list(POSITIONED_ERROR.finditer(capsys.readouterr().err))
        assert error["message"].startswith("the SMTP server refused the login of press")
        assert not server.envelopes and not (workspace / ".pressgen" / "mail" / f"{RELEASE}.jsonl").exists()

        monkeypatch.setenv("PRESSGEN_TEST_SMTP_PASSWORD", "s3cret")
        assert run("mail", RELEASE, "--list", str(media), "--send") == 0
        assert sorted(e.rcpt_tos[0] for e in server.envelopes) == ["j000@example.org", "j001@example.org"]
    finally:
        server.stop()


def test_an_untrusted_certificate_is_refused(workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    context, _ = self_signed(tmp_path)
    server = SmtpServer(logins={"press": "s3cret"}, starttls=context)
    server.start()
    try:
        use_secure_smtp(workspace, server.port, "starttls")
        monkeypatch.setenv("PRESSGEN_TEST_SMTP_PASSWORD", "s3cret")
        monkeypatch.chdir(workspace)
        assert run("mail", RELEASE, "--list", str(media_csv(workspace / "media.csv", journalists(1))), "--send") == 1
        [error] = list(POSITIONED_ERROR.finditer(capsys.readouterr().err))
        assert error["message"].startswith("cannot reach the SMTP server 127.0.0.1") and "CERTIFICATE" in \
            error["message"].upper()
        assert not server.envelopes
    finally:
        server.stop()
