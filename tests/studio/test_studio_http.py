"""pressgen serve, the studio, over HTTP: pages, safe saves, conflicts, pushed changes, builds.

The browser itself is driven in test_studio_browser.py; raw-socket tests of the
guards (Host, Origin, session token) are in test_studio_guards.py.
"""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from helpers import normalize
from helpers.studio_server import StudioServer, save_form
from pypdf import PdfReader

RELEASE = "unric-migrants-stigma-2014"  # written in English, translated into Dutch and French




def form_of(page: str) -> dict[str, str]:
    """The hidden fields (session token, base version) of the page's save form."""
    return {name: value for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)}


def test_the_index_lists_releases_with_date_organisation_states_and_problems(
        client: httpx.Client, workspace: Path) -> None:
    path = workspace / "releases" / "iom-20km-brussels-2017.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "headline: De Verenigde Naties nemen deel", "headline: Let op: de Verenigde Naties nemen deel"),
        encoding="utf-8")
    stale = workspace / "releases" / f"{RELEASE}.yaml"  # its translations become stale
    text = stale.read_text(encoding="utf-8")
    stale.write_text(text.replace("take such high risks", "take such risks"), encoding="utf-8")
    page = client.get("/").text
    for release in (workspace / "releases").glob("*.yaml"):
        assert f'href="/release/{release.stem}"' in page
    assert "2014-10-28" in page and "United Nations Regional Information Centre (UNRIC)" in page
    assert 'class="state reviewed"' in page and 'class="state source"' in page
    # A syntax error is shown in words, its place after it (the file's position in the tooltip), and a hint
    # a writer understands; never a command line.
    assert 'title="releases/iom-20km-brussels-2017.yaml:11:21">line 11:21</span>' in page
    assert "put the text in quotes" in page
    assert "text is stale" in page and "run 'pressgen" not in page and "was: " not in page
    # Filters and sorting.
    filtered = client.get("/", params={"tag": "awareness"}).text
    assert f'href="/release/{RELEASE}"' in filtered and 'href="/release/iom-news-digest-2016"' not in filtered
    errors_only = client.get("/", params={"state": "errors"}).text
    assert 'href="/release/iom-20km-brussels-2017"' in errors_only and f'href="/release/{RELEASE}"' not in errors_only
    by_id = client.get("/", params={"sort": "id"}).text
    ids = re.findall(r'<small>([a-z0-9-]+)</small></td>', by_id)
    assert ids == sorted(ids) and len(ids) == 5


def test_the_release_page_is_labelled_and_says_each_text_area_s_language(client: httpx.Client) -> None:
    page = client.get(f"/release/{RELEASE}/fr").text
    assert '<html lang="en">' in page and 'name="viewport"' in page
    assert "<main" in page and "<nav" in page and 'href="#main"' in page  # landmarks, a skip link
    assert re.search(r'href="/release/unric-migrants-stigma-2014/fr" class="state \w+" aria-current="page"', page)
    areas = re.findall(r"<textarea ([^>]*)>", page)
    assert areas and all('lang="fr"' in attributes for attributes in areas)
    for attributes in areas:
        identifier = re.search(r'id="([^"]+)"', attributes).group(1)  # type: ignore[union-attr]
        assert f'<label class="visually-hidden" for="{identifier}">' in page
    assert 'lang="en"' in page.split('class="segments"')[1]  # the source column is in the source language
    assert "Download “Migrants: Removing the Stigma” (fr) as PDF" in normalize(page)
    source = client.get(f"/release/{RELEASE}/en").text
    for field in ("headline", "subheadline", "body", "notes"):
        assert f'<label for="text.en.{field}">' in source and f'id="text.en.{field}" name="text.en.{field}" lang="en"' \
            in source


def test_saving_the_source_keeps_the_file_s_comments_and_refreshes_the_preview(
        client: httpx.Client, studio: StudioServer, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    page = client.get(f"/release/{RELEASE}/en").text
    before = client.get(f"/release/{RELEASE}/en/preview").json()
    form = save_form(page, {"text.en.headline": "Migrants: the Stigma Lifted", "contacts": ["unric-press"]})
    answer = client.post(f"/release/{RELEASE}/en/save", data=form, headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.json()["ok"], answer.text
    text = path.read_text(encoding="utf-8")
    assert "headline: 'Migrants: the Stigma Lifted'" in text or 'headline: "Migrants: the Stigma Lifted"' in text
    assert [line for line in text.splitlines() if line.lstrip().startswith("#")] == comments
    after = client.get(f"/release/{RELEASE}/en/preview").json()
    assert after["version"] != before["version"] and after["pages"] >= 1 and after["errors"] == []
    assert client.get(f"/release/{RELEASE}/en/page/1.png").headers["content-type"] == "image/png"
    pdf = client.get(f"/release/{RELEASE}/en/pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert 'filename="unric-migrants-stigma-2014.en.pdf"' in pdf.headers["content-disposition"]
    assert "Migrants: the Stigma Lifted" in normalize(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        pdf.content)).pages))
    assert client.get(f"/release/{RELEASE}/fr").text.count('class="state stale"') >= 1  # the headline changed


def test_a_save_over_a_file_changed_on_disk_is_refused_and_shows_both_versions(
        client: httpx.Client, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    page = client.get(f"/release/{RELEASE}/fr").text
    segment = re.search(r'name="(segment\.headline-[\w-]+)"', page).group(1)  # type: ignore[union-attr]
    path.write_text(path.read_text(encoding="utf-8").replace("# ", "# edited in a text editor meanwhile: ", 1),
                    encoding="utf-8")
    on_disk = path.read_bytes()
    answer = client.post(f"/release/{RELEASE}/fr/save", data={**form_of(page), segment: "Mon titre à moi"})
    assert answer.status_code == 409
    assert "changed on disk since this page was opened; nothing was saved" in answer.text
    assert "Mon titre à moi" in answer.text  # the user's version of the field …
    assert "Migrants : lever la stigmatisation" in answer.text  # … beside the field as the file has it now
    assert "edited in a text editor meanwhile" not in answer.text  # the field, never a dump of the file
    assert path.read_bytes() == on_disk
    json_answer = client.post(f"/release/{RELEASE}/fr/save", data={**form_of(page), segment: "Mon titre à moi"},
                              headers={"Accept": "application/json"}).json()
    fields = {field["name"]: field for field in json_answer["conflict"]["fields"]}  # no original values: two-way
    assert fields[segment]["mine"] == "Mon titre à moi"
    assert fields[segment]["theirs"] == "Migrants : lever la stigmatisation"
    assert path.read_bytes() == on_disk


def test_an_invalid_form_is_not_written_and_its_errors_show_at_their_field(
        client: httpx.Client, workspace: Path) -> None:
    from pressgen import load_workspace
    from pressgen.check import check_release

    path = workspace / "releases" / f"{RELEASE}.yaml"
    before = path.read_bytes()
    page = client.get(f"/release/{RELEASE}/en").text
    form = {**form_of(page), "text.en.headline": "A headline", "text.en.body": "Text.", "date": "2014-02-30",
            "embargo": "tomorrow morning"}
    answer = client.post(f"/release/{RELEASE}/en/save", data=form, headers={"Accept": "application/json"})
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert any("2014-02-30" in line or "date" in line for line in errors["date"]), errors
    assert errors["embargo"], errors
    assert path.read_bytes() == before
    # The words are check's own: write the same values by hand and check reports the same messages.
    text = before.decode().replace("date: 2014-10-28", "date: 2014-02-30")
    path.write_text(text, encoding="utf-8")
    checked = check_release(path, load_workspace(workspace))
    message = next(d.message for d in checked.diagnostics if d.severity == "error")
    assert any(message in line for line in errors["date"])


def test_a_translator_s_edits_become_drafts_and_ticked_segments_reviewed(
        client: httpx.Client, workspace: Path) -> None:
    from pressgen import load_release, load_workspace
    from pressgen.translation.segments import align

    page = client.get(f"/release/{RELEASE}/fr").text
    segments = re.findall(r'name="(segment\.[\w-]+)"', page)
    edited, ticked = segments[3], segments[0]
    data = save_form(page, {edited: "Un paragraphe réécrit par la traductrice.",
                            "reviewed": [ticked.removeprefix("segment.")]})  # only this one ticked
    answer = client.post(f"/release/{RELEASE}/fr/save", data=data, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["states"]["fr"] == "draft"
    release = load_release(workspace / "releases" / f"{RELEASE}.yaml", load_workspace(workspace))
    states = {pair.id: pair.state for pair in align(release, "fr").pairs}
    assert states[ticked.removeprefix("segment.")] == "reviewed"
    assert states[edited.removeprefix("segment.")] == "draft"
    assert "Un paragraphe réécrit par la traductrice." in release.text["fr"].body


def test_xliff_and_review_docx_go_out_and_come_back_through_the_page(
        client: httpx.Client, workspace: Path) -> None:
    xliff = client.get(f"/release/{RELEASE}/nl/review.xlf")
    assert xliff.status_code == 200 and b"<xliff" in xliff.content
    changed = re.sub(rb'(<target[^>]*>)([^<]*)', lambda m: m.group(1) + b"Nagekeken: " + m.group(2),
                     xliff.content, count=1)
    page = client.get(f"/release/{RELEASE}/nl").text
    answer = client.post(f"/release/{RELEASE}/nl/import", data={"csrf": form_of(page)["csrf"]},
                         files={"file": ("review.xlf", changed, "application/xliff+xml")})
    assert answer.status_code in (200, 303), answer.text
    assert "Nagekeken: " in (workspace / "releases" / f"{RELEASE}.yaml").read_text(encoding="utf-8")
    docx = client.get(f"/release/{RELEASE}/nl/review.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"


def test_the_watcher_names_the_changed_release_and_ignores_editor_files(workspace: Path) -> None:
    from pressgen.studio.state import Studio

    state = Studio(workspace)  # not watching: the test looks itself
    state.changed_since_last_look()
    releases = workspace / "releases"
    for name in (f".{RELEASE}.yaml.swp", f"{RELEASE}.yaml~", "#notes#", "x.tmp"):
        (releases / name).write_text("scratch")
    (workspace / "notes.txt").write_text("not a source")
    assert state.changed_since_last_look() == set()
    path = releases / f"{RELEASE}.yaml"
    time.sleep(0.01)
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert state.changed_since_last_look() == {RELEASE}
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert state.changed_since_last_look() == {"*"}


def test_the_index_checks_again_only_the_release_that_changed(
        workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pressgen.studio import state as state_module

    studio = state_module.Studio(workspace)  # no watcher or warm-up checking meanwhile
    checked: list[str] = []
    real = state_module.check_release

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        checked.append(path.stem)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(state_module, "check_release", counting)
    studio.entries()
    checked.clear()
    assert len(studio.entries()[0]) == 5 and checked == []
    path = workspace / "releases" / f"{RELEASE}.yaml"
    time.sleep(0.01)
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    studio.entries()
    assert checked == [RELEASE]


def test_changes_are_pushed_to_open_pages(studio: StudioServer, workspace: Path) -> None:
    received: list[str] = []

    def listen() -> None:
        with httpx.Client(timeout=10) as client, client.stream("GET", f"{studio.url}events") as stream:
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    received.append(line[6:])
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    deadline = time.monotonic() + 5
    while studio.studio.broker.listeners == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    listener.join(timeout=5)
    assert received == [RELEASE]


def test_a_new_release_and_a_campaign_build_from_the_index(client: httpx.Client, workspace: Path) -> None:
    page = client.get("/new").text
    answer = client.post("/new", data={"csrf": form_of(page)["csrf"], "id": "launch-2027", "organization": "unric",
                                       "source": "en"})
    assert answer.status_code == 303 and answer.headers["location"] == "/release/launch-2027/en"
    assert (workspace / "releases" / "launch-2027.yaml").is_file()
    again = client.post("/new", data={"csrf": form_of(page)["csrf"], "id": "launch-2027", "source": "en"})
    assert again.status_code == 422 and "already exists" in again.text  # never overwritten
    index = client.get("/").text
    answer = client.post("/build", data={"csrf": form_of(index)["csrf"], "release": [RELEASE]})
    assert answer.status_code == 303
    deadline = time.monotonic() + 60
    while "built 6 of 6 documents" not in (index := client.get("/").text) and time.monotonic() < deadline:
        time.sleep(0.2)
    links = re.findall(r'<a href="(/built/[^"]+)" download>', index)
    assert len(links) == 6, index[-3000:]
    pdf = client.get(next(link for link in links if link.endswith(".fr.pdf")))
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert client.get("/built/pressgen.yaml").status_code == 404  # only what the build wrote


@pytest.mark.parametrize("path", ["release/../../etc/passwd", "release/%2e%2e/fr", "release/nope/fr",
                                  f"release/{RELEASE}/de", f"release/{RELEASE}/fr/html", "assets/unric.png",
                                  "built/../pressgen.yaml", "static/../state.py"])
def test_urls_outside_the_releases_are_not_found(client: httpx.Client, path: str) -> None:
    assert client.get("/" + path).status_code == 404


def test_serve_command_listens_on_localhost_and_stops_cleanly_on_ctrl_c(workspace: Path) -> None:
    command = [str(Path(sys.executable).parent / "pressgen"), "serve", str(workspace), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            assert httpx.get(url, timeout=10).status_code == 200
            break
        except httpx.ConnectError:
            time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "studio for" in stderr and "stopped" in stderr and "Traceback" not in stderr


def test_the_studio_sends_small_answers_at_once_without_waiting_for_an_ack() -> None:
    """Nagle's algorithm is off on the studio's connections. With it on (a listener made without naming
    IPPROTO_TCP, which asyncio needs before it turns Nagle off), a save's or a preview's small answer,
    written as its headers and then its body, waited 40 ms for the browser's delayed ACK."""
    import asyncio
    import socket

    from pressgen.studio.app import listen

    async def accepted_nodelay() -> int:
        found: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Protocol(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                found.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        listener = listen("127.0.0.1", 0)
        server = await asyncio.get_running_loop().create_server(Protocol, sock=listener)  # as uvicorn serves it
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname())
            try:
                return await asyncio.wait_for(found, 10)
            finally:
                writer.close()

    assert asyncio.run(accepted_nodelay()) != 0


def test_serve_refuses_a_port_in_use_and_warns_about_a_shared_address(studio: StudioServer, workspace: Path) -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "pressgen"), "serve", str(workspace),
                             "--port", str(studio.port)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{studio.port}: Address already in use (try --port {studio.port + 1})" \
        in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unchanged_form_saves_nothing_new_and_facts_and_photos_are_edited_in_place(
        client: httpx.Client, workspace: Path) -> None:
    path = workspace / "releases" / "unia-local-governments-2020.yaml"
    before = path.read_bytes()
    page = client.get("/release/unia-local-governments-2020/nl").text
    answer = client.post("/release/unia-local-governments-2020/nl/save", data=save_form(page),
                         headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.text
    assert path.read_bytes() == before  # every field as it was: the file is byte-identical

    page = client.get("/release/unia-local-governments-2020/nl").text
    answer = client.post("/release/unia-local-governments-2020/nl/save", headers={"Accept": "application/json"},
                         data=save_form(page, {"fact.0.label.nl": "Domein", "image.1.file": "assets/unia.png",
                                                "image.1.alt.nl": "Het logo", "image.1.alt.fr": "Le logo",
                                                "image.1.alt.en": "The logo", "image.1.placement": "end"}))
    assert answer.status_code == 200, answer.text
    text = path.read_text(encoding="utf-8")
    assert "label: {nl: Domein, fr: Domaine d’action, en: Field of action}" in text
    assert "  - label: {nl: Discriminatiegrond, fr: Critère de discrimination, en: Ground of discrimination}" in text
    assert "    credit: Unia\n  - file: assets/unia.png\n    alt: {nl: Het logo, fr: Le logo, en: The logo}\n" \
           "    placement: end\n" in text  # a second photo after the seed's own
    assert text.index("images:") < text.index("text:")  # beside the other settings, not after the texts
    pdf = client.get("/release/unia-local-governments-2020/fr/pdf")
    assert "Domaine d’action" in normalize(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        pdf.content)).pages))


def test_contacts_written_in_the_release_survive_a_save(client: httpx.Client, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    text = path.read_text(encoding="utf-8")
    inline = "contacts:\n  - unric-press\n  - name: Ann Peeters\n    email: ann@example.org\n"
    path.write_text(re.sub(r"^contacts: \[.*\]\n", inline, text, flags=re.M), encoding="utf-8")
    assert inline in path.read_text(encoding="utf-8")
    page = client.get(f"/release/{RELEASE}/en").text
    assert "Ann Peeters · ann@example.org (written in the release file, edited there)" in page
    answer = client.post(f"/release/{RELEASE}/en/save", headers={"Accept": "application/json"},
                         data=save_form(page, {"text.en.headline": "Migrants: a New Headline"}))
    assert answer.status_code == 200, answer.text
    saved = path.read_text(encoding="utf-8")
    assert inline in saved and "Migrants: a New Headline" in saved


def test_a_machine_draft_of_an_embargoed_release_is_refused_for_a_public_provider(
        client: httpx.Client, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2014-10-28", "date: 2014-10-28\n"
                                                             "embargo: 2099-01-01T10:00:00+01:00"), encoding="utf-8")
    before = path.read_bytes()
    page = client.get(f"/release/{RELEASE}/fr").text
    answer = client.post(f"/release/{RELEASE}/fr/machine", data={"csrf": form_of(page)["csrf"]})
    assert answer.status_code == 422
    assert "under embargo until 2099-01-01T10:00:00+01:00" in answer.text and "not sent to the public provider" \
        in answer.text
    assert path.read_bytes() == before


def test_a_fact_the_translation_lost_is_shown_beside_its_segment(client: httpx.Client, workspace: Path) -> None:
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Depuis 2000, plus de 40 000 personnes",
                                                             "Depuis 2000, plus de 4 000 personnes"), encoding="utf-8")
    page = client.get(f"/release/{RELEASE}/fr").text
    row = next(part for part in page.split('<tr id="seg-') if "plus de 4 000 personnes" in part)
    warnings = re.findall(r'<p class="warning">([^<]*)</p>', row)
    assert warnings == ["number 40000 of the source is not in the translation",
                        "number 4000 is in the translation but not in the source"], warnings


def test_a_bug_answers_plainly_and_prints_one_line(
        studio: StudioServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    def broken(release_id: str) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(studio.studio, "find", broken)
    answer = client.get(f"/release/{RELEASE}/fr")
    assert answer.status_code == 500 and "internal error in the studio" in answer.text
    err = capfd.readouterr().err
    assert f"internal error on GET /release/{RELEASE}/fr: RuntimeError: simulated bug" in err
    assert "Traceback" not in err
