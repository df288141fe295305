"""Where a build writes and when it writes again (issue 16): the cache's dependencies, releases
linked from another workspace, --out, a full disk and a read-only workspace."""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SEEDS, pdf_text, run

from pressgen import BuildOptions, UsageError, build
from pressgen.resources import PACKAGED_TEMPLATES

UNRIC = "unric-migrants-stigma-2014"  # an UNRIC release whose contacts include gdhoop, of IOM Belgium
IOM_NAME_EN = "International Organization for Migration (IOM)"



def _statuses(report) -> dict[tuple[str, str, str], str]:  # type: ignore[no-untyped-def]
    return {(d.release_id, d.lang, d.format): status for o in report.outcomes for d, status in o.documents}


def _copy_seeds(folder: Path) -> Path:
    shutil.copytree(SEEDS, folder, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- 3. the cache knows every part of the workspace a document shows ----------------------------


@pytest.mark.parametrize(("old", "new", "shown"), [
    (f"en: {IOM_NAME_EN}", "en: International Organization for Migration (IOM), renamed",
     "International Organization for Migration (IOM), renamed"),
    ("website: https://belgium.iom.int", "website: https://www.iom.int/countries/belgium",
     "www.iom.int/countries/belgium"),  # gdhoop has no website of her own: her block shows IOM's
])
def test_a_contacts_organisation_changed_rebuilds_the_releases_of_other_organisations(
        workspace: Path, old: str, new: str, shown: str) -> None:
    release = workspace / "releases" / f"{UNRIC}.yaml"
    options = BuildOptions(out=workspace / "out", langs=["en"])
    assert build([release], options).ok
    _edit(workspace / "pressgen.yaml", old, new)
    report = build([release], options)
    assert report.ok
    assert set(_statuses(report).values()) == {"built"}
    pdf = workspace / "out" / UNRIC / f"{UNRIC}.en.pdf"
    assert shown in " ".join(pdf_text(pdf).split())


def test_what_a_release_does_not_show_leaves_it_up_to_date(workspace: Path) -> None:
    release = workspace / "releases" / f"{UNRIC}.yaml"
    options = BuildOptions(out=workspace / "out", langs=["en"])
    assert build([release], options).ok
    _edit(workspace / "pressgen.yaml", "The International Organization for Migration (IOM) is the UN Migration "
          "Agency.", "IOM is the UN Migration Agency.")  # IOM's boilerplate: not in an UNRIC release
    assert set(_statuses(build([release], options)).values()) == {"up-to-date"}


def test_an_asset_shown_by_the_workspace_own_stylesheet_rebuilds_when_changed(workspace: Path) -> None:
    css = workspace / "templates" / "release.css"
    css.parent.mkdir(exist_ok=True)
    css.write_text((PACKAGED_TEMPLATES / "release.css").read_text()
                   + "\n.end-mark { background: url(../assets/mark.png) no-repeat; }\n")
    shutil.copy(workspace / "assets" / "unia.png", workspace / "assets" / "mark.png")
    release = workspace / "releases" / f"{UNRIC}.yaml"
    options = BuildOptions(out=workspace / "out", langs=["en"], formats=["pdf"])
    assert build([release], options).ok
    shutil.copy(workspace / "assets" / "iom.png", workspace / "assets" / "mark.png")
    assert set(_statuses(build([release], options)).values()) == {"built"}


# --- 4. a release linked from another workspace ---------------------------------------------------


@pytest.fixture
def two_workspaces(tmp_path: Path) -> tuple[Path, Path]:
    return _copy_seeds(tmp_path / "mine"), _copy_seeds(tmp_path / "theirs")


def test_a_release_linked_from_another_workspace_is_refused_by_check_and_build(
        two_workspaces: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    mine, theirs = two_workspaces
    link = mine / "releases" / "linked.yaml"
    link.symlink_to(theirs / "releases" / "unia-local-governments-2020.yaml")
    monkeypatch.chdir(mine)
    assert run("check") == 1
    err = capsys.readouterr().err
    expected = (f"releases/linked.yaml:1:1: error: this release file is a symbolic link to "
                f"{theirs / 'releases' / 'unia-local-governments-2020.yaml'}, outside its workspace {mine}")
    assert expected in err
    assert run("build", "--format", "pdf", "--lang", "en") == 1
    err = capsys.readouterr().err
    assert expected in err and "internal error" not in err
    assert not (theirs / "dist").exists() and not (theirs / ".pressgen").exists()  # nothing written there
    assert len(list((mine / "dist").rglob("*.en.pdf"))) == 5  # this workspace's own releases are built


def test_a_releases_folder_linked_from_another_workspace_is_refused(
        two_workspaces: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    mine, theirs = two_workspaces
    shutil.rmtree(mine / "releases")
    (mine / "releases").symlink_to(theirs / "releases", target_is_directory=True)
    monkeypatch.chdir(mine)
    assert run("build", "--format", "pdf", "--lang", "en") == 1
    err = capsys.readouterr().err
    assert err.count("error: this release file is a symbolic link to") == 5
    assert not (theirs / "dist").exists() and not (theirs / ".pressgen").exists()


def test_a_link_inside_the_workspace_and_a_workspace_reached_through_a_link_build(
        two_workspaces: tuple[Path, Path], tmp_path: Path) -> None:
    mine, _ = two_workspaces
    (mine / "drafts").mkdir()
    (mine / "releases" / f"{UNRIC}.yaml").rename(mine / "drafts" / f"{UNRIC}.yaml")
    (mine / "releases" / f"{UNRIC}.yaml").symlink_to(mine / "drafts" / f"{UNRIC}.yaml")
    (tmp_path / "alias").symlink_to(mine, target_is_directory=True)
    report = build([tmp_path / "alias" / "releases" / f"{UNRIC}.yaml"],
                   BuildOptions(langs=["en"], formats=["pdf"]))
    assert report.ok and (mine / "dist" / UNRIC / f"{UNRIC}.en.pdf").is_file()


# --- 5. --out is never a source folder, /, or the home folder ------------------------------------


@pytest.mark.parametrize("out", ["releases", "templates", "locales", "assets", ".", "..", "releases/2024",
                                 ".pressgen"])
def test_out_may_not_be_hold_or_lie_in_a_source_folder(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str], out: str) -> None:
    (workspace / "templates").mkdir(exist_ok=True)
    shutil.copy(PACKAGED_TEMPLATES / "reference.docx", workspace / "templates" / "reference.docx")
    before = {p: p.read_bytes() for p in workspace.parent.rglob("*") if p.is_file()}
    monkeypatch.chdir(workspace)
    assert run("build", "--out", out) == 2
    err = capsys.readouterr().err
    assert f"error: --out {out}: " in err and "documents may not be written there" in err
    after = {p: p.read_bytes() for p in workspace.parent.rglob("*") if p.is_file()}
    assert after == before  # nothing written, nothing replaced


def test_out_may_not_be_pressgens_own_templates(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reference = (PACKAGED_TEMPLATES / "reference.docx").read_bytes()
    assert run("build", str(workspace), "--out", str(PACKAGED_TEMPLATES)) == 2
    assert "a source folder of the build" in capsys.readouterr().err
    assert (PACKAGED_TEMPLATES / "reference.docx").read_bytes() == reference
    assert not (PACKAGED_TEMPLATES / "manifest.json").exists()


def test_out_may_not_be_the_root_or_the_home_folder(workspace: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    release = workspace / "releases" / f"{UNRIC}.yaml"
    created = [Path("/manifest.json"), Path("/") / UNRIC]  # what the bug wrote, removed should it come back
    existing = [path for path in created if path.exists()]
    try:
        for out, reason in ((Path("/"), "is the root of the file system"), (home, "is your home folder"),
                            (tmp_path, "holds your home folder")):
            with pytest.raises(UsageError, match=reason):
                build([release], BuildOptions(out=out, langs=["en"], formats=["pdf"]))
        assert not any(path.exists() for path in created if path not in existing)
        assert list(home.iterdir()) == []
    finally:
        for path in created:
            if path not in existing and path.is_dir():
                shutil.rmtree(path)
            elif path not in existing:
                path.unlink(missing_ok=True)


def test_an_output_folder_linked_to_a_source_folder_is_refused(workspace: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "dist").symlink_to(workspace / "releases", target_is_directory=True)
    before = sorted(p.name for p in (workspace / "releases").iterdir())
    assert run("build", str(workspace)) == 1
    assert "pressgen.yaml:1:1: error: output folder refused" in capsys.readouterr().err
    assert sorted(p.name for p in (workspace / "releases").iterdir()) == before


# --- 6. a full disk, a read-only workspace ---------------------------------------------------------


@contextlib.contextmanager
def _mounted(folder: Path, *commands: list[str]) -> Iterator[None]:
    """Run ``mount`` with each argument list on ``folder`` (a tmpfs, a read-only bind) as root, or skip."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small or read-only file system needs root")
    mounted = 0
    try:
        for arguments in commands:
            result = subprocess.run(["mount", *arguments], capture_output=True, text=True)
            if result.returncode != 0:
                pytest.skip(f"cannot mount here: {result.stderr.strip()}")
            mounted += arguments[0] != "-o"  # a remount adds no mount
        yield
    finally:
        for _ in range(mounted):
            subprocess.run(["umount", str(folder)], check=False)


def _complete(path: Path) -> bool:
    if path.suffix == ".pdf":
        return path.read_bytes().rstrip().endswith(b"%%EOF")
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as package:
            return package.testzip() is None
    return path.name == "manifest.json"


def test_a_full_output_disk_fails_each_document_clearly(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = workspace / "out"
    with _mounted(out, ["-t", "tmpfs", "-o", "size=96k", "tmpfs", str(out)]):
        monkeypatch.chdir(workspace)
        assert run("build", UNRIC, "--out", "out", "-j", "1") == 1
        err = capsys.readouterr().err
        assert "No space left on device" in err and "internal error" not in err
        assert f"releases/{UNRIC}.yaml:1:1: error: cannot write {out}" in err
        written = [p for p in out.rglob("*") if p.is_file()]
        assert all(_complete(p) for p in written), written  # nothing half-written, no temporary file
        filler = out / "filler"  # the disk full to the last byte: the manifest cannot be written either
        with contextlib.suppress(OSError), filler.open("wb") as stream:
            while True:
                stream.write(b"\0" * 4096)
                stream.flush()
        assert run("build", UNRIC, "--out", "out", "-j", "1", "--force") == 1
        err = capsys.readouterr().err
        assert "No space left on device" in err and "internal error" not in err


def test_a_file_size_limit_fails_the_documents_and_the_cache_not_the_build(workspace: Path) -> None:
    """Without root: RLIMIT_FSIZE makes every write beyond 256 bytes fail (EFBIG, SIGXFSZ ignored)."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (256, 256))

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-c", "from pressgen.cli import main; main()", "build", UNRIC, "--lang", "en", "-j", "1"]
    result = subprocess.run(command, cwd=workspace, env=env, preexec_fn=limit, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 1, result.stderr
    assert "cannot write" in result.stderr and "File too large" in result.stderr
    assert "warning: cannot write the build cache" in result.stderr
    assert "internal error" not in result.stderr
    assert not [p for p in (workspace / "dist").rglob("*") if p.is_file()]


def test_a_read_only_cache_folder_builds_with_a_warning(workspace: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    cache = workspace / ".pressgen"
    with _mounted(cache, ["--bind", str(cache), str(cache)], ["-o", "remount,bind,ro", str(cache)]):
        if subprocess.run(["touch", str(cache / "probe")], capture_output=True).returncode == 0:
            pytest.skip("the bind mount is not read-only here")
        monkeypatch.chdir(workspace)
        assert run("build", UNRIC, "--lang", "en") == 0
        captured = capsys.readouterr()
        err = captured.err
        assert "2 built" in captured.out
        assert (".pressgen/cache.json:1:1: warning: cannot write the build cache "
                f"{cache / 'cache.json'}: Read-only file system") in err
        assert "internal error" not in err
        assert len(list((workspace / "dist" / UNRIC).glob("*.en.*"))) == 2
        assert run("build", UNRIC, "--lang", "en") == 0  # no cache: built again, warned again
        captured = capsys.readouterr()
        assert "2 built" in captured.out and "warning: cannot write the build cache" in captured.err
