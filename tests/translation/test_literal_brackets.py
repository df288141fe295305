"""Square brackets that are not a link ("[sic]", "[…]", "[fr] …") are text, in imports, check and drafts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import run

from pressgen import load_release, load_workspace
from pressgen.document.inline import markdown_problems
from pressgen.translation.translate import translate_markdown

RELEASE = "iom-20km-brussels-2017"
PLAIN = "La campagne a été lancée le 19 septembre 2016"  # a paragraph without markup: exported untagged
TAGGED = "afin de célébrer la diversité"  # in a paragraph with bold and superscript: exported with <g> tags


def _export(workspace: Path) -> Path:
    assert run("review", "export", str(workspace / "releases" / f"{RELEASE}.yaml"), "--lang", "fr") == 0
    return workspace / "review" / f"{RELEASE}.fr.xlf"


def test_xliff_units_with_literal_brackets_are_applied_as_typed(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xliff = _export(workspace)
    text = xliff.read_text()
    assert PLAIN in text and TAGGED in text
    text = text.replace(PLAIN, "[fr] La campagne a été lancée [sic] […] le 19 septembre 2016")
    text = text.replace(TAGGED, "afin [sic] de célébrer la diversité")
    xliff.write_text(text)
    capsys.readouterr()
    path = workspace / "releases" / f"{RELEASE}.yaml"
    code = run("review", "import", str(path), "--lang", "fr")
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    assert "unbalanced markup" not in captured.out + captured.err
    body = load_release(path, load_workspace(workspace)).text["fr"].body or ""
    assert "[fr] La campagne a été lancée [sic] […] le 19 septembre 2016" in body
    assert "afin [sic] de célébrer" in body  # as typed, not escaped to "\[sic\]"
    assert run("check", str(path)) == 0
    assert run("build", str(path), "--out", str(workspace / "out"), "--lang", "fr", "--format", "docx") == 0


@pytest.mark.parametrize("target", ["Il a dit [sic] que oui.", "Le texte […] continue.", "[fr] Bonjour.",
                                    "Voir [1] et [la page](https://example.org) [sic]."])
def test_paired_brackets_are_not_unbalanced_markup(target: str) -> None:
    source = "Zie [de pagina](https://example.org)." if "la page" in target else "Hij zei ja."
    assert markdown_problems(target, source) == []


@pytest.mark.parametrize("target", ["Il a dit [sic que oui.", "Voir la page] ici.",
                                    "Voir [la page](https://example.org ici.", "Un **gras non fermé."])
def test_unbalanced_markup_is_still_refused(target: str) -> None:
    found = markdown_problems(target, "Hij zei ja.")
    assert any("unbalanced markup" in problem for problem in found)


def test_machine_draft_sends_a_paragraph_with_brackets_whole() -> None:
    sent: list[str] = []

    def translate(text: str) -> str:
        sent.append(text)
        return re.sub(r"\b(\w+)\b", lambda m: m.group(1).upper(), text)

    source = "Hij zei [sic] dat het [...] **goed** was, zie [de pagina](https://example.org) [nl]."
    out = translate_markdown(source, translate, 5000)
    assert len(sent) == 1 and "[sic]" in sent[0] and "[...]" in sent[0]
    assert out == "HIJ ZEI [SIC] DAT HET [...] **GOED** WAS, ZIE [DE PAGINA](https://example.org) [NL]."


def test_review_docx_row_with_literal_brackets_is_applied_as_typed(workspace: Path) -> None:
    from docx import Document

    path = workspace / "releases" / f"{RELEASE}.yaml"
    assert run("review", "export", str(path), "--lang", "fr", "--format", "docx") == 0
    docx = workspace / "review" / f"{RELEASE}.fr.review.docx"
    doc = Document(str(docx))
    rows = doc.tables[0].rows[1:]
    first_body = rows[3].cells[2]  # bold and a superscript: read back as formatted runs
    edited = next(r for p in first_body.paragraphs for r in p.runs if TAGGED in r.text)
    edited.text = edited.text.replace(TAGGED, "afin [sic] de célébrer la diversité")
    plain = rows[5].cells[2]
    plain.paragraphs[0].runs[0].text = plain.paragraphs[0].runs[0].text.replace(PLAIN, f"[fr] {PLAIN} […]")
    doc.save(str(docx))
    assert run("review", "import", str(path), "--lang", "fr", "--file", str(docx)) == 0
    body = load_release(path, load_workspace(workspace)).text["fr"].body or ""
    assert "afin [sic] de célébrer" in body and f"[fr] {PLAIN} […]" in body
    assert "\\[" not in body
    assert run("check", str(path)) == 0
