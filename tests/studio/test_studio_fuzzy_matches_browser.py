"""The studio offers fuzzy matches beside a segment still to translate, as the XLIFF and the review DOCX do:
the percent, where it comes from, and a button that puts it in the text area (never applied unasked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers.studio_server import StudioServer

SEED = "iom-20km-brussels-2017"
PARAGRAPH = "Voor het eerst dit jaar zal de VN ploeg over een stand beschikken"


def test_a_new_paragraph_like_a_translated_one_is_offered_its_translation(page: Any, workspace: Path) -> None:
    seed = (workspace / "releases" / f"{SEED}.yaml").read_text()
    start = seed.index(PARAGRAPH)
    paragraph = seed[start:seed.index("\n", start)].replace("Voor het eerst dit jaar", "Voor het eerst deze zomer")
    path = workspace / "releases" / "stand-2018.yaml"
    path.write_text(f"organization: iom-belgium\ndate: 2018-05-20\nsource: nl\ncontacts: [gdhoop]\ntext:\n"
                    f"  nl:\n    headline: De VN-ploeg heeft een stand\n    body: |\n      {paragraph}\n")
    before = path.read_bytes()
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/stand-2018/fr")
        match = page.locator(".suggestion.match").first
        label = match.locator("p").inner_text()
        assert "% match (" in label and SEED in label
        assert 75 <= int(label.split(" %")[0]) < 100
        offered = match.locator(".text").inner_text()
        assert offered[:40] in seed  # the seed's French translation of the like paragraph
        area = page.locator("textarea[name^='segment.body-']").first
        assert area.input_value() == ""
        match.get_by_role("button").click()
        assert area.input_value().strip()[:40] == offered.strip()[:40]
    assert path.read_bytes() == before  # offered, not saved: the file changes only on Save
