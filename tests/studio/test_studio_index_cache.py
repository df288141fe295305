"""The index's rows are kept on disk: after a restart, an unchanged release is not checked again,
and a changed one is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.studio_server import StudioServer

import pressgen.studio.state as state


def test_the_first_index_after_a_restart_checks_only_what_changed(workspace: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with StudioServer(workspace) as studio, httpx.Client(base_url=studio.url) as client:
        before = client.get("/").text
    assert (workspace / ".pressgen" / "studio-index.json").is_file()
    path = workspace / "releases" / "unric-migrants-stigma-2014.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Removing the Stigma", "Stigma Removed"),
                    encoding="utf-8")
    checked: list[str] = []
    real = state.check_release

    def counting(release: Path, *args: Any, **kwargs: Any) -> Any:
        checked.append(release.stem)
        return real(release, *args, **kwargs)

    monkeypatch.setattr(state, "check_release", counting)
    with StudioServer(workspace) as studio, httpx.Client(base_url=studio.url) as client:
        after = client.get("/").text
    # the one release that changed (and the first one, which the studio checks to warm its renderer)
    assert set(checked) <= {"unric-migrants-stigma-2014", "iom-20km-brussels-2017"}
    assert "unric-migrants-stigma-2014" in checked
    assert "Stigma Removed" in after and "Stigma Removed" not in before
    for release in (workspace / "releases").glob("*.yaml"):
        assert f'id="row-{release.stem}"' in after
    assert after.count('class="state ') == before.count('class="state ')
