"""Where documents go: the output pattern of pressgen.yaml, checked once and confined to its folder.

The pattern (``dist/{id}/{id}.{lang}.{format}``) is checked in the load stage,
so ``check`` refuses a pattern that could make two documents collide, leave the
output folder or replace a source file, before any build runs; the build then
resolves every path and refuses one that escapes all the same (a symbolic link
inside the output folder could still point elsewhere).
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

OUTPUT_FIELDS = ("id", "date", "lang", "format", "org")
# Workspace folders that hold sources (and the review exports): never an output folder.
SOURCE_FOLDERS = frozenset({"releases", "assets", "templates", "locales", "review", ".pressgen", ".git"})
MAX_NAME_BYTES = 255  # the limit of a file name on common file systems


@dataclass(frozen=True)
class PatternProblem:
    message: str
    hint: str | None = None


def pattern_problems(pattern: str, languages: int, formats: int) -> list[PatternProblem]:
    """Return what is wrong with an output pattern for a workspace of so many languages and formats.

    Every document must get its own file inside a fixed output folder, with the
    format as its extension, so that no build can overwrite another document,
    pressgen.yaml or a release.
    """
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        return [PatternProblem(f"output pattern is malformed: {exc}",
                               "write placeholders as {id}; double a brace to print it: {{")]
    problems = []
    fields = []
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in OUTPUT_FIELDS:
            problems.append(PatternProblem(f"unknown placeholder {{{name}}} in output",
                                           f"placeholders: {', '.join(OUTPUT_FIELDS)}"))
        elif spec or conversion:
            problems.append(PatternProblem(f"placeholder {{{name}}} takes no format or conversion",
                                           f"write it as {{{name}}}"))
        fields.append(name)
    if problems:
        return problems
    path = PurePosixPath(pattern)
    if path.is_absolute() or pattern.startswith("~") or "\\" in pattern:
        problems.append(PatternProblem("output must be a path inside the workspace, written with '/'",
                                       'e.g. "dist/{id}/{id}.{lang}.{format}"'))
    if any(part in ("..", ".") for part in pattern.split("/")):
        problems.append(PatternProblem("output may not contain '.' or '..' folders",
                                       "documents stay inside their output folder"))
    parts = path.parts
    if len(parts) < 2 or "{" in parts[0]:
        problems.append(PatternProblem("output must start with a fixed folder, such as dist/",
                                       'e.g. "dist/{id}/{id}.{lang}.{format}"'))
    elif parts[0] in SOURCE_FOLDERS:
        problems.append(PatternProblem(f"output may not go into {parts[0]}/: it holds the workspace's sources",
                                       "use a folder of its own, such as dist/"))
    for name, needed in (("id", True), ("lang", languages > 1), ("format", formats > 1)):
        if needed and name not in fields:
            problems.append(PatternProblem(f"output lacks {{{name}}}: two documents would be written to one file",
                                           'e.g. "dist/{id}/{id}.{lang}.{format}"'))
    if not pattern.endswith(".{format}"):
        problems.append(PatternProblem("the file name in output must end with .{format}",
                                       "so that every document gets its extension and never replaces "
                                       "another kind of file"))
    return problems


def _parts(pattern: str, out: Path | None, root: Path) -> tuple[Path, list[str]]:
    parts = list(PurePosixPath(pattern).parts)
    static = []
    while len(parts) > 1 and "{" not in parts[0]:
        static.append(parts.pop(0))
    return (out if out is not None else root.joinpath(*static)), parts


def output_root(pattern: str, root: Path, out: Path | None) -> Path:
    """Return the folder the documents go to: ``out``, or the pattern's leading folders below ``root``."""
    return _parts(pattern, out, root)[0].resolve()


def file_names(pattern: str, values: dict[str, str]) -> list[str]:
    """Return the folder and file names the pattern gives for ``values`` (id, date, lang, format, org)."""
    return [part.format(**values) for part in _parts(pattern, None, Path("."))[1]]


def name_problems(pattern: str, values: dict[str, str]) -> list[PatternProblem]:
    """Return the names, filled in with ``values``, that are too long for a file system."""
    return [PatternProblem(f"output file name '{name[:40]}…' would be {len(name.encode())} bytes long "
                           f"(at most {MAX_NAME_BYTES})", "shorten the release id or the output pattern")
            for name in file_names(pattern, values) if len(name.encode()) > MAX_NAME_BYTES]


class OutsideOutput(ValueError):
    """A document path that resolves outside its output folder."""


def output_path(pattern: str, root: Path, values: dict[str, str], out: Path | None) -> Path:
    """Return where a document goes, resolved; ``values`` fill the pattern.

    With ``out``, the pattern's leading folders that hold no placeholder (``dist/``)
    are replaced by ``out``. Raises :class:`OutsideOutput` when the path resolves
    outside the output folder (through a symbolic link, say).
    """
    base, parts = _parts(pattern, out, root)
    base = base.resolve()
    path = base.joinpath(*(part.format(**values) for part in parts)).resolve()
    if not path.is_relative_to(base) or path == base:
        raise OutsideOutput(f"{path} is outside the output folder {base}")
    return path



def folder_problem(folder: Path, root: Path, sources: list[Path]) -> str | None:
    """Return why documents may not be written into ``folder``, or None when they may.

    A build writes and replaces files all through its output folder and writes
    manifest.json at its top, so the folder may not be the workspace ``root`` or
    hold it, and may not be, lie inside or hold one of the ``sources`` (the
    workspace's releases/, templates/, locales/, assets/, the folders of the
    releases built, pressgen's own templates). A file system's root and the
    user's home folder (or a folder above it) are refused for the same reason.
    """
    folder, root = folder.resolve(), root.resolve()
    if folder == Path(folder.anchor):
        return f"{folder} is the root of the file system"
    try:
        home: Path | None = Path.home().resolve()
    except (RuntimeError, KeyError, OSError):  # no HOME and no password entry: nothing to protect by name
        home = None
    if home is not None and home.is_relative_to(folder):
        return f"{folder} is your home folder" if folder == home else f"{folder} holds your home folder"
    if root.is_relative_to(folder):
        return (f"{folder} is the workspace folder itself" if folder == root
                else f"{folder} holds the workspace {root}")
    for source in dict.fromkeys(source.resolve() for source in sources):
        if folder == source or folder.is_relative_to(source):
            return f"{folder} is {'' if folder == source else 'inside '}{source}, a source folder of the build"
        if source.is_relative_to(folder):
            return f"{folder} holds {source}, a source folder of the build"
    return None
