"""Property-based tests (hypothesis) for everything that parses input or writes a user's file.

Bounded so that the whole file runs in well under a minute; each property is
the guarantee the README's Safety section states.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import SEEDS
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from pressgen import load_workspace, localize
from pressgen.check import check_release
from pressgen.document.markup import parse, plain_text
from pressgen.errors import PressgenError
from pressgen.translation.review import export_xliff, import_xliff
from pressgen.translation.translate import translate_release
from pressgen.workspace.model import TEXT_FIELDS
from pressgen.workspace.outputs import OutsideOutput, output_path, pattern_problems
from pressgen.workspace.yamledit import WriteBackRefused, normalize, plain, unwritable, write_text_blocks
from pressgen.workspace.yamlio import load_yaml
from pressgen.writers.docx import write_docx
from pressgen.writers.html import render_html

RELEASE = "unric-migrants-stigma-2014"
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that matter to YAML, Markdown, XML and our own masks, plus every
# kind of line break, space and control character.
HOSTILE = st.sampled_from(list(
    "abcé :#-*_^[]()>&<'\"{}|!%@`~\\/.,\t\r\n\x00\x01\x0b\x1b\x7f\x85\xa0\u2028\u2029\u202f\ufeff\ufffe⟦⟧⟪⟫😀"))
ANY_TEXT = st.text(alphabet=st.one_of(HOSTILE, st.characters()), max_size=60)


@contextmanager
def seed_copy() -> Iterator[Path]:
    """A private copy of the seed workspace, for one example."""
    folder = Path(tempfile.mkdtemp())
    try:
        shutil.copytree(SEEDS, folder / "ws", ignore=shutil.ignore_patterns("dist", ".pressgen"))
        yield folder / "ws"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the loader: whatever the file says, check answers; when check passes, rendering works -------


@FAST
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 3), st.text(alphabet=HOSTILE, max_size=4)),
                min_size=1, max_size=4))
def test_check_never_crashes_and_what_it_passes_renders(edits: list[tuple[float, int, str]]) -> None:
    with seed_copy() as ws:
        path = ws / "releases" / f"{RELEASE}.yaml"
        text = path.read_text(encoding="utf-8")
        for where, cut, insert in edits:  # cut a few characters somewhere and insert hostile ones
            at = int(where * len(text))
            text = text[:at] + insert + text[at + cut:]
        path.write_text(text, encoding="utf-8")
        workspace = load_workspace(ws)
        checked = check_release(path, workspace)
        for diagnostic in checked.diagnostics:
            # in the release, or a warning about what it uses of pressgen.yaml (a brand colour's contrast)
            assert diagnostic.path == path or (diagnostic.path == workspace.config_path
                                                and diagnostic.severity == "warning")
            assert diagnostic.line >= 1 and diagnostic.col >= 1
        if checked.release is not None:
            for lang in checked.release.text:
                if lang in (checked.release.languages or workspace.config.languages):
                    view = localize(checked.release, workspace, lang)
                    assert render_html(view)
                    assert write_docx(view).data


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_check_answers_any_file_content(content: bytes) -> None:
    with seed_copy() as ws:
        path = ws / "releases" / "any.yaml"
        path.write_bytes(content)
        checked = check_release(path, load_workspace(ws))
        assert checked.release is None or not [d for d in checked.diagnostics if d.severity == "error"]


# --- the Markdown subset ------------------------------------------------------------------------


MARKDOWN = st.lists(st.sampled_from(list("ab *_^[]()>-+1.\n#`!<&\\|:/") + ["https://x.org", "mailto:a@b", "  \n"]),
                   max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(MARKDOWN)
def test_the_markdown_subset_parses_anything(text: str) -> None:
    blocks, problems = parse(text)
    plain_text(blocks)
    for problem in problems:
        assert 0 <= problem.line <= text.count("\n")


# --- safe write-back: any Unicode value survives, or is refused with the file untouched -------


@FAST
@given(st.sampled_from(TEXT_FIELDS), ANY_TEXT)
def test_write_back_keeps_any_text_or_refuses_it(name: str, value: str) -> None:
    with seed_copy() as ws:
        path = ws / "releases" / f"{RELEASE}.yaml"
        before_bytes = path.read_bytes()
        before = plain(load_yaml(path).data)
        try:
            write_text_blocks(path, {"fr": {"status": "draft", name: value}}, TEXT_FIELDS)
        except WriteBackRefused:
            assert unwritable(value) is not None
            assert path.read_bytes() == before_bytes
            return
        assert unwritable(value) is None
        after = plain(load_yaml(path).data)  # loads, with the loader check uses
        assert after["text"]["fr"][name] == normalize(value, name)
        assert after["text"]["fr"]["status"] == "draft"
        rest = {k: v for k, v in after.items() if k != "text"}
        assert rest == {k: v for k, v in before.items() if k != "text"}
        assert {k: v for k, v in after["text"].items() if k != "fr"} == \
            {k: v for k, v in before["text"].items() if k != "fr"}
        assert list(after) == list(before)


# --- review import: arbitrary targets from a CAT tool -----------------------------------------


XML_TEXT = st.text(alphabet=st.one_of(HOSTILE, st.characters()), max_size=60).filter(
    lambda t: all(c in "\t\n\r" or (0x20 <= ord(c) < 0xD800) or (0xE000 <= ord(c) <= 0xFFFD) or ord(c) > 0xFFFF
                  for c in t))


@FAST
@given(XML_TEXT, XML_TEXT, st.booleans())
def test_review_import_of_any_target_leaves_a_loadable_release(headline: str, paragraph: str, final: bool) -> None:
    with seed_copy() as ws:
        path = ws / "releases" / f"{RELEASE}.yaml"
        workspace = load_workspace(ws)
        release = check_release(path, workspace).release
        assert release is not None
        root = etree.fromstring(export_xliff(release, workspace, "fr"))
        ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
        bodies = 0
        for unit in root.iterfind(".//x:trans-unit", ns):
            target = unit.find("x:target", ns)
            bodies += unit.get("resname") == "body"
            if unit.get("resname") == "headline":
                target.text = headline
            elif unit.get("resname") == "body" and bodies == 1:
                for child in list(target):
                    target.remove(child)
                target.text = paragraph
            if final:
                target.set("state", "final")
        xliff = ws / "review.xlf"
        xliff.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
        before = path.read_bytes()
        try:
            report = import_xliff(xliff, release, workspace, "fr")
        except PressgenError:
            assert path.read_bytes() == before
            return
        loaded = load_yaml(path)  # the release file still loads
        fr = loaded.data["text"]["fr"]
        flat = " ".join(normalize(headline).split("\n")).strip()  # a headline is one line of plain text
        if flat and not report.conflicts:
            assert fr["headline"] == flat
        assert fr["status"] in ("machine", "draft", "reviewed")


# --- translate: arbitrary provider answers ------------------------------------------------------


class _Answers:
    """A provider client that answers every request with the same arbitrary text."""

    def __init__(self, answer: str) -> None:
        self.answer = answer

    def translate(self, text: str) -> str:
        return self.answer


@FAST
@given(ANY_TEXT)
def test_translate_with_any_provider_answer_leaves_a_loadable_release(answer: str) -> None:
    assume(answer.strip())
    with seed_copy() as ws:
        path = ws / "releases" / f"{RELEASE}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text[:text.index("  fr:\n")], encoding="utf-8")  # French and English are missing
        workspace = load_workspace(ws)
        before = path.read_bytes()
        memory = ws / ".pressgen" / "translation-memory.sqlite"
        try:
            report = translate_release(path, workspace, ["fr"], "libre", client_factory=lambda *a: _Answers(answer))
        except PressgenError:
            assert path.read_bytes() == before
            return
        finally:
            memory.unlink(missing_ok=True)
        loaded = load_yaml(path)  # the release file still loads
        if report.written:
            assert loaded.data["text"]["fr"]["status"] == "machine"
        else:
            assert path.read_bytes() == before


# --- the output pattern -------------------------------------------------------------------------


PATTERN = st.lists(st.sampled_from(["dist", "/", "{id}", "{lang}", "{format}", "{org}", "{date}", ".", "..", "-",
                                    "{", "}", ":d", "!r", "~", "\\", "x", "releases", "templates", " "]),
                   max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(PATTERN)
def test_an_accepted_output_pattern_gives_every_document_its_own_file_inside_the_output_folder(
        pattern: str) -> None:
    problems = pattern_problems(pattern, languages=2, formats=2)
    if problems:
        return
    root = Path(tempfile.gettempdir()) / "pressgen-pattern-ws"
    paths = set()
    for release_id in ("a", "b.c"):
        for lang in ("nl", "fr"):
            for fmt in ("pdf", "docx"):
                values = {"id": release_id, "lang": lang, "format": fmt, "org": "iom", "date": "2017-05-26"}
                try:
                    path = output_path(pattern, root, values, None)
                except OutsideOutput:
                    raise AssertionError(f"accepted pattern {pattern!r} escapes") from None
                assert path.suffix == f".{fmt}"
                assert path.is_relative_to(root.resolve())
                assert not path.is_relative_to((root / "releases").resolve())
                paths.add(path)
    assert len(paths) == 8, pattern


# --- the studio's form: any value in any field is saved as typed, or refused with the file untouched ---


STUDIO_FIELDS = ("text.en.headline", "text.en.subheadline", "text.en.body", "text.en.notes", "date", "embargo",
                 "tags")


@FAST
@given(st.sampled_from(STUDIO_FIELDS), ANY_TEXT)
def test_a_studio_save_keeps_what_was_typed_or_leaves_the_file_untouched(name: str, value: str) -> None:
    from pressgen.studio.edits import Conflict, file_digest, save_source
    from pressgen.studio.state import Studio

    with seed_copy() as ws:
        path = ws / "releases" / f"{RELEASE}.yaml"
        entry = Studio(ws).find(RELEASE)
        assert entry is not None and entry.model is not None
        text = entry.model.text["en"]
        form = {f"text.en.{field}": getattr(text, field) or "" for field in TEXT_FIELDS}
        form |= {"date": entry.model.date.isoformat(), "embargo": "", "tags": ", ".join(entry.model.tags),
                 "base": file_digest(path), name: value}
        before_bytes = path.read_bytes()
        before = plain(load_yaml(path).data)
        try:
            save_source(entry, form, list(entry.model.contacts))  # type: ignore[arg-type]
        except Conflict:
            raise AssertionError("no one else changed the file") from None
        except PressgenError as refused:
            event(f"refused: {name}")
            assert path.read_bytes() == before_bytes
            assert refused.diagnostics or str(refused)
            return
        event(f"saved: {name}")
        after = plain(load_yaml(path).data)  # it loads, and check passes it (the save ran check first)
        assert not [d for d in check_release(path, load_workspace(ws)).diagnostics if d.severity == "error"]
        if name.startswith("text.en."):
            field = name.rsplit(".", 1)[1]
            typed = normalize(value.strip(), field)
            assert after["text"]["en"].get(field, "") in (typed, typed + "\n" if field in ("body", "notes") else typed)
        elif name == "tags":
            assert after["tags"] == [t.strip() for t in value.replace(",", "\n").split("\n") if t.strip()]
        for key in ("organization", "source", "contacts"):
            assert after[key] == before[key]
        assert {k: v for k, v in after["text"].items() if k != "en"} == \
            {k: v for k, v in before["text"].items() if k != "en"}


FORM_KEYS = st.sampled_from(["fact.0.label.nl", "fact.x.label", "fact.", "fact.1", "fact.99999.value.fr",
                             "image.0.file", "image.0.alt.en", "image.1.placement", "image.-1.file", "image..file",
                             "tags", "date", "embargo", "text.en.headline", "text.en.body", "text.xx.body",
                             "segment.", "base", "contacts"])


@FAST
@given(st.dictionaries(FORM_KEYS, st.one_of(ANY_TEXT, st.sampled_from(["assets/unric.png", "end", "../x.png"])),
                       max_size=8))
def test_a_hostile_studio_form_is_saved_or_refused_never_a_crash(form: dict[str, str]) -> None:
    from pressgen.studio.edits import file_digest, save_source
    from pressgen.studio.state import Studio

    with seed_copy() as ws:
        path = ws / "releases" / f"{RELEASE}.yaml"
        entry = Studio(ws).find(RELEASE)
        assert entry is not None and entry.model is not None
        before = path.read_bytes()
        form = {"text.en.headline": "A headline", "text.en.body": "A paragraph.", **form, "base": file_digest(path)}
        try:
            save_source(entry, form, [])
        except PressgenError:
            assert path.read_bytes() == before
            return
        assert not [d for d in check_release(path, load_workspace(ws)).diagnostics if d.severity == "error"]
