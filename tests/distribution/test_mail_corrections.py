"""mail --corrections: a release changed after it was sent goes again only to those who received it, each in
their language, with a localised correction note; a journalist added to the list since gets nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import normalize, run
from helpers.smtp_server import SmtpServer, journalists, media_csv, use_smtp

RELEASE = "iom-20km-brussels-2017"
NOTE = {"nl": "Correctie: dit bericht vervangt de versie van dit persbericht die op",
        "fr": "Rectificatif : ce message remplace la version de ce communiqué envoyée le",
        "en": "Correction: this message replaces the version of this release sent on"}
SUBJECT = {"nl": "CORRECTIE – ONDER EMBARGO TOT 26 mei 2017 om 11.00 uur",
           "fr": "RECTIFICATIF – SOUS EMBARGO JUSQU’AU 26 mai 2017 à 11 h",
           "en": "CORRECTION – EMBARGOED UNTIL 26 May 2017 at 11:00"}
NOW = "2017-05-25T12:00:00+02:00"


def test_a_correction_goes_only_to_those_who_received_the_release(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    server = SmtpServer()
    server.start()
    try:
        use_smtp(workspace, server.port)
        first = journalists(3)
        monkeypatch.chdir(workspace)
        assert run("mail", RELEASE, "--list", str(media_csv(workspace / "media.csv", first)), "--send",
                   "--now", NOW) == 0
        originals = {email: messages[0] for email, messages in server.by_recipient().items()}
        # the embargo moves by an hour, and a journalist joins the list
        release = workspace / "releases" / f"{RELEASE}.yaml"
        release.write_text(release.read_text().replace("embargo: 2017-05-26T10:00:00+02:00",
                                                       "embargo: 2017-05-26T11:00:00+02:00"))
        later = [*first, ("Newcomer", "new@example.org", "fr")]
        media = media_csv(workspace / "media.csv", later)
        capsys.readouterr()
        assert run("mail", RELEASE, "--list", str(media), "--send", "--now", NOW) == 0
        err = capsys.readouterr().err
        assert "the release changed since 3 recipient(s) got it" in err and "--corrections" in err
        assert [e.rcpt_tos for e in server.envelopes[3:]] == [["new@example.org"]]

        assert run("mail", RELEASE, "--list", str(media), "--send", "--corrections", "--now", NOW) == 0
        corrections = server.envelopes[4:]
        assert sorted(e.rcpt_tos[0] for e in corrections) == sorted(email for _, email, _ in first)
        for envelope in corrections:
            message = envelope.message()
            lang = message["Content-Language"][:2]
            assert (envelope.rcpt_tos[0], lang) in {(email, lang) for _, email, lang in first}
            assert normalize(str(message["Subject"])).startswith(SUBJECT[lang])
            text = normalize(message.get_body(("plain",)).get_content())
            assert NOTE[lang] in text and NOTE[lang] in normalize(message.get_body(("html",)).get_content())
            assert message["Message-ID"] != originals[envelope.rcpt_tos[0]]["Message-ID"]
        # again: everyone has this version
        assert run("mail", RELEASE, "--list", str(media), "--send", "--corrections", "--now", NOW) == 0
        assert len(server.envelopes) == 7
        assert "nothing to send" in capsys.readouterr().out
    finally:
        server.stop()
