"""Safe write-back of release files: change text blocks, keep everything else as written.

Every command that writes a release (translate, review import, and anything
later) goes through :func:`write_text_blocks`:

1. values are normalised (CR LF and lone CR become LF) and refused, field by
   field, when they hold a character no document can hold (see
   :func:`unwritable`);
2. the file is edited as a ruamel.yaml round trip, so comments, key order,
   quoting and the layout of unchanged values stay;
3. the new text goes to a temporary file, which is loaded again with the same
   safe loader ``check`` uses and compared with what was meant: every changed
   field equal to its new value, everything else equal to the file before;
   a field whose chosen style did not survive is written again double-quoted
   (YAML's escapes can hold any text); any remaining difference refuses the
   whole write;
4. only then is the file renamed into place, and only if nobody changed it on
   disk meanwhile: from reading the file to the rename, the writer holds the
   file's lock (:func:`pressgen.files.locked`), so of two writers that read the
   same version only the first saves; the other gets
   :class:`~pressgen.files.ChangedOnDisk`.

On refusal the original file is untouched and :class:`WriteBackRefused` names
the fields.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from pressgen.errors import Diagnostic, InputError, PressgenError
from pressgen.files import changed_on_disk, locked, replace_verified
from pressgen.workspace.yamlio import XML_INVALID, LoadedYaml, load_yaml, read_regular_file

# Characters a literal block or plain scalar cannot carry as themselves: tabs (the
# loader refuses them in a file's text), line breaks other than LF, and what YAML
# counts as non-printable. A double-quoted scalar escapes them.
_NEEDS_QUOTES = re.compile("[\t\r\x85\u2028\u2029\ufeff\x7f-\x84\x86-\x9f]")


class WriteBackRefused(PressgenError):
    """A release file was not written: a value could not be held, or did not read back as meant."""


BLOCK_FIELDS = ("body", "notes")  # Markdown fields, written as literal blocks ending in a newline


def normalize(value: str, name: str = "") -> str:
    """Return ``value`` with CR LF and lone CR turned into LF (what a Windows tool sends).

    A Markdown field (``name`` body or notes) also ends with one newline, as a
    literal block does.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if name in BLOCK_FIELDS and value and not value.endswith("\n"):
        value += "\n"
    return value


def unwritable(value: str) -> str | None:
    """Return why ``value`` cannot be written into a release, or None when it can.

    Characters that XML 1.0 (and so DOCX and tagged PDF) cannot hold are refused:
    the loader would reject the file.
    """
    match = XML_INVALID.search(normalize(value))
    if match:
        return f"it holds control character U+{ord(match.group()):04X}, which documents cannot hold"
    return None


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the user's lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _scalar(name: str, value: str, quoted: bool = False) -> Any:
    if name == "source_hash" or quoted or _NEEDS_QUOTES.search(value):
        return DoubleQuotedScalarString(value)  # a hash of digits only must stay text
    if "\n" in value or name in BLOCK_FIELDS:
        return LiteralScalarString(value)
    return value


def plain(value: Any) -> Any:
    """Return ruamel's round-trip objects as plain dicts, lists and strings, for comparison."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return str(value) if isinstance(value, str) else value


def _differences(expected: Any, found: Any, where: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(found, dict):
        out = []
        for key in dict.fromkeys([*expected, *found]):
            out += _differences(expected.get(key), found.get(key), f"{where}.{key}" if where else key)
        return out
    return [] if expected == found else [where or "the file"]


def base_of(loaded: LoadedYaml) -> bytes:
    """Return the bytes of ``loaded``'s file now, if they still are the text it was parsed from.

    A command that edits what it loaded passes them as ``base`` to the write-back,
    which then writes nothing if anyone saved the file in between. Raises
    :class:`~pressgen.files.ChangedOnDisk` when the file differs already.
    """
    raw = read_regular_file(loaded.path)
    # The loader's own decoding: UTF-8 with or without a BOM, CR LF read as LF.
    if raw.decode("utf-8-sig", "replace").replace("\r\n", "\n") != loaded.text:
        raise changed_on_disk(loaded.path)
    return raw


def write_text_blocks(path: Path, blocks: dict[str, dict[str, str]], field_order: Sequence[str],
                      top: Mapping[str, Any] | None = None, base: bytes | None = None,
                      validate: Callable[[Path], None] | None = None) -> None:
    """Set the given fields of ``text.<lang>`` for each language, in place, and save safely.

    Text fields of an existing block that the new values do not mention are
    removed (the source no longer has them); other keys, all comments and the
    layout of unchanged values stay. ``top`` sets top-level keys (date, embargo,
    tags, contacts, facts, images: strings, lists and mappings of them; None
    removes the key).
    ``base``: the file as the editor read it; if the file is not those bytes
    now, nothing is written (someone else saved meanwhile); the comparison and
    the rename happen under the file's lock, as one step. Raises
    :class:`WriteBackRefused` (the file untouched) when a value cannot be held
    or the written file does not read back as meant, :class:`InputError` when
    the file itself no longer loads, and :class:`~pressgen.files.ChangedOnDisk`
    when it changed meanwhile. ``validate`` reads the written file before it is
    renamed into place and raises to refuse it (the studio runs ``check`` there).
    """
    top = dict(top or {})
    blocks = {lang: {name: normalize(value, name) for name, value in values.items()}
              for lang, values in blocks.items()}
    refused = [Diagnostic(path, 1, 1, f"text.{lang}.{name} was not written: {reason}",
                          "remove the character from the translation and try again")
               for lang, values in blocks.items() for name, value in values.items()
               if (reason := unwritable(value)) is not None]
    if refused:
        raise WriteBackRefused(f"{path}: not written", refused)
    with locked(path):  # from reading the file to renaming the new one: no other writer in between
        original = read_regular_file(path)
        if base is not None and original != base:
            raise changed_on_disk(path)
        before = plain(load_yaml(path).data)  # what the file says now, as the loader reads it
        for lang, values in blocks.items():  # a value that only normalises differently is left as written
            old = (before.get("text") or {}).get(lang) or {}
            for name, value in values.items():
                if isinstance(old.get(name), str) and normalize(old[name], name) == value:
                    values[name] = old[name]
        expected = _expected(before, blocks, field_order)
        for key, setting in top.items():
            if setting is None:
                expected.pop(key, None)
            else:
                expected[key] = setting
        quoted: set[tuple[str, str]] = set()
        for _ in range(2):  # a second pass double-quotes the fields whose style did not survive
            data = _edited(original.decode("utf-8-sig"), blocks, field_order, quoted, top)
            failed: list[str] = []
            try:
                replace_verified(path, data, _verifier(path, expected, failed, validate), original)
                return
            except WriteBackRefused:
                retry = {(parts[1], parts[2]) for where in failed
                         if len(parts := where.split(".")) == 3 and parts[0] == "text"} - quoted
                if not retry:
                    break
                quoted |= retry
    raise WriteBackRefused(f"{path}: not written", [Diagnostic(
        path, 1, 1, f"the file was not changed: {where} did not read back as written",
        "please report this with the text that was being written") for where in failed])


def _verifier(path: Path, expected: Any, failed: list[str],
              validate: Callable[[Path], None] | None = None) -> Callable[[Path], None]:
    """Return the check of a written file: it loads, and as ``expected``; what differs goes to ``failed``."""
    def verify(written: Path) -> None:
        try:
            found = plain(load_yaml(written).data)
        except InputError as exc:
            failed.extend(f"the written file does not load: {d.message}" for d in exc.diagnostics)
        else:
            failed.extend(_differences(expected, found))
        if failed:
            raise WriteBackRefused(f"{path}: not written")
        if validate is not None:
            validate(written)

    return verify


def _expected(before: dict[str, Any], blocks: dict[str, dict[str, str]], field_order: Sequence[str]) -> Any:
    """Return the plain data the file must load as after the edit."""
    expected = {**before, "text": {**before.get("text", {})}} if blocks or "text" in before else {**before}
    for lang, values in blocks.items():
        block = dict(expected["text"].get(lang) or {})
        for name in ("status", "source_hash", *field_order):
            if name in values:
                block[name] = values[name]
            elif name in block and name in field_order:
                del block[name]
        expected["text"][lang] = block
    return expected


def _node(value: Any, depth: int = 0) -> Any:
    """A value for the round-trip dump: lists of words and small mappings in flow style ([a, b],
    {nl: …, fr: …}), lists of mappings as blocks, dates plain."""
    if isinstance(value, Mapping):
        mapping = CommentedMap((key, _node(item, depth + 1)) for key, item in value.items())
        if all(isinstance(item, str) and "\n" not in item for item in value.values()) and depth > 0:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_node(item, depth + 1) for item in value)
        if all(isinstance(item, str) for item in value):
            sequence.fa.set_flow_style()
        return sequence
    return _plain_date(value) if isinstance(value, str) and depth == 0 else value


def _update_in_place(node: Any, value: Any) -> bool:
    """Set ``value`` into ``node`` (a round-trip list or mapping) where the two have the same shape: a list
    of the same length, a mapping; returns False, changing nothing, when they do not."""
    if isinstance(node, CommentedSeq) and isinstance(value, list) and len(node) == len(value):
        for index, item in enumerate(value):
            if plain(node[index]) != item and not _update_in_place(node[index], item):
                node[index] = _node(item, 1)
        return True
    if isinstance(node, CommentedMap) and isinstance(value, Mapping):
        for key in [key for key in node if key not in value]:
            del node[key]
        for key, item in value.items():
            if key in node and (plain(node[key]) == item or _update_in_place(node[key], item)):
                continue
            node[key] = _node(item, 1)
        return True
    return False


def _plain_date(value: str) -> Any:
    """A valid ISO date as a date (written plain, read back as the same text); anything else as text."""
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass  # written quoted; check reports it
    return value


def _edited(text: str, blocks: dict[str, dict[str, str]], field_order: Sequence[str],
            quoted: set[tuple[str, str]], top: Mapping[str, Any]) -> bytes:
    yaml = _yaml()
    data = yaml.load(text)
    for key, value in top.items():
        if value is None:
            data.pop(key, None)
        elif plain(data.get(key)) != value:  # an unchanged value keeps its style
            if key in data and _update_in_place(data[key], value):
                continue  # the same shape: only the values that changed are set, comments and styles stay
            node = _node(value)
            if key in data or "date" not in data:
                data[key] = node
            else:  # a new key goes beside the date, not after the texts
                data.insert(list(data).index("date") + 1, key, node)
    text_map = data["text"] if blocks else None  # (pressgen.yaml has no text blocks: top-level keys only)
    for lang, values in blocks.items():
        assert text_map is not None
        block = text_map.get(lang)
        if not isinstance(block, CommentedMap):
            block = CommentedMap()
            text_map[lang] = block
        for name in ("status", "source_hash", *field_order):
            if name in values:
                force = (lang, name) in quoted
                if force or block.get(name) != values[name]:  # an unchanged value keeps its quoting and style
                    block[name] = _scalar(name, values[name], force)
            elif name in block and name in field_order:
                del block[name]
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue().encode("utf-8")
