"""Diagnostics and the error hierarchy that the CLI maps to exit codes.

Every problem with user input becomes a :class:`Diagnostic` carrying its
position, so that the CLI can print ``file:line:col: error: what`` followed by a
hint, and never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in an input file; ``line`` and ``col`` are 1-based."""

    path: Path
    line: int
    col: int
    message: str
    hint: str | None = None
    severity: Severity = "error"

    def format(self, relative_to: Path | None = None) -> str:
        """Return the one-line form, plus an indented hint line when there is one."""
        path = self.path
        if relative_to is not None:
            try:
                path = self.path.resolve().relative_to(relative_to.resolve())
            except ValueError:
                pass
        text = f"{path}:{self.line}:{self.col}: {self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class PressgenError(Exception):
    """Base of every error pressgen reports to users; ``exit_code`` is the CLI status."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message)
        self.diagnostics = list(diagnostics)


class InputError(PressgenError):
    """Bad input files: a release or workspace that does not validate."""


class RenderError(PressgenError):
    """A valid release that could not be rendered (missing catalog, refused draft...)."""


class UsageError(PressgenError):
    """The command was called wrongly (unknown path, format or language)."""

    exit_code = 2


def errors_only(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Return the diagnostics whose severity is ``error``."""
    return [d for d in diagnostics if d.severity == "error"]
