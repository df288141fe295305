"""The rate limit of mail --send: at most ``mail.rate`` messages per second, measured on a clock the test
drives (no timed assertion): between two messages the sender waits what is left of 1/rate seconds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from helpers.smtp_server import SmtpServer, journalists, use_smtp

from pressgen.check import check_workspace
from pressgen.check.readiness import readiness
from pressgen.distribution.mail import Composer, plan_mail, release_pdfs, send
from pressgen.distribution.sendlog import SendLog, log_path
from pressgen.workspace.medialist import Recipient

RELEASE = "iom-20km-brussels-2017"


def test_messages_are_paced_at_the_configured_rate(workspace: Path) -> None:
    server = SmtpServer()
    server.start()
    try:
        use_smtp(workspace, server.port, rate=4)
        ws = check_workspace(workspace)
        path = workspace / "releases" / f"{RELEASE}.yaml"
        people = [Recipient(name, email, lang) for name, email, lang in journalists(4, ("en",))]
        log = SendLog.read(log_path(ws.root, RELEASE))
        plan = plan_mail(readiness(path, ws), ws, people, log)
        assert ws.config.mail is not None
        composer = Composer(ws, plan.release, ws.config.mail, dt.datetime(2017, 6, 1, tzinfo=dt.UTC),
                            release_pdfs(path, plan.languages))
        now = [100.0]
        waits: list[float] = []

        def clock() -> float:
            now[0] += 0.05  # each look at the clock: 50 ms of work went by
            return now[0]

        def sleep(seconds: float) -> None:
            waits.append(round(seconds, 6))
            now[0] += seconds

        report = send(plan, composer, ws, ws.config.mail, log, None, clock=clock, sleep=sleep)
    finally:
        server.stop()
    assert report.sent == 4 and len(server.envelopes) == 4
    assert waits == [0.2, 0.2, 0.2]  # 1/4 s apart: 0.25 s less the 50 ms the clock saw pass
