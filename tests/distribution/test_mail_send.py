"""pressgen mail --send through a real SMTP server on loopback (aiosmtpd): one message per journalist, in
their language, plain text and HTML from the same view and the PDF attached, each parsed back."""

from __future__ import annotations

import io
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from helpers import normalize, run
from helpers.smtp_server import SmtpServer, journalists, media_csv, use_smtp
from pypdf import PdfReader

RELEASE = "iom-20km-brussels-2017"
HEADLINE_START = {"nl": "De Verenigde Naties nemen deel", "fr": "Les Nations Unies participent",
                  "en": "The United Nations run the 20"}
EMBARGO_LINE = {"nl": "ONDER EMBARGO TOT 26 mei 2017", "fr": "SOUS EMBARGO JUSQU’AU 26 mai 2017",
                "en": "EMBARGOED UNTIL 26 May 2017"}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def pdf_of(message: EmailMessage) -> str:
    attachments = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert len(attachments) == 1
    reader = PdfReader(io.BytesIO(attachments[0].get_content()))
    return normalize(" ".join(page.extract_text() for page in reader.pages))


def test_each_journalist_gets_one_message_in_their_language_with_the_pdf(
        workspace: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    use_smtp(workspace, smtp.port, unsubscribe='[mailto:unsubscribe@example.org, '
                                              '"https://press.example.org/u?e={email}"]')
    people = journalists(6)
    media = media_csv(workspace / "media.csv", people)
    monkeypatch.chdir(workspace)
    assert run("mail", RELEASE, "--list", str(media), "--send", "--now", "2017-05-25T12:00:00+02:00") == 0
    received = smtp.by_recipient()
    assert sorted(received) == sorted(email for _, email, _ in people)
    ids = set()
    for name, email, lang in people:
        [message] = received[email]
        assert message["Content-Language"].startswith(lang)
        assert message["To"].addresses[0].display_name == name
        assert message.get_content_type() == "multipart/mixed"
        [alternative] = [p for p in message.iter_parts() if p.get_content_type() == "multipart/alternative"]
        assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
        text = normalize(message.get_body(("plain",)).get_content())
        html = message.get_body(("html",)).get_content()
        assert text.startswith(EMBARGO_LINE[lang]) and "08:00 UTC" in text.splitlines()[0]
        assert str(message["Subject"]).startswith(EMBARGO_LINE[lang])
        assert HEADLINE_START[lang] in text and HEADLINE_START[lang] in normalize(html)
        assert f'lang="{message["Content-Language"]}"' in html
        assert HEADLINE_START[lang] in pdf_of(message)
        others = [start for other, start in HEADLINE_START.items() if other != lang]
        assert not any(start in text for start in others)
        ids.add(message["Message-ID"].strip())
        assert message["Message-ID"].strip().endswith("@example.org>")
        assert message["List-Unsubscribe"] == ("<mailto:unsubscribe@example.org>, "
                                               f"<https://press.example.org/u?e={email.replace('@', '%40')}>")
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert len(ids) == len(people)
    assert "sent 6 message(s) (nl 2, fr 2, en 2)" in capsys.readouterr().out

    # sent again: the send log says everyone has it, the server gets nothing more
    assert run("mail", RELEASE, "--list", str(media), "--send") == 0
    assert len(smtp.envelopes) == len(people)
    assert "6 recipient(s) skipped, already sent" in capsys.readouterr().err


def test_after_the_embargo_no_embargo_line_and_no_unsubscribe_header_unless_configured(
        workspace: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    use_smtp(workspace, smtp.port)
    media = media_csv(workspace / "media.csv", journalists(1, ("en",)))
    monkeypatch.chdir(workspace)
    assert run("mail", RELEASE, "--list", str(media), "--send", "--now", "2017-05-26T08:00:00Z") == 0
    [envelope] = smtp.envelopes
    message = envelope.message()
    assert "EMBARGOED" not in str(message["Subject"]) and "List-Unsubscribe" not in message
    assert normalize(message.get_body(("plain",)).get_content()).startswith("International Organization for")
