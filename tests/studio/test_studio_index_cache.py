"""The index's rows are kept on disk, in the check layer's memo: after a restart, or after 'pressgen check',
an unchanged release is not checked again, and a changed one is."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers.studio_server import StudioServer
from markupsafe import escape

import pressgen.studio.state as state


def _counted_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the releases the studio checks from now on (its check_release, counted)."""
    checked: list[str] = []
    real = state.check_release

    def counting(release: Path, *args: Any, **kwargs: Any) -> Any:
        checked.append(release.stem)
        return real(release, *args, **kwargs)

    monkeypatch.setattr(state, "check_release", counting)
    return checked

def test_the_first_index_after_a_restart_checks_only_what_changed(workspace: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with StudioServer(workspace) as studio, httpx.Client(base_url=studio.url, timeout=60) as client:
        before = client.get("/").text
    assert (workspace / ".pressgen" / "check.json").is_file()  # one memo of every check of a release
    assert not (workspace / ".pressgen" / "studio-index.json").exists()
    path = workspace / "releases" / "unric-migrants-stigma-2014.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Removing the Stigma", "Stigma Removed"),
                    encoding="utf-8")
    checked = _counted_checks(monkeypatch)
    with StudioServer(workspace) as studio, httpx.Client(base_url=studio.url, timeout=60) as client:
        after = client.get("/").text
    # the one release that changed (and the first one, which the studio checks to warm its renderer)
    assert set(checked) <= {"unric-migrants-stigma-2014", "iom-20km-brussels-2017"}
    assert "unric-migrants-stigma-2014" in checked
    assert "Stigma Removed" in after and "Stigma Removed" not in before
    for release in (workspace / "releases").glob("*.yaml"):
        assert f'id="row-{release.stem}"' in after
    assert after.count('class="state ') == before.count('class="state ')


def test_the_first_index_after_pressgen_check_checks_nothing_again(workspace: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from pressgen.builder.plan import release_files
    from pressgen.check import check_files

    said = {path.stem: diagnostics for path, diagnostics in check_files(release_files([workspace]))}
    checked = _counted_checks(monkeypatch)
    monkeypatch.setattr(state, "CHECKED_AT_ONCE", 0, raising=False)  # a release to check would be listed as pending
    with StudioServer(workspace) as studio, httpx.Client(base_url=studio.url, timeout=60) as client:
        page = client.get("/").text
    assert set(checked) <= {"iom-20km-brussels-2017"}  # the one the studio checks to warm its renderer
    assert 'data-pending="' not in page
    for release, diagnostics in said.items():
        assert f'id="row-{release}"' in page
        for diagnostic in diagnostics:  # check's own words, in the row
            assert str(escape(diagnostic.message)) in page, diagnostic.message


def test_the_index_counts_a_stale_translation_in_words(client: httpx.Client, workspace: Path) -> None:
    path = workspace / "releases" / "iom-20km-brussels-2017.yaml"
    text = path.read_text(encoding="utf-8")
    body = re.search(r"(?ms)^    body: \|\n(.*?)^    notes:", text)
    assert body is not None
    path.write_text(text.replace(body.group(1), "      Een nieuwe eerste alinea.\n\n      Een tweede.\n", 1),
                    encoding="utf-8")
    row = re.search(r'(?s)<tr id="row-iom-20km-brussels-2017">.*?</tr>', client.get("/").text)
    assert row is not None
    assert "fr text is stale: not reviewed (2 of 6 segments changed in the source; 7 translated segments " \
           "whose source was deleted)" in row.group(0)


def test_the_rows_from_pressgen_check_are_the_rows_the_studio_makes(workspace: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """What the index shows of a release after 'pressgen check' is what it shows when it checks the release
    itself (a stale translation and a release without a press contact among them)."""
    from pressgen.builder.plan import release_files
    from pressgen.check import check_files

    path = workspace / "releases" / "iom-20km-brussels-2017.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("De Verenigde Naties nemen", "De VN nemen", 1),
                    encoding="utf-8")
    list(check_files(release_files([workspace])))
    checked: list[Path] = []
    real = state.check_release
    monkeypatch.setattr(state, "check_release", lambda path, *a, **k: checked.append(path) or real(path, *a, **k))
    from_check, _, _ = state.Studio(workspace).index_rows()
    assert checked == []  # every row from check's memo
    (workspace / ".pressgen" / "check.json").unlink()
    own, _, _ = state.Studio(workspace).index_rows()

    def shown(rows: list[Any]) -> list[Any]:
        return [(r.id, r.headline, r.states, r.model, [d.format() for d in r.problems]) for r in rows]

    assert shown(from_check) == shown(own)
    assert any(r.states.get("fr") == "stale" for r in own) and any(r.problems for r in own)
