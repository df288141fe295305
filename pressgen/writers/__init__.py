"""Writers turn one DocumentView into the bytes of one format; looked up in :mod:`pressgen.formats`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pressgen.errors import UsageError
from pressgen.formats import BY_NAME, unknown_format

if TYPE_CHECKING:
    from pressgen.document.localize import DocumentView


@dataclass(frozen=True)
class Rendered:
    """A written document: its bytes and, where the format knows it, its page count."""

    data: bytes
    pages: int | None = None


Writer = Callable[["DocumentView"], Rendered]


def get_writer(name: str) -> Writer:
    """Return the writer for format ``name`` (a row of :data:`pressgen.formats.FORMATS`).

    Raises :class:`UsageError` for an unknown format. The writer's module is
    imported on first use.
    """
    if (problem := unknown_format(name)) is not None:
        raise UsageError(problem)
    module, _, function = BY_NAME[name].writer.partition(":")
    writer: Writer = getattr(importlib.import_module(module), function)
    return writer
