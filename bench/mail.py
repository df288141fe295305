"""Mail composition benchmark: how long ``pressgen mail`` takes to make each message.

    .venv/bin/python bench/mail.py [--messages 1000]

On a private copy of the seed workspace, the PDFs are built first (by the build, not
counted); then one message per journalist of a synthetic media list in three languages
is composed and serialised as SMTP sends it (multipart/mixed: text, HTML, the PDF).
Prints the first message of each language (localised view and bodies made once),
the time per message after that, and per 1000 messages.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pressgen.check import check_workspace  # noqa: E402
from pressgen.check.readiness import readiness  # noqa: E402
from pressgen.distribution.mail import Composer, plan_mail, release_pdfs  # noqa: E402
from pressgen.distribution.sendlog import SendLog  # noqa: E402
from pressgen.workspace.medialist import Recipient  # noqa: E402

RELEASE = "iom-20km-brussels-2017"
MAIL = '\nmail:\n  from: "IOM Belgium Press <press@example.org>"\n  unsubscribe: "https://press.example.org/u?e={email}"\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ws"
        shutil.copytree(ROOT / "seeds", root, ignore=shutil.ignore_patterns("dist", ".pressgen"))
        (root / "pressgen.yaml").write_text((root / "pressgen.yaml").read_text() + MAIL)
        workspace = check_workspace(root)
        path = root / "releases" / f"{RELEASE}.yaml"
        langs = ("nl", "fr", "en")
        people = [Recipient(f"Journaliste {i} Dupré", f"j{i}@example.org", langs[i % 3]) for i in range(args.messages)]
        started = time.perf_counter()
        verdict = readiness(path, workspace)
        gate = time.perf_counter() - started
        started = time.perf_counter()
        plan = plan_mail(verdict, workspace, people, SendLog(root / "log.jsonl"))
        planned = time.perf_counter() - started
        assert workspace.config.mail is not None
        composer = Composer(workspace, plan.release, workspace.config.mail,
                            dt.datetime(2017, 5, 25, tzinfo=dt.UTC), release_pdfs(path, plan.languages))
        first = {}
        for assignment in plan.going[:3]:
            started = time.perf_counter()
            size = len(composer.compose(assignment))
            first[assignment.lang] = (time.perf_counter() - started, size)
        started = time.perf_counter()
        total = 0
        for assignment in plan.going[3:]:
            total += len(composer.compose(assignment))
        rest = time.perf_counter() - started
        count = max(len(plan.going) - 3, 1)
    print(f"readiness of the release (the gate): {gate * 1000:.0f} ms")
    print(f"plan (fallback, send log) for {len(people)} journalists: {planned * 1000:.1f} ms")
    for lang, (seconds, size) in first.items():
        print(f"first {lang} message (view, text and HTML bodies): {seconds * 1000:.1f} ms, {size / 1024:.0f} KiB")
    print(f"each further message: {rest / count * 1000:.2f} ms ({total / count / 1024:.0f} KiB on average)")
    print(f"per 1000 messages: {rest / count * 1000:.3f} s")


if __name__ == "__main__":
    main()
