"""The build stage: selection, output paths, --final, and no half-written output."""

from __future__ import annotations

import errno
import importlib
import os
from pathlib import Path

import pytest
from helpers import SEED_IDS, docx_header_text, normalize, pdf_text, run

from pressgen import BuildOptions, build

# pressgen.build is the public function; the stage's module is reached by its full name.
build_module = importlib.import_module("pressgen.builder.plan")
files_module = importlib.import_module("pressgen.files")


def _files(folder: Path) -> list[str]:
    """The documents under ``folder`` (the manifest aside)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")


def test_output_pattern_without_out_goes_under_the_workspace(workspace: Path) -> None:
    report = build([workspace / "releases" / "iom-20km-brussels-2017.yaml"], BuildOptions(langs=["en"]))
    assert report.ok
    assert _files(workspace / "dist") == ["iom-20km-brussels-2017/iom-20km-brussels-2017.en.docx",
                                          "iom-20km-brussels-2017/iom-20km-brussels-2017.en.pdf"]


def test_lang_and_format_select_documents(workspace: Path) -> None:
    out = workspace / "out"
    assert run("build", str(workspace), "--out", str(out), "--lang", "fr,en", "--format", "docx") == 0
    names = [Path(p).name for p in _files(out)]
    assert len(names) == 2 * len(SEED_IDS)
    assert all(n.endswith((".fr.docx", ".en.docx")) for n in names)


def test_final_refuses_an_unreviewed_language_and_names_it(workspace: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "releases" / "iom-20km-brussels-2017.yaml"
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: machine"))
    out = workspace / "out"
    assert run("build", str(path), "--out", str(out), "--final") == 1
    err = capsys.readouterr().err
    assert "iom-20km-brussels-2017: the fr text is machine, not reviewed; --final refuses it" in err
    names = [Path(p).name for p in _files(out)]
    assert not any(".fr." in n for n in names)
    assert len(names) == 4


def test_draft_mark_is_visible_without_final(workspace: Path) -> None:

    path = workspace / "releases" / "iom-20km-brussels-2017.yaml"
    path.write_text(path.read_text().replace("  fr:\n    status: reviewed", "  fr:\n    status: draft"))
    out = workspace / "out"
    assert run("build", str(path), "--out", str(out), "--lang", "fr,en") == 0
    folder = out / "iom-20km-brussels-2017"
    assert "BROUILLON – NON RELU" in normalize(pdf_text(folder / "iom-20km-brussels-2017.fr.pdf"))
    assert "Brouillon – non relu" in docx_header_text(folder / "iom-20km-brussels-2017.fr.docx")
    assert "DRAFT" not in pdf_text(folder / "iom-20km-brussels-2017.en.pdf")


def test_a_failing_writer_leaves_the_previous_file_and_no_temporary(workspace: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    release = workspace / "releases" / "unric-migrants-stigma-2014.yaml"
    out = workspace / "out"
    assert build([release], BuildOptions(out=out, langs=["en"])).ok
    docx = out / "unric-migrants-stigma-2014" / "unric-migrants-stigma-2014.en.docx"
    before = docx.read_bytes()
    import pressgen.writers

    real = pressgen.writers.get_writer

    def writer(name: str):  # type: ignore[no-untyped-def]
        if name == "docx":
            def broken(view):  # type: ignore[no-untyped-def]
                raise RuntimeError("disk on fire")
            return broken
        return real(name)

    monkeypatch.setattr(pressgen.writers, "get_writer", writer)
    report = build([release], BuildOptions(out=out, langs=["en"], force=True))
    assert not report.ok
    assert "disk on fire" in report.outcomes[0].diagnostics[-1].message
    assert docx.read_bytes() == before
    assert not [p for p in out.rglob("*.tmp")]


def test_write_atomic_cleans_up_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a" / "doc.pdf"
    target.parent.mkdir()
    target.write_bytes(b"old")

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files_module.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["doc.pdf"]


def test_a_document_that_cannot_be_written_fails_alone_and_is_built_next_time(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    release = workspace / "releases" / "unric-migrants-stigma-2014.yaml"
    out = workspace / "out"
    real = build_module.write_atomic

    def full_disk(path: Path, data: bytes) -> None:
        if path.name.endswith(".fr.pdf"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(build_module, "write_atomic", full_disk)
    assert run("build", str(release), "--out", str(out), "-j", "1") == 1
    err = capsys.readouterr().err
    assert f"{release}:1:1: error: cannot write {out / 'unric-migrants-stigma-2014'}" in err
    assert "unric-migrants-stigma-2014.fr.pdf: No space left on device" in err
    assert "Traceback" not in err
    assert len(_files(out)) == 5 and not any(name.endswith(".fr.pdf") for name in _files(out))

    monkeypatch.setattr(build_module, "write_atomic", real)
    report = build([release], BuildOptions(out=out))
    built = [d.path.name for o in report.outcomes for d, s in o.documents if s == "built"]
    assert report.ok and built == ["unric-migrants-stigma-2014.fr.pdf"]
