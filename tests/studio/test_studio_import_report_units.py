"""The studio's import report names, at each conflicting unit, both texts (and at each skipped one, why)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from helpers.studio_server import save_form
from lxml import etree

from pressgen.translation.segments import sidecar_path

RELEASE = "iom-20km-brussels-2017"
X = "{urn:oasis:names:tc:xliff:document:1.2}"


def test_each_conflict_shows_both_texts_at_its_unit(client: httpx.Client, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    sidecar_path(path).unlink()
    root = etree.fromstring(client.get(f"/release/{RELEASE}/fr/review.xlf").content)
    for unit in root.iter(f"{X}trans-unit"):
        unit.attrib.pop("extradata", None)  # an export that does not record its targets
    first = next(root.iter(f"{X}trans-unit"))
    unit_id = first.get("id")
    review = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    page = client.get(f"/release/{RELEASE}/fr").text
    answer = client.post(f"/release/{RELEASE}/fr/save", headers={"Accept": "application/json"},
                         data=save_form(page, {f"segment.{unit_id}": "Titre changé dans le studio"}))
    assert answer.status_code == 200, answer.text
    token = re.search(r'name="csrf" value="([^"]*)"', client.get(f"/release/{RELEASE}/fr").text).group(1)
    answer = client.post(f"/release/{RELEASE}/fr/import", data={"csrf": token},
                         files={"file": ("review.xlf", review, "application/xliff+xml")})
    conflicts = re.search(r'<ul class="units conflict">(.*?)</ul>', answer.text, re.S)
    assert conflicts, answer.text
    item = re.search(rf'<li data-unit="{re.escape(unit_id)}">(.*?)</li>', conflicts.group(1), re.S)
    assert item and "Titre changé dans le studio" in item.group(1)  # the release's text, at the unit
    assert "Les Nations Unies participent" in item.group(1)  # and the reviewer's
