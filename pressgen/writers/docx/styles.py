"""The reference document's named styles that the DOCX writer uses, by document role.

Formatting comes from the reference document (as Pandoc's --reference-doc): the writer
only says which role a paragraph plays, and this map names the style that formats it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import RGBColor

# Document role -> paragraph style of the reference document.
STYLES = {
    "org": "Org Name",
    "tagline": "Tagline",
    "draft": "Draft Mark",
    "kind": "Kind Label",
    "date": "Release Date",
    "embargo": "Embargo",
    "headline": "Headline",
    "subheadline": "Subheadline",
    "body": "Body Text",
    "quote": "Body Quote",
    "bullet": "Body Bullet",
    "number": "Body Number",
    "end": "End Mark",
    "heading": "Section Heading",
    "small": "Small Text",
    "contact-name": "Contact Name",
    "contact": "Contact Detail",
    "footer": "Page Footer",
}
# Roles added later, with the style a reference document made before them falls back to.
OPTIONAL_STYLES = {
    "intertitle": ("Intertitle", "Heading 2"),  # Heading 2's outline level: Word's navigation pane lists it
    "attribution": ("Quote Attribution", "Body Quote"),
    "table": ("Table Text", "Small Text"),
    "after-table": ("After Table", "Table Text"),  # the table's margin below: a paragraph Word needs anyway
    "small-bullet": ("Small Bullet", "Body Bullet"),  # lists in the boilerplate and the notes
    "small-number": ("Small Number", "Body Number"),
    "figure": ("Figure", "Body Text"),
    "caption": ("Image Caption", "Small Text"),
    "fact": ("Fact", "Release Date"),
}
LINK_STYLE = "Link"
BRAND_STYLES = ("Org Name", "Kind Label", "Headline", "Section Heading", "Link")
OPTIONAL_BRAND_STYLES = ("Intertitle",)  # in the reference documents that have it


@lru_cache(maxsize=8)
def style_ids(reference: Path, mtime_ns: int) -> dict[str, str]:
    """Return role -> style id of a reference document (the link style under "link").

    Raises KeyError naming a style the document lacks.

    python-docx resolves a style name by scanning every style on each call; a
    release has hundreds of paragraphs and runs, so the ids are looked up once.
    """
    styles = Document(str(reference)).styles
    for name in (*STYLES.values(), LINK_STYLE, *BRAND_STYLES):
        if name not in styles:
            raise KeyError(name)
    ids = {role: styles[name].style_id for role, name in STYLES.items()}
    for role, (name, fallback) in OPTIONAL_STYLES.items():
        ids[role] = styles[name if name in styles else fallback].style_id
    ids["link"] = styles[LINK_STYLE].style_id
    return ids


def brand(doc: DocxDocument, color: str) -> None:
    """Set the organisation's colour (#RRGGBB) on the styles that carry the brand."""
    rgb = RGBColor.from_string(color.lstrip("#").upper())
    for name in BRAND_STYLES:
        doc.styles[name].font.color.rgb = rgb
    for name in OPTIONAL_BRAND_STYLES:
        if name in doc.styles:
            doc.styles[name].font.color.rgb = rgb

