"""A workspace's own templates are untrusted: they run sandboxed and see plain data.

A hostile ``templates/release.html`` tries the classic Jinja2 escapes and every
way to a file through the view; ``check`` and ``build`` refuse each at the
template's line, nothing runs, and no file of the machine reaches a document.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from helpers import pdf_text
from helpers import run as _run
from PIL import Image

RELEASE = "unric-migrants-stigma-2014"
SECRET = "TOP-SECRET-4711"
PHOTO = """\
  - file: assets/photo.png
    alt: {nl: Een foto, fr: Une photo, en: A photo}
"""  # one more photo, first in the release's list



@pytest.fixture
def hostile(workspace: Path) -> Path:
    """The workspace, a secret file beside it, and a release with a photo (a Path in the old view)."""
    (workspace.parent / "secret.txt").write_text(SECRET, encoding="utf-8")
    Image.new("RGB", (80, 60), "#336699").save(workspace / "assets" / "photo.png")
    path = workspace / "releases" / f"{RELEASE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("images:\n", "images:\n" + PHOTO, 1), encoding="utf-8")
    (workspace / "templates").mkdir(exist_ok=True)
    return workspace


PACKAGED = Path(__file__).resolve().parents[2] / "templates" / "release.html"
LINE = PACKAGED.read_text(encoding="utf-8").splitlines().index("<!DOCTYPE html>") + 2  # the line after it


def _template(workspace: Path, expression: str) -> None:
    """The packaged page, with ``expression`` printed on line LINE of it."""
    lines = PACKAGED.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(LINE - 1, f"<!-- {{{{ {expression} }}}} -->\n")
    (workspace / "templates" / "release.html").write_text("".join(lines), encoding="utf-8")


ESCAPES = [
    ("''.__class__.__mro__[1].__subclasses__()", "not allowed"),
    ("cycler.__init__.__globals__.os.popen('touch MARKER').read()", "not allowed"),
    ("self._TemplateReference__context", "not allowed"),
    ("lipsum.__globals__['os'].system('touch MARKER')", "not allowed"),
    ("'{0.__class__.__init__.__globals__}'.format(view)", "not allowed"),
    # Every way to a file through the view's values (Paths in the old view).
    ("view.org.logo.parent.parent.parent.joinpath('secret.txt').read_text()", "no attribute 'parent'"),
    ("view.images[0].path.parent.parent.parent.joinpath('secret.txt').open().read()", "no attribute 'parent'"),
    ("view.workspace_root.parent.joinpath('secret.txt').read_text()", "no attribute 'parent'"),
    ("view.org.logo.read_bytes()", "no attribute 'read_bytes'"),
]


@pytest.mark.parametrize(("expression", "said"), ESCAPES)
def test_a_hostile_template_is_refused_at_its_line_and_runs_nothing(
        hostile: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        expression: str, said: str) -> None:
    marker = hostile.parent / "MARKER"
    _template(hostile, expression.replace("MARKER", str(marker)))
    monkeypatch.chdir(hostile)
    release = f"releases/{RELEASE}.yaml"
    assert _run("check", release) == 1
    err = capsys.readouterr().err
    assert re.search(rf"^templates/release\.html:{LINE}:1: error: template .*" + re.escape(said), err, re.M), err
    assert "internal error" not in err and "Traceback" not in err
    assert _run("build", release) == 1
    built = capsys.readouterr()
    assert re.search(rf"^templates/release\.html:{LINE}:1: error: template .*" + re.escape(said), built.err, re.M)
    assert not marker.exists()
    for document in (hostile / "dist").rglob("*.pdf") if (hostile / "dist").exists() else ():
        assert SECRET not in pdf_text(document)


def test_what_the_sandbox_refuses_is_said_as_such(hostile: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    _template(hostile, "''.__class__")
    monkeypatch.chdir(hostile)
    assert _run("check", f"releases/{RELEASE}.yaml") == 1
    err = capsys.readouterr().err
    assert f"templates/release.html:{LINE}:1: error: template release.html not allowed: access to attribute " \
           "'__class__' of 'str' object is unsafe" in err
    assert "hint: a workspace's templates run sandboxed" in err


def test_an_error_raised_by_a_template_is_positioned_not_internal(
        hostile: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _template(hostile, "1 // 0")
    monkeypatch.chdir(hostile)
    assert _run("check", f"releases/{RELEASE}.yaml") == 1
    err = capsys.readouterr().err
    assert f"templates/release.html:{LINE}:1: error: template error: ZeroDivisionError" in err
    assert "internal error" not in err


def test_a_template_linked_to_a_file_outside_templates_is_refused(
        hostile: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (hostile / "templates" / "notes.html").symlink_to(hostile.parent / "secret.txt")
    _template(hostile, "1")
    page = hostile / "templates" / "release.html"
    page.write_text(page.read_text(encoding="utf-8").replace("<main>", "<main>{% include 'notes.html' %}", 1),
                    encoding="utf-8")
    monkeypatch.chdir(hostile)
    assert _run("build", f"releases/{RELEASE}.yaml") == 1
    err = capsys.readouterr().err
    assert "templates/notes.html:1:1: error: template notes.html not allowed: notes.html is a link to a file " \
           "outside its templates folder" in err, err
    for document in (hostile / "dist").rglob("*.pdf") if (hostile / "dist").exists() else ():
        assert SECRET not in pdf_text(document)


def test_templates_written_for_the_old_view_still_print_logo_and_photos(
        hostile: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The packaged page as a workspace's own (it calls ``.as_uri()`` on the logo and photos): it builds,
    and its photo is in the PDF; a file's URL and name are all a template gets of it."""
    import pypdf

    shutil.copy(PACKAGED, hostile / "templates" / "release.html")
    page = hostile / "templates" / "release.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "<main>", "<main><p>{{ view.images[0].path.name }} and {{ view.org.logo.name }}</p>", 1),
        encoding="utf-8")
    monkeypatch.chdir(hostile)
    assert _run("build", f"releases/{RELEASE}.yaml", "--format", "pdf", "--lang", "en") == 0, capsys.readouterr()
    pdf = next((hostile / "dist").rglob(f"{RELEASE}.en.pdf"))
    assert "photo.png and unric.png" in pdf_text(pdf)
    images = [image for p in pypdf.PdfReader(pdf).pages for image in p.images]
    assert len(images) >= 2  # the logo and the photo
