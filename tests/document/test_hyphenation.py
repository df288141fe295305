"""Hyphenation: where the documents break words (the rules of pressgen/document/hyphenation.py, the PDF
writer's layout again when a break falls across pages or on a paragraph's last word, the DOCX's languages)."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn
from helpers import SEED_IDS, SEEDS, pdf_page_main_text
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from pressgen import BuildOptions, build

# Hyphenation: every break checked against LibreOffice's dictionaries (Debian's hyphen-* packages), an
# independent copy of the patterns the PDF writer uses.
DICTIONARIES = {"nl": "hyph_nl_NL.dic", "fr": "hyph_fr_FR.dic", "en": "hyph_en_US.dic"}
HYPHEN = "\u2010"


def _breaks_in(path: Path) -> list[tuple[int, str, str, str]]:
    """Every hyphenated line end of a PDF's main text: (page, head, tail, the line the tail starts)."""
    out = []
    pages = [[line for line in pdf_page_main_text(path, n).splitlines() if line.strip()]
             for n in range(1, len(PdfReader(str(path)).pages) + 1)]
    for number, lines in enumerate(pages, start=1):
        following = lines[1:] + (pages[number][:1] if number < len(pages) else [])
        for index, (line, after) in enumerate(zip(lines, following, strict=False)):
            if line.endswith(HYPHEN):
                head = re.search(r"\w+$", line[:-1])
                tail = re.match(r"\w+", after)
                assert head and tail, (line, after)
                out.append((-number if index == len(lines) - 1 else number, head.group(), tail.group(), after))
    return out


def test_hyphenation_breaks_words_where_the_dictionaries_do(seed_outputs: dict[tuple[str, str, str], Path]) -> None:
    import pyphen

    from pressgen.document import hyphenation

    dictionaries = {lang: pyphen.Pyphen(filename=f"/usr/share/hyphen/{name}", left=1, right=1)
                    for lang, name in DICTIONARIES.items()}
    english = {"Global", "Migration", "Film", "Festival", "Dialogue", "Mobility", "Support", "Project"}
    # Names and the words of organisation names ("Migratie" is left out: outside "Internationale Organisatie
    # voor Migratie" it is a plain word, as in "Globaal Compact voor Migratie", which may break).
    kept = {"Fedasil", "Myria", "Mechelen", "Internationale", "Organisatie", "Organisation", "Organization",
            "International", "migrations"}
    seen = 0
    for release_id in SEED_IDS:
        for lang in ("nl", "fr", "en"):
            for page, head, tail, after in _breaks_in(seed_outputs[(release_id, lang, "pdf")]):
                word, where = head + tail, (release_id, lang, head, tail)
                seen += 1
                assert page > 0, ("broken across pages", *where)
                assert len(head) >= 3 and len(tail) >= 3 and len(word) >= 6, where
                assert not word.isupper() and word not in kept, where
                assert len(after.split()) > 1, ("a paragraph's last word", *where)
                # The tail line holds more than the word: it is not a paragraph's last word.
                patterns = dictionaries["en" if word in english else lang]
                assert len(head) in patterns.positions(word), (*where, patterns.inserted(word))
    assert seen > 30  # the seeds are hyphenated (justified text), so the check above did check
    assert hyphenation.breaks("Local", "en") == [] and hyphenation.breaks("festival", "en") == [3, 5]
    assert hyphenation.breaks("festival", "en-GB") == [3, 5]  # fes-ti-val, not "fest-ival"


def test_kept_words_and_foreign_phrases_are_marked_for_the_renderer(seed_workspace: Any) -> None:
    from pressgen import load_release, localize
    from pressgen.writers.html import render_html

    release = load_release(SEEDS / "releases" / "iom-news-digest-2016.yaml", seed_workspace)
    html = render_html(localize(release, seed_workspace, "fr"))
    assert '<span lang="en-GB">Global Migration Film Festival</span>' in html  # English patterns inside French
    assert '<span class="keep">Fedasil</span>' in html  # a name from pressgen.yaml
    assert '<span class="keep">Organisation</span>' in html  # the organisation's name
    assert "en France.</p>" in html  # a paragraph's last word too short to break needs no span
    assert '<span class="keep">réintégration</span>.</p>' in html  # one that could: kept before any layout
    assert '<span class="keep">VUB</span>' not in html  # too short to break anyway
    nl = render_html(localize(release, seed_workspace, "nl"))
    assert '<span lang="en-GB">EU-China Dialogue on Migration and Mobility Support Project</span>' in nl
    english = render_html(localize(release, seed_workspace, "en"))
    assert '<span lang="en' not in english  # the document's own language needs no span
    # The DOCX gives the phrase its language, so Word hyphenates and spell-checks it as English.
    from docx import Document

    from pressgen.writers.docx import write_docx

    document = Document(io.BytesIO(write_docx(localize(release, seed_workspace, "fr")).data))
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs
            if run.text == "Global Migration Film Festival"]
    assert runs and all(run._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "en-GB" for run in runs)


COMPOUNDS = ["verantwoordelijkheid", "arbeidsmarktbeleid", "gemeenteraadsverkiezingen",
             "ontwikkelingssamenwerking", "integratiebeleid", "vertegenwoordigers", "samenwerkingsverbanden"]


def _long_dutch_release(tmp_path: Path) -> Path:
    """A release of long compound words whose page 4 ends, laid out once, inside "vertegenwoordigers"."""
    body = "\n\n".join(" ".join(f"De {COMPOUNDS[(i * 5 + k * 3) % len(COMPOUNDS)]} van "
                                f"{'de stad' if (i + k) % 3 else 'het land'}" for k in range(30 + (i * 7) % 23)) + "."
                       for i in range(10))
    (tmp_path / "releases").mkdir(parents=True)
    (tmp_path / "pressgen.yaml").write_text("languages: [nl]\nformats: [pdf]\norganizations:\n  org:\n    name: Stad\n")
    indented = "\n".join("      " + line if line else "" for line in body.split("\n"))
    path = tmp_path / "releases" / "long.yaml"
    path.write_text("organization: org\ndate: 2024-01-01\nsource: nl\ntext:\n  nl:\n    headline: Een lange tekst\n"
                    f"    body: |\n{indented}\n")
    return path


def test_no_word_is_broken_across_two_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pressgen.writers import pdf

    path = _long_dutch_release(tmp_path)
    monkeypatch.setattr(pdf, "RELAYOUTS", 0)  # laid out once: the page ends inside a word
    report = build([path], BuildOptions(out=tmp_path / "once"))
    assert report.ok
    once = _breaks_in(tmp_path / "once" / "long" / "long.nl.pdf")
    assert any(page < 0 for page, *_ in once), once
    monkeypatch.undo()
    report = build([path], BuildOptions(out=tmp_path / "dist"))
    assert report.ok
    breaks = _breaks_in(tmp_path / "dist" / "long" / "long.nl.pdf")
    assert breaks and all(page > 0 for page, *_ in breaks), [b for b in breaks if b[0] < 0]


def _foot_gaps(path: Path) -> list[float]:
    """The widest word gap of each page's last line of text, when its paragraph goes on over the next page
    (the line is justified), in plain word spaces of the body (11 pt Liberation Sans: 0.278 em)."""
    import subprocess

    layout = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                            check=True).stdout
    out = []
    for page in layout.split("<page ")[1:-1]:  # the last page's last line ends the text
        lines = [[(float(a), float(c)) for a, c in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" '
                                                              r'xMax="([\d.]+)" yMax="[\d.]+">', line)]
                 for line in re.findall(r"<line [^>]*>(.*?)</line>", page, re.S)]
        body = [words for words, y in zip(lines, re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)"', page),
                                          strict=True) if 100 < float(y) < 770 and len(words) > 1]
        last = body[-1]
        out.append(max(b[0] - a[1] for a, b in itertools.pairwise(last)) / (0.278 * 11))
    return out


def test_a_page_s_last_line_is_not_stretched_to_keep_the_next_word_whole(tmp_path: Path) -> None:
    # Dense compounds: keeping whole the word that a page foot broke leaves its line with gaps of five spaces
    # (as pressgen did until then: 5.4 on pages 4 and 5). Such a page ends a line earlier instead, at a line
    # with whole words, whose gaps stay under 2.5 spaces; no word crosses a page either.
    path = _long_dutch_release(tmp_path)
    assert build([path], BuildOptions(out=tmp_path / "dist")).ok
    pdf = tmp_path / "dist" / "long" / "long.nl.pdf"
    gaps = _foot_gaps(pdf)
    assert len(gaps) >= 4 and max(gaps) <= 2.5, gaps
    assert all(page > 0 for page, *_ in _breaks_in(pdf))


def _release_ending_with(tmp_path: Path, last: list[str]) -> Path:
    """A Dutch release of paragraphs of long compounds, each ending with its word of ``last``."""
    body = "\n\n".join(" ".join(f"De {COMPOUNDS[(i * 5 + k * 3) % len(COMPOUNDS)]} van de stad"
                                for k in range(4 + i)) + f" {word}." for i, word in enumerate(last))
    (tmp_path / "releases").mkdir()
    (tmp_path / "pressgen.yaml").write_text("languages: [nl]\nformats: [pdf]\norganizations:\n  org:\n    name: Stad\n")
    indented = "\n".join("      " + line if line else "" for line in body.split("\n"))
    path = tmp_path / "releases" / "last.yaml"
    path.write_text("organization: org\ndate: 2024-01-01\nsource: nl\ntext:\n  nl:\n    headline: Een tekst\n"
                    f"    body: |\n{indented}\n")
    return path


def test_a_paragraph_s_last_word_is_never_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pressgen.writers import pdf

    path = _release_ending_with(tmp_path, [COMPOUNDS[i % 7] for i in range(12)])
    # Decided before the layout (the rules keep the last word), not by laying the document out again: with
    # no second layout allowed, no paragraph ends with "…samenwer-" / "king." (as pressgen's did until it).
    monkeypatch.setattr(pdf, "RELAYOUTS", 0)
    assert build([path], BuildOptions(out=tmp_path / "once")).ok
    breaks = _breaks_in(tmp_path / "once" / "last" / "last.nl.pdf")
    assert breaks and all(len(after.split()) > 1 for *_, after in breaks), breaks


def test_the_rules_mark_only_words_that_could_break() -> None:
    from pressgen.document.hyphenation import Rules, names_of

    rules = Rules(names_of([{"nl": "Internationale Organisatie voor Migratie (IOM)", "fr": "l’OIM"}], ["Fedasil"]),
                  (("Global Migration Film Festival", "en"),), lang="nl")
    pieces = rules.pieces("De HABITAT-top, UNRIC, Fedasil en de Internationale Organisatie voor Migratie (IOM) "
                          "tonen het Global Migration Film Festival; αβγδεζηθ blijft gewoon.")
    kept = [piece for piece, how in pieces if how == "keep"]
    assert kept == ["HABITAT", "Fedasil", "Internationale", "Organisatie", "Migratie"]  # UNRIC: too short
    assert ("Global Migration Film Festival", "en") in pieces
    assert "".join(piece for piece, _ in pieces).endswith("αβγδεζηθ blijft gewoon.")  # lower-case Greek: no span
    assert "OIM" in rules.keep and "l’OIM" not in rules.keep  # the article is not part of the name


def test_dutch_compounds_break_between_their_parts(tmp_path: Path) -> None:
    # Pyphen's nl patterns break "terugge-stuurd" and "partnerschapsin-strument" (laid out by WeasyPrint
    # alone); the packaged list and the workspace's hyphenation: breaks: allow only the breaks between
    # parts, in the PDF (WeasyPrint asks Pyphen).
    from pressgen.document.hyphenation import SOFT_HYPHEN, Rules, break_table

    table = break_table("nl-BE", {"nl": ["stads-vernieuwings-project"]})
    rules = Rules(lang="nl", breaks=table)
    assert rules.positions("Teruggestuurd") == [5] and rules.positions("partnerschapsinstrument") == [7, 13]
    assert rules.positions("stadsvernieuwingsproject") == [5, 17]  # the workspace's own word
    fillers = ["De", "De stad", "De kleine stad", "Ook de grote stad", "Het land", "Het kleine land", "Zij"]
    body = "\n\n".join(" ".join(f"{fillers[(i + k) % 7]} heeft het {word} teruggestuurd."
                                for k in range(6))
                       for i, word in enumerate(["partnerschapsinstrument", "stadsvernieuwingsproject"] * 6))
    (tmp_path / "releases").mkdir()
    (tmp_path / "pressgen.yaml").write_text(
        "languages: [nl]\nformats: [pdf, docx]\norganizations:\n  org:\n    name: Stad\n"
        "hyphenation:\n  breaks:\n    nl: [stads-vernieuwings-project]\n")
    indented = "\n".join("      " + line if line else "" for line in body.split("\n"))
    (tmp_path / "releases" / "parts.yaml").write_text(
        "organization: org\ndate: 2024-01-01\nsource: nl\ntext:\n  nl:\n    headline: Een tekst\n"
        f"    body: |\n{indented}\n")
    report = build([tmp_path / "releases" / "parts.yaml"], BuildOptions(out=tmp_path / "dist"))
    assert report.ok, [d.format() for o in report.outcomes for d in o.diagnostics]
    breaks = {(head, tail) for _, head, tail, _ in _breaks_in(tmp_path / "dist" / "parts" / "parts.nl.pdf")}
    compounds = {(head, tail) for head, tail in breaks
                 if (head + tail).lower() in {"teruggestuurd", "partnerschapsinstrument", "stadsvernieuwingsproject"}}
    assert compounds, breaks  # the compounds do fall at line ends
    assert compounds <= {("terug", "gestuurd"), ("partner", "schapsinstrument"), ("partnerschaps", "instrument"),
                         ("stads", "vernieuwingsproject"), ("stadsvernieuwings", "project")}, compounds
    # For the DOCX's body text: soft hyphens at the same breaks, which Word follows.
    text = rules.soft_hyphens("Zij hebben het stadsvernieuwingsproject en het partnerschapsinstrument teruggestuurd.")
    assert f"terug{SOFT_HYPHEN}gestuurd" in text and f"stads{SOFT_HYPHEN}vernieuwings{SOFT_HYPHEN}project" in text
    assert f"partner{SOFT_HYPHEN}schaps{SOFT_HYPHEN}instrument" in text and text.count(SOFT_HYPHEN) == 5
    # The DOCX's body carries them as Word's optional hyphens (the text reads whole), which LibreOffice's
    # rendering of the DOCX uses.
    import shutil
    import subprocess

    import docx

    document = docx.Document(str(tmp_path / "dist" / "parts" / "parts.nl.docx"))
    body = [p for p in document.paragraphs if "teruggestuurd" in p.text]
    assert body and all(p._p.findall(".//" + qn("w:softHyphen")) for p in body)
    assert SOFT_HYPHEN not in "".join(p.text for p in document.paragraphs)
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (scripts/setup-system.sh test)")
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "lo"),
                    str(tmp_path / "dist" / "parts" / "parts.nl.docx")], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "lo" / "parts.nl.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    split = {(head, tail) for head, tail in re.findall(r"(\w+)[-\u2010\u00ad]\n\s*(\w+)", text)
             if (head + tail).lower() in {"teruggestuurd", "partnerschapsinstrument", "stadsvernieuwingsproject"}}
    # LibreOffice offers its own dictionary's breaks beside them (Word breaks a word with optional
    # hyphens only there), so the listed breaks are there; without them it broke "partnerschapsinstru-ment".
    assert split & {("partnerschaps", "instrument"), ("stads", "vernieuwingsproject"),
                    ("stadsvernieuwings", "project")}, split


def test_a_kept_word_used_only_kept_is_kept_by_pyphen_s_cache_instead_of_a_span() -> None:
    from pressgen.writers.pdf import kept_by_patterns

    markup = ('<html lang="fr"><p>La <span class="keep">Fedasil</span> et l’<span class="keep">organisation</span>'
              ' ; une autre organisation, la <span class="keep">réintégration</span>.</p>'
              '<p>Les <span class="keep">Réintégration</span> et <span lang="en-GB">the Festival</span> '
              'du <span class="keep">festival</span> : d&#39;<span class="keep">Anvers</span>, '
              '<span class="keep">Bruges</span>:x.</p></html>')
    # each word of the hyphenated text: [kept uses, all uses], as render_html counts them
    uses = {"fedasil": [1, 1], "organisation": [1, 2], "réintégration": [2, 2], "festival": [1, 2],
            "anvers": [1, 1], "bruges": [1, 1]}
    spanless, whole = kept_by_patterns(markup, uses, "fr")
    # every use kept: no span, an entry without breaks (lower case, as Pyphen looks words up)
    assert whole == ("fedasil", "réintégration")
    assert "La Fedasil et" in spanless and "la réintégration.</p>" in spanless and "Les Réintégration" in spanless
    # used once unkept ("une autre organisation", the English phrase's "Festival"), or joined for Unicode to
    # a longer word (l’organisation, d'Anvers, Bruges:x): the span stays
    for kept in ("organisation", "Anvers", "Bruges", "festival"):
        assert f'<span class="keep">{kept}</span>' in spanless
    # another language set on an element that is not a foreign phrase's span: nothing is changed
    other = markup.replace("<p>Les", '<p lang="nl">Les')
    assert kept_by_patterns(other, uses, "fr") == (other, ())
    other = markup.replace("<p>Les", "<p lang='nl'>Les")  # (a workspace template's quotes)
    assert kept_by_patterns(other, uses, "fr") == (other, ())
    # a word that Pango splits (WeasyPrint would ask Pyphen for "organisation" alone): the span stays
    for joined in ("Organisation_internationale", "Organisation中文"):
        markup = f'<html lang="fr"><p>La <span class="keep">{joined}</span>.</p></html>'
        assert kept_by_patterns(markup, {joined.lower(): [1, 1]}, "fr") == (markup, ())


def test_render_html_counts_each_word_s_kept_and_all_uses_in_the_hyphenated_text(seed_workspace: Any) -> None:
    from pressgen import load_release, localize
    from pressgen.writers.html import render_html

    release = load_release(SEEDS / "releases" / "iom-news-digest-2016.yaml", seed_workspace)
    uses: dict[str, list[int]] = {}
    html = render_html(localize(release, seed_workspace, "fr"), uses)
    assert uses["fedasil"][0] == uses["fedasil"][1] == html.count('<span class="keep">Fedasil</span>') > 0
    assert uses["réintégration"][0] >= 1  # a paragraph's last word
    assert uses["de"] == [0, uses["de"][1]] and uses["de"][1] > 10


def test_a_paragraph_s_last_word_used_nowhere_else_is_never_broken(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Each paragraph ends with a compound used nowhere else: kept whole through Pyphen's cache, not a span.
    from pressgen.writers import pdf

    last = ["ontwikkelingsprogramma", "verkiezingsuitslagen", "arbeidsbemiddelingsbureau", "woningbouwprojecten",
            "kinderopvangtoeslagen", "stadsvernieuwingsplannen", "onderwijsvernieuwingen", "gezondheidsvoorzieningen",
            "verkeersveiligheidsplan", "milieuvergunningsaanvragen", "zorgverzekeringspolissen",
            "bestemmingsplanwijzigingen"]
    path = _release_ending_with(tmp_path, last)
    monkeypatch.setattr(pdf, "RELAYOUTS", 0)
    found: list[tuple[str, ...]] = []
    kept_by_patterns = pdf.kept_by_patterns

    def spy(markup: str, uses: dict[str, list[int]], lang: str) -> tuple[str, tuple[str, ...]]:
        found.append(kept_by_patterns(markup, uses, lang)[1])
        return kept_by_patterns(markup, uses, lang)

    monkeypatch.setattr(pdf, "kept_by_patterns", spy)
    assert build([path], BuildOptions(out=tmp_path / "dist")).ok
    assert set(found[0]) == set(last)  # every last word went to the cache (no span left to keep it)
    breaks = _breaks_in(tmp_path / "dist" / "last" / "last.nl.pdf")
    assert breaks and all(len(after.split()) > 1 for *_, after in breaks), breaks
    # The same spans dropped without the cache's entries: some of these last words break.
    monkeypatch.setattr(pdf, "kept_by_patterns",
                        lambda markup, uses, lang: (kept_by_patterns(markup, uses, lang)[0], ()))
    assert build([path], BuildOptions(out=tmp_path / "bare")).ok
    bare = _breaks_in(tmp_path / "bare" / "last" / "last.nl.pdf")
    assert any(len(after.split()) == 1 for *_, after in bare), bare


WORDS_AND_JOINERS = ["Fedasil", "réintégration", "organisation", "de", "l’", "d&#39;", ":", ".", " ", ", ", "x",
                     "<strong>", "</strong>", "\u00ad", "e\u0301"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS_AND_JOINERS), st.booleans()), max_size=30))
def test_dropping_kept_spans_keeps_the_text_and_each_word_it_drops_is_kept_by_the_cache(
        pieces: list[tuple[str, bool]]) -> None:
    import html as html_module

    from pressgen.writers.html import WordUses
    from pressgen.writers.pdf import kept_by_patterns

    uses: WordUses = {}
    body = []
    for piece, kept in pieces:  # as _text_html writes text: a kept word is a span of its own
        for word in re.findall(r"\w+", html_module.unescape(re.sub(r"<[^>]*>", " ", piece))):
            counts = uses.setdefault(word.lower(), [0, 0])
            counts[0] += kept and piece.isalpha()
            counts[1] += 1
        body.append(f'<span class="keep">{piece}</span>' if kept and piece.isalpha() else piece)
    markup = f'<html lang="fr"><p>{"".join(body)}</p></html>'
    spanless, whole = kept_by_patterns(markup, uses, "fr")
    text = re.sub(r'</?span[^>]*>', "", markup)
    assert re.sub(r'</?span[^>]*>', "", spanless) == text  # nothing but spans taken out
    for word in whole:  # a word given to the cache: every use of it was kept, and none is a span now
        assert uses[word][0] == uses[word][1] and f'<span class="keep">{word}' not in spanless.lower()
    for match in re.finditer(r'<span class="keep">(\w+)</span>', spanless):
        assert match.group(1).lower() not in whole
    for (before, _), (word, kept) in itertools.pairwise(pieces):  # l’organisation is one word for Unicode
        if before in ("l’", "d&#39;") and kept and word.isalpha():
            assert word.lower() not in whole


def test_the_words_kept_for_one_document_are_not_kept_for_the_next(tmp_path: Path) -> None:
    # Document A keeps "réintégration" (its paragraph's last word) through Pyphen's cache. Until that entry
    # was taken out after A's layout, document B's rules read it, took "RÉINTÉGRATION" for a word that
    # cannot break (no span), and WeasyPrint then broke it six times ("RÉINTÉ-" / "GRATION").
    import random

    from pressgen import load_release, load_workspace, localize
    from pressgen.writers.pdf import write_pdf

    (tmp_path / "releases").mkdir()
    (tmp_path / "pressgen.yaml").write_text(
        "languages: [fr]\nformats: [pdf]\norganizations:\n  org:\n    name: Ville\n")

    def release(name: str, body: str) -> Path:
        indented = "\n".join("      " + line if line else "" for line in body.split("\n"))
        path = tmp_path / "releases" / f"{name}.yaml"
        path.write_text("organization: org\ndate: 2024-01-01\nsource: fr\ntext:\n  fr:\n    headline: Un texte\n"
                        f"    body: |\n{indented}\n")
        return path

    pick = random.Random(3)
    fill = ["la", "des", "personnes", "pour", "une", "politique", "nouvelle", "et", "avec", "les", "communes", "du"]
    first = release("a", "Le programme aide à la réintégration.")
    second = release("b", "\n\n".join(
        " ".join(pick.choice(fill) for _ in range(pick.randint(3, 14))) + " RÉINTÉGRATION "
        + " ".join(pick.choice(fill) for _ in range(pick.randint(3, 9))) + " fin." for _ in range(40)))
    workspace = load_workspace(tmp_path)
    write_pdf(localize(load_release(first, workspace), workspace, "fr"))
    data = write_pdf(localize(load_release(second, workspace), workspace, "fr")).data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "RÉINTÉGRATION" in text
    assert not re.findall(r"R[ÉE]\w*[\u2010-]\n\w+", text)
