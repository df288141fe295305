"""The newsroom page is a row of the writer registry and reads the same DocumentView as the PDF and the
DOCX: the same headline, body, facts and contact lines; a workspace's own page template runs sandboxed."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import SEEDS
from lxml import html

from pressgen import load_workspace
from pressgen.check import check_release
from pressgen.document.localize import localize
from pressgen.errors import RenderError
from pressgen.formats import NAMES, writer_format
from pressgen.writers import get_writer

RELEASE = "iom-20km-brussels-2017"


def test_the_page_writer_is_in_the_registry_but_not_a_build_format() -> None:
    page = writer_format("page")
    assert page is not None and page.media_type == "text/html" and page.extension == "html"
    assert "page" not in NAMES  # `build --format` and pressgen.yaml formats stay pdf and docx


def test_a_page_says_what_the_view_says() -> None:
    workspace = load_workspace(SEEDS)
    release = check_release(SEEDS / "releases" / f"{RELEASE}.yaml", workspace).release
    assert release is not None
    view = localize(release, workspace, "fr", draft=True)
    tree = html.fromstring(get_writer("page")(view).data)
    assert tree.get("lang") == view.language_tag == "fr-BE"
    assert tree.xpath("//h1")[0].text_content() == view.headline
    assert tree.xpath("//p[@class='kind']")[0].text_content().startswith(view.labels.kind)
    assert tree.xpath("//p[@class='draft-mark']")[0].text_content() == view.labels.draft
    lines = [[" ".join(span.text_content().split()) for span in address.xpath("span")]
             for address in tree.xpath("//address")]
    expected = [[" ".join(f"{line.label or ''} {line.text}".split()) for line in contact] for contact in view.contacts]
    assert lines == expected
    assert tree.xpath("//h2[@id='about-heading']")[0].text_content() == view.labels.about


def test_a_workspace_page_template_runs_sandboxed(workspace: Path) -> None:
    own = workspace / "templates" / "newsroom"
    own.mkdir(parents=True)
    (own / "page.html").write_text("{{ view.workspace_root.read_text() }}\n", encoding="utf-8")
    ws = load_workspace(workspace)
    release = check_release(workspace / "releases" / f"{RELEASE}.yaml", ws).release
    assert release is not None
    with pytest.raises(RenderError) as error:
        get_writer("page")(localize(release, ws, "nl", draft=False))
    assert error.value.diagnostics[0].path.name == "page.html"
