"""Shared fixtures: throwaway workspaces and the seed releases built once per session; the --update-golden
option (tests/golden/README.md)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    CHROMIUM,
    LANGS,
    ROOT,
    SEED_IDS,
    SEEDS,
    docx_body_paragraphs,
    docx_header_text,
    docx_part,
    normalize,
    pdf_text,
)
from helpers.libre_server import LibreServer

from pressgen import BuildOptions, build, load_workspace

# The shared functions live in tests/helpers; these names stay importable from conftest for test modules
# written before it (``from conftest import pdf_text``). New code imports them from helpers.
__all__ = ["LANGS", "ROOT", "SEED_IDS", "SEEDS", "docx_body_paragraphs", "docx_header_text", "docx_part",
           "normalize", "pdf_text"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite the golden files under tests/golden/ from the documents built now, "
                          "instead of comparing the documents with them")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if config.getoption("--update-golden"):
        terminalreporter.write_line("golden files rewritten from this build: review them with "
                                    "`git diff --stat tests/golden` and `git diff tests/golden`")


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites the golden files (``pytest --update-golden``) instead of comparing."""
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the seed workspace that a test may change."""
    target = tmp_path / "ws"
    shutil.copytree(SEEDS, target, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    return target


@pytest.fixture
def write_release(workspace: Path) -> Callable[[str, str], Path]:
    """Write a release file into the throwaway workspace and return its path."""

    def write(release_id: str, text: str) -> Path:
        path = workspace / "releases" / f"{release_id}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def server() -> Iterator[LibreServer]:
    """A LibreTranslate stand-in on 127.0.0.1 (its address in ``server.url``)."""
    libre = LibreServer()
    libre.url = libre.start()  # type: ignore[attr-defined]
    yield libre
    libre.stop()


@pytest.fixture(scope="session")
def seed_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str, str], Path]:
    """Every seed release built once: (release id, lang, format) -> file."""
    out = tmp_path_factory.mktemp("seed-dist")
    report = build([SEEDS], BuildOptions(out=out))
    assert report.ok, [d.format() for o in report.outcomes for d in o.diagnostics]
    return {(d.release_id, d.lang, d.format): d.path
            for outcome in report.outcomes for d, status in outcome.documents if status == "built"}


@pytest.fixture(scope="session")
def seed_workspace():  # type: ignore[no-untyped-def]
    return load_workspace(SEEDS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (its own browser download cannot work here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic"])
        yield browser
        browser.close()
