"""mail --dry-run writes one .eml per journalist that the email package parses back; bad mail settings are
errors at their place in pressgen.yaml; a missing password variable is said, before anything is sent."""

from __future__ import annotations

import io
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from helpers import POSITIONED_ERROR, normalize, run
from helpers.smtp_server import journalists, media_csv, use_smtp
from pypdf import PdfReader

RELEASE = "iom-20km-brussels-2017"


def test_dry_run_writes_one_parsable_message_per_journalist(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    use_smtp(workspace, 25, unsubscribe="mailto:unsubscribe@example.org")
    people = journalists(3)
    monkeypatch.chdir(workspace)
    assert run("mail", RELEASE, "--list", str(media_csv(workspace / "media.csv", people)), "--dry-run", "out",
               "--now", "2017-05-27T00:00:00Z") == 0
    assert "wrote 3 message(s) (nl 1, fr 1, en 1) to out; nothing sent" in capsys.readouterr().out
    files = sorted((workspace / "out").iterdir())
    assert [f.name for f in files] == ["0001-nl-j000@example.org.eml", "0002-fr-j001@example.org.eml",
                                       "0003-en-j002@example.org.eml"]
    for path, (_, email, lang) in zip(files, people, strict=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        assert message["To"].addresses[0].addr_spec == email and message["Content-Language"][:2] == lang
        assert message["List-Unsubscribe"] == "<mailto:unsubscribe@example.org>"
        assert "List-Unsubscribe-Post" not in message  # one click needs an https URL (RFC 8058)
        [pdf] = list(message.iter_attachments())
        text = normalize(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_content())).pages))
        headline = normalize(str(message["Subject"]))  # the embargo has lifted: the subject is the headline
        assert headline in normalize(message.get_body(("plain",)).get_content()) and headline in text
    assert not (workspace / ".pressgen" / "mail").exists()  # a dry run logs nothing


def test_bad_mail_settings_are_errors_at_their_place(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text() + "\nmail:\n  from: press at example.org\n  rate: 0\n"
                      "  smtp: {host: smtp.example.org, port: 587, tls: ssl}\n")
    monkeypatch.chdir(workspace)
    assert run("mail", RELEASE, "--list", str(media_csv(workspace / "media.csv", journalists(1))), "--send") == 1
    lines = config.read_text().splitlines()
    found = {int(m["line"]): m["message"] for m in POSITIONED_ERROR.finditer(capsys.readouterr().err)}
    assert sorted(found) == [lines.index("  from: press at example.org") + 1, lines.index("  rate: 0") + 1,
                             len(lines)]
    assert "is not an e-mail address" in found[min(found)] and "'starttls', 'tls' or 'none'" in found[len(lines)]


def test_an_unset_password_variable_is_said_and_nothing_is_sent(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text() + '\nmail:\n  from: "Press <press@example.org>"\n'
                      "  smtp: {host: 127.0.0.1, port: 9, tls: none, username: press, "
                      "password_env: PRESSGEN_TEST_SMTP_PASSWORD}\n")
    monkeypatch.delenv("PRESSGEN_TEST_SMTP_PASSWORD", raising=False)
    monkeypatch.chdir(workspace)
    assert run("mail", RELEASE, "--list", str(media_csv(workspace / "media.csv", journalists(1))), "--send") == 1
    [error] = list(POSITIONED_ERROR.finditer(capsys.readouterr().err))
    assert error["message"] == "the environment variable PRESSGEN_TEST_SMTP_PASSWORD is not set"
    assert int(error["line"]) == len(config.read_text().splitlines())
    assert not (workspace / ".pressgen" / "mail").exists()


def test_dry_run_and_send_together_is_wrong_usage(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    use_smtp(workspace, 25)
    monkeypatch.chdir(workspace)
    media = media_csv(workspace / "media.csv", journalists(1))
    assert run("mail", RELEASE, "--list", str(media), "--send", "--dry-run", "out") == 2
    assert "--dry-run and --send exclude each other" in capsys.readouterr().err
    assert run("mail", RELEASE, "--send") == 2
    assert "name the media list with --list FILE" in capsys.readouterr().err
    assert run("mail", RELEASE, "--list", str(media), "--dry-run", "out", "--now", "2017-05-26T10:00") == 2
    assert "has no time zone" in capsys.readouterr().err
    assert not (workspace / "out").exists()


def test_a_workspace_mail_template_is_used_and_runs_sandboxed(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    use_smtp(workspace, 25)
    folder = workspace / "templates" / "mail"
    folder.mkdir(parents=True)
    (folder / "message.txt").write_text("Dear editor,\n\n{{ view.headline }}\n{{ view.body | blocks_text }}\n")
    monkeypatch.chdir(workspace)
    media = media_csv(workspace / "media.csv", journalists(1, ("en",)))
    assert run("mail", RELEASE, "--list", str(media), "--dry-run", "out", "--now", "2017-06-01T00:00:00Z") == 0
    [path] = (workspace / "out").iterdir()
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # CRLF, as on the wire
    assert text.startswith("Dear editor,\n\nThe United Nations run")
    assert "<h1" in message.get_body(("html",)).get_content()  # the packaged HTML template still

    (folder / "message.txt").write_text("Dear editor,\n\n{{ view.org.logo.__class__.__mro__ }}\n")
    capsys.readouterr()
    assert run("mail", RELEASE, "--list", str(media), "--dry-run", "out2") == 1
    [error] = list(POSITIONED_ERROR.finditer(capsys.readouterr().err))
    assert error["file"].endswith("templates/mail/message.txt") and int(error["line"]) == 3
    assert "not allowed" in error["message"] or "unsafe" in error["message"]
    assert not (workspace / "out2").exists()
