"""DOCX writer: a DocumentView written with python-docx onto the reference document.

The writer's modules (the bilingual review DOCX is written by translation/review_docx.py):

- reference.py: the reference document (the workspace's or pressgen's own): whether it can be
  used, and the active content (macros, remote templates, fields that fetch or run) left out;
- styles.py: document role -> the reference document's named style, and the brand colour;
- compose.py: the view's parts written as styled paragraphs, runs, links, pictures and tables;
- oxml.py: the raw OOXML/VML and python-docx's private API (the other modules use neither);
  it also writes the package with fixed zip times (the same input gives the same bytes).
"""

from __future__ import annotations

from pressgen.document.localize import DocumentView
from pressgen.writers import Rendered
from pressgen.writers.docx.compose import compose
from pressgen.writers.docx.oxml import save_docx
from pressgen.writers.docx.reference import (
    MAX_REFERENCE_BYTES,
    MAX_REFERENCE_INFLATED,
    REFERENCE,
    load_reference,
    reference_problems,
    reference_warnings,
    strip_active_content,
)

__all__ = ["MAX_REFERENCE_BYTES", "MAX_REFERENCE_INFLATED", "REFERENCE", "reference_problems", "reference_warnings",
           "save_docx", "strip_active_content", "write_docx"]


def write_docx(view: DocumentView) -> Rendered:
    """Return the DOCX of ``view``, on the workspace's or the packaged reference document.

    The page count is left to Word: only a layout engine knows it.
    """
    doc, style_ids = load_reference(view.workspace_root)
    compose(doc, style_ids, view)
    return Rendered(save_docx(doc))
