"""The studio's review import, three-way: an old review file never puts reviewed segments back to machine text."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from helpers.studio_server import save_form
from lxml import etree

from pressgen import load_release, load_workspace
from pressgen.translation.segments import align, sidecar_path

RELEASE = "iom-20km-brussels-2017"
X = "{urn:oasis:names:tc:xliff:document:1.2}"


def _csrf(page: str) -> str:
    found = re.search(r'<input type="hidden" name="csrf" value="([^"]*)"', page)
    assert found, page
    return found.group(1)


def _pairs(workspace: Path) -> dict[str, tuple[str, str | None]]:
    release = load_release(workspace / "releases" / f"{RELEASE}.yaml", load_workspace(workspace))
    return {pair.id: (pair.state, pair.target) for pair in align(release, "fr").pairs}


@pytest.mark.parametrize("recorded", [True, False], ids=["export-records-targets", "older-export"])
def test_an_old_review_file_does_not_revert_segments_reviewed_since_in_the_studio(
        client: httpx.Client, workspace: Path, recorded: bool) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    sidecar_path(path).unlink()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"), encoding="utf-8")
    exported = client.get(f"/release/{RELEASE}/fr/review.xlf")  # sent to a reviewer, who does not answer for a while
    assert exported.status_code == 200 and b"mt-suggestion" in exported.content
    review = exported.content
    if not recorded:  # as pressgen exported it before it recorded each unit's target
        root = etree.fromstring(review)
        for unit in root.iter(f"{X}trans-unit"):
            unit.attrib.pop("extradata", None)
        review = etree.tostring(root, xml_declaration=True, encoding="UTF-8")

    page = client.get(f"/release/{RELEASE}/fr").text  # meanwhile five body paragraphs are reviewed in the studio
    bodies = [name for name in re.findall(r'name="(segment\.body-[\w-]+)"', page)][:5]
    edits = {name: f"Paragraphe {n} relu dans le studio." for n, name in enumerate(bodies, 1)}
    answer = client.post(f"/release/{RELEASE}/fr/save", headers={"Accept": "application/json"}, data=save_form(
        page, {**edits, "reviewed": [name.removeprefix("segment.") for name in bodies]}))
    assert answer.status_code == 200, answer.text
    reviewed = {name.removeprefix("segment."): ("reviewed", text) for name, text in edits.items()}
    assert {k: v for k, v in _pairs(workspace).items() if k in reviewed} == reviewed

    token = _csrf(client.get(f"/release/{RELEASE}/fr").text)
    answer = client.post(f"/release/{RELEASE}/fr/import", data={"csrf": token},
                         files={"file": ("review.xlf", review, "application/xliff+xml")})
    assert {k: v for k, v in _pairs(workspace).items() if k in reviewed} == reviewed  # nothing reverted
    section = re.search(r'<section class="imported".*?</section>', answer.text, re.S)
    assert section, answer.text
    if recorded:
        assert answer.status_code == 200, answer.text
        assert "Review imported." in answer.text
        assert "review.xlf: 0 applied, 13 unchanged, 0 conflicts, 0 skipped" in section.group(0)
        unchanged = re.search(r'<ul class="units unchanged">(.*?)</ul>', section.group(0), re.S)
        assert unchanged and "body, paragraph 1" in unchanged.group(1) and "headline" in unchanged.group(1)
    else:  # the file does not say what it was exported with: each target the studio changed is a conflict
        assert answer.status_code == 422, answer.text
        assert "Nothing saved: 5 units refused in review.xlf" in answer.text
        assert "Paragraphe 1 relu dans le studio." in answer.text  # both texts shown
        conflicts = re.search(r'<ul class="units conflict">(.*?)</ul>', section.group(0), re.S)
        assert conflicts and conflicts.group(1).count("<li") == 5
