"""The studio's Markdown editor in the browser tests.

The editor (CodeMirror 6 from the npm registry, pinned by pressgen/studio/editor/package-lock.json) is
bundled by ``scripts/setup-system.sh`` into pressgen/studio/static/vendor/editor.js. Where it is mounted,
a Markdown text area is hidden and a person types into the editor; elsewhere into the text area.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

BUNDLE = Path(__file__).resolve().parents[2] / "pressgen" / "studio" / "static" / "vendor" / "editor.js"

# Skipped only where the bundle cannot be built; with npm at hand, a missing bundle fails the tests.
needs_editor = pytest.mark.skipif(
    not BUNDLE.exists() and shutil.which("npm") is None,
    reason="the studio's editor bundle is not built and cannot be: npm is missing (scripts/setup-system.sh "
           "builds it with npm and esbuild)")


def typed_field(page: Any, name: str) -> Any:
    """What a person types the form field ``name`` into: the editor over its text area, or the field."""
    quoted = name.replace("'", "\\'")
    return page.locator(f"textarea[name='{quoted}'] + .cm-editor .cm-content, "
                        f"textarea[name='{quoted}']:visible, input[name='{quoted}']")


def editor_of(page: Any, name: str) -> Any:
    """The editor mounted over the text area ``name`` (asserting that the bundle is built)."""
    assert BUNDLE.exists(), f"{BUNDLE} is missing: run scripts/setup-system.sh (npm ci and esbuild)"
    return page.locator(f"textarea[name='{name}'] + .cm-editor")


# The name of the form field that has the keyboard focus: the text area itself, or the one under the editor.
FOCUSED_FIELD = """(() => { const editor = document.activeElement.closest('.cm-editor');
    return (editor ? editor.previousElementSibling : document.activeElement).name; })()"""
