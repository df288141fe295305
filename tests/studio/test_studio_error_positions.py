"""A problem inside a text field is placed in the field's own words: its line and the words to mark
(which the editor underlines), and, for a page without the editor, the message names them."""

from __future__ import annotations

from pathlib import Path

import httpx
from helpers.studio_server import save_form

from pressgen.errors import Diagnostic
from pressgen.studio.edits import At, within
from pressgen.workspace.yamlio import load_yaml

RELEASE = "unric-migrants-stigma-2014"


def test_a_refused_save_says_where_in_the_field_the_problem_is(client: httpx.Client) -> None:
    page = client.get(f"/release/{RELEASE}/en").text
    body = "First paragraph.\n\n### A small title\n\nA [link](javascript:alert(1)) here."
    answer = client.post(f"/release/{RELEASE}/en/save", data=save_form(page, {"text.en.body": body}),
                         headers={"Accept": "application/json"})
    assert answer.status_code == 422
    problems = answer.json()["fields"]["text.en.body"]
    assert [p["message"] for p in problems] == ["'###' headings are not used in releases",
                                                "link target 'javascript:alert(1)' is not allowed"]
    assert ('<span class="at" data-line="3" data-col="0" data-length="17" data-text="### A small title"> (line 3 '
            'of the body: “### A small title”)</span>') in problems[0]["html"]
    assert 'data-line="5" data-col="0" data-length="35"' in problems[1]["html"]


def test_a_problem_in_the_file_is_placed_in_its_field_when_the_page_opens(
        client: httpx.Client, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("      ## IOM provides", "      #### IOM provides"),
                    encoding="utf-8")
    page = client.get(f"/release/{RELEASE}/en").text
    assert ('data-line="5" data-col="0" data-length="55" data-text="#### IOM provides information and '
            'institutional support"> (line 5 of the body: “#### IOM provides information and institutional '
            'support”)') in page


def test_positions_in_a_literal_block_and_in_a_quoted_line(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text('text:\n  en:\n    headline: "Côte d’Ivoire"\n    body: |\n      First.\n\n'
                    '        indented ### line\n      Ünïcode 😀 x\n', encoding="utf-8")
    loaded = load_yaml(path)

    def at(loc: tuple[str, ...], line: int, col: int) -> At | None:
        return within(loaded, loc, Diagnostic(path, line, col, "m"))

    body = ("text", "en", "body")
    assert at(body, 5, 7) == At("body", 1, 0, 6, "First.")  # a whole line: its words
    assert at(body, 7, 7) == At("body", 3, 2, 17, "  indented ### line")  # after its own indentation
    assert at(body, 8, 17) == At("body", 4, 11, 1, "Ünïcode 😀 x")  # one character, counted as a browser does
    assert at(body, 8, 15) == At("body", 4, 8, 2, "Ünïcode 😀 x")  # the emoji is two UTF-16 code units
    headline = ("text", "en", "headline")
    assert at(headline, 3, 21) == At("headline", 1, 5, 1, "Côte d’Ivoire")  # after the opening quote
    assert at(headline, 3, 15) == At("headline", 1, 0, 13, "Côte d’Ivoire")  # the field's own position: all of it
    assert at(body, 2, 1) is None  # outside the field
