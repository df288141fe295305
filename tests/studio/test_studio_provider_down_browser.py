"""A translation service that is down is reported at once, in words, with nothing written: one that
refuses the connection, and one that takes it and never answers (a hung server, a proxy holding the
line), which used to leave the page standing still through each segment's timeouts and retries."""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, use_libre
from helpers.studio_server import StudioServer

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "unric-migrants-stigma-2014"


def _asked(page: Any, workspace: Path, url: str, port: int) -> float:
    use_libre(workspace, url, timeout=5, retries=3)
    path = workspace / "releases" / f"{RELEASE}.yaml"
    before = path.read_bytes()
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        started = time.monotonic()
        page.get_by_role("button", name="Machine draft").click()
        alert = page.get_by_role("alert").filter(has_text="No machine draft")
        alert.wait_for(timeout=10_000)  # not after the 5 s timeouts of 4 tries of each segment
        seconds = time.monotonic() - started
        assert f"127.0.0.1:{port} does not answer" in alert.inner_text()
    assert path.read_bytes() == before
    return seconds


def test_a_provider_that_is_down_is_reported_in_words(page: Any, workspace: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _asked(page, workspace, f"http://127.0.0.1:{port}/", port)


def test_a_provider_that_takes_the_connection_and_never_answers(page: Any, workspace: Path) -> None:
    with socket.socket() as hung:  # listening, never reading: the connection is made, no answer comes
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)
        port = hung.getsockname()[1]
        seconds = _asked(page, workspace, f"http://127.0.0.1:{port}/", port)
    print(f"\nhung provider reported after {seconds:.1f} s")
    assert seconds < 6


def test_the_page_says_the_service_is_being_asked(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        # The answer goes to another tab, so that this page can be read while the service is asked.
        page.locator("form.machine").evaluate("form => form.target = 'answer'")
        asked: list[Any] = []
        page.context.on("request", lambda request: asked.append(request) if request.url.endswith("/machine") else None)
        with page.context.expect_page():
            page.get_by_role("button", name="Machine draft").click()
        said = page.locator(".machine-state[role=status]").inner_text()
        assert "Asking the translation service" in said  # at once, not a blank wait
        page.get_by_role("button", name="Machine draft").click()  # asks once, not twice
        page.wait_for_timeout(500)
        assert len(asked) == 1
