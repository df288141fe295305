"""Studio benchmark: how soon a save shows in the preview, and how the index holds up at 200 releases.

    .venv/bin/python bench/studio.py [--releases 200] [--tabs 3] [--saves 10]

Runs the studio (uvicorn, in this process) on a copy of the seed workspace and
prints, over HTTP the way the pages' script asks:

- the first preview after start, when the studio has warmed its renderer;
- save -> preview: from sending the save of a two-page release's headline to
  having the new first page image (the save, the preview's version, the image):
  median and worst of ``--saves`` saves;
- the index of a workspace of ``--releases`` releases: the first-ever load (no
  .pressgen/: the page lists every release at once, and the time until the
  page's script has every row filled in, as it asks /rows), the first load
  after ``pressgen check`` (its memo, .pressgen/check.json, gives the rows), the
  first load after a restart (the rows the studio kept in that memo), a warm
  load (nothing changed), and, with ``--tabs`` (10) open index pages listening
  to the pushed changes, the time from a save until every tab has its
  refreshed index;
- ten tabs of one release open (one event stream shared in the browser: here,
  ten listeners of one stream): the time from a save until each has its new preview.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from helpers.studio_server import StudioServer, save_form  # noqa: E402

RELEASE = "iom-cities-migration-mechelen-2017"  # two pages


def save_to_preview(server: StudioServer, saves: int) -> list[float]:
    times = []
    with httpx.Client(base_url=server.url, headers={"Origin": server.origin}, timeout=60) as client:
        page = client.get(f"/release/{RELEASE}/nl").text
        form = save_form(page)
        headline = form["text.nl.headline"]
        version = client.get(f"/release/{RELEASE}/nl/preview").json()["version"]
        client.get(f"/release/{RELEASE}/nl/page/1.png")
        for number in range(saves):
            form["text.nl.headline"] = f"{headline} ({number})"
            started = time.perf_counter()
            answer = client.post(f"/release/{RELEASE}/nl/save", data=form,
                                 headers={"Accept": "application/json"}).json()
            assert answer["ok"], answer
            form["base"] = answer["base"]
            preview = client.get(f"/release/{RELEASE}/nl/preview").json()
            assert preview["version"] != version and not preview["errors"], preview
            version = preview["version"]
            image = client.get(f"/release/{RELEASE}/nl/page/1.png?v={version}")
            assert image.status_code == 200
            times.append(time.perf_counter() - started)
    return times


def first_preview(workspace: Path) -> tuple[float, float]:
    """Seconds from the studio's start to a release's first page image: the one warmed at start (the
    first release's source language), and another release, asked for two seconds after start."""
    started = time.perf_counter()
    with StudioServer(workspace) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        first = sorted(p.stem for p in (workspace / "releases").glob("*.yaml"))[0]
        source = re.search(r"^source: (\w+)", (workspace / "releases" / f"{first}.yaml").read_text(), re.M)
        assert source
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - started)))  # a person opening the page
        asked = time.perf_counter()
        client.get(f"/release/{first}/{source.group(1)}/page/1.png")
        warmed = time.perf_counter() - asked
        asked = time.perf_counter()
        client.get(f"/release/{RELEASE}/fr/page/1.png")
        other = time.perf_counter() - asked
    return warmed, other


def make_workspace(folder: Path, releases: int) -> Path:
    workspace = folder / "ws"
    shutil.copytree(ROOT / "seeds", workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    seeds = sorted((workspace / "releases").glob("*.yaml"))
    for number in range(releases - len(seeds)):
        seed = seeds[number % len(seeds)]
        target = workspace / "releases" / f"{seed.stem}-{number:03d}.yaml"
        shutil.copyfile(seed, target)
        sidecar = seed.with_name(seed.stem + ".segments.json")
        if sidecar.exists():  # the copy's own records (records naming another release are an error of check)
            records = json.loads(sidecar.read_text(encoding="utf-8"))
            records["release"] = target.stem
            target.with_name(target.stem + ".segments.json").write_text(
                json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return workspace


def whole_index(server: StudioServer) -> float:
    """Seconds to load the index with every row in it (none left to fill in)."""
    with httpx.Client(base_url=server.url, timeout=120) as client:
        started = time.perf_counter()
        page = client.get("/")
        took = time.perf_counter() - started
    assert page.status_code == 200 and 'data-pending="' not in page.text, "rows left to fill in"
    return took


def first_ever(server: StudioServer) -> tuple[float, float]:
    """The first index of a workspace nothing was checked in: seconds until the page lists every release,
    and until every row is filled in, asking /rows as the page's script does."""
    with httpx.Client(base_url=server.url, timeout=120) as client:
        started = time.perf_counter()
        page = client.get("/")
        listed = time.perf_counter() - started
        assert page.status_code == 200
        ids = set(re.findall(r'data-pending="([^"]+)"', page.text))
        while ids:
            answer = client.get("/rows", params=[("id", i) for i in sorted(ids)[:100]]).json()
            ids -= set(answer["rows"])
        filled = time.perf_counter() - started
    return listed, filled


def index_under_load(server: StudioServer, workspace: Path, tabs: int) -> tuple[float, float, float]:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        started = time.perf_counter()
        assert client.get("/").status_code == 200
        first = time.perf_counter() - started
        started = time.perf_counter()
        client.get("/")
        again = time.perf_counter() - started
    done: list[float] = []
    ready = threading.Barrier(tabs + 1)
    saved_at: list[float] = []

    def tab() -> None:  # what an open index page does: on a pushed change, fetch the index again
        with httpx.Client(base_url=server.url, timeout=120) as client, client.stream("GET", "/events") as events:
            ready.wait()
            for line in events.iter_lines():
                if line.startswith("data: "):
                    client.get("/")
                    done.append(time.perf_counter() - saved_at[0])
                    return

    threads = [threading.Thread(target=tab, daemon=True) for _ in range(tabs)]
    for thread in threads:
        thread.start()
    ready.wait()
    time.sleep(0.2)
    path = workspace / "releases" / f"{RELEASE}.yaml"
    saved_at.append(time.perf_counter())
    path.write_text(path.read_text(encoding="utf-8").replace("Burgemeesters", "Burgemeesters en schepenen", 1),
                    encoding="utf-8")
    for thread in threads:
        thread.join(timeout=60)
    return first, again, max(done) if len(done) == tabs else float("inf")


def ten_tabs(server: StudioServer, tabs: int, saves: int = 3) -> list[float]:
    """Each save: the time until every one of ``tabs`` tabs (listening to the one stream the browser
    shares between them) has fetched its preview's version and first page image."""
    times = []
    with httpx.Client(base_url=server.url, timeout=120, headers={"Origin": server.origin}) as client:
        page = client.get(f"/release/{RELEASE}/nl").text
        for number in range(saves):
            form = save_form(page, {"text.nl.headline": f"Tien tabbladen ({number})"})
            heard = threading.Event()

            def listen(heard: threading.Event = heard) -> None:
                with httpx.Client(base_url=server.url, timeout=120) as stream_client, \
                        stream_client.stream("GET", "/events") as events:
                    for line in events.iter_lines():
                        if line.startswith("data: ") and RELEASE in line:
                            heard.set()
                            return

            listener = threading.Thread(target=listen, daemon=True)
            listener.start()
            time.sleep(0.2)
            started = time.perf_counter()
            answer = client.post(f"/release/{RELEASE}/nl/save", data=form, headers={"Accept": "application/json"})
            assert answer.status_code == 200, answer.text
            page = client.get(f"/release/{RELEASE}/nl").text
            heard.wait(30)

            def tab() -> None:
                with httpx.Client(base_url=server.url, timeout=120) as tab_client:
                    preview = tab_client.get(f"/release/{RELEASE}/nl/preview").json()
                    assert tab_client.get(f"/release/{RELEASE}/nl/page/1.png?v={preview['version']}").status_code == 200

            threads = [threading.Thread(target=tab) for _ in range(tabs)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=200)
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--only", choices=("preview", "index", "tabs"), help="measure only this part")
    args = parser.parse_args()
    if args.only in (None, "preview"):
        preview(args)
    if args.only in (None, "index"):
        index(args)
    if args.only in (None, "tabs"):
        tabs(args)


def preview(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        workspace = make_workspace(Path(folder), 5)
        with StudioServer(workspace) as server:
            time.sleep(1.0)  # the studio warms its renderer at start
            times = save_to_preview(server, args.saves)
        print(f"save -> new preview page ({args.saves} saves of a two-page release): "
              f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s")
        warmed, other = first_preview(workspace)
        print(f"first preview after start (asked 1 s after start): the warmed release {warmed:.2f} s, "
              f"another release {other:.2f} s")


def index(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        workspace = make_workspace(Path(folder), args.releases)
        with StudioServer(workspace) as server:
            listed, filled = first_ever(server)
        print(f"index of {args.releases} releases, first-ever load (no .pressgen/): the page with every release "
              f"listed {listed:.2f} s, every row checked and filled in {filled:.2f} s")
        with StudioServer(workspace) as server:  # a restart: the rows the studio kept in the memo
            first, again, settled = index_under_load(server, workspace, args.tabs)
        print(f"index of {args.releases} releases: first load after a restart {first:.2f} s, warm load "
              f"{again:.3f} s; after a save, {args.tabs} open tabs refreshed within {settled:.2f} s")
        shutil.rmtree(workspace / ".pressgen")
        started = time.perf_counter()
        check = subprocess.run([sys.executable, "-c", "from pressgen.cli import main; main()", "check",
                                str(workspace)], capture_output=True, text=True, check=False)
        checked = time.perf_counter() - started
        assert check.returncode in (0, 1), check.stderr
        with StudioServer(workspace) as server:  # after 'pressgen check': its memo gives the rows
            after_check = whole_index(server)
        print(f"index of {args.releases} releases, first load after 'pressgen check' ({checked:.1f} s): "
              f"{after_check:.2f} s")


def tabs(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        workspace = make_workspace(Path(folder), 5)
        with StudioServer(workspace) as server:
            time.sleep(1.0)
            times = ten_tabs(server, args.tabs)
        print(f"{args.tabs} tabs of one release: save -> every tab's new preview, "
              f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s")


if __name__ == "__main__":
    main()
