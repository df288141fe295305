"""The send log of ``pressgen mail``: who was sent which version of a release, kept so that nobody is mailed twice.

One file per release, ``.pressgen/mail/RELEASE.jsonl`` in the workspace: JSON lines, appended
and synced to disk one at a time (:func:`pressgen.files.append_durable`), never rewritten.
Each message has two lines: ``sending`` before the SMTP transaction starts and ``sent`` once
the server has accepted the message (or ``failed`` when it refused it, which is certain:
nothing was delivered). A ``sending`` without its ``sent`` or ``failed`` is *uncertain*: the
run stopped (a crash, kill -9, a lost connection) between handing the message over and
hearing back, so the server may have it. Resuming never sends an uncertain message again
by itself (a journalist mailed twice is the failure this log exists to prevent); it names
them, and ``--resend-uncertain`` sends them again under the same Message-ID, by which a
receiving system can recognise a copy it already has.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pressgen.errors import Diagnostic, InputError, PressgenError
from pressgen.files import append_durable

LOG_FOLDER = Path(".pressgen") / "mail"


def log_path(workspace_root: Path, release_id: str) -> Path:
    """The send log of one release."""
    return workspace_root / LOG_FOLDER / f"{release_id}.jsonl"


@dataclass
class Delivery:
    """One recipient's history in the log: the last message the server accepted, and one left uncertain."""

    email: str
    name: str = ""
    wants: str = ""  # the recipient's language, as the media list said when last sent
    sent: dict[str, Any] | None = None  # the last "sent" record
    sent_count: int = 0
    uncertain: dict[str, Any] | None = None  # a "sending" record with no outcome


@dataclass
class SendLog:
    """The log of one release, read once; :meth:`record` appends (durably) and keeps it current."""

    path: Path
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    valid_size: int | None = None  # where the last whole record ends, when a crash left a torn one after it
    open_line: bool = False  # the last record is whole but its line end was not written

    @classmethod
    def read(cls, path: Path) -> SendLog:
        """Read the log at ``path`` (none yet: an empty log). A line cut short by a crash is ignored;
        any other unreadable line is an error at its line (the log is not guessed at)."""
        log = cls(path)
        try:
            raw_log = path.read_bytes()
        except FileNotFoundError:
            return log
        lines = raw_log.split(b"\n")
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw)
                if not isinstance(entry, dict) or not isinstance(entry.get("email"), str):
                    raise ValueError("not a record")
            except ValueError as exc:
                if number == len(lines):  # the last line, not ended: a write the crash cut short
                    log.valid_size = len(raw_log) - len(raw)
                    break
                raise InputError("unreadable send log", [Diagnostic(
                    path, number, 1, f"the send log cannot be read: {exc}",
                    "pressgen writes this file; restore it from a backup rather than edit it")]) from None
            log._apply(entry)
        log.open_line = log.valid_size is None and bool(raw_log) and not raw_log.endswith(b"\n")
        return log

    def _apply(self, entry: dict[str, Any]) -> None:
        delivery = self.deliveries.setdefault(entry["email"], Delivery(entry["email"]))
        delivery.name = entry.get("name", delivery.name)
        delivery.wants = entry.get("wants", delivery.wants)
        event = entry.get("event")
        if event == "sending":
            delivery.uncertain = entry
        elif event in ("sent", "failed"):
            if delivery.uncertain and delivery.uncertain.get("message_id") == entry.get("message_id"):
                delivery.uncertain = None
            if event == "sent":
                delivery.sent = entry
                delivery.sent_count += 1

    def record(self, event: str, **fields: Any) -> None:
        """Append one record, synced to disk before this returns."""
        entry = {"event": event, "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **fields}
        try:
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode() + b"\n"
            append_durable(self.path, b"\n" + line if self.open_line else line, self.valid_size)
            self.valid_size, self.open_line = None, False
        except OSError as exc:  # a full disk: stop sending, saying where the log stands
            what = {"sending": "nothing was sent to {email}",
                    "sent": "the server accepted the message to {email}, but the log does not say so: the next "
                            "run counts it as uncertain and does not send it again"}.get(event, "")
            raise PressgenError(f"cannot write the send log {self.path}: {exc.strerror or exc}; stopped"
                                + (f" ({what.format(email=fields.get('email'))})" if what else "")) from None
        self._apply(entry)
