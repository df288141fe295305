from __future__ import annotations

from pressgen.document.markup import (
    Break,
    Emph,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Strong,
    Sup,
    Text,
    parse,
    plain_text,
)


def test_inline_markup_becomes_a_tree() -> None:
    blocks, problems = parse("Een **vette** en *schuine* 38^ste^ [link](https://un.org).")
    assert problems == ()
    assert blocks == (Paragraph((
        Text("Een "), Strong((Text("vette"),)), Text(" en "), Emph((Text("schuine"),)), Text(" 38"),
        Sup((Text("ste"),)), Text(" "), Link("https://un.org", (Text("link"),)), Text("."))),)


def test_lists_quotes_and_paragraphs() -> None:
    blocks, _ = parse("Intro\n\n- een\n- twee\n\n3. drie\n4. vier\n\n> citaat\n")
    assert isinstance(blocks[0], Paragraph)
    assert blocks[1] == ListBlock(False, 1, ((Paragraph((Text("een"),)),), (Paragraph((Text("twee"),)),)))
    assert isinstance(blocks[2], ListBlock) and blocks[2].ordered and blocks[2].start == 3
    assert blocks[3] == Quote((Paragraph((Text("citaat"),)),))


def test_raw_html_stays_text_while_other_headings_and_images_are_reported() -> None:
    blocks, problems = parse("# Not an intertitle <b>x</b> ![img](https://x/y.png)")
    assert plain_text(blocks) == "Not an intertitle <b>x</b> img"  # the text is kept, nothing is dropped
    assert isinstance(blocks[0], Paragraph)
    assert [p.message for p in problems] == ["images cannot stand in the text",
                                             "'#' headings are not used in releases"]


def test_links_other_than_http_https_mailto_are_reported_and_kept_as_text() -> None:
    text = "Line one.\n\nSee [a](javascript:alert(1)), [b](file:///etc/passwd) and [c](mailto:a@b.be)."
    blocks, problems = parse(text)
    assert [p.line for p in problems] == [2, 2]
    assert "javascript:alert(1)" in problems[0].message
    assert plain_text(blocks).endswith("See a, b and c.")
    assert any(isinstance(node, Link) and node.href == "mailto:a@b.be" for node in blocks[1].children)


def test_hard_line_break() -> None:
    blocks, _ = parse("een  \ntwee")
    assert Break() in blocks[0].children
