"""Fixtures of the studio's tests: a running studio, an HTTP client of it, and a page of Debian's Chromium (the
browser fixture is shared, in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.studio_server import StudioServer


@pytest.fixture
def studio(workspace: Path) -> Iterator[StudioServer]:
    with StudioServer(workspace) as server:
        yield server


@pytest.fixture
def client(studio: StudioServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=studio.url, headers={"Origin": studio.origin}, timeout=60) as client:
        yield client


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()
