"""The studio's Content-Security-Policy in a real Chromium: its own pages break no rule of it (the
preview's page images load, the script runs), and a page of another origin cannot frame it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.studio_server import StudioServer

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is installed by scripts/setup-system.sh test")
RELEASE = "unric-migrants-stigma-2014"
VIOLATIONS = """window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));"""




def test_the_studio_s_own_pages_break_no_rule_of_its_policy(page: Any, workspace: Path) -> None:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    page.add_init_script(VIOLATIONS)
    with StudioServer(workspace) as studio:
        for path in ("/", "/new", f"/release/{RELEASE}/fr", f"/release/{RELEASE}/en"):
            page.goto(studio.url.rstrip("/") + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__violations") == [], path
        # The script ran and the preview's page images (same-origin PNGs) loaded under the policy.
        page.locator(".preview .pages img").first.wait_for(timeout=60_000)
        assert page.evaluate("document.querySelector('.preview .pages img').naturalWidth") > 0
    assert not [m for m in messages if "Content Security Policy" in m], messages


def test_a_page_of_another_origin_cannot_frame_the_studio(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.set_content(f'<iframe id="studio" src="{studio.url}release/{RELEASE}/fr" width="800" '
                         'height="600"></iframe>', wait_until="load")  # the page's load waits for its frame
        frame = next(f for f in page.frames if f != page.main_frame)
        assert "pressgen studio" not in frame.content()
        assert not frame.url.startswith(studio.url)
