"""Round-trip edits of release files: change text blocks, keep everything else as written.

Comments, key order, quoting and layout survive (ruamel.yaml round trip); the
file is replaced atomically.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from .files import write_atomic


def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap the user's lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _scalar(name: str, value: str) -> Any:
    if name == "source_hash":
        return DoubleQuotedScalarString(value)  # a hash of digits only must stay text
    if "\n" in value or name in ("body", "notes"):
        return LiteralScalarString(value if value.endswith("\n") else value + "\n")
    return value


def write_text_blocks(path: Path, blocks: dict[str, dict[str, str]], field_order: Sequence[str]) -> None:
    """Set the given fields of ``text.<lang>`` for each language, in place, and save.

    Text fields of an existing block that the new values do not mention are
    removed (the source no longer has them); other keys, all comments and the
    layout of unchanged values stay.
    """
    yaml = _yaml()
    data = yaml.load(path.read_text(encoding="utf-8"))
    text = data["text"]
    for lang, values in blocks.items():
        block = text.get(lang)
        if not isinstance(block, CommentedMap):
            block = CommentedMap()
            text[lang] = block
        for name in ("status", "source_hash", *field_order):
            if name in values:
                if block.get(name) != values[name]:  # an unchanged value keeps its quoting and style
                    block[name] = _scalar(name, values[name])
            elif name in block and name in field_order:
                del block[name]
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    write_atomic(path, buffer.getvalue().encode("utf-8"))
