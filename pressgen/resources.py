"""Where templates and label catalogs are found: the workspace first, then the package.

Like a theme's ``custom_dir``: a workspace overrides a packaged file by putting
one with the same name in its own ``templates/`` or ``locales/`` folder.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED_TEMPLATES = PACKAGE_DIR / "templates"
PACKAGED_LOCALES = PACKAGE_DIR / "locales"
DOMAIN = "pressgen"
# What a build's output can depend on inside the package: code, templates, catalogs, schemas.
_CODE_SUFFIXES = {".py", ".html", ".css", ".js", ".docx", ".po", ".pot", ".xsd", ".dtd", ".cfg"}


@functools.cache
def code_fingerprint() -> str:
    """Return a digest of pressgen's own files: its code, packaged templates, catalogs and schemas.

    The build cache keys every document on it, so an upgrade (or any edit of an
    installed pressgen, a comment included) rebuilds documents made by the old code.
    """
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(PACKAGE_DIR, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = Path(folder) / name
            if path.suffix in _CODE_SUFFIXES:
                digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def template_dirs(workspace_root: Path | None) -> list[Path]:
    """Return the template folders to search, most specific first."""
    dirs = [workspace_root / "templates"] if workspace_root else []
    return [d for d in dirs if d.is_dir()] + [PACKAGED_TEMPLATES]


def find_template(workspace_root: Path | None, name: str) -> Path:
    """Return the first file called ``name`` along the template search path."""
    for folder in template_dirs(workspace_root):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(name)


def catalog_paths(workspace_root: Path | None, lang: str) -> list[Path]:
    """Return the existing PO files for ``lang``, packaged first, workspace last (it wins)."""
    candidates = [PACKAGED_LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"]
    if workspace_root:
        candidates.append(workspace_root / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
    return [p for p in candidates if p.is_file()]
