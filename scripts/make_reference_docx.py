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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
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
GREY = RGBColor(0x55, 0x55, 0x55)
RED = RGBColor(0xB0, 0x00, 0x20)

# name: (base, size pt, bold, italic, colour, space before pt, space after pt, alignment)
PARAGRAPH_STYLES = {
    "Org Name": ("Normal", 11, True, False, BRAND, 0, 0, None),
    "Tagline": ("Normal", 9, False, False, GREY, 0, 0, None),
    "Draft Mark": ("Normal", 9, True, False, RED, 0, 0, None),
    "Kind Label": ("Normal", 10.5, True, False, BRAND, 0, 0, None),
    "Release Date": ("Normal", 10.5, False, False, GREY, 0, 0, None),
    "Embargo": ("Normal", 10.5, True, False, RED, 0, 0, None),
    # Based on Heading 1 and 2, as the PDF's h1 and h2: Word's navigation pane and screen readers list
    # the headline and the sections ("About …", "Notes to editors", "Press contact") as headings.
    "Headline": ("Heading 1", 18, True, False, BRAND, 12, 6, None),
    "Subheadline": ("Normal", 12, False, True, None, 0, 12, None),
    "Body Text": ("Normal", 10.5, False, False, None, 0, 6, WD_ALIGN_PARAGRAPH.JUSTIFY),
    "Body Quote": ("Body Text", 10.5, False, True, None, 0, 6, None),
    "Body Bullet": ("Body Text", 10.5, False, False, None, 0, 3, None),
    "Body Number": ("Body Text", 10.5, False, False, None, 0, 3, None),
    "End Mark": ("Normal", 10.5, False, False, None, 12, 12, WD_ALIGN_PARAGRAPH.CENTER),
    "Section Heading": ("Heading 2", 11, True, False, BRAND, 12, 4, None),
    "Small Text": ("Normal", 9.5, False, False, None, 0, 4, None),
    "Contact Name": ("Normal", 9.5, True, False, None, 6, 0, None),
    "Contact Detail": ("Normal", 9.5, False, False, None, 0, 0, None),
    "Page Footer": ("Normal", 8, False, False, GREY, 0, 0, None),
    # Based on Heading 2, so it carries its outline level: Word's navigation pane lists intertitles.
    "Intertitle": ("Heading 2", 12, True, False, BRAND, 9, 3, None),
    "Quote Attribution": ("Body Quote", 9.5, False, False, GREY, 0, 6, None),
    "Table Text": ("Normal", 9.5, False, False, None, 1, 1, None),
    "Figure": ("Normal", 10.5, False, False, None, 6, 3, None),
    "Image Caption": ("Normal", 8.5, False, False, GREY, 0, 9, None),
    "Fact": ("Normal", 9, False, False, None, 0, 0, None),
}

ALL_CAPS = {"Kind Label", "Draft Mark"}
LETTER_SPACED = {"Kind Label"}
KEEP_WITH_NEXT = {"Kind Label", "Release Date", "Embargo", "Headline", "Subheadline", "Section Heading",
                  "Contact Name", "Intertitle", "Fact", "Body Quote"}  # a quote stays with its attribution
# Indented as the PDF's block quote (8 mm), the attribution with it.
LEFT_INDENT_MM = {"Body Quote": 8, "Quote Attribution": 8}
# The PDF's line height (10.5pt/1.45) for running text; headings keep their own (1.2).
LINE_SPACING = {"Normal": 1.45, "Headline": 1.2, "Subheadline": 1.2, "Intertitle": 1.2, "Section Heading": 1.2,
                "Org Name": 1.3, "Tagline": 1.3, "Page Footer": 1.3}


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
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
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
    if name in LINE_SPACING:
        fmt.line_spacing = LINE_SPACING[name]
    return style


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
    normal.font.name, normal.font.size = FONT, Pt(10.5)
    _script_fonts(normal.element.get_or_add_rPr())
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _script_fonts(defaults)  # what every style without fonts of its own (tables, footnotes) inherits
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = LINE_SPACING["Normal"]
    for name, spec in PARAGRAPH_STYLES.items():
        _paragraph_style(doc, name, spec)
    link = doc.styles.add_style("Link", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = BRAND
    dateline = doc.styles.add_style("Dateline", WD_STYLE_TYPE.CHARACTER)
    dateline.font.bold = dateline.font.cs_bold = True

    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(42), Mm(24)
    section.left_margin = section.right_margin = Mm(20)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Page Footer"]
    footer.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
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
