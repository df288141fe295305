"""Provider requests get their timeout per request, in their own thread: nothing else in the process changes."""

from __future__ import annotations

import threading
from pathlib import Path

import requests
from helpers import use_libre
from helpers.libre_server import LibreServer

from pressgen import load_workspace
from pressgen.translation.translate import TranslationError, translate_release


def _new_release(workspace: Path) -> Path:
    path = workspace / "releases" / "slow.yaml"
    path.write_text("organization: iom-belgium\ndate: 2026-03-01\nsource: nl\nlanguages: [nl, fr]\n"
                    "contacts: [gdhoop]\ntext:\n  nl:\n    headline: Een kop\n    body: Een alinea.\n",
                    encoding="utf-8")
    return path


def test_a_provider_timeout_applies_to_that_provider_call_only(workspace: Path) -> None:
    libre = LibreServer(repeat_fault="sleep", sleep_seconds=1.5)
    url = libre.start()
    try:
        use_libre(workspace, url, timeout=0.3, retries=0)
        path = _new_release(workspace)
        outcome: dict[str, object] = {}

        def draft() -> None:
            try:
                report = translate_release(path, load_workspace(workspace), ["fr"], sleep=lambda _: None)
                outcome["said"] = " ".join(d.message for d in report.diagnostics)
            except TranslationError as exc:
                outcome["said"] = " ".join(d.message for d in exc.diagnostics)
        drafting = threading.Thread(target=draft)
        drafting.start()
        for _ in range(3000):  # until the provider call is under way (a hang guard, not a timing)
            if libre.requests or not drafting.is_alive():
                break
            threading.Event().wait(0.01)
        # Meanwhile another part of the program (the studio serves pages in threads) makes its own request:
        # the provider's 0.3 s must not reach it. Before, a process-wide patch of requests.Session.request
        # gave it the provider's timeout for as long as the provider call lasted.
        answer = requests.post(url + "translate", data={"q": "hallo", "source": "nl", "target": "fr"})
        drafting.join(timeout=30)
        assert answer.status_code == 200 and answer.json()["translatedText"] == "fr:hallo"
        assert "did not answer in time" in str(outcome.get("said"))  # the provider call itself did time out
    finally:
        libre.stop()


def test_no_library_function_is_replaced_for_the_process(workspace: Path, server: LibreServer) -> None:
    before = (requests.Session.request, requests.get, requests.post, requests.request)
    use_libre(workspace, server.url)
    translate_release(_new_release(workspace), load_workspace(workspace), ["fr"], sleep=lambda _: None)
    assert (requests.Session.request, requests.get, requests.post, requests.request) == before
