"""No text a person typed is lost without being told (issue 18, acceptance 2): a stateful property test.

One release of a workspace copy goes through any sequence of

- edits of the Dutch source (a word changed, a line break moved, a paragraph added or removed),
- a person typing a distinctive word (a marker) into a French segment of the release YAML,
- exports (XLIFF, review DOCX), edits of an exported file by a review tool (a marker typed into a target,
  its state kept as OmegaT keeps it, or changed; a DOCX cell changed with python-docx, its state word kept
  or set to 'reviewed'), imports of any earlier export (stale ones too),
- ``pressgen translate`` runs against the LibreTranslate stand-in, with and without ``--replace-stale``,

all through the real CLI. After every step, each marker the person gave pressgen (typed into the release,
or in a file they imported) is still in the release file, or the step that removed it said so (the marker,
or its unit, in a conflict or warning; or, for ``--replace-stale``, the replaced count, with the text in the
memory); and every human translation a pressgen command took out of the release is in the memory's history.

What it found is in test_no_lost_words_cases.py, one plain test per loss. The run here is bounded (about
15 examples of 8 steps, derandomized); a longer search is the same machine with more examples.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
from pathlib import Path

from docx import Document
from helpers import SEEDS, run, use_libre
from helpers.libre_server import LibreServer
from hypothesis import HealthCheck, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from lxml import etree
from ruamel.yaml import YAML

from pressgen import load_release
from pressgen.translation.memory import MEMORY_FILE, TranslationMemory
from pressgen.translation.segments import align, is_human, normalised, split
from pressgen.workspace.model import TEXT_FIELDS
from pressgen.workspace.yamledit import write_text_blocks

X = "{urn:oasis:names:tc:xliff:document:1.2}"
RELEASE_ID = "prop-release"
RELEASE = """\
organization: iom-belgium
date: 2017-05-26
source: nl
languages: [nl, fr]
contacts: [gdhoop]
text:
  nl:
    headline: De ploeg loopt mee in Brussel
    dateline: Brussel
    body: |
      De ploeg van de **Verenigde Naties** loopt zondag mee.

      Zij steunt de [campagne samen](https://together.un.org) tegen racisme.

      Er komt ook een stand met ballonnen en armbandjes.
    notes: Bel de persdienst voor meer informatie.
  fr:
    status: reviewed
    headline: L’équipe court à Bruxelles
    dateline: Bruxelles
    body: |
      L’équipe des **Nations Unies** court dimanche.

      Elle soutient la [campagne ensemble](https://together.un.org) contre le racisme.

      Il y aura aussi un stand avec des ballons et des bracelets.
    notes: Appelez le service de presse pour plus d’informations.
"""
LETTERS = "abcdefghij"


def marker(number: int) -> str:
    """A word nobody else writes, none a part of another (letters only: numbers would upset fact parity)."""
    return "qzv" + "".join(LETTERS[int(digit)] for digit in str(number)) + "q"


MARKER = re.compile(r"qzv[a-j]+q")


class NoLostWords(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="pressgen-prop-"))
        self.workspace = self.folder / "ws"
        shutil.copytree(SEEDS, self.workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
        self.server = LibreServer()
        use_libre(self.workspace, self.server.start())
        self.path = self.workspace / "releases" / f"{RELEASE_ID}.yaml"
        self.path.write_text(RELEASE, encoding="utf-8")
        self.path.write_text(RELEASE.replace("    status: reviewed\n", "    status: reviewed\n    source_hash: "
                                             f"\"{load_release(self.path).source_hash()}\"\n"), encoding="utf-8")
        self.counter = 0
        self.given: set[str] = set()  # markers the person gave pressgen, still to be kept (or reported)
        self.exports: list[tuple[Path, str]] = []  # (file, "xliff" | "docx")
        self.typed_in: dict[Path, dict[str, str]] = {}  # export -> marker -> unit id, typed by the tool
        code, out = self._cli("translate", str(self.path), "--to", "fr")  # starts the segment records
        assert code == 0, out

    def teardown(self) -> None:
        self.server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers -------------------------------------------------------------------------------

    def _cli(self, *args: str) -> tuple[int, str]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = run(*args)
        text = out.getvalue()
        note(f"$ pressgen {' '.join(args)}  -> exit {code}\n{text}")
        assert code in (0, 1), f"exit {code}: {text}"
        assert "Traceback" not in text and "internal error" not in text.lower(), text
        return code, text

    def _new_marker(self) -> str:
        self.counter += 1
        return marker(self.counter)

    def _fields(self, lang: str) -> dict[str, str]:
        data = YAML(typ="safe").load(self.path.read_text(encoding="utf-8"))
        block = data["text"].get(lang) or {}
        return {name: str(block[name]) for name in TEXT_FIELDS if block.get(name) is not None}

    def _write(self, lang: str, fields: dict[str, str]) -> None:
        write_text_blocks(self.path, {lang: fields}, TEXT_FIELDS)

    def _present(self) -> set[str]:
        return set(MARKER.findall(self.path.read_text(encoding="utf-8")))

    def _human_targets(self) -> list[str]:
        release = load_release(self.path)
        return [pair.target for pair in align(release, "fr").pairs if is_human(pair) and pair.target]

    def _french_text(self) -> str:
        return normalised("\n\n".join(self._fields("fr").values()))

    def _history(self) -> list[str]:
        memory = TranslationMemory(self.workspace / MEMORY_FILE)
        try:
            return [normalised(version.translation) for version in memory.previous("nl", "fr")]
        finally:
            memory.close()

    def _pressgen_step(self, args: tuple[str, ...], given: dict[str, str] | None = None,
                       replacing: bool = False) -> None:
        """Run a command that writes the release, and check that it lost nothing without a word."""
        before = self._present()
        humans = self._human_targets()
        code, out = self._cli(*args)
        after = self._present()
        history = self._history()
        french = self._french_text()
        for text in humans:  # every human translation taken out of the release is in the memory
            if normalised(text) not in french:
                assert normalised(text) in history, f"human translation {text!r} replaced and not in the memory"
        reported_lines = [line for line in out.splitlines()
                          if not line.startswith(("applied:", "unchanged:", "drafted ", "skipped  fr:"))]
        for word in sorted((self.given & before) - after):
            if any(word in line for line in reported_lines):
                continue
            assert replacing and "human segment(s) replaced, kept in the translation memory" in out \
                and any(word in text for text in history), f"{word!r} typed by the person is gone, unreported"
        for word, unit in (given or {}).items():
            if word in after:
                continue
            assert any(word in line or f"'{unit}'" in line for line in reported_lines), \
                f"{word!r} imported in unit {unit} is not in the release and was not reported"
        self.given = {word for word in self.given | set(given or {}) if word in after}

    @initialize(machine=st.booleans(), out_for_review=st.sampled_from([None, "xliff", "docx"]))
    def start(self, machine: bool, out_for_review: str | None) -> None:
        """Start reviewed throughout, or with a machine draft of a paragraph added since; with a review file out
        already, or none."""
        if machine:
            fields = self._fields("nl")
            fields["body"] += "\nDe ploeg draagt blauwe truien.\n"
            self._write("nl", fields)
            code, out = self._cli("translate", str(self.path), "--to", "fr")
            assert code == 0 and "drafted  fr: 1 segment(s)" in out, out
        if out_for_review:
            self.export(out_for_review)

    # --- the author edits the Dutch source --------------------------------------------------------

    @rule(data=st.data(), kind=st.sampled_from(["word", "break", "add", "remove", "headline"]))
    def edit_source(self, data: st.DataObject, kind: str) -> None:
        fields = self._fields("nl")
        paragraphs = split("body", fields["body"])
        index = data.draw(st.integers(0, len(paragraphs) - 1), label="paragraph")
        self.counter += 1
        word = "wissel" + "".join(LETTERS[int(d)] for d in str(self.counter))
        if kind == "headline":
            words = fields["headline"].split()
            words[data.draw(st.integers(0, len(words) - 1), label="word")] = word
            fields["headline"] = " ".join(words)
        elif kind == "word":
            words = paragraphs[index].split(" ")
            plain = [i for i, w in enumerate(words) if w.isalpha()]
            words[data.draw(st.sampled_from(plain), label="word")] = word
            paragraphs[index] = " ".join(words)
        elif kind == "break":  # re-wrapped: the same words, a line break elsewhere
            words = paragraphs[index].split()
            cut = data.draw(st.integers(1, len(words) - 1), label="cut")
            if words[cut][0].isalpha():
                paragraphs[index] = " ".join(words[:cut]) + "\n" + " ".join(words[cut:])
        elif kind == "add":
            paragraphs.insert(index, f"Een nieuwe alinea over de {word}.")
        elif len(paragraphs) > 1:
            del paragraphs[index]
        fields["body"] = "\n\n".join(paragraphs) + "\n"
        note(f"source edit ({kind}) of paragraph {index + 1}")
        self._write("nl", fields)

    # --- the person types in the release ----------------------------------------------------------

    @rule(data=st.data())
    def person_types(self, data: st.DataObject) -> None:
        fields = self._fields("fr")
        places = [(name, i) for name, text in fields.items() for i in range(len(split(name, text)))]
        if not places:
            return
        name, index = data.draw(st.sampled_from(places), label="segment")
        word = self._new_marker()
        parts = split(name, fields[name])
        parts[index] = f"{parts[index]} {word}"
        fields[name] = "\n\n".join(parts) + "\n" if name in ("body", "notes") else parts[0]
        note(f"the person types {word} into fr {name} segment {index + 1}")
        self._write("fr", fields)
        self.given.add(word)

    # --- exports, review tools, imports -----------------------------------------------------------

    @rule(kind=st.sampled_from(["xliff", "docx"]))
    def export(self, kind: str) -> None:
        target = self.folder / f"export-{len(self.exports)}.{'xlf' if kind == 'xliff' else 'review.docx'}"
        args = ["review", "export", str(self.path), "--lang", "fr", "--out", str(target)]
        code, out = self._cli(*args, *(["--format", "docx"] if kind == "docx" else []))
        assert code == 0, out
        self.exports.append((target, kind))
        self.typed_in[target] = {}

    @precondition(lambda self: any(kind == "xliff" for _, kind in self.exports))
    @rule(data=st.data(), typed=st.booleans(),
          state=st.sampled_from(["keep", "translated", "approved", "final", "needs-review-translation"]))
    def cat_tool_edits(self, data: st.DataObject, typed: bool, state: str) -> None:
        path = data.draw(st.sampled_from([p for p, kind in self.exports if kind == "xliff"]), label="file")
        tree = etree.parse(str(path))
        units = list(tree.getroot().iter(f"{X}trans-unit"))
        unit = data.draw(st.sampled_from(units), label="unit")
        target = unit.find(f"{X}target")
        if typed:
            word = self._new_marker()
            if not "".join(target.itertext()).strip():
                target.text = f"{word} traduction"
            elif len(target):
                target[-1].tail = (target[-1].tail or "") + f" {word}"
            else:
                target.text = (target.text or "") + f" {word}"
            self.typed_in[path][word] = unit.get("id")
        if state == "approved":
            unit.set("approved", "yes")
        elif state != "keep":
            target.set("state", state)
        note(f"CAT tool: unit {unit.get('id')} of {path.name}, typed={typed}, state={state}")
        path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))

    @precondition(lambda self: any(kind == "docx" for _, kind in self.exports))
    @rule(data=st.data(), typed=st.booleans(), reviewed=st.booleans())
    def word_edits(self, data: st.DataObject, typed: bool, reviewed: bool) -> None:
        path = data.draw(st.sampled_from([p for p, kind in self.exports if kind == "docx"]), label="file")
        document = Document(str(path))
        rows = document.tables[0].rows[1:]
        row = data.draw(st.sampled_from(rows), label="row")
        cells = row.cells
        unit = cells[0].text.strip()
        if typed:
            word = self._new_marker()
            cells[2].paragraphs[-1].add_run(f" {word}" if cells[2].text.strip() else f"{word} traduction")
            self.typed_in[path][word] = unit
        if reviewed:
            state = cells[3].paragraphs[0]
            for run_ in state.runs[1:]:
                run_._r.getparent().remove(run_._r)
            state.runs[0].text = "reviewed"
        note(f"Word: row {unit} of {path.name}, typed={typed}, reviewed={reviewed}")
        document.save(str(path))

    @precondition(lambda self: bool(self.exports))
    @rule(data=st.data())
    def import_file(self, data: st.DataObject) -> None:
        path, _ = data.draw(st.sampled_from(self.exports), label="file")
        self._pressgen_step(("review", "import", str(self.path), "--lang", "fr", "--file", str(path)),
                            given=dict(self.typed_in[path]))

    # --- machine drafts ----------------------------------------------------------------------------

    @rule(replace_stale=st.booleans())
    def translate(self, replace_stale: bool) -> None:
        self._pressgen_step(("translate", str(self.path), "--to", "fr",
                             *(["--replace-stale"] if replace_stale else [])), replacing=replace_stale)

    @invariant()
    def release_loads(self) -> None:
        load_release(self.path)


NoLostWords.TestCase.settings = settings(max_examples=15, stateful_step_count=8, deadline=None,
                                         suppress_health_check=[HealthCheck.too_slow], derandomize=True)
test_no_lost_words = NoLostWords.TestCase
