"""A media list: the journalists ``pressgen mail`` writes to, read from a user's CSV or YAML file.

It lives in the workspace stage because it is input, read like a release: every problem
(a missing column, an e-mail address that is not one, a language the workspace does not
write, a journalist listed twice) is a :class:`~pressgen.errors.Diagnostic` at its
``file:line:col``, all of them collected in one pass, and nothing is sent while there is one.

CSV: a header row naming the columns ``name,email,language,outlet,tags`` (any order; ``email``
and ``language`` are required, the others may be left out), separated by commas, semicolons
(as a Belgian spreadsheet exports it) or tabs; ``tags`` holds several tags separated by ``;``
or ``|`` (or ``,`` inside quotes). YAML: ``journalists:``, a list of mappings with the same keys,
``tags`` a list or a string.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from pressgen.errors import Diagnostic, InputError
from pressgen.workspace.yamlio import LoadedYaml, load_yaml, read_regular_file

COLUMNS = ("name", "email", "language", "outlet", "tags")
REQUIRED = ("email", "language")
MAX_LIST_BYTES = 32 * 1024 * 1024  # a few hundred thousand journalists
_TAG_SEPARATORS = re.compile(r"[;|,]")


@dataclass(frozen=True)
class Recipient:
    """One journalist: ``email`` as normalised by email-validator (the key the send log knows them by)."""

    name: str
    email: str
    language: str
    outlet: str = ""
    tags: tuple[str, ...] = ()
    line: int = 0  # where in the media list, for messages

    @property
    def key(self) -> str:
        """The recipient's identity: the address, lower-cased (two spellings of one mailbox are one person)."""
        return self.email.lower()


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, tuple[Any, int, int]]  # column -> (value, line, col)


def read_media_list(path: Path, languages: Sequence[str]) -> list[Recipient]:
    """Return the recipients of the media list at ``path`` (``.csv``, ``.yaml`` or ``.yml``).

    ``languages`` are the languages a recipient may ask for (the workspace's). Raises
    :class:`InputError` carrying every problem of the file, each at its line and column.
    """
    if path.suffix.lower() in (".yaml", ".yml"):
        rows, problems = _yaml_rows(path)
    else:
        rows, problems = _csv_rows(path)
    recipients: list[Recipient] = []
    first_seen: dict[str, int] = {}
    for row in rows:
        recipient, row_problems = _recipient(path, row, languages)
        problems += row_problems
        key = recipient.key if recipient else str(row.values.get("email", ("",))[0] or "").strip().lower()
        if key and key in first_seen:
            _, line, col = row.values["email"]
            problems.append(Diagnostic(path, line, col, f"{key} is listed twice (first on line "
                                       f"{first_seen[key]})", "keep one row per journalist"))
            continue
        if key:
            first_seen[key] = row.line
        if recipient is not None:
            recipients.append(recipient)
    if not problems and not recipients:
        problems.append(Diagnostic(path, 1, 1, "the media list names no journalist",
                                   f"one row per journalist with the columns {','.join(COLUMNS)}"))
    if problems:
        raise InputError(f"{path}: invalid media list", sorted(problems, key=lambda d: (d.line, d.col)))
    return recipients


def _recipient(path: Path, row: _Row, languages: Sequence[str]) -> tuple[Recipient | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []

    def text(column: str) -> str:
        value = row.values.get(column, ("", row.line, 1))[0]
        return "" if value is None else str(value).strip()

    def at(column: str, message: str, hint: str | None = None) -> None:
        _, line, col = row.values.get(column, (None, row.line, 1))
        problems.append(Diagnostic(path, line, col, message, hint))

    email, language = text("email"), text("language")
    normalised = ""
    if not email:
        at("email", "no e-mail address", "every journalist needs an address in the email column")
    else:
        try:
            normalised = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            at("email", f"'{email}' is not an e-mail address: {exc}")
    if not language:
        at("language", "no language", f"write one of {', '.join(languages)}")
    elif language.lower() not in languages:
        at("language", f"unknown language '{language}'",
           f"the workspace writes {', '.join(languages)}; a journalist reading another language gets the "
           "release's source language: write that one")
    for column in ("name", "outlet"):
        value = row.values.get(column, ("",))[0]
        if value is not None and not isinstance(value, str | int | float):
            at(column, f"{column} must be text")
        elif any(ch in str(value) for ch in "\r\n\x00"):
            at(column, f"{column} may not hold a line break or control character")
    tags = _tags(row.values.get("tags", (None,))[0])
    if tags is None:
        at("tags", "tags must be text or a list of texts")
    if problems:
        return None, problems
    return Recipient(text("name"), normalised, language.lower(), text("outlet"), tuple(tags or ()), row.line), []


def _tags(value: Any) -> list[str] | None:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [tag.strip() for tag in _TAG_SEPARATORS.split(value) if tag.strip()]
    if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
        return [tag.strip() for tag in value if tag.strip()]
    return None


# --- CSV -----------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> tuple[list[_Row], list[Diagnostic]]:
    raw = read_regular_file(path, MAX_LIST_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError("not UTF-8", [Diagnostic(path, line, 1, "the media list is not UTF-8 text",
                                                  "save it from the spreadsheet as 'CSV UTF-8'")]) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [Diagnostic(path, 1, 1, "the media list has no header row",
                               f"start it with the column names: {','.join(COLUMNS)}")]
    delimiter = max(",;\t", key=lines[0].count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[Diagnostic] = []
    rows: list[_Row] = []
    columns: list[str] = []
    start = 1
    try:
        for record in reader:
            end = reader.line_num
            line_text = lines[start - 1] if start - 1 < len(lines) else ""
            cols = _field_columns(line_text, delimiter) if start == end else []
            position = (lambda i, s=start, c=cols: (s, c[i] if i < len(c) else 1))  # noqa: E731
            if not columns:
                columns = [cell.strip().lower() for cell in record]
                problems += _header_problems(path, columns, position)
                if not set(REQUIRED) <= set(columns):  # every row would say so again
                    return [], problems
            elif any(cell.strip() for cell in record):
                if len(record) > len(columns):
                    line, col = position(len(columns))
                    problems.append(Diagnostic(path, line, col, f"{len(record)} fields, but the header names "
                                               f"{len(columns)} columns", f"quote a value that holds a "
                                               f"'{delimiter}'"))
                values = {name: (record[i] if i < len(record) else "", *position(min(i, len(record))))
                          for i, name in enumerate(columns) if name in COLUMNS}
                rows.append(_Row(start, values))
            start = end + 1
    except csv.Error as exc:
        problems.append(Diagnostic(path, reader.line_num or start, 1, f"not readable as CSV: {exc}",
                                   'a value with quotes is written "like ""this"""'))
    return rows, problems


def _header_problems(path: Path, columns: list[str], position: Callable[[int], tuple[int, int]]
                     ) -> list[Diagnostic]:
    problems = []
    for index, name in enumerate(columns):
        line, col = position(index)
        if name not in COLUMNS:
            problems.append(Diagnostic(path, line, col, f"unknown column '{name}'",
                                       f"the columns are {','.join(COLUMNS)}"))
        elif columns.index(name) != index:
            problems.append(Diagnostic(path, line, col, f"column '{name}' appears twice"))
    for name in REQUIRED:
        if name not in columns:
            problems.append(Diagnostic(path, 1, 1, f"no '{name}' column",
                                       f"the header row names the columns, e.g. {','.join(COLUMNS)}"))
    return problems


def _field_columns(line: str, delimiter: str) -> list[int]:
    """The 1-based column where each field of a one-line CSV record starts (quotes hold delimiters)."""
    starts, quoted = [1], False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            starts.append(index + 2)
    return starts


# --- YAML ----------------------------------------------------------------------------------------


def _yaml_rows(path: Path) -> tuple[list[_Row], list[Diagnostic]]:
    loaded = load_yaml(path)
    data = loaded.data.get("journalists")
    extra = [loaded.diagnostic((key,), f"unknown key '{key}'", "a YAML media list holds only 'journalists:'")
             for key in loaded.data if key != "journalists"]
    if not isinstance(data, CommentedSeq):
        return [], extra + [loaded.diagnostic(("journalists",), "a YAML media list is 'journalists:', a list",
                                              "write one '- {name: …, email: …, language: …, outlet: …, "
                                              "tags: […]}' per journalist under 'journalists:'")]
    rows, problems = [], extra
    for index, item in enumerate(data):
        line, col = loaded.locate(("journalists", index))
        if not isinstance(item, CommentedMap):
            problems.append(Diagnostic(path, line, col, "each journalist is a mapping with the keys "
                                       f"{', '.join(COLUMNS)}"))
            continue
        problems += [loaded.diagnostic(("journalists", index, key), f"unknown key '{key}'",
                                       f"the keys are {', '.join(COLUMNS)}") for key in item if key not in COLUMNS]
        rows.append(_Row(line, {key: (_plain(item[key]), *_place(loaded, ("journalists", index, key)))
                                for key in item if key in COLUMNS}))
    return rows, problems


def _place(loaded: LoadedYaml, loc: Iterable[str | int]) -> tuple[int, int]:
    return loaded.locate(tuple(loc))


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, CommentedSeq) else value
