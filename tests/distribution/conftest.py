"""Fixtures of the newsroom's tests: a workspace with a base URL, the site's files read back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

BASE = "https://press.example.org/"


@pytest.fixture
def newsroom(workspace: Path) -> Path:
    """The seed workspace with ``site: {base_url: ...}`` (absolute links in hreflang, sitemap, feeds)."""
    with (workspace / "pressgen.yaml").open("a", encoding="utf-8") as stream:
        stream.write(f'\nsite: {{base_url: "{BASE}"}}\n')
    return workspace


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of the site folder (site-relative path -> bytes)."""
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*"))
            if path.is_file()}


def public_files(site: Path) -> dict[str, bytes]:
    """The files anyone may find: all but the preview folders (preview/TOKEN/...), which only a link opens."""
    return {rel: data for rel, data in site_files(site).items()
            if not (rel.startswith("preview/") and rel.count("/") >= 2)}


def photo(path: Path, size: tuple[int, int] = (1600, 1000)) -> None:
    """Write a JPEG photo (a gradient, so that it compresses like one)."""
    from PIL import Image

    image = Image.linear_gradient("L").resize(size).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
