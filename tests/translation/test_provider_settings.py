"""The provider's setting is named in its configuration errors (a server that cannot be reached: at the URL
setting of pressgen.yaml), and machine output in the memory is keyed by provider and server, old memories read."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from helpers import POSITIONED_ERROR, VALID_RELEASE, run, use_libre
from helpers.libre_server import LibreServer, fake_translation

from pressgen.translation.memory import MEMORY_FILE, machine_key

ONLY_DUTCH = VALID_RELEASE.split("  fr:\n")[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused_is_reported_at_the_url_setting(workspace: Path, write_release,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_free_port()}/"
    use_libre(workspace, url, retries=1)
    path = write_release("only-dutch", ONLY_DUTCH)
    before = path.read_bytes()
    assert run("translate", str(path), "--to", "fr") == 1
    err = capsys.readouterr().err
    [error] = list(POSITIONED_ERROR.finditer(err))
    lines = (workspace / "pressgen.yaml").read_text().splitlines()
    assert error["file"].endswith("pressgen.yaml"), err
    line, col = int(error["line"]), int(error["col"])
    assert lines[line - 1][col - 1:].startswith(f'"{url}"'), (lines[line - 1], col)  # at the URL's value
    assert error["message"] == f"translation provider 'libre' (url: {url}): connection refused after 2 tries"
    assert "check translation.url in pressgen.yaml" in err
    assert path.read_bytes() == before


def _machine_rows(workspace: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(workspace / MEMORY_FILE) as db:
        return db.execute("SELECT provider, text FROM segments WHERE provider != 'reviewed' ORDER BY text").fetchall()


def test_machine_output_is_remembered_per_server_and_old_memories_are_still_read(
        workspace: Path, write_release, server: LibreServer) -> None:
    path = write_release("only-dutch", ONLY_DUTCH)
    use_libre(workspace, server.url)  # type: ignore[attr-defined]
    assert run("translate", str(path), "--to", "fr") == 0
    first = len(server.requests)
    assert first == 3  # headline, dateline, one paragraph
    assert {provider for provider, _ in _machine_rows(workspace)} == {machine_key("libre", server.url)}  # type: ignore[attr-defined]
    assert machine_key("libre", server.url) == f"libre {server.url.rstrip('/')}"  # type: ignore[attr-defined]

    other = LibreServer()
    other_url = other.start()
    try:
        config = workspace / "pressgen.yaml"
        config.write_text(config.read_text().replace(server.url, other_url))  # type: ignore[attr-defined]
        assert run("translate", str(path), "--to", "fr", "--retranslate") == 0
        assert len(other.requests) == 3  # another server: its own answers, not the first one's from the memory
        assert len(server.requests) == first
        # the same server written another way (upper case, no slash) is the same server: all from the memory
        config.write_text(config.read_text().replace(other_url, other_url.upper().replace("HTTP", "http")
                                                     .rstrip("/")))
        assert run("translate", str(path), "--to", "fr", "--retranslate") == 0
        assert len(other.requests) == 3
    finally:
        other.stop()

    # A memory written before: machine output under the provider's name alone is still used.
    with sqlite3.connect(workspace / MEMORY_FILE) as db:
        db.execute("UPDATE OR REPLACE segments SET provider='libre' WHERE provider != 'reviewed'")
    dead = f"http://127.0.0.1:{_free_port()}/"
    config.write_text(config.read_text().replace(other_url.upper().replace("HTTP", "http").rstrip("/"), dead))
    assert run("translate", str(path), "--to", "fr", "--retranslate") == 0  # no server needed
    assert fake_translation("Eerste alinea.", "fr") in path.read_text()
