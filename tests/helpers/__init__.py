"""What several test modules share: the repository's paths, the CLI called in-process, and readers of the
documents pressgen writes. Plain functions and constants; the fixtures are in tests/conftest.py.

The servers the tests talk to are modules of this package: helpers.libre_server (a LibreTranslate
stand-in) and helpers.studio_server (the studio on a free loopback port, also used by bench/studio.py).
No test module imports another test module.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from docx import Document

from pressgen.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SEED_IDS = sorted(p.stem for p in (SEEDS / "releases").glob("*.yaml"))
LANGS = ("nl", "fr", "en")
PRESSGEN = Path(sys.executable).parent / "pressgen"  # the installed command, for tests that need a process
# A positioned error line as the CLI prints it: file:line:col: error: message.
POSITIONED_ERROR = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.*)$", re.M)

# A small valid release of the seed workspace, for tests that break or change one thing in it.
VALID_RELEASE = """\
organization: iom-belgium
date: 2017-05-26
source: nl
languages: [nl, fr]
contacts: [gdhoop]
text:
  nl:
    headline: Kop van het bericht
    dateline: Brussel
    body: |
      Eerste alinea.
  fr:
    status: reviewed
    headline: Titre du communiqué
    dateline: Bruxelles
    body: |
      Premier paragraphe.
"""


def run(*args: str) -> int:
    """Run the pressgen command in this process and return its exit status."""
    try:
        main(list(args))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def use_libre(workspace: Path, url: str, timeout: float = 2, retries: int = 2) -> None:
    """Point the workspace's translation provider at a LibreTranslate server (helpers.libre_server)."""
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text().replace(
        "timezone: Europe/Brussels",
        f"timezone: Europe/Brussels\ntranslation: {{provider: libre, url: \"{url}\", timeout: {timeout}, "
        f"retries: {retries}, backoff: 0}}"))


def normalize(text: str) -> str:
    """Collapse every kind of white space (including no-break spaces) to one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def alnum(text: str) -> str:
    """The letters and digits of a text, lower-case: what both formats must say, whatever their layout."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """Return the text of a PDF as poppler's pdftotext reads it."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_page_main_text(path: Path, page: int) -> str:
    """The text of one page between the running header and footer (cropped out, as Word keeps them apart)."""
    top, bottom, width, height = 119, 68, 595, 842  # A4 in points; the page margins of release.css
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(page), "-l", str(page), "-x", "0",
                           "-y", str(top), "-W", str(width), "-H", str(height - top - bottom), str(path), "-"],
                          check=True, capture_output=True, text=True).stdout


def docx_body_paragraphs(path: Path) -> list[tuple[str, str]]:
    """Return (style name, text) for every paragraph of the document body."""
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]


def docx_header_text(path: Path) -> list[str]:
    """Return the text lines of the first section's page header."""
    header = Document(str(path)).sections[0].header
    lines = [p.text for p in header.paragraphs if p.text]
    for table in header.tables:
        for cell in table._cells:
            lines += [p.text for p in cell.paragraphs if p.text]
    return lines


def docx_part(path: Path, name: str) -> str:
    """One part of a DOCX package (``word/document.xml``, ...) as text."""
    with zipfile.ZipFile(path) as package:
        return package.read(name).decode("utf-8")


def soffice(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run LibreOffice headless with its own profile under ``cwd``."""
    profile = cwd / "lo-profile"
    return subprocess.run(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=180)


# Debian's Chromium, which scripts/setup-system.sh test installs (Playwright's own download cannot work here).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a text file by ``new``; ``old`` must be there (a test edits what it means to)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
