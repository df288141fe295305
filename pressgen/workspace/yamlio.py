"""Safe YAML loading that keeps positions, so every later error can say file:line:col.

Input is untrusted: no object construction, no aliases (refusing them outright
defeats alias bombs), no explicit tags, no duplicate keys, no tabs, UTF-8 only.
Timestamps stay strings so that validation, not the YAML parser, judges dates
(an impossible date must be a positioned error, not a crash).
"""

from __future__ import annotations

import copy
import os
import re
import stat
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from pressgen.errors import Diagnostic, InputError

# Characters that XML 1.0 (and so DOCX, and PDF tags) cannot hold.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

Loc = Sequence[str | int]

# Bounds on untrusted files: a release is a few kilobytes and a handful of levels deep.
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32


class _StringTimestampConstructor(RoundTripConstructor):
    """Round-trip constructor that leaves timestamps as the text the user wrote."""


_StringTimestampConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", _StringTimestampConstructor.construct_yaml_str
)


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.Constructor = _StringTimestampConstructor
    yaml.allow_duplicate_keys = False
    return yaml


@dataclass
class LoadedYaml:
    """A parsed YAML document with the text it came from, for positions."""

    path: Path
    text: str
    data: Any

    def locate(self, loc: Loc) -> tuple[int, int]:
        """Return the 1-based (line, col) of the node at ``loc``, or of its nearest ancestor.

        A mapping entry points at its key, a scalar leaf at its value.
        """
        line, col = 0, 0
        node = self.data
        for index, part in enumerate(loc):
            last = index == len(loc) - 1
            if isinstance(node, CommentedMap) and part in node:
                child = node[part]
                scalar = not isinstance(child, (CommentedMap, CommentedSeq))
                line, col = node.lc.value(part) if (last and scalar) else node.lc.key(part)
                node = child
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                line, col = node.lc.item(part)
                node = node[part]
            else:
                break
        return line + 1, col + 1

    def locate_in_text(self, loc: Loc, text_line: int) -> tuple[int, int]:
        """Return the position of line ``text_line`` (0-based) inside the string at ``loc``.

        Block scalars (``|`` and ``>``) start on the line after their indicator; for
        other styles the value's own position is the best we know.
        """
        line, col = self.locate(loc)
        node: Any = self.data
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return line, col
        if isinstance(node, (LiteralScalarString, FoldedScalarString)):
            target = line + 1 + text_line
            lines = self.text.splitlines()
            if 0 < target <= len(lines):
                source_line = lines[target - 1]
                return target, len(source_line) - len(source_line.lstrip(" ")) + 1
        return line, col

    def position_in_text(self, loc: Loc, line: int, col: int) -> tuple[int, int, list[str]] | None:
        """Where the file's 1-based ``line:col`` falls in the string at ``loc``: its 0-based line and column
        there, with the string's lines. A literal block (``|``) maps line for line, a one-line scalar column
        for column (quoted: after its quote). None when the file's lines do not show the value as it is
        (a folded ``>`` block, a string over several lines) or the position is outside it."""
        node: Any = self.data
        for part in loc:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        if not isinstance(node, str) or isinstance(node, FoldedScalarString):
            return None
        value_line, value_col = self.locate(loc)
        file_lines = self.text.split("\n")
        if not 0 < line <= len(file_lines):
            return None
        file_line, lines = file_lines[line - 1], node.split("\n")
        if isinstance(node, LiteralScalarString):
            number = line - value_line  # the block starts on the line after its '|'
            if not 0 < number <= len(lines) or not file_line.endswith(lines[number - 1]):
                return None
            return number - 1, max(0, col - 1 - (len(file_line) - len(lines[number - 1]))), lines
        if len(lines) == 1 and line == value_line:
            quoted = file_line[value_col - 1:value_col] in ("'", '"')
            return 0, max(0, col - value_col - (1 if quoted else 0)), lines
        return None

    def diagnostic(self, loc: Loc, message: str, hint: str | None = None) -> Diagnostic:
        """Return an error diagnostic positioned at ``loc``."""
        line, col = self.locate(loc)
        return Diagnostic(self.path, line, col, message, hint)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            "not UTF-8",
            [Diagnostic(path, line, col, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                        "save the file as UTF-8 (most editors offer it in 'Save as')")],
        ) from None
    return text.replace("\r\n", "\n")


# Git's conflict markers: seven '<', '|', '=' or '>' at the start of a line ('=' alone on it).
_CONFLICT_MARKER = re.compile(r"^(?:(<{7}|\|{7}|>{7})(?:[ \t].*)?|(={7}))$", re.M)
CONFLICT_HINT = "resolve the conflict (keep one side) and run check again"


def conflict_problems(path: Path, text: str) -> list[Diagnostic]:
    """Return an error at each unresolved merge conflict of ``text`` (``<<<<<<<`` … ``>>>>>>>``).

    Each conflict is reported once, at its opening marker's line; a marker left over
    outside a conflict is reported where it stands. A file with no ``<<<<<<<`` or
    ``>>>>>>>`` line has no conflict (a line of seven '=' alone is not taken for one).
    Shared by every reader of a file users merge: YAML here, PO catalogs in :mod:`pressgen.workspace.labels`.
    """
    markers = [(_position(text, match.start())[0], match.group(0).strip())
               for match in _CONFLICT_MARKER.finditer(text)]
    if not any(marker[0] in "<>" for _, marker in markers):
        return []
    problems = []
    opened: tuple[int, str] | None = None
    for line, marker in [*markers, (0, "")]:  # the sentinel closes a conflict left open at the end
        if opened is not None and not marker.startswith((">", "|", "=")):
            problems.append(Diagnostic(path, opened[0], 1, f"unresolved merge conflict: '{opened[1]}' has no "
                                       "closing '>>>>>>>' line", CONFLICT_HINT))
            opened = None
        if marker.startswith("<"):
            opened = (line, marker)
        elif marker.startswith(">") and opened is not None:
            problems.append(Diagnostic(path, opened[0], 1, f"unresolved merge conflict: lines {opened[0]}-{line} "
                                       f"hold two versions, from '{opened[1]}' to '{marker}'", CONFLICT_HINT))
            opened = None
        elif marker and opened is None:
            problems.append(Diagnostic(path, line, 1, f"unresolved merge conflict: marker '{marker}' is left over",
                                       CONFLICT_HINT))
    return problems


def _lexical_problems(path: Path, text: str) -> list[Diagnostic]:
    problems = []
    for match in re.finditer("\t", text):
        line, col = _position(text, match.start())
        problems.append(Diagnostic(path, line, col, "tab character",
                                   "YAML indentation must use spaces; replace tabs by spaces"))
        if len(problems) >= 5:
            break
    return problems


def _structural_problems(path: Path, text: str) -> list[Diagnostic]:
    """Aliases, explicit tags, merge keys and deep nesting, found from the event stream before anything is built.

    The event parser is iterative, so a file nested thousands of levels deep is
    reported here before the (recursive) composer could run out of stack.
    """
    problems = []
    depth = 0
    for event in _yaml().parse(text):
        mark = event.start_mark
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(Diagnostic(path, mark.line + 1, mark.column + 1,
                                           f"nested more than {MAX_DEPTH} levels deep",
                                           "a release needs only a few levels of lists and mappings"))
                break
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        if isinstance(event, ScalarEvent) and event.value == "<<" and event.style is None:
            problems.append(Diagnostic(path, mark.line + 1, mark.column + 1, "merge key '<<' is not allowed",
                                       "write the keys out in full; merge keys are refused"))
        elif isinstance(event, AliasEvent):
            problems.append(Diagnostic(path, mark.line + 1, mark.column + 1,
                                       f"alias *{event.anchor} is not allowed",
                                       "write the value out in full; anchors and aliases are refused"))
        elif isinstance(event, (ScalarEvent, CollectionStartEvent)) and event.tag is not None:
            explicit = not (isinstance(event, ScalarEvent) and event.implicit[0])
            if explicit and str(event.tag) not in ("tag:yaml.org,2002:str", "!"):
                problems.append(Diagnostic(path, mark.line + 1, mark.column + 1,
                                           f"explicit tag {event.tag} is not allowed",
                                           "remove the tag; values are plain text, lists and mappings"))
    return problems


def _walk_strings(data: Any, loc: tuple[str | int, ...] = ()) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield (*loc, key), key
            yield from _walk_strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _walk_strings(value, (*loc, index))
    elif isinstance(data, str):
        yield loc, data


def read_regular_file(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Return the bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    A FIFO, device or folder named like a release is refused without blocking on
    it (opened non-blocking, judged by ``fstat`` of what was opened, so a file
    swapped in between cannot slip through). Raises :class:`InputError`.
    """
    def refuse(message: str, hint: str | None = None) -> InputError:
        return InputError("unreadable", [Diagnostic(path, 1, 1, message, hint)])

    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise refuse(f"cannot read file: {exc.strerror}") from None
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        raise refuse("not a regular file", "pressgen reads only plain files; remove or rename this one")
    if info.st_size > limit:
        os.close(handle)
        raise refuse(f"file is too large ({info.st_size} bytes; at most {limit})",
                     "a release or workspace file is a few kilobytes; is this the right file?")
    with os.fdopen(handle, "rb") as stream:
        try:
            raw = stream.read(limit + 1)
        except OSError as exc:
            raise refuse(f"cannot read file: {exc.strerror}") from None
    if len(raw) > limit:
        raise refuse(f"file is too large (more than {limit} bytes)")
    return raw


def _syntax_hint(message: str, text: str, line: int) -> str:
    """A hint for a YAML syntax error that a writer who is not a programmer understands."""
    if "duplicate" in message:
        return "each key may appear only once in a mapping"
    lines = text.split("\n")
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    key, _, value = here.partition(": ")
    if "mapping values are not allowed" in message and value.strip():
        quoted = value.strip().replace('"', '\\"')
        return (f"the text after '{key.strip()}:' contains ': ', which YAML reads as a new key; put the text in "
                f'quotes: {key.strip()}: "{quoted}"')
    if value.strip().startswith(("*", "&", "@", "`", "%", "[", "{")) or "found undefined alias" in message:
        return f"a text starting with '{value.strip()[:1]}' must be put in quotes: {key.strip()}: \"{value.strip()}\""
    return "check indentation (spaces, the same as the lines around) and quoting around this place"


def load_yaml(path: Path) -> LoadedYaml:
    """Parse ``path`` safely and return it with positions.

    Raises :class:`InputError` with positioned diagnostics for unreadable,
    empty, non-UTF-8 or malformed files, unresolved merge conflicts, tabs, aliases,
    tags, duplicate keys and control characters.
    """
    raw = read_regular_file(path)
    with _PARSED_LOCK:
        parsed = _PARSED.get(raw)
        if parsed is not None:
            _PARSED.move_to_end(raw)
    if parsed is not None:  # a copy: a caller may change what it was given
        return LoadedYaml(path, parsed.text, copy.deepcopy(parsed.data))
    loaded = _parse(path, raw)
    if len(raw) > PARSED_KEPT_BYTES:  # memory is bounded: a large file is parsed each time
        return loaded
    with _PARSED_LOCK:
        _PARSED[raw] = LoadedYaml(path, loaded.text, copy.deepcopy(loaded.data))
        while len(_PARSED) > PARSED_KEPT:
            _PARSED.popitem(last=False)
    return loaded


# The files parsed last, by their bytes: the studio's save reads the same bytes four times (the file
# before the edit, the written file, its check, the release page after the save), and a build's check
# and render read each release more than once. Only files that parsed cleanly are kept, so every
# problem is still reported with the path it was found at.
PARSED_KEPT = 64
PARSED_KEPT_BYTES = 256 * 1024  # a release is a few kilobytes
_PARSED: OrderedDict[bytes, LoadedYaml] = OrderedDict()
_PARSED_LOCK = threading.Lock()


def _parse(path: Path, raw: bytes) -> LoadedYaml:
    text = _decode(path, raw)
    if not text.strip():
        raise InputError("empty", [Diagnostic(path, 1, 1, "file is empty",
                                              "run 'pressgen new ID' to scaffold a release")])
    problems = conflict_problems(path, text)
    if problems:
        raise InputError("merge conflict", problems)
    problems = _lexical_problems(path, text)
    if problems:
        raise InputError("tabs", problems)
    try:
        problems = _structural_problems(path, text)
        if problems:
            raise InputError("aliases or tags", problems)
        data = _yaml().load(text)
    except ReaderError as exc:
        line, col = _position(text, exc.position)
        raise InputError("control character", [Diagnostic(
            path, line, col, f"control character U+{exc.character:04X} is not allowed",
            "remove it; it is usually an invisible leftover of copy and paste")]) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        message = message.split("\n")[0]
        hint = _syntax_hint(message, text, line)
        raise InputError("malformed YAML", [Diagnostic(path, line, col, message, hint)]) from None
    except YAMLError as exc:
        raise InputError("malformed YAML", [Diagnostic(path, 1, 1, str(exc).split("\n")[0])]) from None
    loaded = LoadedYaml(path, text, data)
    problems = []
    for loc, value in _walk_strings(data):
        match = XML_INVALID.search(value)
        if match:
            line, col = loaded.locate(loc)
            problems.append(Diagnostic(path, line, col,
                                       f"control character U+{ord(match.group()):04X} is not allowed",
                                       "remove it; documents cannot hold this character"))
    if problems:
        raise InputError("control characters", problems)
    if not isinstance(data, CommentedMap):
        raise InputError("not a mapping", [Diagnostic(path, 1, 1, "the file must be a mapping of keys to values")])
    return loaded


# --- text that word processors paste ------------------------------------------------------------

SEPARATORS = {"\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def separators(text: str) -> list[str]:
    """Return the distinct line and paragraph separators in ``text``."""
    return [char for char in SEPARATORS if char in text]


def plain_separators(value: Any) -> Any:
    """Return ``value`` (YAML data) with every line or paragraph separator in its texts read as a space.

    Mappings and lists are copied only where a text changes; everything else is returned as it is.
    """
    if isinstance(value, str):
        if "\u2028" in value or "\u2029" in value:
            return value.replace("\u2028", " ").replace("\u2029", " ")
        return value
    if isinstance(value, dict):
        changed = {key: plain_separators(item) for key, item in value.items()}
        return changed if any(changed[key] is not value[key] for key in value) else value
    if isinstance(value, list):
        items = [plain_separators(item) for item in value]
        return items if any(new is not old for new, old in zip(items, value, strict=True)) else value
    return value
