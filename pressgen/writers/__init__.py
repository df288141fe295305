"""Writers turn one DocumentView into the bytes of one format; looked up by name."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UsageError
from ..localize import DocumentView

Writer = Callable[[DocumentView], bytes]


def get_writer(name: str) -> Writer:
    """Return the writer for format ``name`` ('pdf' or 'docx').

    Raises :class:`UsageError` for an unknown format. Writers are imported on
    demand so that a DOCX-only build never loads WeasyPrint.
    """
    if name == "pdf":
        from .pdf import write_pdf
        return write_pdf
    if name == "docx":
        from .docx import write_docx
        return write_docx
    raise UsageError(f"unknown format '{name}' (known: pdf, docx)")


FORMATS = ("pdf", "docx")
