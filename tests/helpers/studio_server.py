"""The studio run by uvicorn in a thread, on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from pressgen.studio import create_app
from pressgen.studio.app import listen


class StudioServer:
    def __init__(self, root: Path, host: str = "127.0.0.1") -> None:
        self.listener = listen(host, 0)  # the studio's own listener, as `pressgen serve` opens it
        self.port = self.listener.getsockname()[1]
        self.url = f"http://{host}:{self.port}/"
        self.origin = f"http://{host}:{self.port}"
        self.app = create_app(root, host)
        self.studio = self.app.state.studio
        config = uvicorn.Config(self.app, log_level="warning", timeout_graceful_shutdown=1, lifespan="on")
        self.server = uvicorn.Server(config)
        self.app.state.routes.stopping = lambda: self.server.should_exit
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.listener]}, daemon=True)

    def __enter__(self) -> StudioServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert self.server.started, "the studio did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


REPEATED = ("contacts", "reviewed", "release")  # fields a form sends once per ticked box


def save_form(page: str, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a browser sends for the page's save form as it is filled in, with ``changes`` typed in."""
    import lxml.html

    form = next(f for f in lxml.html.fromstring(page).forms if f.action.endswith("/save"))
    values: dict[str, Any] = {name: [] for name in REPEATED}
    for template in list(form.iter("template")):  # a row's template is not part of the form a browser sends
        template.drop_tree()
    for name, value in form.form_values():
        if name in REPEATED:
            values[name].append(value)
        else:
            values[name] = value
    return {**values, **(changes or {})}
