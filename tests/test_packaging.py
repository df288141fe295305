"""A non-editable install carries its templates and catalogs and renders on its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SEED_IDS, SEEDS


def test_installed_package_renders_without_the_source_tree(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(ROOT)], check=True, capture_output=True)
    # The single source is templates/ and locales/ at the top of the repository; the install holds copies.
    assert (ROOT / "templates").is_dir() and (ROOT / "pressgen" / "templates").is_symlink()
    for folder in ("templates", "locales"):
        assert (target / "pressgen" / folder).is_dir() and not (target / "pressgen" / folder).is_symlink()
    assert (target / "pressgen" / "templates" / "reference.docx").is_file()
    assert (target / "pressgen" / "locales" / "fr" / "LC_MESSAGES" / "pressgen.po").is_file()
    script = (
        "import pressgen, sys; from pathlib import Path;"
        "assert str(Path(pressgen.__file__)).startswith(sys.argv[1]), pressgen.__file__;"
        "r = pressgen.build([Path(sys.argv[2])], pressgen.BuildOptions(out=Path(sys.argv[3])));"
        "sys.exit(0 if r.ok and r.count('built') == 6 * int(sys.argv[4]) else 1)"
    )
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-c", script, str(target), str(SEEDS), str(out), str(len(SEED_IDS))],
                            cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert len(list(out.rglob("*.fr.pdf"))) == len(SEED_IDS)
