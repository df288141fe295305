"""The studio's guards seen from outside, with raw requests: which Host headers it answers, and that a
page on another site cannot make it write (Origin and the session token are both checked)."""

from __future__ import annotations

import re
import socket
from pathlib import Path

from helpers.studio_server import StudioServer

RELEASE = "iom-20km-brussels-2017"


def _get(port: int, host: str | None, path: str = "/") -> str:
    """Send one raw HTTP/1.1 request (with the given Host header, or none) and return the status line."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        headers = f"Host: {host}\r\n" if host is not None else ""
        connection.sendall(f"GET {path} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


def _send(port: int, request: bytes) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.decode("utf-8", "replace")


def test_serve_refuses_a_foreign_host_header(workspace: Path) -> None:
    with StudioServer(workspace) as server:
        port = server.port
        for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example", "[::1", "localhost:x"):
            assert _get(port, host).startswith("HTTP/1.1 421"), host
        assert _get(port, None).startswith(("HTTP/1.1 421", "HTTP/1.1 400"))  # no Host at all
        assert _get(port, "evil.example", f"/release/{RELEASE}/nl/pdf").startswith("HTTP/1.1 421")
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST", f"[::1]:{port}"):
            assert _get(port, host).startswith("HTTP/1.1 200"), host


def test_the_studio_refuses_cross_site_and_tokenless_posts(workspace: Path) -> None:
    """A page on another site cannot make the studio write: Origin and the session token are both checked."""
    path = workspace / "releases" / f"{RELEASE}.yaml"
    before = path.read_bytes()
    with StudioServer(workspace) as server:
        port = server.port
        page = _send(port, f"GET /release/{RELEASE}/nl HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Connection: close\r\n\r\n".encode())
        cookie = re.search(r"set-cookie: pressgen_session=([^;]+)", page, re.I).group(1)  # type: ignore[union-attr]
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        assert token == cookie
        base = re.search(r'name="base" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

        def post(origin: str | None, form: str, with_cookie: bool = True) -> str:
            headers = f"Host: 127.0.0.1:{port}\r\n" + (f"Origin: {origin}\r\n" if origin else "")
            headers += f"Cookie: pressgen_session={cookie}\r\n" if with_cookie else ""
            body = form.encode()
            return _send(port, (f"POST /release/{RELEASE}/nl/save HTTP/1.1\r\n{headers}"
                                "Content-Type: application/x-www-form-urlencoded\r\n"
                                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body)

        form = f"csrf={token}&base={base}&text.nl.headline=Overgenomen&text.nl.body=Tekst"
        assert post("http://evil.example", form).startswith("HTTP/1.1 403")  # another site's page
        assert post("null", form).startswith("HTTP/1.1 403")  # a sandboxed or file:// page
        assert post(None, form).startswith("HTTP/1.1 403")  # no Origin: not a page of the studio
        assert post(f"http://127.0.0.1:{port}", form.replace(token, "forged")).startswith("HTTP/1.1 403")
        assert post(f"http://127.0.0.1:{port}", form, with_cookie=False).startswith("HTTP/1.1 403")
        assert path.read_bytes() == before  # nothing was written
        answer = post(f"http://127.0.0.1:{port}", form)
        assert answer.startswith("HTTP/1.1 303"), answer[:400]  # the studio's own form is saved
        assert "headline: Overgenomen" in path.read_text(encoding="utf-8")


def test_host_rules_for_a_server_on_every_interface() -> None:
    from pressgen.studio.hosts import host_allowed

    assert host_allowed("192.168.1.20:8000", "0.0.0.0")  # an address: no DNS, no rebinding
    assert host_allowed(f"{socket.gethostname()}:8000", "0.0.0.0")
    assert not host_allowed("attacker.example:8000", "0.0.0.0")
    assert host_allowed("press.example.org", "press.example.org")
    assert not host_allowed("192.168.1.20", "127.0.0.1")
