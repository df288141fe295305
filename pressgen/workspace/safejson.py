"""Reading JSON files that may be damaged or hostile, with bounds on their size and nesting.

Python's ``json`` recurses once per level and raises ``RecursionError`` (not a
``ValueError``) on a file of a few thousand brackets; it has no size bound.
:func:`read_json` reads a regular file of bounded size, measures its nesting
before parsing it, and turns every way a file can be unreadable into one
:class:`InputError` positioned in that file, so a caller decides whether it
is an error (a sidecar the user commits) or a reason to start afresh (a cache
that is pressgen's own).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pressgen.errors import Diagnostic, InputError
from pressgen.workspace.yamlio import read_regular_file

MAX_DEPTH = 32
# A string literal (escapes included), or one bracket: scanned once, in linear time.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    return line, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1


def _too_deep(raw: bytes, max_depth: int) -> int | None:
    """Return the offset of the first bracket nested deeper than ``max_depth``, or None."""
    depth = 0
    for match in _TOKENS.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                return match.start()
        elif token in (b"]", b"}"):
            depth -= 1
    return None


def read_json(path: Path, limit: int, max_depth: int = MAX_DEPTH) -> Any:
    """Return the JSON value of the file at ``path``.

    Raises :class:`InputError` with one diagnostic positioned in the file when it
    is not a regular file, larger than ``limit`` bytes, not UTF-8, nested deeper
    than ``max_depth`` levels, or not JSON; ``FileNotFoundError`` when it does not exist.
    """
    if not path.exists() and not path.is_symlink():
        raise FileNotFoundError(path)
    raw = read_regular_file(path, limit=limit)

    def refuse(offset: int, message: str) -> InputError:
        line, col = _position(raw, offset)
        return InputError("unreadable JSON", [Diagnostic(path, line, col, message)])

    deep = _too_deep(raw, max_depth)
    if deep is not None:
        raise refuse(deep, f"nested more than {max_depth} levels deep")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise refuse(exc.start, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("unreadable JSON", [Diagnostic(path, exc.lineno, exc.colno,
                                                        f"not valid JSON: {exc.msg}")]) from None
    except (ValueError, RecursionError) as exc:  # a number too long to convert, nesting the scan missed
        raise refuse(0, f"not readable JSON: {exc}") from None
