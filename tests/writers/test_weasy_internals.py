"""The third-party internals pressgen relies on, checked against the installed libraries.

pressgen/writers/weasy.py is the one module that uses WeasyPrint's and Pyphen's
non-public API. These tests fail loudly, naming the bound in pyproject.toml, when
an upgrade removes or changes what that module relies on.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pyphen
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.urls import URLFetcher, URLFetcherResponse

from pressgen.document.hyphenation import PATTERNS
from pressgen.writers import weasy
from pressgen.writers.pdf import HYPHEN

PACKAGE = Path(weasy.__file__).resolve().parents[1]
PYPROJECT = next(p / "pyproject.toml" for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())


def _dependency(name: str) -> str:
    """The dependency on ``name`` as pyproject.toml writes it: "weasyprint>=70,<71"."""
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    return next(d for d in dependencies if Requirement(d).name.lower() == name)


def _upgrade(name: str, what: str) -> str:
    """The message of a failed check: what changed, and the bound to re-check."""
    return (f"{what} (installed {name} {version(name)}). pressgen/writers/weasy.py relies on it: adapt that "
            f"module and compare the seeds' PDFs before raising the bound '{_dependency(name)}' in pyproject.toml")


@pytest.fixture
def pyphen_table() -> Iterator[None]:
    """Leave Pyphen's table as the test found it."""
    saved = dict(pyphen.LANGUAGES)
    yield
    pyphen.LANGUAGES.clear()
    pyphen.LANGUAGES.update(saved)


@pytest.mark.parametrize("name", ["weasyprint", "pyphen"])
def test_the_installed_library_is_within_the_bound_pyproject_names(name: str) -> None:
    requirement = Requirement(_dependency(name))
    assert any(spec.operator in ("<", "<=", "==", "~=") for spec in requirement.specifier), \
        f"'{requirement}' in pyproject.toml has no upper bound, though pressgen uses {name}'s internals"
    assert requirement.specifier.contains(version(name)), \
        _upgrade(name, f"{name} {version(name)} is outside '{requirement}'")


PAGE = """<html lang="en"><head><style>
@page { size: 150mm 80mm; margin: 15mm; @top-center { content: "Running header" } }
body { font: 10pt serif; }
p.narrow { width: 14mm; hyphens: auto; hyphenate-limit-chars: 6 3 3; }
</style></head><body>
<p>First paragraph.</p><div>Not a paragraph.</div><p>Second <b>and bold</b> text.</p>
<p class="narrow">representative</p>
</body></html>"""


def test_a_laid_out_page_has_its_box_tree_and_page_lines_reads_it() -> None:
    document = HTML(string=PAGE).render()
    page = document.pages[0]
    assert hasattr(page, "_page_box"), _upgrade("weasyprint", "weasyprint.Page has no _page_box any more")
    page_box = page._page_box
    assert isinstance(page_box, boxes.PageBox), _upgrade("weasyprint", "Page._page_box is not a PageBox")
    found = list(page_box.descendants())
    for kind in ("LineBox", "TextBox", "BlockBox", "MarginBox"):
        assert any(isinstance(box, getattr(boxes, kind)) for box in found), \
            _upgrade("weasyprint", f"a laid-out page has no {kind} among its descendants")
    texts = [box for box in found if isinstance(box, boxes.TextBox)]
    assert all(isinstance(box.text, str) for box in texts), _upgrade("weasyprint", "TextBox.text is not a str")
    paragraphs = [box for box in found if isinstance(box, boxes.BlockBox) and box.element_tag == "p"]
    assert [
        "".join(box.element.itertext()) for box in paragraphs[:2]] == ["First paragraph.", "Second and bold text."], \
        _upgrade("weasyprint", "a <p>'s BlockBox no longer carries element_tag 'p' and its ElementTree element")

    lines = weasy.page_lines(document)
    assert len(lines) == 1
    texts_and_paragraphs = [(line.text, line.paragraph is not None) for line in lines[0]]
    assert texts_and_paragraphs[:3] == [("First paragraph.", True), ("Not a paragraph.", False),
                                        ("Second and bold text.", True)], \
        _upgrade("weasyprint", "the lines read from Page._page_box are not the page's lines in order")
    assert "Running header" not in [text for text, _ in texts_and_paragraphs]  # margin boxes left out
    narrow = [line.text for line in lines[0][3:]]
    assert len(narrow) >= 2 and narrow[0].endswith(HYPHEN), _upgrade(
        "weasyprint", f"a word hyphenated at a line's end no longer ends with U+2010 in its TextBox: {narrow}")


def _lines_of(paragraph: str) -> list[str]:
    """The lines of one body paragraph of the packaged stylesheet's measure, in French."""
    from weasyprint import CSS

    from pressgen.resources import PACKAGED_TEMPLATES

    page = f"<html lang='fr-BE'><body><main><div class='body'><p>{paragraph}</p></div></main></body></html>"
    document = HTML(string=page).render(stylesheets=[CSS(filename=str(PACKAGED_TEMPLATES / "release.css"))])
    return [line.text for line in weasy.page_lines(document)[0]]


def test_a_text_s_trailing_space_hangs_so_a_span_after_it_does_not_break_the_line_early(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.layout import inline

    plain = "Cette rencontre réussie a réuni plus de 37 participants, et 28 pays y étaient représentés."
    spanned = plain.replace("représentés", '<span class="keep">représentés</span>')
    weasy.use_patterns(PATTERNS)
    monkeypatch.setattr(inline, "split_first_line", weasy._ORIGINAL_SPLIT_FIRST_LINE)
    # WeasyPrint 70 alone: the text before the span fits but its trailing space does not, so it is taken as
    # too long for any break and broken after its first word.
    assert _lines_of(spanned)[0] == "Cette", _upgrade("weasyprint", "split_first_line no longer counts a "
                                                      "trailing space: use_hanging_spaces may go")
    weasy.use_hanging_spaces()
    assert inline.split_first_line is weasy._split_first_line
    assert _lines_of(spanned) == _lines_of(plain) == [plain.removesuffix(" représentés."), "représentés."]


def test_pyphen_reads_a_word_s_breaks_from_its_cache_so_use_breaks_decides_them(pyphen_table: None) -> None:
    from weasyprint.text import line_break

    from pressgen.document.hyphenation import break_table

    weasy.use_patterns(PATTERNS)
    weasy.use_breaks("nl-BE", ())  # none installed (a PDF written before this test installs the packaged ones)
    assert line_break.pyphen.Pyphen is not pyphen.Pyphen, _upgrade(
        "weasyprint", "text/line_break.py no longer makes its dictionaries through its name 'pyphen'")
    weasyprint_pyphen = line_break.pyphen.Pyphen
    assert weasyprint_pyphen(lang="nl_BE", left=3, right=3).inserted("teruggestuurd") == "terug-ge-stuurd"
    weasy.use_breaks("nl-BE", (*break_table("nl"), ("fedasil", ())))
    assert isinstance(weasy._weasyprint_patterns(pyphen.LANGUAGES["nl"]).cache, dict), \
        _upgrade("pyphen", "HyphDict.cache")
    assert weasyprint_pyphen(lang="nl", left=3, right=3).inserted("Teruggestuurd") == "Terug-gestuurd", \
        _upgrade("pyphen", "HyphDict.positions no longer reads its per-word cache first")
    assert weasyprint_pyphen(lang="nl", left=3, right=3).inserted("Fedasil") == "Fedasil"  # kept whole
    # Pyphen's dictionaries for anything else (pressgen's own rules) do not see what was installed for
    # WeasyPrint: a document's kept words are not taken for words that cannot break by the next one's rules.
    assert pyphen.Pyphen(lang="nl", left=3, right=3).inserted("teruggestuurd") == "terug-ge-stuurd"
    assert pyphen.Pyphen(lang="nl", left=3, right=3).inserted("Fedasil") == "Feda-sil"
    weasy.use_breaks("nl-BE", ())  # taken out again: the patterns decide
    assert weasyprint_pyphen(lang="nl", left=3, right=3).inserted("teruggestuurd") == "terug-ge-stuurd"


def test_pyphen_languages_is_a_table_of_dictionary_files_read_when_a_dictionary_is_made(
        pyphen_table: None) -> None:
    table = pyphen.LANGUAGES
    assert isinstance(table, dict), _upgrade("pyphen", "pyphen.LANGUAGES is not a dict")
    assert all(isinstance(code, str) and Path(path).is_file() for code, path in table.items()), \
        _upgrade("pyphen", "pyphen.LANGUAGES no longer maps language codes to dictionary files")
    assert {"en", "en_GB", "en_US", "nl", "fr"} <= set(table), _upgrade("pyphen", "a dictionary pressgen uses is gone")
    assert pyphen.language_fallback("en-GB") == "en_GB", \
        _upgrade("pyphen", "language_fallback no longer turns an element's lang into a LANGUAGES key")

    weasy.use_patterns({})
    assert pyphen.Pyphen(lang="en_GB", left=3, right=3).inserted("festival") == "fest-ival"
    weasy.use_patterns(PATTERNS)
    assert pyphen.Pyphen(lang="en_GB", left=3, right=3).inserted("festival") == "fes-ti-val", \
        _upgrade("pyphen", "Pyphen no longer reads pyphen.LANGUAGES when a dictionary is made")


def test_weasyprint_hyphenates_a_region_by_the_patterns_use_patterns_chose(pyphen_table: None) -> None:
    """Paragraphs of one word at many widths, in en-GB and en-US: the same lines once
    use_patterns sends English to the US patterns, other lines without."""
    widths = range(12, 30)
    paragraphs = "".join(f'<p lang="{lang}" style="width: {width}mm">representative representative</p>'
                         for width in widths for lang in ("en-GB", "en-US"))
    html = PAGE.replace("</style>", "p { hyphens: auto; hyphenate-limit-chars: 6 3 3 }</style>").replace(
        '<p class="narrow">representative</p>', paragraphs).replace("size: 150mm 80mm", "size: 150mm 2000mm")

    def lines_by_region() -> list[tuple[list[str], list[str]]]:
        lines = [line for page in weasy.page_lines(HTML(string=html).render()) for line in page][3:]
        by_paragraph: dict[int, list[str]] = {}
        for line in lines:
            by_paragraph.setdefault(id(line.paragraph), []).append(line.text)
        texts = list(by_paragraph.values())
        return list(zip(texts[0::2], texts[1::2], strict=True))

    weasy.use_patterns({})
    assert any(gb != us for gb, us in lines_by_region())  # Pyphen's en_GB patterns break other places
    weasy.use_patterns(PATTERNS)
    assert all(gb == us for gb, us in lines_by_region()), _upgrade(
        "weasyprint", "WeasyPrint no longer hyphenates an element's lang by pyphen.LANGUAGES's dictionary for it")


def test_use_patterns_is_idempotent_and_restorable(pyphen_table: None) -> None:
    weasy.use_patterns({})
    original = dict(pyphen.LANGUAGES)
    weasy.use_patterns(PATTERNS)
    once = dict(pyphen.LANGUAGES)
    weasy.use_patterns(PATTERNS)
    assert pyphen.LANGUAGES == once
    assert once["en_GB"] == once["en"] == original["en_US"] and once["nl"] == original["nl"]
    weasy.use_patterns({})
    assert pyphen.LANGUAGES == original
    with pytest.raises(ValueError, match="xx_XX"):
        weasy.use_patterns({"en": "xx_XX"})


def test_importing_the_pdf_writer_leaves_pyphen_alone() -> None:
    """The table changes when a PDF is laid out (use_patterns), not as a side effect of an import."""
    code = ("import pyphen; before = dict(pyphen.LANGUAGES); import pressgen.writers.pdf, pressgen.builder.executors; "
            "assert pyphen.LANGUAGES == before, 'importing the PDF writer changed pyphen.LANGUAGES'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _svg(word: str) -> bytes:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
            f'<text x="0" y="30" font-size="20">{word}</text></svg>').encode()


class _Fetcher(URLFetcher):
    def __init__(self, resources: dict[str, bytes]) -> None:
        super().__init__()
        self.resources = resources

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        media_type = "image/svg+xml" if url.endswith(".svg") else "image/png"
        return URLFetcherResponse(url, self.resources[url], {"Content-Type": media_type})


def _pdf(html: str, resources: dict[str, bytes], cache: dict[str, object]) -> bytes:
    return HTML(string=html, url_fetcher=_Fetcher(resources)).write_pdf(cache=cache)


def _seen(pdf: bytes) -> tuple[list[tuple[int, ...]], str]:
    """The top-left pixel of each image of the PDF's first page, and the page's text."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return [image.image.convert("RGB").getpixel((0, 0)) for image in page.images], page.extract_text().strip()


def test_weasyprint_keys_its_image_cache_by_url_and_image_cache_skips_the_generated() -> None:
    """As pressgen uses it: a logo shared by documents, a watermark (SVG) made for each."""
    logo, mark = "pressgen-test:logo.png", "pressgen-generated:mark.svg"
    html = f'<img src="{logo}"><img src="{mark}">'
    plain: dict[str, object] = {}
    _pdf(html, {logo: _png("red"), mark: _svg("ROUGE")}, plain)
    assert {logo, mark} <= set(plain), _upgrade(
        "weasyprint", f"WeasyPrint no longer keys the render option 'cache' by image URL: {sorted(plain)}")

    cache = weasy.ImageCache(never="pressgen-generated:")
    first = _pdf(html, {logo: _png("red"), mark: _svg("ROUGE")}, cache)
    assert logo in cache and mark not in cache
    second = _pdf(html, {logo: _png("blue"), mark: _svg("BLAUW")}, cache)
    assert [_seen(first), _seen(second)] == [
        ([(255, 0, 0)], "ROUGE"),
        ([(255, 0, 0)], "BLAUW"),  # the logo from the cache, what pressgen generated fetched again
    ]


def _third_party_internals(path: Path) -> list[str]:
    """Uses in one module of the names weasy.py is there to hide."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "_page_box":
            found.append(f"{path.name}:{node.lineno}: ._page_box")
        elif isinstance(node, ast.Attribute) and node.attr == "LANGUAGES" and \
                isinstance(node.value, ast.Name) and node.value.id == "pyphen":
            found.append(f"{path.name}:{node.lineno}: pyphen.LANGUAGES")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("weasyprint.formatting_structure"):
            found.append(f"{path.name}:{node.lineno}: from {node.module}")
        elif isinstance(node, ast.ImportFrom) and node.module == "weasyprint" and \
                any(alias.name == "formatting_structure" for alias in node.names):
            found.append(f"{path.name}:{node.lineno}: weasyprint.formatting_structure")
    return found


def test_no_module_but_weasy_uses_weasyprint_or_pyphen_internals() -> None:
    found = [use for path in sorted(PACKAGE.rglob("*.py")) if path.name != "weasy.py" or path.parent.name != "writers"
             for use in _third_party_internals(path)]
    assert found == [], "WeasyPrint's and Pyphen's internals belong in pressgen/writers/weasy.py"


def _hanging_by_the_whole_text(text: str, style: Any, context: Any, max_width: Any, justification_spacing: float,
                               is_line_start: bool = True, minimum: bool = False) -> Any:
    """use_hanging_spaces' rule in its plainest form: the whole text without its trailing space laid out."""
    from weasyprint.text import line_break

    result = weasy._ORIGINAL_SPLIT_FIRST_LINE(text, style, context, max_width, justification_spacing,
                                              is_line_start, minimum)
    if (result[2] is not None and max_width is not None and text.endswith(" ")
            and style["white_space"] in ("normal", "nowrap", "pre-line") and "\n" not in text):
        layout = line_break.create_layout(text.rstrip(" "), style, context, max_width, justification_spacing)
        first_line, resume = layout.get_first_line()
        fits = resume is None and line_break.line_size(first_line, style)[0] <= max_width
        layout.deactivate()
        if fits:
            return weasy._ORIGINAL_SPLIT_FIRST_LINE(text, style, context, None, justification_spacing,
                                                    is_line_start, minimum)
    return result


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("le la les des et une politique nouvelle réintégration communes "
                                          "organisation à pour avec du aide ; ) /".split()), st.booleans()),
                min_size=6, max_size=30),
       st.integers(min_value=60, max_value=300))
@example([("la", False), ("une", False), ("le", False), ("pour", True), ("politique", False), ("aide", True),
          ("la", True), ("le", False), ("les", True), ("et", False)], 135)
def test_the_hanging_space_check_lays_out_the_lines_its_plainest_form_does(
        words: list[tuple[str, bool]], width: int) -> None:
    # The check tries a long text by its start first. A shortcut that skipped lines "of several words" (by a
    # space inside) brought the fault back for a text box that starts with a space between two spans:
    # "la une le pour poli-" / "tique aide…" where the whole text gives "… politique" / "aide…".
    from weasyprint import CSS
    from weasyprint.layout import inline

    parts = [f'<span class="k">{word}</span>' if kept else word for word, kept in words]
    page = f'<html lang="fr"><p style="width:{width}px">{" ".join(parts)}</p></html>'
    css = CSS(string="p { font: 10pt 'Liberation Sans'; text-align: justify; hyphens: auto; margin: 0 } "
                     ".k { hyphens: manual }")
    weasy.use_patterns(PATTERNS)
    lines = []
    for split in (_hanging_by_the_whole_text, weasy._split_first_line):
        inline.split_first_line = split
        try:
            lines.append([line.text for line in weasy.page_lines(HTML(string=page).render(stylesheets=[css]))[0]])
        finally:
            inline.split_first_line = weasy._split_first_line
    assert lines[0] == lines[1]
