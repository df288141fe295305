"""The studio driven in a real Chromium (Debian's, through Playwright): a release written, drafted,
reviewed, saved, previewed and downloaded the way a communication officer and a translator would."""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM, normalize, use_libre
from helpers.editor import typed_field
from helpers.studio_server import StudioServer
from pypdf import PdfReader

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is installed by scripts/setup-system.sh test")




def _pdf_text(data: bytes) -> str:
    return normalize(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_write_draft_review_save_preview_and_download(page: Any, workspace: Path, server: Any,
                                                      tmp_path: Path) -> None:
    from pressgen import load_workspace
    from pressgen.check import EVERY_LANGUAGE, check_release
    from pressgen.translation.segments import align

    use_libre(workspace, server.url)  # the loopback stand-in provider
    with StudioServer(workspace) as studio:
        # Create the release.
        page.goto(studio.url)
        page.get_by_role("link", name="New release").click()
        page.get_by_label("File name").fill("city-festival-2027")
        page.get_by_label("Organisation").select_option("iom-belgium")
        page.get_by_label("Written in").select_option("nl")
        page.get_by_role("button", name="Create the release").click()
        page.wait_for_url("**/release/city-festival-2027/nl")

        # Write the Dutch text and save.
        page.get_by_label("Headline", exact=True).fill("Mechelen viert de stad van morgen")
        page.get_by_label("Subheadline").fill("")
        page.get_by_label("Dateline").fill("Mechelen")
        typed_field(page, "text.nl.body").fill("De stad opent haar festival.\n\nIedereen is welkom op het plein.\n")
        typed_field(page, "text.nl.notes").fill("")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="aved").wait_for()
        assert page.locator(".save-state").inner_text() == "Saved.", page.locator(".editor").inner_text()[:3000]
        path = workspace / "releases" / "city-festival-2027.yaml"
        assert "headline: Mechelen viert de stad van morgen" in path.read_text(encoding="utf-8")

        # French: a machine draft from the stand-in provider.
        page.locator("nav.languages a", has_text="fr").click()
        page.wait_for_url("**/release/city-festival-2027/fr")
        assert page.locator("nav.languages a[aria-current=page]").inner_text().startswith("fr")
        page.get_by_role("button", name="Machine draft").click()
        page.get_by_role("status").filter(has_text="Machine draft written.").wait_for()
        areas = page.locator("textarea[lang=fr]")
        assert "fr:festival" in areas.nth(2).input_value()

        # Edit one paragraph, tick it reviewed, save; the preview shows the new text without a reload.
        page.locator(".pages img").first.wait_for()
        shown = page.locator(".pages").get_attribute("data-version")
        typed_field(page, areas.nth(3).get_attribute("name")).fill("Tout le monde est le bienvenu sur la place.")
        page.locator("tr.segment").nth(3).get_by_label("reviewed").check()
        page.set_viewport_size({"width": 1400, "height": 600})  # the page image is taller than the preview
        page.locator(".preview").evaluate("preview => preview.scrollTop = 150")
        assert page.locator(".preview").evaluate("preview => preview.scrollTop") == 150
        started = time.monotonic()
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Saved.").wait_for()
        page.wait_for_function("shown => document.querySelector('.pages').dataset.version !== shown", arg=shown)
        seconds = time.monotonic() - started
        assert page.locator(".pages img").count() >= 1
        assert page.locator(".preview").evaluate("preview => preview.scrollTop") == 150  # kept its place
        print(f"\nsave -> new preview visible in the browser: {seconds:.2f} s")

        # The release file: the edited paragraph is reviewed, the rest still a machine draft.
        release = check_release(path, load_workspace(workspace), pending=EVERY_LANGUAGE).release  # en: not yet
        assert release is not None
        states = [pair.state for pair in align(release, "fr").pairs]
        assert states[3] == "reviewed" and "machine" in states
        assert release.text["fr"].status == "machine"

        # Download the PDF and read it.
        with page.expect_download() as waited:
            page.get_by_role("link", name="as PDF").click()
        download = waited.value
        assert download.suggested_filename == "city-festival-2027.fr.pdf"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        text = _pdf_text(saved.read_bytes())
        assert "Tout le monde est le bienvenu sur la place." in text and "BROUILLON" in text  # a draft: marked


def test_the_pages_are_usable_without_a_mouse_and_label_every_field(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        for url in ("", "new", "release/iom-news-digest-2016/en", "release/iom-news-digest-2016/fr"):
            page.goto(studio.url + url)
            unlabelled = page.evaluate("""() => [...document.querySelectorAll(
                'input:not([type=hidden]), textarea, select, button')].filter(element =>
                element.tagName === 'BUTTON' ? !element.innerText.trim()
                : !(element.labels && element.labels.length) && !element.getAttribute('aria-label'))
                .map(element => element.outerHTML.slice(0, 80))""")
            assert unlabelled == [], (url, unlabelled)
            assert page.locator("main").count() == 1 and page.locator("nav").count() >= 1
            page.keyboard.press("Tab")  # the first stop is the skip link, which leads to the content
            assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
        # A text area's language is its text's, not the interface's.
        assert page.locator("textarea[lang=fr]").count() > 3 and page.locator("html").get_attribute("lang") == "en"


def test_a_save_refused_for_a_changed_file_shows_both_versions_in_the_page(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(studio.url + "release/unric-migrants-stigma-2014/en")
        path = workspace / "releases" / "unric-migrants-stigma-2014.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("Removing the Stigma", "Changed Elsewhere"),
                        encoding="utf-8")
        on_disk = path.read_bytes()
        page.locator(".changed-on-disk").wait_for(state="visible")  # pushed to the page, before any save
        page.get_by_label("Headline", exact=True).fill("My own headline")
        page.get_by_role("button", name="Save").click()
        panel = page.locator(".conflict-js")
        panel.wait_for(state="visible")
        assert "changed on disk" in panel.inner_text()
        assert "My own headline" in panel.locator(".mine").inner_text()
        assert "Changed Elsewhere" in panel.locator(".theirs").inner_text()
        assert path.read_bytes() == on_disk


def test_save_to_preview_latency_in_the_browser(page: Any, workspace: Path) -> None:
    """Ten saves of a two-page release in a row: each one shows a new preview and the file holds the last.
    The time each took is printed, not asserted: speed is measured by bench/studio.py, not judged by a test."""
    from pressgen import load_release, load_workspace

    path = workspace / "releases" / "iom-cities-migration-mechelen-2017.yaml"
    with StudioServer(workspace) as studio:
        page.goto(studio.url + "release/iom-cities-migration-mechelen-2017/nl")
        page.locator(".pages img").nth(1).wait_for()
        headline = page.get_by_label("Headline", exact=True)
        original = headline.input_value()
        times = []
        for number in range(10):
            shown = page.locator(".pages").get_attribute("data-version")
            headline.fill(f"{original} ({number})")
            started = time.monotonic()
            page.get_by_role("button", name="Save").click()
            page.wait_for_function("shown => document.querySelector('.pages').dataset.version !== shown", arg=shown)
            times.append(time.monotonic() - started)
        print(f"\nsave -> preview in the browser: median {statistics.median(times):.2f} s, worst {max(times):.2f} s")
        page.locator(".save-state", has_text="Saved.").wait_for()
        assert page.locator(".save-state").inner_text() == "Saved."
        assert page.locator(".pages img").count() >= 2  # both pages of the release are shown
    assert load_release(path, load_workspace(workspace)).text["nl"].headline == f"{original} (9)"
