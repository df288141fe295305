"""Build templates/reference.docx, the styles of every DOCX release.

Like Pandoc's --reference-doc: all visual formatting of the Word output lives
in this document's named styles, not in the writer. Run it after changing a
style here; an organisation can instead copy the result to its workspace's
templates/reference.docx and restyle it in Word.

    python scripts/make_reference_docx.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

OUT = Path(__file__).resolve().parent.parent / "templates" / "reference.docx"
FONT = "Liberation Sans"
# Word picks a run's font by its characters: Chinese, Japanese and Korean from the East Asian font,
# Arabic, Hebrew, Devanagari, Thai and the other complex scripts from the complex-script font (with its
# own bold, italic and size: w:bCs, w:iCs, w:szCs). Without them a name in Chinese or Arabic takes
# the theme's fonts (MS Mincho, Times New Roman) at the default size. Each is declared in the font table
# with the Windows font that stands in for it where Noto is not installed.
EAST_ASIAN_FONT = "Noto Sans CJK SC"
COMPLEX_FONT = "Noto Sans Arabic"
# name: (alternative, PANOSE class or None, character set, family)
FONT_TABLE = {
    FONT: ("Arial", "020B0604020202020204", "00", "swiss"),
    EAST_ASIAN_FONT: ("Microsoft YaHei", None, "86", "swiss"),  # 86: GB 2312, simplified Chinese
    COMPLEX_FONT: ("Arial", None, "B2", "swiss"),  # B2: Arabic
}
BRAND = RGBColor(0x00, 0x33, 0xA0)
TEXT = RGBColor(0x1A, 0x1A, 0x1A)  # release.css's colours: running text, and its greys
DARK_GREY = RGBColor(0x33, 0x33, 0x33)
GREY = RGBColor(0x44, 0x44, 0x44)
FOOTER_GREY = RGBColor(0x55, 0x55, 0x55)
RED = RGBColor(0xB0, 0x00, 0x20)

# The PDF's measure and type (templates/release.css), so that both have the same pages: an A4 page with
# 20 mm margins whose running text stands in a 130 mm column 40 mm from either edge (main's 20 mm margins),
# the page header and footer across the full 170 mm (the Page Footer style's negative indents, which the
# writer gives the header too). The spaces are the CSS margins: between two paragraphs LibreOffice, as
# CSS, leaves the larger of the one's space after and the other's space before.
PAGE_MARGIN_MM = 20
COLUMN_INDENT_MM = 20  # the text column's indent from the page margins on either side

# name: (base, size pt, bold, italic, colour, space before mm, space after mm, alignment)
PARAGRAPH_STYLES = {
    "Org Name": ("Normal", 11, True, False, BRAND, 0, 0, None),
    "Tagline": ("Normal", 9, False, False, GREY, 0, 0, None),
    "Draft Mark": ("Normal", 9, True, False, RED, 0, 0, None),
    "Kind Label": ("Normal", 11, True, False, BRAND, 0, 0, None),
    "Release Date": ("Normal", 11, False, False, GREY, 0, 0, None),
    "Embargo": ("Normal", 11, True, False, RED, 0, 0, None),
    # Based on Heading 1 and 2, as the PDF's h1 and h2: Word's navigation pane and screen readers list
    # the headline and the sections ("About …", "Notes to editors", "Press contact") as headings.
    "Headline": ("Heading 1", 18, True, False, BRAND, 6, 3, None),  # 6 mm: the date block's margin
    "Subheadline": ("Normal", 12, False, True, DARK_GREY, 0, 6, None),
    "Body Text": ("Normal", 11, False, False, None, 0, 3, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "Body Quote": ("Body Text", 11, False, True, None, 0, 3, None),
    "Body Bullet": ("Body Text", 11, False, False, None, 0, 1.5, None),
    "Body Number": ("Body Text", 11, False, False, None, 0, 1.5, None),
    "End Mark": ("Normal", 11, False, False, None, 6, 6, WD_ALIGN_PARAGRAPH.CENTER),
    "Section Heading": ("Heading 2", 11, True, False, BRAND, 5, 2, None),
    "Small Text": ("Normal", 9.5, False, False, None, 0, 2, None),
    "Small Bullet": ("Small Text", 9.5, False, False, None, 0, 2, None),
    "Small Number": ("Small Text", 9.5, False, False, None, 0, 2, None),
    "Contact Name": ("Normal", 9.5, True, False, None, 3, 0, None),
    "Contact Detail": ("Normal", 9.5, False, False, None, 0, 0, None),
    "Page Footer": ("Normal", 8, False, False, FOOTER_GREY, 0, 0, None),
    # Based on Heading 2, so it carries its outline level: Word's navigation pane lists intertitles.
    "Intertitle": ("Heading 2", 12, True, False, BRAND, 5, 2, None),
    "Quote Attribution": ("Body Quote", 9.5, False, False, GREY, 0, 3, WD_ALIGN_PARAGRAPH.LEFT),
    "Table Text": ("Normal", 9.5, False, False, None, 1, 1, None),  # the cells' 1 mm padding
    "After Table": ("Normal", 1, False, False, None, 0, 4, None),  # the table's 4 mm margin below
    "Figure": ("Normal", 11, False, False, None, 2, 1.5, None),
    "Image Caption": ("Normal", 8.5, False, False, GREY, 0, 4, None),
    "Fact": ("Normal", 9, False, False, DARK_GREY, 2, 0, None),  # 2 mm above the first (contextual spacing)
}

ALL_CAPS = {"Kind Label", "Draft Mark"}
LETTER_SPACED = {"Kind Label"}
KEEP_WITH_NEXT = {"Kind Label", "Release Date", "Embargo", "Headline", "Subheadline", "Section Heading",
                  "Contact Name", "Intertitle", "Fact", "Body Quote"}  # a quote stays with its attribution
# Indented as the PDF's block quote (8 mm), the attribution with it.
LEFT_INDENT_MM = {"Body Quote": 8, "Quote Attribution": 8}
# No space between two paragraphs of the style (the facts' lines share one margin above them).
CONTEXTUAL_SPACING = {"Fact"}
# The PDF's line heights, as multiples of the font size: 1.45 for all text (release.css's html), 1.2 for
# the headline, 1.3 for the footer. Set as Word's "at least" this many points, which is what CSS's
# line-height is (Word's "multiple" multiplies the font's own line height, 1.15 em for Liberation Sans),
# and which lets a picture's line grow to its height.
LINE_HEIGHT = {"Headline": 1.2, "Page Footer": 1.3}
DEFAULT_LINE_HEIGHT = 1.45
EXACT_LINE_MM = {"After Table": 0.35}  # a line of exactly this height (1 pt: the spacer is only its space)


def _paragraph_style(doc, name, spec):  # type: ignore[no-untyped-def]
    base, size, bold, italic, color, before, after, align = spec
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = styles[base]
    style.quick_style = True
    font = style.font
    font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
    _script_fonts(style.element.get_or_add_rPr())
    if color is not None:
        font.color.rgb = color
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Mm(before), Mm(after)
    if align is not None:
        fmt.alignment = align
    if name in ALL_CAPS:
        font.all_caps = True
    if name in LETTER_SPACED:  # as the PDF's letter-spacing: 1pt (w:spacing is in twentieths of a point)
        spacing = style.element.get_or_add_rPr()
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        element = OxmlElement("w:spacing")
        element.set(qn("w:val"), "20")
        spacing.append(element)
    fmt.keep_with_next = name in KEEP_WITH_NEXT  # explicit: a style based on one that keeps does not
    if name in LEFT_INDENT_MM:
        fmt.left_indent = Mm(LEFT_INDENT_MM[name])
    if name in EXACT_LINE_MM:
        fmt.line_spacing, fmt.line_spacing_rule = Mm(EXACT_LINE_MM[name]), WD_LINE_SPACING.EXACTLY
    else:
        _line_height(style, size)
    if name in CONTEXTUAL_SPACING:
        _contextual_spacing(style)
    return style


def _line_height(style, size: float) -> None:  # type: ignore[no-untyped-def]
    """The PDF's line height for a style of ``size`` points, as Word's "at least"."""
    fmt = style.paragraph_format
    fmt.line_spacing = Pt(round(size * LINE_HEIGHT.get(style.name, DEFAULT_LINE_HEIGHT), 2))
    fmt.line_spacing_rule = WD_LINE_SPACING.AT_LEAST


def _contextual_spacing(style) -> None:  # type: ignore[no-untyped-def]
    """Set w:contextualSpacing on a paragraph style (in its schema place: after w:ind)."""
    from docx.oxml import OxmlElement

    p_pr = style.element.get_or_add_pPr()
    p_pr.insert_element_before(OxmlElement("w:contextualSpacing"), *SUCCESSORS_OF_CONTEXTUAL_SPACING)


SUCCESSORS_OF_CONTEXTUAL_SPACING = (
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
# What follows w:suppressAutoHyphens in a w:pPr (ECMA-376 CT_PPrBase order).
SUCCESSORS_OF_SUPPRESS_AUTO_HYPHENS = (
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _suppress_hyphens(style, suppressed: bool) -> None:  # type: ignore[no-untyped-def]
    """Set a paragraph style's w:suppressAutoHyphens (in its schema place)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p_pr = style.element.get_or_add_pPr()
    element = OxmlElement("w:suppressAutoHyphens")
    element.set(qn("w:val"), "1" if suppressed else "0")
    p_pr.insert_element_before(element, *SUCCESSORS_OF_SUPPRESS_AUTO_HYPHENS)


def _hyphenate(doc) -> None:  # type: ignore[no-untyped-def]
    """Turn on Word's automatic hyphenation with the PDF's rules, since the body is justified in both.

    Not in capitals, at most two hyphenated lines in a row. (Schema order: right after defaultTabStop.)
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    settings = doc.settings.element
    anchor = settings.find(qn("w:defaultTabStop"))
    for name, value in reversed((("w:autoHyphenation", "true"), ("w:consecutiveHyphenLimit", "2"),
                                 ("w:doNotHyphenateCaps", "true"))):
        for old in settings.findall(qn(name)):
            settings.remove(old)
        element = OxmlElement(name)
        element.set(qn("w:val"), value)
        anchor.addnext(element)


def _script_fonts(r_pr) -> None:  # type: ignore[no-untyped-def]
    """Name the East Asian and complex-script fonts in a w:rPr, and give complex scripts the bold,
    italic and size of the others (w:bCs, w:iCs, w:szCs), so a name in Arabic is as bold and as large
    as the Latin one beside it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fonts = r_pr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # they win over names
        fonts.attrib.pop(qn(theme), None)
    for attribute, value in (("w:ascii", FONT), ("w:hAnsi", FONT), ("w:eastAsia", EAST_ASIAN_FONT),
                             ("w:cs", COMPLEX_FONT)):
        fonts.set(qn(attribute), value)
    for latin, complex_script in (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs")):
        element = r_pr.find(qn(latin))
        old = r_pr.find(qn(complex_script))
        if old is not None:
            r_pr.remove(old)
        if element is not None:
            twin = OxmlElement(complex_script)
            for name, value in element.attrib.items():
                twin.set(name, value)
            element.addnext(twin)


def _declare_fonts(doc) -> None:  # type: ignore[no-untyped-def]
    """Describe the fonts in the font table, each with the Windows font that stands in for it.

    Word on a machine without Liberation Sans then substitutes Arial (metric-compatible), which keeps
    every line break; without Noto it takes Microsoft YaHei for Chinese and Arial for Arabic.
    """
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for part in doc.part.package.parts:
        if str(part.partname) == "/word/fontTable.xml":
            root = etree.fromstring(part.blob)
            for name_of_font, (alternative, panose, charset, family) in FONT_TABLE.items():
                for old in root.findall(f"{{{w}}}font[@{{{w}}}name='{name_of_font}']"):
                    root.remove(old)
                font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name_of_font})
                for name, value in (("altName", alternative), ("panose1", panose), ("charset", charset),
                                    ("family", family), ("pitch", "variable")):
                    if value is not None:
                        etree.SubElement(font, f"{{{w}}}{name}", {f"{{{w}}}val": value})
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build() -> None:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = FONT, Pt(11), TEXT
    _script_fonts(normal.element.get_or_add_rPr())
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _script_fonts(defaults)  # what every style without fonts of its own (tables, footnotes) inherits
    normal.paragraph_format.space_after = Pt(0)
    _line_height(normal, 11)
    for name, spec in PARAGRAPH_STYLES.items():
        _paragraph_style(doc, name, spec)
    link = doc.styles.add_style("Link", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = BRAND
    dateline = doc.styles.add_style("Dateline", WD_STYLE_TYPE.CHARACTER)
    dateline.font.bold = dateline.font.cs_bold = True

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(42), Mm(24)
    section.left_margin = section.right_margin = Mm(PAGE_MARGIN_MM + COLUMN_INDENT_MM)
    # The header's rule 6 mm above the text, as the PDF's (a 16 mm logo and 3 mm under it).
    section.header_distance, section.footer_distance = Mm(17), Mm(10)
    # The footer (and the header, which the writer indents as this style) spans the page's full
    # 170 mm: out of the text column into the margins on either side.
    page_footer = doc.styles["Page Footer"].paragraph_format
    page_footer.left_indent = page_footer.right_indent = Mm(-COLUMN_INDENT_MM)
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Page Footer"]
    # Tab stops count from the text column's edge, not from the indent: the page number ends at the
    # footer's right edge.
    footer.paragraph_format.tab_stops.add_tab_stop(Mm(210 - 2 * PAGE_MARGIN_MM - COLUMN_INDENT_MM),
                                                   WD_TAB_ALIGNMENT.RIGHT)
    # The body holds no content: the writer appends everything.
    body = doc.element.body
    for paragraph in list(body.iterchildren()):
        if paragraph.tag.endswith("}p"):
            body.remove(paragraph)
    # python-docx's template carries a thumbnail of an empty page; Word would show it.
    package_rels = doc.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package_rels.pop(r_id)
    _declare_fonts(doc)
    _hyphenate(doc)
    # Only body text is hyphenated, as in the PDF: headlines, headings, contacts, the boilerplate are not.
    _suppress_hyphens(normal, True)
    _suppress_hyphens(doc.styles["Body Text"], False)
    doc.core_properties.title = "pressgen reference document"
    doc.core_properties.comments = ""
    doc.core_properties.author = "pressgen"
    doc.save(str(OUT))


if __name__ == "__main__":
    build()
    print(f"wrote {OUT}")
