"""axe-core, the accessibility checker, run in a page that Playwright drives.

axe-core comes from the npm registry, pinned by tests/js/package-lock.json and installed
into tests/js/node_modules by ``scripts/setup-system.sh test`` (``npm ci``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"


WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_violations(page: Any, tags: tuple[str, ...] = WCAG_AA) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; return its violations (id, impact, help, the nodes' targets)."""
    assert AXE.exists(), f"{AXE} is missing: run 'scripts/setup-system.sh test' (npm ci in tests/js)"
    # evaluated through the DevTools protocol, which a page's Content Security Policy does not govern
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags))
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [node["target"] for node in v["nodes"]]} for v in result["violations"]]
