"""Acceptance 4: ``mail --send`` to 30 journalists in three languages, killed (SIGKILL) after the server has
ten messages, and run again: every journalist has exactly one message, in their language, with the PDF.

The kill comes from inside the server, right after it stored the tenth message and before it answers
"250": the worst moment, when the server has the message and the sender does not know it yet.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from helpers import PRESSGEN, ROOT, run
from helpers.smtp_server import SmtpServer, journalists, media_csv, use_smtp

RELEASE = "iom-20km-brussels-2017"


def mail_process(workspace: Path, media: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([str(PRESSGEN), "mail", RELEASE, "--list", str(media), "--send",
                             "--now", "2017-05-25T12:00:00+02:00"], cwd=workspace, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_after_ten_and_run_again_every_journalist_has_exactly_one_message(workspace: Path) -> None:
    people = journalists(30)
    media = media_csv(workspace / "media.csv", people)
    server = SmtpServer()
    server.start()
    try:
        use_smtp(workspace, server.port, rate=20)
        process: list[subprocess.Popen[str]] = []

        def kill_at_ten(count: int) -> None:
            if count == 10:
                os.kill(process[0].pid, signal.SIGKILL)

        server.on_message = kill_at_ten
        process.append(mail_process(workspace, media))
        process[0].communicate(timeout=300)
        assert process[0].returncode == -signal.SIGKILL
        assert len(server.envelopes) == 10
        log = [json.loads(line) for line in
               (workspace / ".pressgen" / "mail" / f"{RELEASE}.jsonl").read_text().splitlines()]
        assert [entry["event"] for entry in log].count("sent") == 9  # the tenth: "sending", never heard back
        assert log[-1]["event"] == "sending"

        server.on_message = None
        again = mail_process(workspace, media)
        out, err = again.communicate(timeout=300)
        assert again.returncode == 1, err  # one message is uncertain: said, not sent again
        assert "1 recipient(s) skipped, uncertain" in err and people[9][1] in err
        assert "sent 20 message(s)" in out + err
        uncertain_id = log[-1]["message_id"]
    finally:
        server.stop()
    received = server.by_recipient()
    assert len(server.envelopes) == 30
    for _, email, lang in people:
        [message] = received[email]
        assert message["Content-Language"].startswith(lang)
        [pdf] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
        assert pdf.get_filename() == f"{RELEASE}.{lang}.pdf" and pdf.get_content().startswith(b"%PDF")
    assert received[people[9][1]][0]["Message-ID"].strip() == uncertain_id


def test_resend_uncertain_sends_the_uncertain_message_again_under_its_message_id(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    people = journalists(3)
    media = media_csv(workspace / "media.csv", people)
    server = SmtpServer()
    server.start()
    try:
        use_smtp(workspace, server.port)
        log = workspace / ".pressgen" / "mail" / f"{RELEASE}.jsonl"
        log.parent.mkdir(parents=True)
        # what a run killed inside the SMTP transaction leaves: "sending", and no outcome
        log.write_text(json.dumps({"event": "sending", "email": people[0][1], "name": people[0][0], "wants": "nl",
                                   "lang": "nl", "kind": "release", "digest": "0" * 16,
                                   "message_id": "<uncertain.1@example.org>", "time": "2017-05-25T10:00:00+00:00"})
                       + "\n")
        monkeypatch.chdir(workspace)
        assert run("mail", RELEASE, "--list", str(media), "--send") == 1
        assert sorted(e.rcpt_tos[0] for e in server.envelopes) == [people[1][1], people[2][1]]
        assert run("mail", RELEASE, "--list", str(media), "--send", "--resend-uncertain") == 0
        [again] = server.envelopes[2:]
        assert again.rcpt_tos == [people[0][1]] and again.message()["Message-ID"].strip() == "<uncertain.1@example.org>"
        assert run("mail", RELEASE, "--list", str(media), "--send") == 0
        assert len(server.envelopes) == 3
    finally:
        server.stop()


def test_ctrl_c_finishes_the_message_being_sent_and_a_rerun_sends_the_rest(workspace: Path) -> None:
    people = journalists(9)
    media = media_csv(workspace / "media.csv", people)
    server = SmtpServer()
    server.start()
    try:
        use_smtp(workspace, server.port, rate=20)
        process: list[subprocess.Popen[str]] = []

        def interrupt_at_four(count: int) -> None:
            if count == 4:  # inside the transaction: the message in flight is still recorded as sent
                os.kill(process[0].pid, signal.SIGINT)

        server.on_message = interrupt_at_four
        process.append(mail_process(workspace, media))
        _, err = process[0].communicate(timeout=300)
        assert process[0].returncode == 130, err
        assert "interrupted: sent 4 message(s)" in err
        events = [json.loads(line)["event"] for line in
                  (workspace / ".pressgen" / "mail" / f"{RELEASE}.jsonl").read_text().splitlines()]
        assert events == ["sending", "sent"] * 4
        server.on_message = None
        again = mail_process(workspace, media)
        out, err = again.communicate(timeout=300)
        assert again.returncode == 0, err
    finally:
        server.stop()
    assert sorted(len(messages) for messages in server.by_recipient().values()) == [1] * 9
