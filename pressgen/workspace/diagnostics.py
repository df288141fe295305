"""pydantic's validation errors in a writer's words, each at its position in the YAML file."""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from pressgen.errors import Diagnostic
from pressgen.workspace.yamlio import LoadedYaml


def _unwrap(annotation: Any) -> Any:
    """Return the model class inside an Optional/union/list/dict annotation, if any."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        for arg in get_args(annotation):
            found = _unwrap(arg)
            if isinstance(found, type) and issubclass(found, BaseModel):
                return found
    return annotation


def _fields_at(model: Any, loc: Iterable[str | int]) -> list[str]:
    """Return the field names the model declares at ``loc`` (for "did you mean")."""
    current = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            if info is None:
                continue  # a union branch tag such as 'Contact' or 'str'
            current = info.annotation
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        elif get_origin(current) is list:
            current = get_args(current)[0]
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [name for name, info in current.model_fields.items() if not info.exclude]
    return []


def _yaml_loc(loaded: LoadedYaml, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop the parts of a pydantic loc that name union branches rather than YAML keys."""
    kept: list[str | int] = []
    node: Any = loaded.data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            kept.append(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            kept.append(part)
        elif isinstance(node, dict) and part == loc[-1]:
            kept.append(part)  # a missing or unknown key: keep it for the message
    return tuple(kept)


def _describe(error: Any, loc: tuple[str | int, ...], model: Any) -> tuple[str, str | None]:
    name = ".".join(str(p) for p in loc) or "file"
    kind = error["type"]
    if kind == "missing":
        parent = ".".join(map(str, loc[:-1])) or "the top level"
        return f"missing field '{loc[-1]}'", f"add '{loc[-1]}:' under '{parent}'"
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known fields: {', '.join(known)}"
        return f"unknown field '{loc[-1]}'", hint
    if kind.startswith(("date", "datetime")):
        return f"{name}: '{error.get('input')}' is not a valid date or time: {error['msg'].split(', ')[-1]}", \
            "write dates as YYYY-MM-DD and times as YYYY-MM-DDTHH:MM:SS+01:00"
    if kind == "string_pattern_mismatch" and loc[-1] == "color":
        return f"{name}: '{error.get('input')}' is not a colour", "write colours as #RRGGBB, e.g. #0033A0"
    if kind in ("string_type", "dict_type"):
        return f"{name}: expected text, not {_kind_of(error.get('input'))}", \
            "put quotes around values that YAML would read as numbers, dates or booleans"
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    return f"{name}: {message}", None


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


def pydantic_diagnostics(loaded: LoadedYaml, exc: ValidationError, model: Any) -> list[Diagnostic]:
    seen: set[tuple[str | int, ...]] = set()
    out = []
    for error in exc.errors():
        if error["type"] == "string_type" and isinstance(error.get("input"), dict) and "str" in error["loc"]:
            continue  # a mapping where text or a mapping may stand: the mapping branch's errors say more
        loc = _yaml_loc(loaded, tuple(error["loc"]))
        if loc in seen:  # one message per place, even when several union branches failed
            continue
        seen.add(loc)
        message, hint = _describe(error, loc, model)
        out.append(loaded.diagnostic(loc, message, hint))
    return out


# --- the workspace -------------------------------------------------------------------------


