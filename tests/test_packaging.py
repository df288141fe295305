"""A non-editable install carries its templates and catalogs and renders on its own."""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

from helpers import ROOT, SEED_IDS, SEEDS


def test_a_non_editable_install_in_a_fresh_venv_renders_the_seeds(tmp_path: Path) -> None:
    venv = tmp_path / "fresh"
    # The fresh install runs on its own: a PYTHONPATH pointing at a source tree (a worktree's) would shadow it.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    packages = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   check=True, capture_output=True, text=True, env=env).stdout.strip())
    # The dependencies come from this test's environment (no network needed); pressgen itself is installed
    # from the repository, not editable, so it may not read the source tree.
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    (packages / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(ROOT)],
                   check=True, capture_output=True, env=env)
    installed = packages / "pressgen"
    # The single source is templates/ and locales/ at the top of the repository; the install holds copies.
    assert (ROOT / "templates").is_dir() and (ROOT / "pressgen" / "templates").is_symlink()
    for folder in ("templates", "locales"):
        assert (installed / folder).is_dir() and not (installed / folder).is_symlink()
    assert (installed / "templates" / "reference.docx").is_file()
    assert (installed / "locales" / "fr" / "LC_MESSAGES" / "pressgen.po").is_file()
    script = (
        "import pressgen, sys; from pathlib import Path;"
        "assert str(Path(pressgen.__file__)).startswith(sys.argv[1]), pressgen.__file__;"
        "r = pressgen.build([Path(sys.argv[2])], pressgen.BuildOptions(out=Path(sys.argv[3])));"
        "sys.exit(0 if r.ok and r.count('built') == 6 * int(sys.argv[4]) else 1)"
    )
    out = tmp_path / "out"
    result = subprocess.run([str(python), "-c", script, str(installed), str(SEEDS), str(out), str(len(SEED_IDS))],
                            cwd=tmp_path, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert len(list(out.rglob("*.fr.pdf"))) == len(SEED_IDS)

    # Any change to the installed code, a comment included, rebuilds the documents made by the old code.
    rebuild = [str(venv / "bin" / "pressgen"), "build", str(SEEDS), "--out", str(out)]
    again = subprocess.run(rebuild, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert again.returncode == 0 and "nothing to do" in again.stdout, again.stdout + again.stderr
    module = installed / "document" / "typography.py"
    module.write_text(module.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    changed = subprocess.run(rebuild, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert changed.returncode == 0, changed.stderr
    assert f"{6 * len(SEED_IDS)} built" in changed.stdout, changed.stdout

    # --version is the package metadata's.
    version = subprocess.run([str(python), "-c", "from importlib.metadata import version; print(version('pressgen'))"],
                             capture_output=True, text=True, check=True, env=env).stdout.strip()
    shown = subprocess.run([str(venv / "bin" / "pressgen"), "--version"], capture_output=True, text=True, check=True,
                           env=env)
    assert shown.stdout.strip() == f"pressgen, version {version}"
