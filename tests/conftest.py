"""Shared fixtures: throwaway workspaces and the seed releases built once per session."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docx import Document
from libre_server import LibreServer

from pressgen import BuildOptions, build, load_workspace

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_IDS = sorted(p.stem for p in (SEEDS / "releases").glob("*.yaml"))
LANGS = ("nl", "fr", "en")


def normalize(text: str) -> str:
    """Collapse every kind of white space (including no-break spaces) to one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    """Return the text of a PDF as poppler's pdftotext reads it."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


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
    with zipfile.ZipFile(path) as package:
        return package.read(name).decode("utf-8")


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
