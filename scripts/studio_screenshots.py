"""Make the studio's screenshots in docs/ (the index, a release in the editor with a problem marked on
its words, and a translation beside its source).

    PYTHONPATH=. .venv/bin/python scripts/studio_screenshots.py

Runs the studio on a copy of the seed workspace in Debian's Chromium (through Playwright), with one
source paragraph changed so that a stale segment shows its word diff.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from helpers import CHROMIUM  # noqa: E402
from helpers.editor import typed_field  # noqa: E402
from helpers.studio_server import StudioServer  # noqa: E402

RELEASE = "iom-20km-brussels-2017"


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder) / "ws"
        shutil.copytree(ROOT / "seeds", workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
        path = workspace / "releases" / f"{RELEASE}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(
            "Ballons, armbandjes en zakken", "Ballonnen, armbandjes en tassen"), encoding="utf-8")
        with StudioServer(workspace) as studio, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            page.goto(studio.url)
            page.locator("tbody tr").first.wait_for()
            page.screenshot(path=str(ROOT / "docs" / "studio-index.png"))
            page.goto(f"{studio.url}release/{RELEASE}/nl")
            body = typed_field(page, "text.nl.body")
            body.click()
            page.keyboard.press("Control+End")
            page.keyboard.type("\n\n# Een titel die een tussentitel had moeten zijn")
            page.get_by_role("button", name="Save").click()
            page.locator(".cm-error-mark").first.wait_for(timeout=60_000)
            page.locator(".cm-error-mark").first.evaluate("mark => mark.scrollIntoView({block: 'center'})")
            page.screenshot(path=str(ROOT / "docs" / "studio-editor.png"))
            page.goto(f"{studio.url}release/{RELEASE}/fr")
            page.locator(".pages img").first.wait_for(timeout=60_000)
            page.locator("tr.segment[data-state=stale]").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ROOT / "docs" / "studio-translation.png"))
            browser.close()


if __name__ == "__main__":
    main()
