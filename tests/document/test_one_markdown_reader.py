"""One Markdown reader: what the documents render, the XLIFF tokens and the machine drafts' masking all
read body Markdown through pressgen.document.markup, so that what translation protects is what renders."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import run as _run
from helpers.libre_server import LibreServer
from hypothesis import given, settings
from hypothesis import strategies as st

from pressgen import load_release
from pressgen.document import markup
from pressgen.document.inline import Inline, from_markdown, to_markdown
from pressgen.document.markup import Break, Link, Paragraph, Table, Text, parse
from pressgen.translation.translate import translate_inline, translate_markdown

PACKAGE = Path(markup.__file__).resolve().parents[1]


def _shape(items: tuple[object, ...]) -> list[object]:
    """The markup of blocks or inlines without their words: what a translation must keep."""
    out: list[object] = []
    for item in items:
        if isinstance(item, Text):
            continue
        if isinstance(item, Table):
            out.append(("table", len(item.header), len(item.rows), item.aligns))
        elif isinstance(item, Link):
            out.append(("link", item.href, _shape(item.children)))
        elif hasattr(item, "children"):
            out.append((type(item).__name__, _shape(item.children)))  # type: ignore[attr-defined]
        else:
            out.append(type(item).__name__)
    return out


def _blocks(text: str) -> tuple[markup.Block, ...]:
    blocks, problems = parse(text)
    assert problems == (), problems
    return blocks


def _inlines(text: str) -> tuple[markup.Inline, ...]:
    """The inlines of a one-paragraph text, as the documents read them."""
    (paragraph,) = _blocks(text)
    assert isinstance(paragraph, Paragraph)
    return paragraph.children


class Provider:
    """A machine translator: upper-cases what it is sent, after ``mangle``; records each request."""

    def __init__(self, mangle: Callable[[str], str] | None = None) -> None:
        self.mangle = mangle or (lambda text: text)
        self.sent: list[str] = []

    def __call__(self, text: str) -> str:
        self.sent.append(text)
        return self.mangle(text).upper()



# --- the reader --------------------------------------------------------------------------------


def test_no_module_but_markup_reads_markdown() -> None:
    """markdown-it is imported by markup.py alone, and nothing reaches into markup's private names."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [alias.name for alias in node.names]
                if node.module.split(".")[0] in ("markdown_it", "mdit_py_plugins") and path.name != "markup.py":
                    found.append(f"{path.name}: from {node.module}")
                if node.module == "pressgen.document.markup" and any(name.startswith("_") for name in names):
                    found.append(f"{path.name}: from {node.module} import {', '.join(names)}")
            elif isinstance(node, ast.Import) and path.name != "markup.py":
                found += [f"{path.name}: import {a.name}" for a in node.names if a.name.startswith("markdown_it")]
            elif isinstance(node, ast.Attribute) and node.attr == "_MD" and path.name != "markup.py":
                found.append(f"{path.name}:{node.lineno}: ._MD")
    assert found == []


@pytest.mark.parametrize("text", [
    "Een **vette** en *schuine* 38^ste^ [link](https://un.org).",
    "Zie [het [VN] rapport](https://en.wikipedia.org/wiki/Brussels_(city)) en [sic] hier.",
    "***beide*** en **vet *schuin* vet**",
    "regel een  \nregel twee",
])
def test_parse_inline_reads_a_paragraph_as_the_documents_do(text: str) -> None:
    (paragraph,) = _blocks(text)
    assert isinstance(paragraph, Paragraph)
    assert markup.parse_inline(text) == paragraph.children


def test_source_lines_find_the_markers_the_block_structure_has() -> None:
    SourceLine = markup.SourceLine  # noqa: N806
    assert markup.source_lines("- een\n  vervolg\n- twee\n   1. genest") == (
        SourceLine("- ", "een"), SourceLine("  ", "vervolg"), SourceLine("- ", "twee"), SourceLine("   1. ", "genest"))
    assert markup.source_lines("> Citaat\n> — Jan, directeur") == (
        SourceLine("> ", "Citaat"), SourceLine("> ", "— Jan, directeur"))
    # A number that continues a paragraph does not open a list (a list interrupting one starts at 1).
    assert markup.source_lines("Het was een goed jaar in\n2017. Dat zeggen ze.") == (
        SourceLine("", "Het was een goed jaar in"), SourceLine("", "2017. Dat zeggen ze."))
    assert markup.source_lines("Jaar | Bezoekers\n--- | ---:\n2016 | 1.200") == (
        SourceLine("", "Jaar | Bezoekers", ("Jaar", "Bezoekers")), SourceLine("--- | ---:", ""),
        SourceLine("", "2016 | 1.200", ("2016", "1.200")))


# --- the XLIFF tokens --------------------------------------------------------------------------


def test_a_number_continuing_a_paragraph_is_text_to_translate_not_a_list_marker() -> None:
    tokens = from_markdown("Het was een goed jaar in\n2017. Dat zeggen ze.")
    assert tokens.markers == {}
    assert tokens.tokens == [("text", "Het was een goed jaar in 2017. Dat zeggen ze.")]


def test_a_table_without_outer_pipes_survives_the_round_trip_through_tokens() -> None:
    text = "Jaar | Bezoekers\n--- | ---:\n2016 | 1.200\n2017 | 1.350"
    source = from_markdown(text)
    assert _shape(_blocks(to_markdown(source.tokens, source))) == _shape(_blocks(text))


def test_text_starting_with_a_number_and_a_full_stop_reads_back_as_typed() -> None:
    """The old escape wrote "\\2017. ": a backslash before a digit is no escape, and showed."""
    written = to_markdown([("text", "2017. Het jaar van de stad")], Inline())
    assert markup.plain_text(_blocks(written)) == "2017. Het jaar van de stad"
    assert written == "2017\\. Het jaar van de stad"


# --- machine drafts ----------------------------------------------------------------------------


def test_an_answer_whose_bold_no_longer_reads_as_bold_is_translated_run_by_run(
        workspace: Path, server: LibreServer) -> None:
    """A provider that writes "** UN Migration**" keeps the marks but not the bold: the old
    check counted the marks and let it through."""
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text().replace(
        "timezone: Europe/Brussels", "timezone: Europe/Brussels\n"
        f'translation: {{provider: libre, url: "{server.url}", timeout: 2, retries: 0, backoff: 0}}'))
    path = workspace / "releases" / "iom-20km-brussels-2017.yaml"
    lines, keep, skipping = path.read_text().splitlines(keepends=True), [], False
    for line in lines:  # the release without its French text
        if re.match(r"^  [a-z]{2}:\s*$", line):
            skipping = line.strip() == "fr:"
        if not skipping:
            keep.append(line)
    path.write_text("".join(keep))
    server.mangle = True
    assert _run("translate", str(path), "--to", "fr") == 0
    release = load_release(path)
    dutch, french = _blocks(release.text["nl"].body), _blocks(release.text["fr"].body)
    assert [_shape((block,)) for block in french] == [_shape((block,)) for block in dutch]


def test_underscore_emphasis_survives_a_provider_that_drops_underscores() -> None:
    result = translate_inline("Een _nadruk_ hier", Provider(lambda text: text.replace("_", "")), 100)
    assert _shape(_inlines(result)) == [("Emph", [])]
    assert markup.plain_text(_inlines(result)) == "EEN NADRUK HIER"


def test_escaped_marks_stay_text_when_a_provider_drops_the_backslashes() -> None:
    result = translate_inline("Geen \\*nadruk\\* hier", Provider(lambda text: text.replace("\\", "")), 100)
    assert _inlines(result) == (Text("GEEN *NADRUK* HIER"),)


def test_a_link_with_a_title_keeps_its_target_from_the_provider() -> None:
    provider = Provider()
    result = translate_inline('Zie [de site](https://x.org/pad "Titel") nu', provider, 100)
    assert not any("x.org" in text for text in provider.sent)
    assert _shape(_inlines(result)) == [("link", "https://x.org/pad", [])]


def test_a_hard_line_break_survives_and_leaves_no_backslash() -> None:
    result = translate_markdown("Regel een\\\nRegel twee\n", Provider(), 100)
    (paragraph,) = _blocks(result)
    assert isinstance(paragraph, Paragraph)
    assert paragraph.children == (Text("REGEL EEN"), Break(), Text("REGEL TWEE"))


@pytest.mark.parametrize("table", [
    "Jaar | Bezoekers\n--- | ---:\n2016 | 1.200\n2017 | 1.350\n",
    "| Wie | Wat |\n|---|---|\n| IOM \\| UNRIC | Partners |\n",
])
def test_a_table_keeps_its_rows_and_cells(table: str) -> None:
    provider = Provider()
    result = translate_markdown(table, provider, 100)
    (translated,), (source,) = _blocks(result), _blocks(table)
    assert isinstance(translated, Table) and isinstance(source, Table)
    assert _shape((translated,)) == _shape((source,))
    assert [[markup.plain_text(cell) for cell in row] for row in translated.rows] == \
        [[markup.plain_text(cell).upper() for cell in row] for row in source.rows]


def test_a_paragraph_with_a_number_at_a_line_start_is_sent_as_one_text() -> None:
    provider = Provider()
    result = translate_markdown("Het was een goed jaar in\n2017. Dat zeggen ze.\n", provider, 100)
    assert provider.sent == ["Het was een goed jaar in 2017. Dat zeggen ze."]
    assert markup.plain_text(_blocks(result)) == "HET WAS EEN GOED JAAR IN 2017. DAT ZEGGEN ZE."


def test_literal_brackets_are_words_and_links_may_change_places() -> None:
    """"[sic]" is text: a provider may rewrite it without the paragraph being cut into fragments,
    and a translation that puts two links the other way round keeps each link's target."""
    provider = Provider(lambda text: text.replace("[sic]", "(sic)"))
    result = translate_inline("Hij schreef [sic] dat het [VN-rapport](https://un.org/a_(b)) klopt.", provider, 100)
    assert len(provider.sent) == 1
    assert result == "HIJ SCHREEF (SIC) DAT HET [VN-RAPPORT](https://un.org/a_(b)) KLOPT."

    def swap(text: str) -> str:
        first, second = re.findall(r"\[[^\]]*\]\([^)]*\)", text)
        return f"Read {second} and {first}."

    provider = Provider(swap)
    result = translate_inline("Lees [het verslag](https://a.org/v) en [de bijlage](https://a.org/b).", provider, 200)
    assert len(provider.sent) == 1
    assert result == "READ [DE BIJLAGE](https://a.org/b) AND [HET VERSLAG](https://a.org/v)."


def test_nested_emphasis_and_brackets_in_a_link_text_survive() -> None:
    text = "**vet *schuin* vet** en [een [x] link](https://a.org)"
    result = translate_inline(text, Provider(lambda text: text.replace("*", "")), 200)
    assert _shape(_inlines(result)) == _shape(_inlines(text))
    assert markup.plain_text(_inlines(result)) == markup.plain_text(_inlines(text)).upper()


# --- the reader and its writer agree -----------------------------------------------------------

_WORDS = st.sampled_from(["Zin", "stad", "2017.", "[sic]", "(UN)", "5 * 3", "é", "IOM's", "1.200", "a_b", "x^2", "#1",
                          "- ", "> "])
_LEAF = st.lists(_WORDS, min_size=1, max_size=3).map(" ".join)
_TARGETS = st.sampled_from(["https://un.org", "https://a.org/b_(c)", "mailto:a@b.be", "https://x.org/é"])


def _inline(depth: int) -> st.SearchStrategy[str]:
    if depth == 0:
        return _LEAF
    inner = _inline(depth - 1)
    return st.one_of(
        _LEAF,
        inner.map(lambda text: f"**{text.strip()}**"),
        inner.map(lambda text: f"*{text.strip()}*"),
        st.sampled_from(["ste", "e", "th"]).map(lambda text: f"^{text}^"),
        st.tuples(_LEAF, _TARGETS).map(lambda pair: f"[{pair[0]}]({pair[1]})"),
    )


_SEGMENTS = st.lists(st.tuples(st.sampled_from(["", "", "- ", "1. ", "> "]),
                               st.lists(_inline(2), min_size=1, max_size=4).map(" ".join)),
                     min_size=1, max_size=3).map(lambda lines: "\n".join(marker + text for marker, text in lines))


@settings(max_examples=60, deadline=None)
@given(_SEGMENTS)
def test_tokens_and_machine_drafts_read_back_as_their_source(text: str) -> None:
    """What the XLIFF tokens write back, and what a machine draft writes from a provider that
    returns the text as sent, or with its bold marks and link brackets spaced out, reads as the source."""
    source = from_markdown(text)
    assert parse(to_markdown(source.tokens, source))[0] == parse(text)[0]
    assert parse(translate_markdown(text, lambda sent: sent, 4800))[0] == parse(text)[0]
    spaced = translate_markdown(text, lambda sent: sent.replace("**", "** ").replace("](", "] ("), 4800)
    assert parse(spaced)[0] == parse(text)[0]
