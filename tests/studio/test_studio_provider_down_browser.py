"""A translation service that is down is reported at once, in words, with nothing written."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, use_libre
from helpers.studio_server import StudioServer

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "unric-migrants-stigma-2014"


def test_a_provider_that_is_down_is_reported_in_words(page: Any, workspace: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    use_libre(workspace, f"http://127.0.0.1:{port}/", timeout=5, retries=3)
    path = workspace / "releases" / f"{RELEASE}.yaml"
    before = path.read_bytes()
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        page.get_by_role("button", name="Machine draft").click()
        alert = page.get_by_role("alert").filter(has_text="No machine draft")
        alert.wait_for()
        assert f"127.0.0.1:{port} does not answer" in alert.inner_text()
    assert path.read_bytes() == before
