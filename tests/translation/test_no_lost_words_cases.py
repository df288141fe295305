"""The losses the no-lost-words property test (test_no_lost_words_property.py) found, each as a plain case.

Each is a sequence a translator or author can follow with the real CLI; the property test prints them as
its falsifying examples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import run

from pressgen.translation.memory import MEMORY_FILE, TranslationMemory

RELEASE = "iom-20km-brussels-2017"
DUTCH_FIFTH = "      Mevr. Caroline Petit, adjunct-directrice van het UNRIC"
FRENCH_FIFTH = ("Mme Caroline Petit, directrice adjointe de l’UNRIC, souligne que le sport est l’un des meilleurs "
                "moyens de se rassembler et de partager les valeurs de courage, d’effort, de compétition et de "
                "participation.")


def _path(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.yaml"


def _delete_dutch_paragraph(path: Path, start: str) -> None:
    """The author deletes a paragraph of the Dutch body (its line and the blank line after it)."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(start))
    assert lines[index + 1].strip() == ""
    del lines[index:index + 2]
    path.write_text("".join(lines), encoding="utf-8")


def _history(workspace: Path) -> list[str]:
    memory = TranslationMemory(workspace / MEMORY_FILE)
    try:
        return [version.translation for version in memory.previous("nl", "fr")]
    finally:
        memory.close()


def test_an_import_after_a_source_paragraph_was_deleted_keeps_and_names_its_human_translation(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Found by the property test: edit_source(remove), export, import -> the reviewed French paragraph of
    # the deleted Dutch one left the release, in no memory, with no word ("0 applied ... updated").
    path = _path(workspace)
    assert run("review", "export", str(path), "--lang", "fr") == 0
    _delete_dutch_paragraph(path, DUTCH_FIFTH)
    assert run("review", "import", str(path), "--lang", "fr") == 1  # the deleted paragraph's unit: a conflict
    out = capsys.readouterr()
    assert FRENCH_FIFTH not in path.read_text(encoding="utf-8")  # dropped with its source, as before
    assert FRENCH_FIFTH in _history(workspace)
    assert "is dropped; it is kept in the translation memory" in out.err
    assert FRENCH_FIFTH[:40] in out.err


def test_translate_says_which_human_translation_of_a_deleted_paragraph_it_drops(
        workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _path(workspace)
    _delete_dutch_paragraph(path, DUTCH_FIFTH)
    assert run("translate", str(path), "--to", "fr") == 0  # sends nothing: every other paragraph is current
    out = capsys.readouterr().out
    assert FRENCH_FIFTH not in path.read_text(encoding="utf-8")
    assert FRENCH_FIFTH in _history(workspace)
    assert f"fr body: the translation of a deleted source paragraph is dropped, kept in the translation " \
           f"memory: «{FRENCH_FIFTH}»" in out
