"""Many writers of one file at once: "unchanged since read" and the rename are one step.

Each round of the main test starts 40 saves of one release from the same version
of it: studio requests from threads, and real ``pressgen translate`` and
``pressgen review import`` processes. Exactly one may answer "saved"; every other
must be told (HTTP 409, or exit 1 saying the file changed since it was read); the
file must hold the winner's text, whole, with a sidecar that agrees with it.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from helpers.libre_server import LibreServer
from helpers.studio_server import StudioServer, save_form
from ruamel.yaml import YAML

from pressgen.files import ChangedOnDisk, replace_verified

RELEASE = """\
# One release that everybody saves at once.
organization: iom-belgium
date: 2017-05-26
source: nl
contacts: [gdhoop]
text:
  nl:
    headline: Een kop voor de proef
    dateline: Brussel
    body: |
      Eerste alinea van het bericht.

      Tweede alinea van het bericht.
"""
ROUNDS = 8
STUDIO_SAVES = 36  # plus TRANSLATES and REVIEWS processes: 40 saves a round
TRANSLATES = 2
REVIEWS = 2
ORDINALS = ("un", "deux", "trois", "quatre")
MARKER = re.compile(r"\b(?:studio|revue)-[a-z]{2}\b")
CHANGED = "changed on disk since it was read"

# A real `pressgen …` command, held just before its write-back until every writer of the round has
# read the release, so that all of them start from the same version. Only the moment changes.
HOLD = r"""
import importlib, sys, time
from pathlib import Path
ready, go, module = Path(sys.argv[1]), Path(sys.argv[2]), importlib.import_module(sys.argv[3])
write_back = module.save
def held(*args, **kwargs):
    ready.touch()
    while not go.exists():
        time.sleep(0.002)
    return write_back(*args, **kwargs)
module.save = held
from pressgen.cli import main
main(sys.argv[4:])
"""


def _marker(kind: str, number: int) -> str:
    return f"{kind}-{chr(97 + number // 26)}{chr(97 + number % 26)}"


def _fr_segments(text: str) -> tuple[list[str], list[str]]:
    """The source and French segments of the release text, in field order."""
    from pressgen.translation.segments import split

    data = YAML(typ="safe").load(text)
    nl, fr = data["text"]["nl"], data["text"].get("fr") or {}
    names = ("headline", "dateline", "body")
    return ([s for name in names for s in split(name, nl.get(name))],
            [s for name in names for s in split(name, fr.get(name))])


def _exported(race: Path, workspace: Path) -> bytes:
    """The release's French XLIFF, as 'pressgen review export' writes it."""
    from pressgen import load_workspace
    from pressgen.check import EVERY_LANGUAGE, check_release
    from pressgen.translation.review import export_xliff

    loaded_workspace = load_workspace(workspace)
    checked = check_release(race, loaded_workspace, pending=EVERY_LANGUAGE)
    assert checked.release is not None and checked.loaded is not None
    return export_xliff(checked.release, loaded_workspace, "fr", checked.loaded)


@pytest.fixture
def race(workspace: Path, server: LibreServer) -> Path:
    for other in (workspace / "releases").iterdir():
        other.unlink()
    config = workspace / "pressgen.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "timezone: Europe/Brussels",
        f"timezone: Europe/Brussels\ntranslation: {{provider: libre, url: \"{server.url}\", "  # type: ignore[attr-defined]
        "timeout: 30, retries: 2, backoff: 0}"), encoding="utf-8")
    path = workspace / "releases" / "race.yaml"
    path.write_text(RELEASE, encoding="utf-8")
    return path


def _filled(xliff: str, marker: str) -> str:
    """The exported XLIFF with every unit translated by one reviewer."""
    ordinal = iter(ORDINALS)
    return re.sub(r'<target state="new" xml:space="preserve"/>', lambda _: (
        f'<target state="translated" xml:space="preserve">{marker} {next(ordinal)}.</target>'), xliff)


def _post(studio: StudioServer, cookies: dict[str, str], form: dict[str, object],
          start: threading.Event) -> httpx.Response:
    """A browser tab's save, sent as soon as ``start`` is set."""
    with httpx.Client(base_url=studio.url, headers={"Origin": studio.origin, "Accept": "application/json"},
                      cookies=cookies, timeout=120) as client:
        start.wait()
        return client.post("/release/race/fr/save", data=form)


def test_of_40_simultaneous_saves_of_one_version_exactly_one_wins_and_no_text_is_lost(
        race: Path, workspace: Path, tmp_path: Path) -> None:
    from pressgen.translation.segments import fingerprint, read_records, sidecar_path

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[2]),
                                                                     os.environ.get("PYTHONPATH")]))}
    held = [sys.executable, "-c", HOLD]
    xliff = _exported(race, workspace).decode()
    version = race.read_bytes()
    problems: list[str] = []
    lost = 0
    with StudioServer(workspace) as studio, ThreadPoolExecutor(STUDIO_SAVES) as pool:
        # The page of that version, open in 36 tabs: each round starts from the same bytes again.
        with httpx.Client(base_url=studio.url, headers={"Origin": studio.origin}, timeout=60) as client:
            page = client.get("/release/race/fr").text
            cookies = dict(client.cookies)
        segments = re.findall(r'name="(segment\.[\w-]+)"', page)
        assert len(segments) == 4 and f'value="{hashlib.sha256(version).hexdigest()}"' in page
        for number in range(ROUNDS):
            # The same version each round, and nothing the last round left: no records, no memory.
            race.write_bytes(version)
            sidecar_path(race).unlink(missing_ok=True)
            (workspace / ".pressgen" / "translation-memory.sqlite").unlink(missing_ok=True)
            folder = tmp_path / f"round-{number}"
            folder.mkdir()
            go = folder / "go"

            # The commands read the release, then wait at their write-back.
            commands = {f"translate-{i}": ["pressgen.translation.translate", "translate", "race", "--to", "fr"]
                        for i in range(TRANSLATES)}
            for index in range(REVIEWS):
                marker = _marker("revue", index)
                reviewed = folder / f"{marker}.xlf"
                reviewed.write_text(_filled(xliff, marker), encoding="utf-8")
                commands[marker] = ["pressgen.translation.writeback", "review", "import", "race", "--lang", "fr",
                                    "--file", str(reviewed)]
            processes = {name: subprocess.Popen([*held, str(folder / name), str(go), *command], cwd=workspace,
                                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                         for name, command in commands.items()}
            deadline = time.monotonic() + 120
            while not all((folder / name).exists() for name in processes):
                exited = {name: p for name, p in processes.items() if p.poll() is not None}
                assert not exited, {name: p.communicate() for name, p in exited.items()}
                assert time.monotonic() < deadline, "the commands did not reach their write-back"
                time.sleep(0.01)

            start = threading.Event()
            saves = [pool.submit(_post, studio, cookies, save_form(page, {
                name: f"{_marker('studio', index)} {ordinal}." for name, ordinal in zip(segments, ORDINALS,
                                                                                         strict=True)}), start)
                for index in range(STUDIO_SAVES)]
            go.touch()
            start.set()
            won: list[str] = []
            for index, future in enumerate(saves):
                answer = future.result()
                if answer.status_code == 200:
                    won.append(_marker("studio", index))
                elif answer.status_code != 409:
                    problems.append(f"round {number}: studio save {index}: {answer.status_code} {answer.text[:300]}")
            for name, process in processes.items():
                _, err = process.communicate(timeout=120)
                if process.returncode == 0:
                    won.append(name)
                elif process.returncode != 1 or CHANGED not in err or "Traceback" in err:
                    problems.append(f"round {number}: {name}: exit {process.returncode}: {err[-500:]}")

            text = race.read_text(encoding="utf-8")
            source, french = _fr_segments(text)
            found = set(MARKER.findall(text))
            if len(won) != 1:
                lost += max(len(won) - 1, 0)
                problems.append(f"round {number}: {len(won)} saves were answered 'saved' ({', '.join(won)}); "
                                f"the file holds {sorted(found) or 'the machine draft'}")
                continue
            winner = won[0]
            if winner.startswith("translate"):
                expected_state = "machine"
                whole = found == set() and len(french) == 4 and all(s.startswith("fr:") for s in french)
            else:
                expected_state = "draft"
                whole = found == {winner} and french == [f"{winner} {o}." for o in ORDINALS]
            if not whole:
                problems.append(f"round {number}: {winner} won, but the file holds {french}")
            records = read_records(race).get("fr", [])
            if ([r.target for r in records] != [fingerprint(s) for s in french]
                    or [r.source for r in records] != source or {r.state for r in records} != {expected_state}):
                problems.append(f"round {number}: the sidecar does not match the text {winner} wrote: {records}")
    assert not problems, f"{lost} save(s) lost in {ROUNDS} rounds:\n" + "\n".join(problems)


# --- the compare-and-swap itself -------------------------------------------------------------------


def _append(path: Path, token: bytes, times: int) -> int:
    """Append a line ``times`` times, each a read and a write-back onto what was read; returns how many
    write-backs were refused (and tried again from a fresh read)."""
    refused = 0
    for _ in range(times):
        while True:
            old = path.read_bytes()
            try:
                replace_verified(path, old + token + b"\n", original=old)
                break
            except ChangedOnDisk:
                refused += 1
    return refused


def _hammer(path: str, prefix: str, threads: int, times: int) -> int:
    """One process of the hammer: ``threads`` threads appending at once."""
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(_append, Path(path), f"{prefix}-{t}".encode(), times) for t in range(threads)]
        return sum(f.result() for f in futures)


@pytest.mark.parametrize("in_workspace", [True, False])
def test_compare_and_swap_loses_no_write_among_threads_and_processes(tmp_path: Path, in_workspace: bool) -> None:
    if in_workspace:
        (tmp_path / "pressgen.yaml").write_text("languages: [nl]\n")
    path = tmp_path / "releases" / "counted.yaml"
    path.parent.mkdir()
    path.write_bytes(b"")
    threads, times = 4, 25
    context = multiprocessing.get_context("spawn")
    with context.Pool(3) as processes:
        others = [processes.apply_async(_hammer, (str(path), f"p{n}", threads, times)) for n in range(3)]
        here = _hammer(str(path), "main", threads, times)
        refused = here + sum(result.get(timeout=120) for result in others)
    lines = Counter(path.read_bytes().decode().splitlines())
    expected = {f"{prefix}-{t}": times for prefix in ("main", "p0", "p1", "p2") for t in range(threads)}
    assert dict(lines) == expected, f"lost {sum(expected.values()) - lines.total()} write(s); {refused} refused"
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    if in_workspace:  # the lock lives in the workspace's .pressgen, nowhere near the file
        assert [p.name for p in path.parent.iterdir()] == ["counted.yaml"]
        assert len(list((tmp_path / ".pressgen" / "locks").glob("counted.yaml-*.lock"))) == 1


def test_a_write_back_onto_a_version_that_is_gone_is_refused_and_the_other_save_stays(tmp_path: Path) -> None:
    path = tmp_path / "file.yaml"
    path.write_bytes(b"read\n")
    read = path.read_bytes()
    replace_verified(path, b"saved by someone else\n", original=read)
    with pytest.raises(ChangedOnDisk, match="changed on disk"):
        replace_verified(path, b"mine\n", original=read)
    assert path.read_bytes() == b"saved by someone else\n"
    with pytest.raises(ChangedOnDisk, match="exists already"):
        replace_verified(path, b"new\n", new=True)
    assert path.read_bytes() == b"saved by someone else\n"


# --- each writer writes only onto the version it read ----------------------------------------------


def test_translate_does_not_overwrite_an_edit_saved_while_the_provider_answered(race: Path, workspace: Path) -> None:
    from pressgen import load_workspace
    from pressgen.translation.translate import translate_release

    edited = RELEASE.replace("Een kop voor de proef", "Een kop die net bewaard werd")

    class Provider:  # answers, but only after someone saved the release in the studio
        def translate(self, text: str) -> str:
            if race.read_text(encoding="utf-8") != edited:
                race.write_text(edited, encoding="utf-8")
            return f"fr:{text}"

    with pytest.raises(ChangedOnDisk, match="changed on disk since it was read"):
        translate_release(race, load_workspace(workspace), ["fr"], client_factory=lambda *args: Provider())
    assert race.read_text(encoding="utf-8") == edited
    assert not (race.parent / "race.segments.json").exists()


def test_review_import_does_not_overwrite_an_edit_saved_after_the_release_was_read(
        race: Path, workspace: Path) -> None:
    from pressgen import load_workspace
    from pressgen.check import EVERY_LANGUAGE, check_release
    from pressgen.translation.review import import_xliff

    loaded_workspace = load_workspace(workspace)
    checked = check_release(race, loaded_workspace, pending=EVERY_LANGUAGE)
    assert checked.release is not None
    reviewed = workspace / "reviewed.xlf"
    reviewed.write_bytes(re.sub(rb'<target state="new" xml:space="preserve"/>',
                                b'<target state="translated" xml:space="preserve">revue-aa.</target>',
                                _exported(race, workspace)))
    edited = RELEASE.replace("Brussel", "Antwerpen")
    race.write_text(edited, encoding="utf-8")  # saved in an editor while the reviewer's file was read
    with pytest.raises(ChangedOnDisk, match="changed on disk since it was read"):
        import_xliff(reviewed, checked.release, loaded_workspace, "fr")
    assert race.read_text(encoding="utf-8") == edited


def test_a_lock_that_cannot_be_created_is_a_clear_error_and_nothing_is_written(
        race: Path, workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from pressgen.cli import main

    reviewed = workspace / "reviewed.xlf"
    reviewed.write_bytes(re.sub(rb'<target state="new" xml:space="preserve"/>',
                                b'<target state="translated" xml:space="preserve">revue-aa.</target>',
                                _exported(race, workspace)))
    (workspace / ".pressgen").write_text("a file where the workspace's .pressgen folder belongs\n")
    monkeypatch.chdir(workspace)
    with pytest.raises(SystemExit) as exited:
        main(["review", "import", "race", "--lang", "fr", "--file", str(reviewed)])
    err = capsys.readouterr().err
    assert exited.value.code == 1, err
    assert "releases/race.yaml:1:1: error: not written: its lock" in err and "cannot be created" in err, err
    assert "hint: pressgen keeps the locks of the files it writes in .pressgen/locks/" in err
    assert "Traceback" not in err and "internal error" not in err
    assert race.read_text(encoding="utf-8") == RELEASE
    assert not (race.parent / "race.segments.json").exists()


def test_a_folder_that_refuses_the_write_is_a_clear_error_and_nothing_is_written(
        race: Path, workspace: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from pressgen.cli import main

    reviewed = workspace / "reviewed.xlf"
    reviewed.write_bytes(re.sub(rb'<target state="new" xml:space="preserve"/>',
                                b'<target state="translated" xml:space="preserve">revue-aa.</target>',
                                _exported(race, workspace)))
    real = tempfile.mkstemp

    def read_only(*args: object, dir: object = None, **kwargs: object) -> tuple[int, str]:  # noqa: A002
        if dir is not None and Path(str(dir)) == race.parent:  # releases/ is on a read-only mount
            raise OSError(30, "Read-only file system")
        return real(*args, dir=dir, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    monkeypatch.chdir(workspace)
    with pytest.raises(SystemExit) as exited:
        main(["review", "import", "race", "--lang", "fr", "--file", str(reviewed)])
    err = capsys.readouterr().err
    assert exited.value.code == 1, err
    assert "releases/race.yaml:1:1: error: not written: cannot write it: Read-only file system" in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert race.read_text(encoding="utf-8") == RELEASE
    assert not (race.parent / "race.segments.json").exists()


def test_a_release_and_its_records_are_written_as_a_pair_or_not_at_all(race: Path, workspace: Path) -> None:
    from pressgen import load_workspace
    from pressgen.check import EVERY_LANGUAGE, check_release
    from pressgen.files import NotWritten
    from pressgen.translation.segments import Record, save, sidecar_path

    checked = check_release(race, load_workspace(workspace), pending=EVERY_LANGUAGE)
    assert checked.release is not None
    sidecar_path(race).mkdir()  # the records cannot be written there
    with pytest.raises(NotWritten, match="race.segments.json: not written"):
        save(checked.release, {"fr": {"headline": "Un titre pour l'essai", "status": "draft"}},
             {"fr": [Record("headline", "Een kop voor de proef", "0" * 12, "draft")]}, base=race.read_bytes())
    assert race.read_text(encoding="utf-8") == RELEASE  # the release file is put back
    assert sidecar_path(race).is_dir() and not [p for p in race.parent.iterdir() if p.name.endswith(".tmp")]
