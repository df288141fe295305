"""The send log read back: the outcome of each message, a last line cut short by a crash ignored, any other
damage an error at its line (the log is never guessed at)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pressgen.distribution.sendlog import SendLog
from pressgen.errors import InputError


def line(event: str, email: str, message_id: str) -> str:
    return json.dumps({"event": event, "email": email, "message_id": message_id, "kind": "release"}) + "\n"


def test_sent_failed_and_uncertain_messages(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(line("sending", "a@example.org", "<1@x>") + line("sent", "a@example.org", "<1@x>")
                    + line("sending", "b@example.org", "<2@x>") + line("failed", "b@example.org", "<2@x>")
                    + line("sending", "c@example.org", "<3@x>") + '{"event": "sent", "email": "c@exa')
    log = SendLog.read(path)
    a, b, c = (log.deliveries[f"{x}@example.org"] for x in "abc")
    assert a.sent is not None and a.uncertain is None and a.sent_count == 1
    assert b.sent is None and b.uncertain is None  # refused: certain, sent again next time
    assert c.sent is None and c.uncertain is not None and c.uncertain["message_id"] == "<3@x>"
    log.record("sent", email="c@example.org", message_id="<3@x>", kind="release")
    assert SendLog.read(path).deliveries["c@example.org"].sent is not None  # appended after the cut line


def test_a_damaged_line_in_the_middle_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(line("sending", "a@example.org", "<1@x>") + "not json\n" + line("sent", "a@example.org", "<1@x>"))
    with pytest.raises(InputError) as caught:
        SendLog.read(path)
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.path, diagnostic.line) == (path, 2) and "cannot be read" in diagnostic.message


def test_a_whole_last_record_without_its_line_end_is_kept_and_the_next_starts_a_line(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(line("sending", "a@example.org", "<1@x>") + line("sent", "a@example.org", "<1@x>").rstrip("\n"))
    log = SendLog.read(path)
    assert log.deliveries["a@example.org"].sent is not None
    log.record("sending", email="b@example.org", message_id="<2@x>", kind="release")
    again = SendLog.read(path)
    assert again.deliveries["a@example.org"].sent is not None and again.deliveries["b@example.org"].uncertain
