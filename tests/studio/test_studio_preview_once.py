"""A preview asked for twice at once (the watcher after a save and the page itself) is checked, rendered and
turned into an image once; its first page does not wait for the others; and a parsed file is not parsed
again for the same bytes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

import pressgen.studio.state as state
import pressgen.workspace.yamlio as yamlio

RELEASE = "iom-cities-migration-mechelen-2017"  # three pages in Dutch


def _counted(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    calls: list[Any] = []
    real = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_two_askers_at_once_get_one_check_one_render_and_one_image_of_the_first_page(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    studio = state.Studio(workspace)
    checks = _counted(monkeypatch, state, "check_release")
    renders = _counted(monkeypatch, state, "render_unit")
    images = _counted(monkeypatch, state, "pdf_page_image")
    found: list[bytes | None] = []
    start = threading.Barrier(4)

    def ask() -> None:
        start.wait()
        entry = studio.find(RELEASE)
        assert entry is not None
        found.append(studio.page_image(entry, "nl", 1))

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join(timeout=120)
    assert len(found) == 4 and all(image is not None and image.startswith(b"\x89PNG") for image in found)
    assert len(set(found)) == 1
    assert [args[0].stem for args in checks] == [RELEASE]
    assert len(renders) == 1
    assert [args[1] for args in images] == [1], "only the first page, once"
    entry = studio.find(RELEASE)
    assert entry is not None
    preview = studio.preview(entry, "nl")
    assert preview is not None and preview.pages >= 2
    assert studio.page_image(entry, "nl", preview.pages) is not None
    assert studio.page_image(entry, "nl", preview.pages + 1) is None
    assert [args[1] for args in images] == [1, preview.pages]


def test_the_same_bytes_are_parsed_once_and_each_caller_gets_its_own_copy(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    copy = workspace / "elsewhere.yaml"
    copy.write_bytes(path.read_bytes() + b"# changed\n")
    parses = _counted(monkeypatch, yamlio, "_parse")
    first = yamlio.load_yaml(copy)
    first.data["headline"] = "changed by its caller"
    second = yamlio.load_yaml(copy)
    assert len(parses) == 1
    assert "headline" not in second.data and second.path == copy
    moved = workspace / "moved.yaml"
    moved.write_bytes(copy.read_bytes())
    assert yamlio.load_yaml(moved).path == moved and len(parses) == 1  # its own path, not the first one's
    copy.write_bytes(copy.read_bytes() + b"# again\n")
    yamlio.load_yaml(copy)
    assert len(parses) == 2  # changed bytes are parsed again
    copy.write_bytes(b"text: [unclosed\n")
    for _ in range(2):  # a file with a problem is reported each time, at its own path
        with pytest.raises(yamlio.InputError) as raised:
            yamlio.load_yaml(copy)
        assert raised.value.diagnostics[0].path == copy
