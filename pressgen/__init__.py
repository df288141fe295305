"""pressgen: structured YAML press releases rendered to branded DOCX and PDF in every language.

The public API follows the pipeline: :func:`load_release` (YAML -> validated
model), :func:`render` (model -> the bytes of one document) and :func:`build`
(files -> documents on disk, with a report).
"""

from __future__ import annotations

from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("pressgen")
except _metadata.PackageNotFoundError:  # a source tree on sys.path that was never installed
    __version__ = "0+unknown"

from pressgen.builder.plan import BuildOptions, BuildReport, build  # noqa: E402
from pressgen.document import localize as _localize  # noqa: E402
from pressgen.document.localize import DocumentView  # noqa: E402
from pressgen.errors import Diagnostic, InputError, PressgenError, RenderError, UsageError  # noqa: E402
from pressgen.translation.state import is_current, language_state  # noqa: E402
from pressgen.workspace.load import find_workspace, load_release, load_workspace  # noqa: E402
from pressgen.workspace.model import Release, Workspace  # noqa: E402
from pressgen.writers import get_writer  # noqa: E402


def localize(release: Release, workspace: Workspace, lang: str) -> DocumentView:
    """Return the resolved view of ``release`` in ``lang``, with the draft mark its translation state calls for.

    Raises :class:`RenderError` when the language has no text or no label catalog.
    """
    return _localize.localize(release, workspace, lang, draft=not is_current(language_state(release, lang)))


def render(release: Release, workspace: Workspace, lang: str, fmt: str) -> bytes:
    """Return the bytes of ``release`` in language ``lang`` and format ``fmt`` ('pdf' or 'docx').

    Raises :class:`RenderError` (no text or catalog for the language) or
    :class:`UsageError` (unknown format).
    """
    return get_writer(fmt)(localize(release, workspace, lang)).data


__all__ = [
    "BuildOptions", "BuildReport", "Diagnostic", "DocumentView", "InputError", "PressgenError",
    "Release", "RenderError", "UsageError", "Workspace", "build", "find_workspace", "load_release",
    "load_workspace", "localize", "render",
]
