"""Writers turn one DocumentView into the bytes of one format; looked up by name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pressgen.document.localize import DocumentView
from pressgen.errors import UsageError


@dataclass(frozen=True)
class Rendered:
    """A written document: its bytes and, where the format knows it, its page count."""

    data: bytes
    pages: int | None = None


Writer = Callable[[DocumentView], Rendered]


def get_writer(name: str) -> Writer:
    """Return the writer for format ``name`` ('pdf' or 'docx').

    Raises :class:`UsageError` for an unknown format. Writers are imported on
    demand so that a DOCX-only build never loads WeasyPrint.
    """
    if name == "pdf":
        from pressgen.writers.pdf import write_pdf
        return write_pdf
    if name == "docx":
        from pressgen.writers.docx import write_docx
        return write_docx
    raise UsageError(f"unknown format '{name}' (known: pdf, docx)")


FORMATS = ("pdf", "docx")
