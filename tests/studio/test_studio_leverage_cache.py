"""The fuzzy matches of a language not reviewed come from a leverage made once per workspace: a second
view of the page does not read every release again, and a change to any release, the memory or the
configuration makes it again."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

import pressgen.translation.status as status

SEED = "iom-20km-brussels-2017"
PARAGRAPH = "Voor het eerst dit jaar zal de VN ploeg over een stand beschikken"


def test_a_page_view_reuses_the_workspace_leverage(client: httpx.Client, workspace: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    seed = (workspace / "releases" / f"{SEED}.yaml").read_text()
    start = seed.index(PARAGRAPH)
    paragraph = seed[start:seed.index("\n", start)].replace("Voor het eerst dit jaar", "Voor het eerst deze zomer")
    (workspace / "releases" / "stand-2018.yaml").write_text(
        f"organization: iom-belgium\ndate: 2018-05-20\nsource: nl\ncontacts: [gdhoop]\ntext:\n"
        f"  nl:\n    headline: De VN-ploeg heeft een stand\n    body: |\n      {paragraph}\n")
    read: list[Path] = []
    real = status.read_release

    def counted(path: Path, *args: Any, **kwargs: Any) -> Any:
        read.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(status, "read_release", counted)

    def view() -> tuple[int, float, str]:
        read.clear()
        started = time.monotonic()
        page = client.get("release/stand-2018/fr").text
        return len(read), time.monotonic() - started, page

    first, first_time, page = view()
    assert first >= 6 and "% match (" in page  # every release read once, for the matches
    second, second_time, page = view()
    assert second == 0 and "% match (" in page  # not again: nothing changed
    other = workspace / "releases" / "unia-local-governments-2020.yaml"
    other.write_text(other.read_text().replace("lokale besturen", "lokale overheden", 1))
    third, _, page = view()
    assert third >= 6 and "% match (" in page  # a release changed: made again
    print(f"\npage view with the leverage made: {first_time:.2f} s, reused: {second_time:.2f} s")
