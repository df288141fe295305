"""The studio over HTTP: no other page may frame it (every response says so), an upload is bounded
before it is read into memory, and an import says what it did, naming the file the user chose."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
from helpers.studio_server import StudioServer
from lxml import etree

from pressgen.studio import create_app
from pressgen.studio.guards import MAX_BODY, MAX_DRAIN

RELEASE = "unric-migrants-stigma-2014"
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"
EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}




def _csrf(page: str) -> str:
    found = re.search(r'<input type="hidden" name="csrf" value="([^"]*)"', page)
    assert found, page[:500]
    return found.group(1)


def _assert_guarded(answer: httpx.Response, what: str) -> None:
    for name, value in EXPECTED.items():
        assert answer.headers.get(name) == value, (what, answer.status_code, dict(answer.headers))
    policy = answer.headers.get("content-security-policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("frame-ancestors") == ["'none'"], (what, policy)
    assert directives.get("default-src") == ["'self'"], (what, policy)
    assert all("'unsafe-inline'" not in values and "data:" not in values for values in directives.values()), policy


def test_every_route_answers_with_the_framing_and_sniffing_headers(
        client: httpx.Client, studio: StudioServer) -> None:
    page = client.get(f"/release/{RELEASE}/fr").text
    token = _csrf(page)
    requests: list[tuple[str, str, str, dict[str, Any]]] = [  # (route, method, path, request options)
        ("/", "GET", "/", {}),
        ("/new", "GET", "/new", {}),
        ("/new", "POST", "/new", {"data": {"csrf": "wrong"}}),
        ("/build", "POST", "/build", {"data": {"csrf": token}}),  # no release ticked: back to the index
        ("/built/{path:path}", "GET", "/built/dist/nothing.pdf", {}),
        ("/built.zip", "GET", "/built.zip", {}),  # nothing built yet: 404
        ("/rows", "GET", "/rows?id=nothing", {}),  # the rows a first index fills in
        ("/release/{release_id}/{lang}/restore", "POST", f"/release/{RELEASE}/fr/restore",
         {"data": {"csrf": "wrong"}}),
        ("/release/{release_id}", "GET", f"/release/{RELEASE}", {}),
        ("/release/{release_id}/{lang}", "GET", f"/release/{RELEASE}/fr", {}),
        ("/release/{release_id}/{lang}/save", "POST", f"/release/{RELEASE}/fr/save", {"data": {"csrf": "wrong"}}),
        ("/release/{release_id}/{lang}/machine", "POST", f"/release/{RELEASE}/fr/machine",
         {"data": {"csrf": "wrong"}}),
        ("/release/{release_id}/{lang}/import", "POST", f"/release/{RELEASE}/fr/import",
         {"data": {"csrf": "wrong"}}),
        ("/release/{release_id}/{lang}/page/{number:int}.png", "GET", f"/release/{RELEASE}/fr/page/1.png", {}),
        ("/release/{release_id}/{lang}/{what}", "GET", f"/release/{RELEASE}/fr/preview", {}),
        ("/release/{release_id}/{lang}/{what}", "GET", f"/release/{RELEASE}/fr/docx", {}),
        ("/release/{release_id}/{lang}/{what}", "GET", f"/release/{RELEASE}/fr/review.xlf", {}),
        ("/static", "GET", "/static/studio.js", {}),
        ("/static", "GET", "/static/studio.css", {}),
        ("", "GET", "/no/such/page", {}),  # Starlette's own 404
        ("", "POST", "/", {}),  # and 405
    ]
    routes = {getattr(route, "path", "") for route in studio.app.routes} - {"/events"}
    assert routes <= {route for route, *_ in requests}, routes - {route for route, *_ in requests}
    for _, method, path, options in requests:
        answer = client.request(method, path, **options)
        assert answer.status_code < 500, (path, answer.text)
        _assert_guarded(answer, f"{method} {path}")
    with client.stream("GET", "/events") as events:  # the event stream: its headers, then hang up
        _assert_guarded(events, "GET /events")
    # The guards' own refusals carry them too: a foreign Origin, a foreign Host.
    _assert_guarded(client.post("/new", headers={"Origin": "http://127.0.0.1:1"}, data={}), "foreign origin")
    _assert_guarded(client.get("/", headers={"Host": "attacker.example"}), "foreign host")


def _exported(client: httpx.Client, lang: str = "nl") -> etree._Element:
    answer = client.get(f"/release/{RELEASE}/{lang}/review.xlf")
    assert answer.status_code == 200
    return etree.fromstring(answer.content)


def _unit(root: etree._Element, field: str) -> etree._Element:
    return next(u for u in root.iter(f"{XLIFF}trans-unit") if u.get("resname") == field)


def _import(client: httpx.Client, filename: str, data: bytes, lang: str = "nl") -> httpx.Response:
    token = _csrf(client.get(f"/release/{RELEASE}/{lang}").text)
    return client.post(f"/release/{RELEASE}/{lang}/import", data={"csrf": token},
                       files={"file": (filename, data, "application/xliff+xml")})


def _heading(page: str) -> str:
    found = re.search(r'<section class="refused" role="alert">\s*<h2>(.*?)</h2>', page, re.S)
    assert found, page
    return found.group(1)


def test_a_partial_import_says_what_was_saved_and_names_the_uploaded_file(
        client: httpx.Client, workspace: Path) -> None:
    root = _exported(client)
    headline = _unit(root, "headline")
    headline.find(f"{XLIFF}target").text = "Migranten: het stigma voorbij"  # type: ignore[union-attr]
    _unit(root, "dateline").set("id", "dateline-00000000")  # a unit the release no longer has
    answer = _import(client, "C:\\Users\\ann\\Desktop\\review nl.xlf", etree.tostring(root))  # as old browsers send it
    assert answer.status_code == 200, answer.text
    heading = _heading(answer.text)
    assert re.fullmatch(r"Imported 1 unit of review nl\.xlf; 1 unit refused", heading), heading
    assert re.search(r"<code>review nl\.xlf:\d+:1: error: unit &#39;dateline-00000000&#39;: its source is not in "
                     r"the release now", answer.text), answer.text
    assert "pressgen-import-" not in answer.text and "/tmp" not in answer.text and "Not saved" not in answer.text
    assert "Migranten: het stigma voorbij" in (workspace / "releases" / f"{RELEASE}.yaml").read_text(encoding="utf-8")


def test_an_import_that_saved_nothing_says_so(client: httpx.Client, workspace: Path) -> None:
    before = (workspace / "releases" / f"{RELEASE}.yaml").read_bytes()
    root = _exported(client)
    for target in root.iter(f"{XLIFF}target"):
        target.clear()  # nothing returned ...
    dateline = _unit(root, "dateline")
    dateline.set("id", "dateline-00000000")  # ... but one unit the release no longer has
    dateline.find(f"{XLIFF}target").text = "Brussel"  # type: ignore[union-attr]
    answer = _import(client, "nl.xlf", etree.tostring(root))
    assert answer.status_code == 422
    assert _heading(answer.text) == "Nothing saved: 1 unit refused in nl.xlf"
    assert "<code>nl.xlf:" in answer.text and "pressgen-import-" not in answer.text
    assert (workspace / "releases" / f"{RELEASE}.yaml").read_bytes() == before


def test_a_file_for_another_release_is_refused_under_its_own_name(client: httpx.Client) -> None:
    root = _exported(client)
    root.find(f"{XLIFF}file").set("original", "another-release.yaml")  # type: ignore[union-attr]
    answer = _import(client, "../../etc/other.xlf", etree.tostring(root))
    assert answer.status_code == 422
    assert _heading(answer.text) == "Nothing saved: wrong XLIFF file"
    assert re.search(r"<code>other\.xlf:\d+:1: error: this file is for &#39;another-release\.yaml&#39;", answer.text)
    assert "pressgen-import-" not in answer.text


def test_an_upload_s_name_is_its_last_part_without_control_characters() -> None:
    from pressgen.studio.app import upload_name

    assert upload_name("C:\\fakepath\\review\x07\u202e nl.xlf") == "review nl.xlf"
    assert upload_name("/home/ann/../review.docx") == "review.docx"
    assert upload_name("\x00\x1b") == "upload"
    assert len(upload_name("a" * 300 + ".xlf")) == 100 and upload_name("a" * 300 + ".xlf").endswith(".xlf")


def test_an_upload_beyond_the_bound_is_refused_with_the_editor_and_nothing_saved(
        client: httpx.Client, workspace: Path) -> None:
    before = (workspace / "releases" / f"{RELEASE}.yaml").read_bytes()
    answer = _import(client, "huge.docx", b"PK" + b"\0" * (MAX_BODY + 1024))
    assert answer.status_code == 413
    assert _heading(answer.text).startswith(f"Nothing saved: the upload is larger than {MAX_BODY // 2**20} MiB")
    assert 'action="/release/unric-migrants-stigma-2014/nl/import"' in answer.text  # the page, to try again
    assert (workspace / "releases" / f"{RELEASE}.yaml").read_bytes() == before
    # A body without a length (chunked) is counted as it comes.
    chunks = (b"x" * 2**20 for _ in range(MAX_BODY // 2**20 + 2))
    chunked = client.post(f"/release/{RELEASE}/nl/save", content=chunks, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    assert chunked.status_code == 413 and "larger than" in chunked.json()["message"]


def test_a_huge_declared_body_is_refused_before_a_byte_is_read(workspace: Path) -> None:
    """Straight through the ASGI app: the request says 10 GiB; the studio answers without reading it."""
    app = create_app(workspace, "127.0.0.1", watch=False)
    read: list[int] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        read.append(2**20)
        return {"type": "http.request", "body": b"x" * 2**20, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": f"/release/{RELEASE}/nl/import", "raw_path": b"",
             "root_path": "", "scheme": "http", "query_string": b"", "http_version": "1.1",
             "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50000),
             "headers": [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000"),
                         (b"content-type", b"multipart/form-data; boundary=x"),
                         (b"content-length", str(10 * 2**30).encode())]}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 413
    assert sum(read) == 0 < MAX_DRAIN


def test_style_elements_need_the_response_s_own_nonce(client: httpx.Client) -> None:
    """The editor's style elements are allowed by a nonce that is new in every response (never
    'unsafe-inline'); the page hands it to the editor's script, and scripts take no nonce."""
    nonces = []
    for _ in range(2):
        answer = client.get(f"/release/{RELEASE}/en")
        policy = answer.headers["content-security-policy"]
        directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
        assert directives["script-src"] == ["'self'"], policy
        assert directives["style-src"][0] == "'self'" and len(directives["style-src"]) == 2, policy
        nonce = directives["style-src"][1].removeprefix("'nonce-").removesuffix("'")
        assert len(nonce) >= 22, policy
        if "/static/vendor/editor.js" in answer.text:
            assert f'nonce="{nonce}"' in answer.text
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
