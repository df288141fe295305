"""A LibreTranslate-compatible HTTP server on 127.0.0.1 for tests, with scripted faults.

It "translates" by tagging every word with the target language (``ploeg`` ->
``fr:ploeg``) and leaves punctuation and Markdown alone, like real engines
mostly do; ``mangle`` makes it damage Markdown the way engines sometimes do.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

WORD = re.compile(r"[^\W\d_]+")


def fake_translation(text: str, target: str) -> str:
    return WORD.sub(lambda m: f"{target}:{m.group(0)}", text)


@dataclass
class LibreServer:
    """Start with ``start()``; ``faults`` is a list of status codes (or 'sleep') served first."""

    faults: list[object] = field(default_factory=list)
    repeat_fault: object | None = None
    mangle: bool = False
    sleep_seconds: float = 3.0
    requests: list[dict[str, str]] = field(default_factory=list)

    def start(self) -> str:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                params = {k: v[0] for k, v in parse_qs(url.query or body).items()}
                server.requests.append(params)
                fault = server.faults.pop(0) if server.faults else server.repeat_fault
                if fault == "sleep":
                    time.sleep(server.sleep_seconds)
                    fault = None
                if isinstance(fault, int):
                    self._reply(fault, {"error": "scripted fault"})
                    return
                if url.path != "/translate":
                    self._reply(404, {"error": "not found"})
                    return
                text = fake_translation(params.get("q", ""), params.get("target", "?"))
                if server.mangle:
                    text = text.replace("**", "** ").replace("](", "] (").replace("^", "")
                self._reply(200, {"translatedText": text})

            def _reply(self, status: int, payload: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
