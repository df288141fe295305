"""Where templates and label catalogs are found: the workspace first, then the package.

Like a theme's ``custom_dir``: a workspace overrides a packaged file by putting
one with the same name in its own ``templates/`` or ``locales/`` folder.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED_TEMPLATES = PACKAGE_DIR / "templates"
PACKAGED_LOCALES = PACKAGE_DIR / "locales"
DOMAIN = "pressgen"


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
