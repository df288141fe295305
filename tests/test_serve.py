"""pressgen serve: the live preview shows what a build would write now, and its errors."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import normalize
from docx import Document as DocxDocument
from pypdf import PdfReader
from ruamel.yaml import YAML

from pressgen.serve import PreviewServer

RELEASE = "unric-migrants-stigma-2014"


def get(url: str) -> tuple[int, str, bytes]:
    """Status, media type and body of a GET, errors included."""
    try:
        with urllib.request.urlopen(url, timeout=60) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def headline(workspace: Path, lang: str) -> str:
    data = YAML(typ="safe").load((workspace / "releases" / f"{RELEASE}.yaml").read_text(encoding="utf-8"))
    return str(data["text"][lang]["headline"])


@pytest.fixture
def server(workspace: Path) -> Iterator[PreviewServer]:
    server = PreviewServer(workspace, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_index_lists_every_release_with_its_languages_and_status(server: PreviewServer, workspace: Path) -> None:
    status, media_type, body = get(server.url)
    page = body.decode()
    assert status == 200 and media_type.startswith("text/html")
    for path in (workspace / "releases").glob("*.yaml"):
        for lang in ("nl", "fr", "en"):
            assert f'href="/release/{path.stem}/{lang}"' in page
    assert headline(workspace, "en") in page  # the source language's headline
    assert "reviewed" in page and "source" in page


def test_pdf_and_docx_are_the_release_in_the_asked_language(server: PreviewServer, workspace: Path) -> None:
    status, media_type, body = get(f"{server.url}release/{RELEASE}/fr.pdf")
    assert status == 200 and media_type == "application/pdf"
    text = normalize(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages))
    assert normalize(headline(workspace, "fr")) in text
    status, media_type, body = get(f"{server.url}release/{RELEASE}/nl.docx")
    assert status == 200 and media_type.endswith("wordprocessingml.document")
    paragraphs = [normalize(p.text) for p in DocxDocument(io.BytesIO(body)).paragraphs]
    assert normalize(headline(workspace, "nl")) in paragraphs


def test_release_page_embeds_its_pdf_and_links_the_other_languages(server: PreviewServer) -> None:
    status, _, body = get(f"{server.url}release/{RELEASE}/fr")
    page = body.decode()
    assert status == 200
    assert f'<iframe src="/release/{RELEASE}/fr.pdf' in page
    assert f'href="/release/{RELEASE}/nl"' in page and f'href="/release/{RELEASE}/en"' in page
    assert f'href="/release/{RELEASE}/fr.docx"' in page


def test_an_edit_changes_the_token_the_page_polls_and_the_pdf(server: PreviewServer, workspace: Path) -> None:
    before = get(f"{server.url}changes")[2].decode()
    assert before in get(f"{server.url}release/{RELEASE}/en")[2].decode()  # the page knows what it shows
    assert get(f"{server.url}changes")[2].decode() == before  # nothing changed: no reload
    path = workspace / "releases" / f"{RELEASE}.yaml"
    time.sleep(0.01)  # a new modification time even on coarse clocks
    path.write_text(path.read_text(encoding="utf-8").replace("Removing the Stigma", "Stigma Removed"),
                    encoding="utf-8")
    assert get(f"{server.url}changes")[2].decode() != before
    body = get(f"{server.url}release/{RELEASE}/en.pdf")[2]
    text = normalize(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages))
    assert "Migrants: Stigma Removed" in text and "Removing the Stigma" not in text


def test_a_broken_release_shows_its_errors_with_file_and_line(server: PreviewServer, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("date:"))
    lines[number] = "date: 2014-02-30"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected = f"releases/{RELEASE}.yaml:{number + 1}:"
    page = get(f"{server.url}release/{RELEASE}/fr")[2].decode()
    assert expected in page and "<iframe" not in page
    status, _, body = get(f"{server.url}release/{RELEASE}/fr.pdf")
    assert status == 422 and expected in body.decode()
    assert "has errors" in get(server.url)[2].decode()
    other = next(p.stem for p in (workspace / "releases").glob("*.yaml") if p.stem != RELEASE)
    assert get(f"{server.url}release/{other}/fr.pdf")[0] == 200  # the others still render


def test_a_broken_workspace_file_is_shown_until_it_is_mended(server: PreviewServer, workspace: Path) -> None:
    config = workspace / "pressgen.yaml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("organizations:", "organisations:", 1), encoding="utf-8")
    number = 1 + good.splitlines().index("organizations:")
    for url in (server.url, f"{server.url}release/{RELEASE}/fr", f"{server.url}release/{RELEASE}/fr.pdf"):
        assert f"pressgen.yaml:{number}:" in get(url)[2].decode()
    config.write_text(good, encoding="utf-8")
    assert get(f"{server.url}release/{RELEASE}/fr.pdf")[1] == "application/pdf"


@pytest.mark.parametrize("path", ["release/../../etc/passwd", "release/%2e%2e/fr.pdf", "release/nope/fr.pdf",
                                  f"release/{RELEASE}/de.pdf", f"release/{RELEASE}/fr.html", "assets/iom.png"])
def test_urls_outside_the_releases_are_not_found(server: PreviewServer, path: str) -> None:
    assert get(server.url + path)[0] == 404


def test_serve_command_listens_on_localhost_and_stops_cleanly_on_ctrl_c(workspace: Path) -> None:
    command = [str(Path(sys.executable).parent / "pressgen"), "serve", str(workspace), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:")
    assert get(url)[0] == 200
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "previewing" in stderr and "stopped" in stderr and "Traceback" not in stderr


def test_serve_refuses_a_port_in_use_with_a_clear_message(server: PreviewServer, workspace: Path) -> None:
    port = server.server_address[1]
    result = subprocess.run([str(Path(sys.executable).parent / "pressgen"), "serve", str(workspace),
                             "--port", str(port)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use (try --port {port + 1})" in result.stderr
    assert "Traceback" not in result.stderr
