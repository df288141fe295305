"""Hostile text shows literally; rendering reads nothing outside the workspace."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from helpers import ROOT, VALID_RELEASE, docx_body_paragraphs, normalize, pdf_text, run

from pressgen import load_release, load_workspace, localize
from pressgen.writers.pdf import ConfinedFetcher, fetch_roots, write_pdf

HOSTILE_BODY = """\
      <script>alert(1)</script> and {{ 7*7 }} and {% raw %}x
      <img src=file:///etc/passwd> and <b>not bold</b>.
"""


def test_html_and_template_syntax_in_a_body_appear_literally(
        workspace: Path, write_release: Callable[[str, str], Path]) -> None:
    path = write_release("hostile", VALID_RELEASE.replace("      Eerste alinea.\n", HOSTILE_BODY))
    out = workspace / "out"
    assert run("build", str(path), "--out", str(out), "--lang", "nl") == 0
    expected = ['<script>alert(1)</script> and {{ 7*7 }} and {% raw %}x',
                '<img src=file:///etc/passwd> and <b>not bold</b>.']
    pdf = normalize(pdf_text(out / "hostile" / "hostile.nl.pdf"))
    docx = normalize("\n".join(t for _, t in docx_body_paragraphs(out / "hostile" / "hostile.nl.docx")))
    for text in (pdf, docx):
        for fragment in expected:
            assert normalize(fragment) in text
        assert "49" not in text


def test_fetcher_refuses_files_outside_its_roots_and_the_network(tmp_path: Path) -> None:
    from PIL import Image

    inside = tmp_path / "assets"
    inside.mkdir()
    Image.new("RGB", (8, 4), "navy").save(inside / "logo.png")  # images are served as decoded and prepared
    (inside / "escape.png").symlink_to("/etc/hostname")
    fetcher = ConfinedFetcher([inside])
    assert fetcher.fetch((inside / "logo.png").as_uri()).read().startswith(b"\x89PNG")
    for url in ["file:///etc/passwd", (inside / "escape.png").as_uri(),
                (inside / ".." / ".." / "etc" / "passwd").as_uri(),
                "http://127.0.0.1:9/style.css", "https://example.org/x.png", "data:text/plain,hello"]:
        try:
            fetcher.fetch(url)
        except ValueError:
            pass
        else:
            raise AssertionError(f"{url} was fetched")
    assert len(fetcher.refused) == 6


def test_a_template_that_points_outside_gets_nothing(workspace: Path, tmp_path: Path) -> None:
    """Even a workspace template cannot make WeasyPrint read other files or the network."""
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    templates = workspace / "templates"
    templates.mkdir()
    packaged = ROOT / "pressgen" / "templates" / "release.html"
    html = packaged.read_text().replace(
        "</head>", f'<link rel="stylesheet" href="{secret.as_uri()}">'
                   '<link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>')
    (templates / "release.html").write_text(html)
    ws = load_workspace(workspace)
    release = load_release(workspace / "releases" / "iom-20km-brussels-2017.yaml", ws)
    fetcher = ConfinedFetcher(fetch_roots(ws.root))
    atime = os.stat(secret).st_atime_ns
    pdf = write_pdf(localize(release, ws, "nl"), fetcher)
    assert pdf.data.startswith(b"%PDF") and pdf.pages == 2
    assert secret.as_uri() in fetcher.refused
    assert "http://127.0.0.1:9/x.css" in fetcher.refused
    assert os.stat(secret).st_atime_ns == atime
