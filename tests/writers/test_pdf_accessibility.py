"""The tagged PDF (PDF/UA-1) read back with pypdf: the Matterhorn Protocol's machine-checkable failure
conditions (tests/helpers/pdfua.py), the running header and footer as artifacts, lists as LI > Lbl +
LBody, one P per paragraph and one Table per table whatever the pages they cross."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import SEEDS, pdfua
from helpers.long_release import build_long_release

from pressgen import load_release, load_workspace, localize
from pressgen.writers.html import render_html


@pytest.fixture(scope="module")
def long_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_long_release(tmp_path_factory.mktemp("long"))


def _seed_pdfs(seed_outputs: dict[tuple[str, str, str], Path]) -> list[Path]:
    return [path for (_, _, fmt), path in sorted(seed_outputs.items()) if fmt == "pdf"]


def test_the_seeds_and_the_long_release_meet_the_matterhorn_checks(
        seed_outputs: dict[tuple[str, str, str], Path], long_pdfs: dict[str, Path]) -> None:
    pdfs = [*_seed_pdfs(seed_outputs), *long_pdfs.values()]
    assert len(pdfs) >= 17
    found = {path.name: pdfua.failures(path) for path in pdfs}
    assert not {name: problems for name, problems in found.items() if problems}


def test_the_running_header_and_footer_are_artifacts_and_the_text_is_tagged(long_pdfs: dict[str, Path]) -> None:
    pages = pdfua.texts_by_marking(long_pdfs["en"])
    assert len(pages) >= 3
    for number, (artifact, tagged) in enumerate(pages, start=1):
        flat_artifact, flat_tagged = (re.sub(r"\s+", " ", text) for text in (artifact, tagged))
        assert f"Page {number} of {len(pages)}" in flat_artifact
        assert "International Organization for Migration (IOM)" in flat_artifact
        assert "The UN Migration Agency" in flat_artifact
        assert "Rue Montoyer 40" in flat_artifact
        assert f"Page {number} of" not in flat_tagged and "Rue Montoyer 40" not in flat_tagged
    assert "Key figures of 2017" in pages[1][1] or "Key figures of 2017" in pages[0][1]
    assert not pdfua.untagged_content(long_pdfs["en"])


def test_list_items_are_a_label_and_a_body(long_pdfs: dict[str, Path]) -> None:
    items = [node for node in pdfua.structure(long_pdfs["en"]).walk() if node.tag == "LI"]
    assert len(items) >= 6
    for item in items:
        assert [child.tag for child in item.children] == ["Lbl", "LBody"]
        assert [child.tag for child in item.children[1].children] == ["P"]


def test_a_split_table_is_one_table_with_its_headers(long_pdfs: dict[str, Path]) -> None:
    tree = pdfua.structure(long_pdfs["en"])
    tables = [node for node in tree.walk() if node.tag == "Table"]
    assert len(tables) == 1
    table = tables[0]
    assert len(table.text_pages()) == 2  # it crosses a page
    assert [child.tag for child in table.children] == ["THead", "TBody"]
    rows = [node for node in table.walk() if node.tag == "TR"]
    assert len(rows) == 41
    headers = [cell for cell in table.walk() if cell.tag == "TH"]
    assert len(headers) == 4 and all(cell.text_pages() == {min(table.text_pages())} for cell in headers)
    ids = {str(cell.obj["/ID"]) for cell in headers}
    for cell in (cell for cell in table.walk() if cell.tag == "TD"):
        assert {str(h) for h in cell.obj["/A"]["/Headers"]} <= ids and cell.obj["/A"]["/Headers"]


def test_a_paragraph_across_two_pages_is_one_paragraph(seed_outputs: dict[tuple[str, str, str], Path]) -> None:
    workspace = load_workspace(SEEDS)
    crossing = 0
    for (release_id, lang, fmt), path in sorted(seed_outputs.items()):
        if fmt != "pdf":
            continue
        view = localize(load_release(SEEDS / "releases" / f"{release_id}.yaml", workspace), workspace, lang)
        main = render_html(view).split("<main>", 1)[1]  # the page header's paragraphs are artifacts
        paragraphs = len(re.findall(r"<p[ >]", main))
        nodes = [node for node in pdfua.structure(path).walk() if node.tag == "P"]
        assert len(nodes) == paragraphs, (path.name, len(nodes), paragraphs)
        crossing += sum(len(node.text_pages()) > 1 for node in nodes)
    assert crossing >= 3  # the seeds have paragraphs that cross a page: each is one P


def test_a_phrase_in_another_language_carries_its_language_in_the_structure_tree(
        seed_outputs: dict[tuple[str, str, str], Path]) -> None:
    # The English title inside the French and Dutch digests (hyphenation: foreign: in pressgen.yaml): its
    # HTML span has lang="en-GB", the DOCX run w:lang, and the PDF's element /Lang, so a screen reader
    # reads it in English (PDF/UA-1 7.2) inside a document whose /Lang is fr-BE or nl-BE.
    for lang, phrase in (("fr", "Global Migration Film Festival"),
                         ("nl", "EU-China Dialogue on Migration and Mobility Support Project")):
        path = seed_outputs[("iom-news-digest-2016", lang, "pdf")]
        texts = pdfua.marked_texts(path)
        nodes = [node for node in pdfua.structure(path).walk() if node.obj is not None and "/Lang" in node.obj]
        foreign = {(re.sub(r"[\s\u2010]+", " ", pdfua.element_text(node, texts)).strip(), str(node.obj["/Lang"]))
                   for node in nodes}
        assert (phrase, "en-GB") in foreign, foreign
        assert all(tag == "en-GB" for _, tag in foreign), foreign  # nothing else is marked as foreign
        assert all(node.tag == "Span" for node in nodes), [node.tag for node in nodes]
