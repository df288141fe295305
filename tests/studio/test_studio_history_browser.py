"""Every save in the studio is kept: the release page lists its history and restores a version, byte
for byte, through the safe write-back; in a git repository each save is a commit by the studio's user."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import CHROMIUM
from helpers.studio_server import StudioServer

from pressgen.translation.segments import sidecar_path

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is needed")
RELEASE = "unric-migrants-stigma-2014"


def _save_headline(page: Any, text: str) -> None:
    page.get_by_label("Headline", exact=True).fill(text)
    page.get_by_role("button", name="Save").click()
    page.locator(".save-state", has_text="Saved.").wait_for()


def test_a_restored_version_is_byte_identical_to_the_saved_one(page: Any, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    original = path.read_bytes()
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        page.get_by_label("Your name").fill("Ann Editor")
        page.get_by_label("Your name").dispatch_event("change")
        _save_headline(page, "First saved headline")
        first, first_records = path.read_bytes(), sidecar_path(path).read_bytes()
        _save_headline(page, "Second saved headline")
        assert path.read_bytes() != first
        page.reload()
        history = page.locator(".history")
        assert "Ann Editor" in history.inner_text() and "saved the en text" in history.inner_text()
        assert history.locator("li").count() == 3  # before the studio's first save, and the two saves
        history.get_by_role("button", name="Restore version 2").click()
        page.get_by_role("status").filter(has_text="Version 2 restored").wait_for()
        assert path.read_bytes() == first  # byte for byte
        assert sidecar_path(path).read_bytes() == first_records
        assert page.get_by_label("Headline", exact=True).input_value() == "First saved headline"
        page.locator(".history").get_by_role("button", name="Restore version 1").click()
        page.get_by_role("status").filter(has_text="Version 1 restored").wait_for()
        assert path.read_bytes() == original


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed")
def test_in_a_git_repository_each_save_is_a_commit_by_the_studio_s_user(page: Any, workspace: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(workspace), *args], capture_output=True, text=True,
                              check=True).stdout.strip()

    git("init", "-q")
    git("-c", "user.name=Setup", "-c", "user.email=setup@example.org", "add", ".")
    git("-c", "user.name=Setup", "-c", "user.email=setup@example.org", "commit", "-qm", "seed")
    with StudioServer(workspace) as studio:
        page.goto(f"{studio.url}release/{RELEASE}/en")
        page.get_by_label("Your name").fill("Bea Translator")
        page.get_by_label("Your name").dispatch_event("change")
        _save_headline(page, "Committed from the studio")
    assert git("log", "-1", "--format=%cn|%an") == "Bea Translator|Bea Translator"
    assert git("show", "HEAD:releases/" + RELEASE + ".yaml").count("Committed from the studio") == 1
    assert git("status", "--porcelain", "--", "releases") == ""
