"""Writers turn one DocumentView into the bytes of one format; looked up in :mod:`pressgen.formats`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pressgen.errors import UsageError
from pressgen.formats import unknown_format, writer_format

if TYPE_CHECKING:
    from pressgen.document.localize import DocumentView


@dataclass(frozen=True)
class Rendered:
    """A written document: its bytes and, where the format knows it, its page count."""

    data: bytes
    pages: int | None = None


Writer = Callable[["DocumentView"], Rendered]


def get_writer(name: str) -> Writer:
    """Return the writer for format ``name`` (a row of :data:`pressgen.formats.FORMATS` or of
    :data:`pressgen.formats.PUBLISH_FORMATS`).

    Raises :class:`UsageError` for an unknown format. The writer's module is
    imported on first use.
    """
    fmt = writer_format(name)
    if fmt is None:
        raise UsageError(unknown_format(name) or f"unknown format '{name}'")
    module, _, function = fmt.writer.partition(":")
    writer: Writer = getattr(importlib.import_module(module), function)
    return writer
