"""The studio's Markdown editor (CodeMirror 6, bundled from the npm registry) in Debian's Chromium: it
mounts over each Markdown text area under the studio's Content-Security-Policy, what is typed in it is
saved, the toolbar acts on its selection, a draft typed in it survives a reload, and a markup problem is
marked on the offending words with its message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.axe import axe_violations
from helpers.editor import editor_of, needs_editor, typed_field
from helpers.studio_server import StudioServer

from pressgen import load_release, load_workspace

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "unric-migrants-stigma-2014"
VIOLATIONS = """window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective));"""


def _body(workspace: Path, lang: str = "en") -> str:
    release = load_release(workspace / "releases" / f"{RELEASE}.yaml", load_workspace(workspace))
    return release.text[lang].body


@needs_editor
def test_the_editor_mounts_on_each_markdown_field_under_the_policy(page: Any, workspace: Path) -> None:
    page.add_init_script(VIOLATIONS)
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        assert page.locator(".cm-editor").count() == page.locator("textarea[data-markdown]").count() == 2
        body = page.get_by_role("textbox", name="Body")  # named by its label, as the text area was
        assert body.count() == 1 and body.get_attribute("lang") == "en"
        assert page.get_by_role("textbox", name="Notes to the editor").count() == 1
        assert page.locator("textarea[name='text.en.body']").is_hidden()  # still the form's field
        # CodeMirror's own style elements apply under the policy (its nonce): the editor is laid out as a flex box.
        assert editor_of(page, "text.en.body").evaluate("e => getComputedStyle(e).display") == "flex"
        assert page.evaluate("window.__violations") == []
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        markdown = page.locator("textarea[data-markdown]").count()
        assert markdown >= 3 and page.locator(".cm-editor").count() == markdown
        assert page.locator(".cm-content[lang=fr]").count() == markdown
        assert page.evaluate("window.__violations") == []


@needs_editor
def test_typed_in_the_editor_is_saved_to_the_file(page: Any, workspace: Path) -> None:
    text = "Migrants are welcome here.\n\n## What changes\n\n- one\n- two"
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        body = typed_field(page, "text.en.body")
        body.click()
        page.keyboard.press("Control+A")
        page.keyboard.press("Delete")
        page.keyboard.type(text.replace("\n- two", ""))  # Enter after a list item continues the list
        page.keyboard.press("Enter")
        page.keyboard.type("two")
        assert page.locator("textarea[name='text.en.body']").input_value() == text
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Saved.").wait_for()
    assert _body(workspace).strip() == text


@needs_editor
def test_the_toolbar_acts_on_the_editor_s_selection(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        body = typed_field(page, "text.en.body")
        body.fill("Migrants are welcome here.")
        body.press("Control+End")
        for _ in " here.":
            body.press("ArrowLeft")
        for _ in "welcome":
            body.press("Shift+ArrowLeft")  # "welcome" selected in the editor
        bar = page.get_by_role("toolbar", name="Formatting of the main text")
        bar.get_by_role("button", name="Bold").click()
        assert body.inner_text() == "Migrants are **welcome** here."
        assert page.locator("textarea[name='text.en.body']").input_value() == "Migrants are **welcome** here."
        page.keyboard.type("!")  # the editor has the focus back, after the inserted marks
        assert body.inner_text() == "Migrants are **welcome**! here."
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Saved.").wait_for()
    assert _body(workspace).strip() == "Migrants are **welcome**! here."


@needs_editor
def test_a_draft_typed_in_the_editor_is_restored_after_a_reload(page: Any, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    on_disk = path.read_bytes()
    page.on("dialog", lambda dialog: dialog.accept())
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        notes = typed_field(page, "text.en.notes")
        notes.click()
        page.keyboard.press("Control+End")
        page.keyboard.type("\nA note typed in the editor.")
        page.wait_for_timeout(500)  # the draft is kept 0.3 s after the last keystroke
        page.reload()
        page.locator(".draft-restored").wait_for(state="visible")
        assert typed_field(page, "text.en.notes").inner_text().endswith("A note typed in the editor.")
        assert page.locator("textarea[name='text.en.notes']").input_value().endswith("\nA note typed in the editor.")
        page.locator(".draft-restored").get_by_role("button", name="Discard").click()
        assert "A note typed" not in typed_field(page, "text.en.notes").inner_text()  # the editor follows
    assert path.read_bytes() == on_disk


@needs_editor
def test_a_markup_problem_is_marked_on_the_offending_words(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        body = typed_field(page, "text.en.body")
        body.fill("First paragraph.\n\n### A small title\n\nA [link](javascript:alert(1)) here.")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Not saved").wait_for()
        marks = page.locator(".cm-error-mark")
        marks.first.wait_for()
        assert marks.all_inner_texts() == ["### A small title", "A [link](javascript:alert(1)) here."]
        assert marks.first.get_attribute("title") == "'###' headings are not used in releases"
        # The editor is the field to fix: focused, invalid, described by its problems.
        assert page.evaluate("document.activeElement.classList.contains('cm-content')")
        assert body.get_attribute("aria-invalid") == "true"
        described = page.locator(f"#{body.get_attribute('aria-describedby')}")
        assert "headings are not used" in described.inner_text() and "line 3 of the body" in described.inner_text()
        described.get_by_role("button", name="Show in the text").first.click()
        assert page.evaluate("getSelection().toString()") == "### A small title"
        page.keyboard.type("## A small title")  # fixed where it is marked
        violations = axe_violations(page)
        assert violations == [], violations
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Not saved").wait_for()
        page.wait_for_function("document.querySelectorAll('.cm-error-mark').length === 1")
        assert marks.all_inner_texts() == ["A [link](javascript:alert(1)) here."]
    assert "### A small title" not in _body(workspace)


@needs_editor
def test_a_problem_in_the_file_is_marked_when_the_page_opens(page: Any, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "      ## IOM provides information and institutional support\n" in text
    path.write_text(text.replace("      ## IOM provides", "      #### IOM provides"), encoding="utf-8")
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        mark = page.locator(".cm-error-mark")
        assert mark.all_inner_texts() == ["#### IOM provides information and institutional support"]
        assert page.get_by_role("textbox", name="Body").get_attribute("aria-invalid") == "true"


@needs_editor
def test_a_long_line_in_the_editor_wraps_on_a_phone(browser: Any, workspace: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        with StudioServer(workspace) as studio:
            page.goto(f"{studio.url}release/{RELEASE}/en")
            typed_field(page, "text.en.body").fill("See https://example.org/" + "a-very-long-address-" * 12 + " now.")
            width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert width[0] <= width[1], width
            box = editor_of(page, "text.en.body").bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    finally:
        context.close()


def test_without_the_editor_the_text_areas_stay_and_the_message_names_the_line(page: Any, workspace: Path) -> None:
    page.route("**/static/vendor/editor.js*", lambda route: route.abort())  # as where it is not built
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        assert page.locator(".cm-editor").count() == 0
        body = page.get_by_label("Body")
        body.fill("First paragraph.\n\n### A small title")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Not saved").wait_for()
        assert body.get_attribute("aria-invalid") == "true"
        assert page.evaluate("document.activeElement.name") == "text.en.body"
        assert "(line 3 of the body: “### A small title”)" in page.locator("#errors-text-en-body").inner_text()


@needs_editor
def test_a_markup_problem_in_a_translation_is_marked_in_its_segment(page: Any, workspace: Path) -> None:
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/fr")
        names = page.locator("textarea[name^='segment.body-']").evaluate_all("areas => areas.map(a => a.name)")
        typed_field(page, names[1]).fill("Un paragraphe.\n### Un titre de trop")
        page.get_by_role("button", name="Save").click()
        page.locator(".save-state", has_text="Not saved").wait_for()
        mark = page.locator(".cm-error-mark")
        mark.first.wait_for()
        assert mark.all_inner_texts() == ["### Un titre de trop"]
        assert page.locator(f"textarea[name='{names[1]}'] + .cm-editor .cm-error-mark").count() == 1
        segment = typed_field(page, names[1])
        assert segment.get_attribute("aria-invalid") == "true"
        assert "headings are not used" in page.locator(f"#{segment.get_attribute('aria-describedby')}").inner_text()
        assert typed_field(page, names[0]).get_attribute("aria-invalid") is None
