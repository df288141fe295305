"""The studio's guards: ASGI middleware every request passes before any route.

For every request:
- the Host header must name the address the server listens on (DNS rebinding,
  see :mod:`pressgen.studio.hosts`), else 421;
- a state-changing request (POST) must come from the studio's own pages: its
  Origin header must be the studio's own origin, and its form must carry the
  session's token (a random value in a SameSite=Strict cookie, echoed in
  every form, checked by the routes of :mod:`pressgen.studio.app`), else 403;
- a request body larger than ``MAX_BODY`` is refused (413) before it is read into memory.

Every response carries headers that keep other pages from framing or reading the studio (see
:class:`SecurityHeaders`).
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from pressgen.studio.hosts import host_allowed

MAX_BODY = 8 * 2**20  # bytes of a request: a release's form, or a review file (tens of KiB as exported)
MAX_DRAIN = 64 * 2**20  # of a larger body, read this much (dropped) so the browser gets the answer, no more


# The studio's pages load only their own script, stylesheet and images (no inline script, no data: or
# blob: URL), post only to themselves, and no other page may frame them. Styles: the studio's own
# stylesheet, and the <style> elements the page's editor (CodeMirror, static/vendor/editor.js) writes for
# its themes, which carry this response's nonce: a random value per response, never 'unsafe-inline', so a
# style element written into a page by anyone else still does not apply. Scripts take no nonce.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; "
                           "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                           "base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class SecurityHeaders:
    """ASGI middleware: the policy (with a nonce of its own per response, ``request.state.style_nonce``
    for the page) and the headers of ``SECURITY_HEADERS`` on every HTTP response, the guards' refusals
    and errors included. A page on another port (another origin) cannot frame the studio, so it cannot
    make a user click its buttons unawares."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["style_nonce"] = nonce
        headers = [(b"content-security-policy", CONTENT_SECURITY_POLICY.format(nonce=nonce).encode()),
                   *SECURITY_HEADERS]
        names = {name for name, _ in headers}

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [
                    *(h for h in message.get("headers", []) if h[0].lower() not in names), *headers]}
            await send(message)

        await self.app(scope, receive, sending)


class BodyTooLarge(Exception):
    """A request body larger than ``MAX_BODY``: what was sent is dropped, not kept."""

    message = (f"the upload is larger than {MAX_BODY // 2**20} MiB, the most the studio accepts (a review "
               "file exported from the studio is a few dozen KiB)")


def _bounded(receive: Receive, declared: str | None) -> Receive:
    """``receive`` that raises :class:`BodyTooLarge` once the body passes ``MAX_BODY``, having read the
    rest (up to ``MAX_DRAIN``) and dropped it: a browser still sending would miss the answer."""
    received = 0

    async def receiving() -> Any:
        nonlocal received
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_DRAIN):
            raise BodyTooLarge
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > MAX_BODY:
                while message.get("more_body") and received <= MAX_DRAIN:
                    message = await receive()
                    received += len(message.get("body", b""))
                raise BodyTooLarge
        return message

    return receiving


class Guard:
    """ASGI middleware: the Host check on every request, the Origin check on every POST, the bound on
    every request body."""

    def __init__(self, app: ASGIApp, listening: str) -> None:
        self.app = app
        self.listening = listening

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            host = headers.get("host")
            if not host_allowed(host, self.listening):
                response: Response = PlainTextResponse(
                    "this studio answers only requests addressed to the host it listens on\n", 421)
                await response(scope, receive, send)
                return
            if scope["method"] not in ("GET", "HEAD", "OPTIONS") and headers.get("origin") != f"http://{host}":
                response = PlainTextResponse("refused: this request did not come from a page of this studio\n", 403)
                await response(scope, receive, send)
                return
            receive = _bounded(receive, headers.get("content-length"))
        started = False

        async def sending(message: Any) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BodyTooLarge:
            if not started:
                await PlainTextResponse(f"refused: {BodyTooLarge.message}\n", 413)(scope, receive, send)
        except Exception as exc:  # a bug: one line in the terminal, a plain answer in the browser, no traceback
            where = f"{scope.get('method', '')} {scope.get('path', '')}".strip()
            print(f"pressgen studio: internal error on {where}: {type(exc).__name__}: {exc}", file=sys.stderr)
            if scope["type"] == "http" and not started:
                await PlainTextResponse(
                    "internal error in the studio (a bug in pressgen; the terminal shows one line to report). "
                    "A save that failed this way wrote nothing: files are replaced only once written whole.\n",
                    500)(scope, receive, send)
