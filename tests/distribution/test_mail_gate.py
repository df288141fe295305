"""Acceptance 3 and the fallback rule: a release with a stale French segment is mailed in Dutch and English
only; French journalists get the Dutch source (or nothing with --strict-language) and the command says why;
--allow-draft sends the French, marked as a draft."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from helpers import normalize, run
from helpers.smtp_server import SmtpServer, journalists, media_csv, use_smtp

RELEASE = "iom-20km-brussels-2017"
NL_HEADLINE = "De Verenigde Naties nemen deel"
FR_HEADLINE = "Les Nations Unies participent"
EN_HEADLINE = "The United Nations run the 20"


def make_french_stale(workspace: Path) -> None:
    """Edit one Dutch paragraph and record the English translation as reviewed against the new text."""
    release = workspace / "releases" / f"{RELEASE}.yaml"
    text = release.read_text(encoding="utf-8")
    old = next(line.strip() for line in text.splitlines() if "Voor het eerst dit jaar" in line)
    new = old.replace("Voor het eerst dit jaar", "Dit jaar voor het eerst", 1)
    release.write_text(text.replace(old, new, 1), encoding="utf-8")
    sidecar = workspace / "releases" / f"{RELEASE}.segments.json"
    records = json.loads(sidecar.read_text(encoding="utf-8"))
    [record] = [r for r in records["languages"]["en"] if r["source"] == old]
    record["source"] = new
    sidecar.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")


def messages(folder: Path) -> list[EmailMessage]:
    found = []
    for path in sorted(folder.glob("*.eml")):
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        found.append(parsed)
    return found


def test_a_stale_french_text_is_not_sent_french_journalists_get_the_source(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    make_french_stale(workspace)
    server = SmtpServer()
    server.start()
    try:
        use_smtp(workspace, server.port)
        people = journalists(6)
        media = media_csv(workspace / "media.csv", people)
        monkeypatch.chdir(workspace)
        assert run("mail", RELEASE, "--list", str(media), "--send") == 0
    finally:
        server.stop()
    err = capsys.readouterr().err
    assert "fr: left out: the fr text is stale: 1 of 13 segments not reviewed against the nl text; " \
           "2 recipient(s) get the nl text instead" in err
    received = server.by_recipient()
    assert len(server.envelopes) == 6
    for _, email, lang in people:
        [message] = received[email]
        sent = "nl" if lang == "fr" else lang
        assert message["Content-Language"].startswith(sent)
        text = normalize(message.get_body(("plain",)).get_content())
        assert (NL_HEADLINE if sent == "nl" else EN_HEADLINE) in text and FR_HEADLINE not in text
        assert "X-Pressgen-Draft" not in message
    languages = {entry["email"]: (entry["wants"], entry["lang"]) for entry in map(json.loads, (
        workspace / ".pressgen" / "mail" / f"{RELEASE}.jsonl").read_text().splitlines()) if entry["event"] == "sent"}
    assert languages["j001@example.org"] == ("fr", "nl")


def test_strict_language_sends_nothing_to_french_journalists(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    make_french_stale(workspace)
    use_smtp(workspace, 25)
    media = media_csv(workspace / "media.csv", journalists(6))
    monkeypatch.chdir(workspace)
    assert run("mail", RELEASE, "--list", str(media), "--dry-run", "out", "--strict-language") == 0
    found = messages(workspace / "out")
    assert sorted(m["Content-Language"][:2] for m in found) == ["en", "en", "nl", "nl"]
    err = capsys.readouterr().err
    assert "2 recipient(s) get nothing (--strict-language)" in err
    assert "2 recipient(s) skipped, their language is not ready (--strict-language)" in err


def test_allow_draft_sends_the_stale_french_marked_as_a_draft(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    make_french_stale(workspace)
    use_smtp(workspace, 25)
    media = media_csv(workspace / "media.csv", journalists(3))
    monkeypatch.chdir(workspace)
    assert run("mail", RELEASE, "--list", str(media), "--dry-run", "out", "--allow-draft") == 0
    assert "fr: not ready, sent anyway as a draft (--allow-draft)" in capsys.readouterr().err
    by_language = {m["Content-Language"][:2]: m for m in messages(workspace / "out")}
    french = by_language["fr"]
    assert str(french["Subject"]).startswith("[Brouillon – non relu]")
    assert french["X-Pressgen-Draft"]
    text = normalize(french.get_body(("plain",)).get_content())
    assert text.startswith("Brouillon – non relu") and FR_HEADLINE in text
    assert "X-Pressgen-Draft" not in by_language["en"] and "X-Pressgen-Draft" not in by_language["nl"]


def test_a_language_the_release_is_not_written_in_falls_back_to_the_source(
        workspace: Path, write_release, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        capsys: pytest.CaptureFixture[str]) -> None:
    from helpers import VALID_RELEASE

    write_release("two-languages", VALID_RELEASE)
    use_smtp(workspace, 25)
    media = media_csv(workspace / "media.csv", journalists(3))
    monkeypatch.chdir(workspace)
    assert run("mail", "two-languages", "--list", str(media), "--dry-run", "out") == 0
    assert "en: left out: the release is not written in en (its languages: nl, fr); 1 recipient(s) get the " \
           "nl text instead" in capsys.readouterr().err
    assert sorted(m["Content-Language"][:2] for m in messages(workspace / "out")) == ["fr", "nl", "nl"]


def test_a_release_with_errors_sends_nothing(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text().replace("\ndate:", "\ndate: not-a-date\nold_date:", 1))
    use_smtp(workspace, 25)
    media = media_csv(workspace / "media.csv", journalists(3))
    monkeypatch.chdir(workspace)
    assert run("mail", RELEASE, "--list", str(media), "--dry-run", "out") == 1
    assert "has errors: nothing is sent" in capsys.readouterr().err
    assert not (workspace / "out").exists()
