"""The long release of tests/fixtures/long-release.yaml (a five-line headline, a camera photo after the
lead, a 40-row table after an intertitle, a quote, lists), built into a copy of the seed workspace."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from helpers import ROOT, SEEDS
from pressgen import BuildOptions, build

FIXTURE = ROOT / "tests" / "fixtures" / "long-release.yaml"
PHOTO = "assets/long-release-photo.jpg"


def make_photo(path: Path, size: tuple[int, int] = (4000, 3000)) -> None:
    """Write a camera-sized JPEG (stripes, so that it compresses like a photo would not, but quickly)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, (90, 120, 150))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 200):
        draw.rectangle([x, 0, x + 100, size[1]], fill=(200, 180, 90))
    image.save(path, quality=80)


def build_long_release(folder: Path, edit: Callable[[str], str] | None = None) -> dict[str, Path]:
    """Build the long release's PDFs in a copy of the seeds under ``folder`` (its YAML text changed by
    ``edit`` first, if given): language -> PDF."""
    return {lang: path for (lang, _), path in build_long_release_documents(folder, ("pdf",), edit).items()}


def build_long_release_documents(folder: Path, formats: tuple[str, ...] = ("pdf", "docx"),
                                 edit: Callable[[str], str] | None = None) -> dict[tuple[str, str], Path]:
    """Build the long release in ``formats`` in a copy of the seeds under ``folder`` (its YAML text
    changed by ``edit`` first, if given): (language, format) -> file."""
    workspace = folder / "ws"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    text = FIXTURE.read_text(encoding="utf-8")
    (workspace / "releases" / "long-release.yaml").write_text(edit(text) if edit else text, encoding="utf-8")
    make_photo(workspace / PHOTO)
    report = build([workspace / "releases" / "long-release.yaml"], BuildOptions(out=folder / "dist", formats=formats))
    assert report.ok, [d.format() for o in report.outcomes for d in o.diagnostics]
    return {(d.lang, d.format): d.path for outcome in report.outcomes for d, status in outcome.documents
            if status == "built"}
