"""Golden files: the seed documents as they are built now, compared with the reviewed copies in tests/golden/.

For every seed release and language: the DOCX's XML parts (word/document.xml, the styles it uses, its header
and footer parts, docProps/core.xml without its timestamps), pretty-printed, and the PDF's text as poppler's
``pdftotext -layout`` reads it, normalised. ``pytest --update-golden`` (or ``make golden``) rewrites them
instead of comparing, so that a deliberate change of the documents is reviewed in the diff of tests/golden/.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from helpers import LANGS, ROOT, SEED_IDS
from lxml import etree

GOLDEN = ROOT / "tests" / "golden"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TIMESTAMPS = {"{http://purl.org/dc/terms/}created", "{http://purl.org/dc/terms/}modified",
              "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastPrinted"}
STYLE_REFERENCES = re.compile(r'<w:(?:pStyle|rStyle|tblStyle|numStyle) w:val="([^"]+)"')
PARTS = re.compile(r"word/(?:document|header\d+|footer\d+)\.xml")
CASES = [(release_id, lang) for release_id in SEED_IDS for lang in LANGS]


def _pretty(root: etree._Element) -> str:
    """Indented XML. White space between elements means nothing in these parts (text is in w:t, which has no
    children), so it is dropped first; the text of an element without children is kept exactly."""
    for element in root.iter():
        if len(element) and element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
        element.attrib.pop(f"{{{W}}}date", None)  # the time of a tracked change or comment
    return etree.tostring(root, encoding="unicode", pretty_print=True)


def _used_styles(styles: etree._Element, parts: list[str]) -> etree._Element:
    """word/styles.xml with its document defaults and only the styles the parts use, the default styles and
    the styles those are based on: Word's latent styles and the reference document's unused built-in styles
    (most of the file's 350 kB) are left out."""
    wanted = {name for text in parts for name in STYLE_REFERENCES.findall(text)}
    by_id = {style.get(f"{{{W}}}styleId"): style for style in styles.iter(f"{{{W}}}style")}
    wanted |= {name for name, style in by_id.items() if style.get(f"{{{W}}}default") in ("1", "true")}
    frontier = set(wanted)
    while frontier:
        based_on = {element.get(f"{{{W}}}val") for name in frontier if name in by_id
                    for element in by_id[name].iterfind(f"{{{W}}}basedOn")}
        frontier = based_on - wanted
        wanted |= frontier
    for child in list(styles):
        if child.tag == f"{{{W}}}latentStyles" or (child.tag == f"{{{W}}}style"
                                                     and child.get(f"{{{W}}}styleId") not in wanted):
            styles.remove(child)
    return styles


def docx_golden(path: Path) -> dict[str, str]:
    """The golden parts of a DOCX: name (``document.xml``, ``styles.xml``, ``header1.xml``, ...) -> text."""
    with zipfile.ZipFile(path) as package:
        names = sorted(name for name in package.namelist() if PARTS.fullmatch(name))
        texts = {name: package.read(name).decode("utf-8") for name in names}
        styles = etree.fromstring(package.read("word/styles.xml"))
        core = etree.fromstring(package.read("docProps/core.xml"))
    parts = {Path(name).name: _pretty(etree.fromstring(text.encode("utf-8"))) for name, text in texts.items()}
    parts["styles.xml"] = _pretty(_used_styles(styles, list(texts.values())))
    for element in core.iter():
        if element.tag in TIMESTAMPS:
            element.text = "(time stripped)"
    parts["core.xml"] = _pretty(core)
    return parts


def pdf_golden(path: Path) -> str:
    """A PDF's text as ``pdftotext -layout`` reads it, normalised so that a diff reads well and a shift of a
    point or two does not count: a line per page break, lines trimmed, runs of spaces (the gaps of the layout)
    two spaces, runs of blank lines one."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                          check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    lines: list[str] = []
    for number, page in enumerate(pages, start=1):
        lines += [f"--- page {number} ---", ""]
        for line in page.splitlines():
            line = re.sub(r" {2,}", "  ", line.strip())
            if line or lines[-1]:
                lines.append(line)
    return "\n".join(lines).strip() + "\n"


def golden_parts(docx: Path, pdf: Path) -> dict[str, str]:
    """Every golden file of one release in one language: ``<part>`` -> text (``document.xml``, ``pdf.txt``...)."""
    return {**docx_golden(docx), "pdf.txt": pdf_golden(pdf)}


def _unstable(text: str, out: Path) -> list[str]:
    """What a golden file must not hold: the machine's paths or a temporary file's name."""
    found = [where for where in (str(out), str(ROOT), "pytest-of-") if where in text]
    return found + re.findall(r"\btmp[a-z0-9_]{8}\b", text)


@pytest.mark.parametrize("release_id,lang", CASES)
def test_seed_documents_match_their_golden_files(seed_outputs: dict[tuple[str, str, str], Path],
                                                 update_golden: bool, release_id: str, lang: str) -> None:
    docx, pdf = seed_outputs[(release_id, lang, "docx")], seed_outputs[(release_id, lang, "pdf")]
    parts = golden_parts(docx, pdf)
    for name, text in parts.items():
        assert not _unstable(text, docx.parent.parent), (name, _unstable(text, docx.parent.parent))
    folder = GOLDEN / release_id
    present = {path.name.removeprefix(f"{lang}."): path for path in folder.glob(f"{lang}.*")}
    if update_golden:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in parts.items():
            (folder / f"{lang}.{name}").write_text(text, encoding="utf-8", newline="\n")
        for name in present.keys() - parts.keys():
            present[name].unlink()
        return
    hint = "if the change is deliberate, run `pytest --update-golden` and review the diff of tests/golden/"
    assert present, f"no golden files for {release_id} {lang} in {folder.relative_to(ROOT)}; {hint}"
    assert sorted(present) == sorted(parts), f"golden parts differ for {release_id} {lang}; {hint}"
    differences = []
    for name, text in parts.items():
        expected = present[name].read_text(encoding="utf-8")
        if text != expected:
            built = pdf.name if name == "pdf.txt" else f"{docx.name}, {name}"
            diff = list(difflib.unified_diff(expected.splitlines(), text.splitlines(),
                                             f"tests/golden/{release_id}/{lang}.{name}", f"built: {built}",
                                             lineterm="", n=2))
            more = [f"... and {len(diff) - 60} more lines"] if len(diff) > 60 else []
            differences.append("\n".join(diff[:60] + more))
    if differences:
        pytest.fail(f"{release_id} {lang} differs from its golden files; {hint}\n" + "\n".join(differences),
                    pytrace=False)


def test_every_golden_file_belongs_to_a_seed_document(seed_outputs: dict[tuple[str, str, str], Path],
                                                      update_golden: bool) -> None:
    built = {(release_id, lang) for release_id, lang, _ in seed_outputs}
    stale = sorted(path for path in GOLDEN.glob("*/*")
                   if (path.parent.name, path.name.split(".", 1)[0]) not in built)
    if update_golden:
        for path in stale:
            path.unlink()
        for folder in GOLDEN.iterdir():
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        return
    assert not stale, ("golden files of no seed document (`pytest --update-golden` removes them)",
                       [str(path.relative_to(ROOT)) for path in stale])
