"""The package reads as its pipeline: no module imports one above it.

The stages, from the bottom: what every stage uses (errors, files, resources, the
formats table) -> the workspace (YAML -> model) -> the document stage (the localised
view) -> the writers -> the translation state (segments, states, fact parity) -> the
check layer -> the build -> the translators' commands (drafts, review files, TMX,
catalogs, status) -> distribution (newsroom, mail, feeds) -> the studio -> the command line and the public API.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

PACKAGE = ROOT / "pressgen"
LAYERS: list[tuple[str, ...]] = [
    ("pressgen.errors", "pressgen.files", "pressgen.resources", "pressgen.formats"),
    ("pressgen.workspace",),
    ("pressgen.document",),
    ("pressgen.writers",),
    ("pressgen.translation.segments", "pressgen.translation.state", "pressgen.translation.parity",
     "pressgen.translation.workspace_segments"),
    ("pressgen.check",),
    ("pressgen.builder",),
    ("pressgen.translation",),
    ("pressgen.distribution",),
    ("pressgen.studio",),
    ("pressgen.cli", "pressgen"),
]


def layer(module: str) -> int:
    """The layer of a module: the one of the longest prefix that names it."""
    best, found = -1, -1
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), number
    assert found >= 0, f"{module} is in no layer: add it to LAYERS"
    return found


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """Every pressgen module ``path`` imports, at the top or inside a function, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "pressgen":
            # the package itself is the public API at the top; only its version may be read from below
            found += [(node.lineno, "pressgen") for a in node.names if a.name != "__version__"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("pressgen"):
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names
                      if (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).with_suffix(".py").exists()
                      or (PACKAGE.parent / f"{node.module}.{a.name}".replace(".", "/")).is_dir()]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("pressgen")]
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def test_no_module_imports_one_above_it_in_the_pipeline() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        for line, target in imports(path):
            if target.startswith("."):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: relative import {target} (import by full name)")
            elif layer(target) > layer(name):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {name} (layer {layer(name)}) imports "
                             f"{target} (layer {layer(target)})")
    assert not wrong, "\n".join(wrong)


def test_the_load_stage_never_imports_a_writer() -> None:
    for path in sorted((PACKAGE / "workspace").rglob("*.py")):
        assert not [t for _, t in imports(path) if t.startswith(("pressgen.writers", "pressgen.document"))], path
