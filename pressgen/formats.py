"""The one list of output formats: name, media type, file extension and the writer that makes it.

Everything that names formats reads this table: the workspace model (``formats:`` in
pressgen.yaml), the command line's ``--format`` choices, the build planner and the
studio's downloads. A new format is one row here and one writer module. Writers are
named by their import path and imported on first use, so a DOCX-only build never
loads WeasyPrint, and this table sits below every stage that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One output format."""

    name: str  # as typed in pressgen.yaml and --format
    media_type: str
    extension: str  # without the dot
    writer: str  # "module:function", a function DocumentView -> Rendered
    title: str  # for people: help texts, the studio


FORMATS: tuple[Format, ...] = (
    Format("pdf", "application/pdf", "pdf", "pressgen.writers.pdf:write_pdf", "PDF (tagged, for distribution)"),
    Format("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
           "pressgen.writers.docx:write_docx", "Word document (editable)"),
)
BY_NAME = {fmt.name: fmt for fmt in FORMATS}
NAMES = tuple(BY_NAME)
DEFAULT_FORMATS = ("pdf", "docx")


def unknown_format(name: str) -> str | None:
    """Return the message for a format name that is not in the table, or None when it is."""
    return None if name in BY_NAME else f"unknown format '{name}' (known: {', '.join(NAMES)})"


def media_type(extension: str) -> str:
    """Return the media type of a file extension of one of the formats (or a download's default)."""
    return next((fmt.media_type for fmt in FORMATS if fmt.extension == extension), "application/octet-stream")


# --- what pressgen publish writes from the same view: rows of the registry, not build formats -----

PUBLISH_FORMATS: tuple[Format, ...] = (
    Format("page", "text/html", "html", "pressgen.writers.page:write_page", "Newsroom page (HTML, static site)"),
)


def writer_format(name: str) -> Format | None:
    """Return the row of a build format or of a publish format named ``name``, or None."""
    return BY_NAME.get(name) or next((fmt for fmt in PUBLISH_FORMATS if fmt.name == name), None)
