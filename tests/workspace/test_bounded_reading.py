"""Hostile archives, XML, JSON and databases: refused clearly, in bounded time and memory, nothing half-written.

Review DOCX bombs and 100 000-unit XLIFF files run in a child process with a
1 GiB address-space limit, which reports its peak memory; its timeout is a hang
guard only (the old code needed minutes), not a speed assertion.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from docx import Document
from helpers import ROOT, run
from helpers.studio_server import StudioServer

from pressgen import load_release
from pressgen.builder.cache import BuildCache
from pressgen.errors import InputError
from pressgen.translation.memory import MEMORY_FILE, REVIEWED, TranslationMemory
from pressgen.translation.segments import sidecar_path
from pressgen.workspace.safexml import MAX_DIAGNOSTICS, MAX_ENTITY_TEXT, parse_xml
from pressgen.workspace.safezip import SafeZip, ZipLimits

RELEASE = "iom-20km-brussels-2017"  # nl source, fr reviewed
MiB = 1024 * 1024
GiB = 1024 * MiB
HANG_GUARD = 120  # seconds: only so that a regression fails instead of blocking the suite

BOUNDED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from pressgen.cli import main
try:
    main(sys.argv[2:])
finally:
    # VmHWM: this program's own peak (ru_maxrss carries the parent's peak across fork and exec, so a
    # large test process would count as this child's)
    peak = next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:"))
    print(f"peak-rss-kib={peak}", file=sys.stderr)
"""


@pytest.fixture(autouse=True)
def _in_workspace(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace)



def _release(workspace: Path) -> Path:
    return workspace / "releases" / f"{RELEASE}.yaml"


def bounded(*args: str, memory: int = GiB) -> tuple[int, str, int]:
    """Run the CLI in a child limited to ``memory`` bytes of address space: exit status, stderr, peak RSS in MiB."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", BOUNDED, str(memory), *args], capture_output=True, text=True,
                          env=env, timeout=HANG_GUARD)
    peak = re.search(r"peak-rss-kib=(\d+)", done.stderr)
    assert peak, done.stderr[-2000:]
    return done.returncode, done.stderr[:peak.start()], int(peak.group(1)) // 1024


def _export_xliff(workspace: Path) -> bytes:
    assert run("review", "export", RELEASE, "--lang", "fr", "--force") == 0
    return (workspace / "review" / f"{RELEASE}.fr.xlf").read_bytes()


def _export_docx(workspace: Path) -> Path:
    assert run("review", "export", RELEASE, "--lang", "fr", "--format", "docx", "--force") == 0
    return workspace / "review" / f"{RELEASE}.fr.review.docx"


def _with_doctype(xliff: bytes, declarations: str) -> bytes:
    declaration, rest = xliff.split(b"\n", 1)
    return declaration + f"\n<!DOCTYPE xliff [{declarations}]>\n".encode() + rest


def _units(xliff: bytes, count: int, unit: str) -> bytes:
    """The exported file with its units replaced by ``count`` copies of ``unit`` (formatted with the number)."""
    start, end = xliff.index(b"<trans-unit"), xliff.rindex(b"</trans-unit>") + len(b"</trans-unit>")
    return xliff[:start] + "".join(unit.format(n=n) for n in range(count)).encode() + xliff[end:]


def _rewrite_docx(source: Path, target: Path, document: Callable[[io.BufferedIOBase, bytes], None]) -> None:
    """Copy a DOCX, writing word/document.xml through ``document(stream, original_xml)``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in original.infolist():
            if item.filename == "word/document.xml":
                with copy.open(item.filename, "w", force_zip64=True) as stream:
                    document(stream, original.read(item.filename))
            else:
                copy.writestr(item.filename, original.read(item.filename))


# --- review DOCX: zip bombs and quadratic tables ------------------------------------------------------------


def _bomb(source: Path, target: Path, inflated: int) -> None:
    """A review DOCX whose document part inflates to ``inflated`` bytes of empty paragraphs."""
    def document(stream: io.BufferedIOBase, xml: bytes) -> None:
        head, tail = xml.split(b"<w:body>", 1)
        stream.write(head + b"<w:body>")
        chunk = b"<w:p/>" * (MiB // 6)
        for _ in range(inflated // len(chunk)):
            stream.write(chunk)
        stream.write(tail)

    _rewrite_docx(source, target, document)


def test_a_zip_bomb_review_docx_is_refused_in_bounded_memory(workspace: Path, tmp_path: Path) -> None:
    release = _release(workspace)
    before = release.read_bytes()
    bomb = tmp_path / "bomb.docx"
    _bomb(_export_docx(workspace), bomb, 256 * MiB)
    assert bomb.stat().st_size < 2 * MiB
    status, stderr, peak = bounded("review", "import", RELEASE, "--lang", "fr", "--file", str(bomb))
    assert status == 1, stderr
    assert re.match(r"^\S*bomb\.docx:1:1: error: .*inflates to more than \d+ MiB; refused$", stderr.splitlines()[0])
    assert "internal error" not in stderr and "Traceback" not in stderr
    assert peak < 512, f"peak memory {peak} MiB"
    assert release.read_bytes() == before


def test_a_review_docx_of_merged_rows_is_read_in_one_pass(workspace: Path, tmp_path: Path) -> None:
    """3000 rows merged with the row above: python-docx's row.cells searched back from each (minutes, before)."""
    continued = b"<w:tr>" + b"<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>" * 4 + b"</w:tr>"

    def document(stream: io.BufferedIOBase, xml: bytes) -> None:
        assert xml.count(b"Les Nations Unies participent") == 1
        xml = xml.replace(b"Les Nations Unies participent", b"Les Nations Unies prennent part")
        stream.write(xml.replace(b"</w:tbl>", continued * 3000 + b"</w:tbl>"))

    edited = tmp_path / "merged.docx"
    _rewrite_docx(_export_docx(workspace), edited, document)
    assert edited.stat().st_size < 100 * 1024
    status, stderr, peak = bounded("review", "import", RELEASE, "--lang", "fr", "--file", str(edited))
    assert status == 0, stderr
    assert peak < 512
    assert load_release(_release(workspace)).text["fr"].headline.startswith("Les Nations Unies prennent part")


def test_merged_and_spanned_cells_read_as_python_docx_reads_them(tmp_path: Path) -> None:
    """The one-pass reader gives each row the cells python-docx's row.cells gives (the same w:tc elements)."""
    from docx.oxml.ns import qn

    from pressgen.translation.review_docx import _grid_rows

    doc = Document()
    table = doc.add_table(rows=5, cols=4)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"{r}.{c}"
    table.cell(1, 1).merge(table.cell(3, 1))  # vertical
    table.cell(2, 2).merge(table.cell(2, 3))  # horizontal
    table.cell(4, 0).merge(table.cell(4, 2))  # horizontal, three columns
    path = tmp_path / "merged.docx"
    doc.save(str(path))
    reread = Document(str(path)).tables[0]
    expected = [[cell._tc for cell in row.cells] for row in reread.rows]
    assert any(tr.find(f".//{qn('w:vMerge')}") is not None for tr in reread._tbl.tr_lst)
    assert [list(row) for row in _grid_rows(reread._tbl, 4)] == expected


def test_zip_bounds_each_refuse_with_a_positioned_error(tmp_path: Path) -> None:
    def package(name: str, members: dict[str, bytes]) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in members.items():
                archive.writestr(member, data)
        return path

    cases = {
        "members": (package("many.docx", {f"m{n}.xml": b"" for n in range(30)}), "holds 30 files (at most 20)"),
        "member": (package("big.docx", {"a.xml": b"a" * (3 * MiB)}), "'a.xml' inflates to more than 2 MiB"),
        "ratio": (package("ratio.docx", {"a.xml": b"<w:p/>" * (MiB // 4)}), "compressed more than 10 to 1"),
        "total": (package("total.docx", {f"{n}.xml": os.urandom(MiB + 1) for n in range(4)}),
                  "the file inflates to more than 4 MiB; refused"),
        "not a zip": (tmp_path / "text.docx", "not a Word document (not a zip package"),
    }
    (tmp_path / "text.docx").write_text("plain text")
    limits = ZipLimits(total=4 * MiB, member=2 * MiB, members=20, ratio=10, ratio_floor=MiB // 2)
    for name, (path, words) in cases.items():
        with pytest.raises(InputError) as refused:
            SafeZip.open(path, 20 * MiB, limits)
        [diagnostic] = refused.value.diagnostics
        assert (diagnostic.path, diagnostic.line, diagnostic.col) == (path, 1, 1), name
        assert words in diagnostic.message, (name, diagnostic.message)


def test_a_member_whose_header_understates_its_size_is_cut_and_refused(tmp_path: Path) -> None:
    """zipfile stops at the declared size and the CRC no longer matches: a refusal, never the whole stream."""
    path = tmp_path / "lying.docx"
    data = b"<w:p/>" * (MiB // 2)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", data)
    raw = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        at = raw.index(signature) + offset
        assert int.from_bytes(raw[at:at + 4], "little") == len(data)
        raw[at:at + 4] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(InputError) as refused, SafeZip.open(path, 20 * MiB) as package:
        package.read("word/document.xml")
    assert "'word/document.xml' cannot be read" in refused.value.diagnostics[0].message


def test_a_repacked_package_opens_in_python_docx_with_the_same_content(workspace: Path) -> None:
    """What the reference-document reader can hand python-docx: only members read within the bounds."""
    exported = _export_docx(workspace)
    with SafeZip.open(exported, 20 * MiB) as package:
        assert package.related("officeDocument") == "word/document.xml"
        copy = Document(package.repacked())
    original = Document(str(exported))
    assert copy.core_properties.title == original.core_properties.title
    assert [c.text for r in copy.tables[0].rows for c in r.cells] == \
        [c.text for r in original.tables[0].rows for c in r.cells]


def test_the_studio_refuses_a_review_docx_bomb(workspace: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    _bomb(_export_docx(workspace), bomb, 128 * MiB)
    release = _release(workspace)
    before = release.read_bytes()
    with StudioServer(workspace) as studio, httpx.Client(base_url=studio.url, headers={"Origin": studio.origin},
                                                         timeout=HANG_GUARD) as client:
        page = client.get(f"/release/{RELEASE}/fr").text
        csrf = re.search(r'name="csrf" value="([^"]*)"', page)
        assert csrf
        answer = client.post(f"/release/{RELEASE}/fr/import", data={"csrf": csrf.group(1)},
                             files={"file": ("review.docx", bomb.read_bytes(), "application/octet-stream")})
    assert answer.status_code == 422, answer.text[:500]
    assert "inflates to more than" in answer.text
    assert release.read_bytes() == before


# --- XLIFF: floods, entities -------------------------------------------------------------------------------


UNIT = ('<trans-unit id="body-{n:08x}" resname="body"><source>Tekst {n}</source>'
        '<target state="translated">Texte {n}</target></trans-unit>\n')


def test_a_100000_unit_xliff_is_refused_in_seconds_and_bounded_memory(workspace: Path, tmp_path: Path) -> None:
    flood = tmp_path / "flood.xlf"
    flood.write_bytes(_units(_export_xliff(workspace), 100_000, UNIT))
    release = _release(workspace)
    before = release.read_bytes()
    status, stderr, peak = bounded("review", "import", RELEASE, "--lang", "fr", "--file", str(flood))
    assert status == 1
    assert len(stderr) < 2000, f"{len(stderr)} characters of errors"
    assert re.match(r"^\S*flood\.xlf:1:1: error: the file holds 100000 translation units, more than the \d+ "
                    r"pressgen reads", stderr)
    assert peak < 512
    assert release.read_bytes() == before


def test_conflicts_and_schema_errors_are_capped_per_file(workspace: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    exported = _export_xliff(workspace)
    unknown = tmp_path / "unknown.xlf"
    unknown.write_bytes(_units(exported, 300, UNIT))  # valid units whose sources the release does not have
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(unknown)) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    assert len(errors) == MAX_DIAGNOSTICS + 1
    assert errors[-1].endswith(f"error: … and {300 - MAX_DIAGNOSTICS} more problems")

    invalid = tmp_path / "invalid.xlf"  # 200 units without a source: not XLIFF 1.2
    invalid.write_bytes(_units(exported, 200, '<trans-unit id="u{n}"><target>x</target></trans-unit>\n'))
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(invalid)) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": error: " in line]
    assert len(errors) == MAX_DIAGNOSTICS + 1 and "more problems" in errors[-1]
    assert all(re.match(r"^\S*invalid\.xlf:\d+:\d+: error: ", line) for line in errors)


def test_an_internal_entity_is_expanded_and_the_unit_applied(workspace: Path, tmp_path: Path) -> None:
    xliff = _export_xliff(workspace).replace(b"Les Nations Unies participent", b"&un; participent", 1)
    edited = tmp_path / "entity.xlf"
    edited.write_bytes(_with_doctype(xliff, '<!ENTITY un "Les Nations unies (&org;)"><!ENTITY org "ONU">'))
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(edited)) == 0
    assert load_release(_release(workspace)).text["fr"].headline.startswith("Les Nations unies (ONU) participent")


def test_an_external_entity_is_never_read(workspace: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-OF-THE-MACHINE")
    xliff = _export_xliff(workspace).replace(b"Les Nations Unies participent", b"&leak; participent", 1)
    edited = tmp_path / "external.xlf"
    edited.write_bytes(_with_doctype(xliff, f'<!ENTITY leak SYSTEM "{secret.as_uri()}">'))
    before = _release(workspace).read_bytes()
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(edited)) == 1
    err = capsys.readouterr().err
    assert re.search(r"external\.xlf:2:\d+: error: external entity 'leak' \(file:///\S+\) is not read; refused", err)
    assert "SECRET" not in err and _release(workspace).read_bytes() == before
    declaration, rest = xliff.split(b"\n", 1)  # an external DTD that would declare it: never read either
    edited.write_bytes(declaration + f'\n<!DOCTYPE xliff SYSTEM "{secret.as_uri()}">\n'.encode() + rest)
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(edited)) == 1
    assert re.search(r"external\.xlf:\d+:1: error: entity '&leak;' is not declared in the file \(pressgen reads no "
                     r"external DTD\); refused", capsys.readouterr().err)
    assert _release(workspace).read_bytes() == before


def test_a_billion_laughs_xliff_is_refused_quickly_in_bounded_memory(workspace: Path, tmp_path: Path) -> None:
    levels = "".join(f'<!ENTITY l{n + 1} "{f"&l{n};" * 10}">' for n in range(9))
    xliff = _export_xliff(workspace).replace(b"Les Nations Unies participent", b"&l9;", 1)
    bomb = tmp_path / "laughs.xlf"
    bomb.write_bytes(_with_doctype(xliff, '<!ENTITY l0 "lollollollollol">' + levels))
    before = _release(workspace).read_bytes()
    status, stderr, peak = bounded("review", "import", RELEASE, "--lang", "fr", "--file", str(bomb))
    assert status == 1
    assert re.match(r"^\S*laughs\.xlf:2:\d+: error: its entities expand to far more text than the file holds "
                    r"\(an entity bomb\); refused", stderr)
    assert peak < 512 and _release(workspace).read_bytes() == before


def test_entities_expanding_beyond_the_bound_are_refused_before_expansion(tmp_path: Path) -> None:
    """Below libxml2's own amplification limit (the file is padded) but above pressgen's bound."""
    padding = "<!--" + "p" * 400_000 + "-->"
    references = "&k;" * (MAX_ENTITY_TEXT // 1000 + 10)
    raw = (f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY k "{"k" * 1000}">]>\n{padding}\n'
           f"<r>{references}</r>").encode()
    path = tmp_path / "wide.xml"
    with pytest.raises(InputError) as refused:
        parse_xml(path, raw, "XLIFF")
    assert "its entities expand to more than 1024 KiB of text; refused" in refused.value.diagnostics[0].message
    assert parse_xml(path, raw.replace(references.encode(), b"&k;&k;"), "XLIFF").getroot().text == "k" * 2000


def test_the_studio_imports_an_xliff_with_an_internal_entity(workspace: Path, tmp_path: Path) -> None:
    xliff = _export_xliff(workspace).replace(b"Les Nations Unies participent", b"&un; participent", 1)
    edited = _with_doctype(xliff, '<!ENTITY un "Les Nations unies">')
    with StudioServer(workspace) as studio, httpx.Client(base_url=studio.url, headers={"Origin": studio.origin},
                                                         timeout=HANG_GUARD) as client:
        page = client.get(f"/release/{RELEASE}/fr").text
        csrf = re.search(r'name="csrf" value="([^"]*)"', page)
        assert csrf
        answer = client.post(f"/release/{RELEASE}/fr/import", data={"csrf": csrf.group(1)},
                             files={"file": ("review.xlf", edited, "application/xliff+xml")})
    assert answer.status_code in (200, 303), answer.text[:500]
    assert load_release(_release(workspace)).text["fr"].headline.startswith("Les Nations unies participent")


# --- the translation memory ----------------------------------------------------------------------------------


def _filled_memory(path: Path, rows: int = 2000) -> None:
    """A memory as pressgen keeps it, written with sqlite3 itself."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE segments (provider TEXT, source TEXT, target TEXT, text TEXT, translation TEXT, "
                   "PRIMARY KEY (provider, source, target, text))")
        db.executemany("INSERT INTO segments VALUES (?, ?, ?, ?, ?)",
                       [(REVIEWED, "nl", "fr", f"tekst {n} " * 20, f"texte {n}") for n in range(rows)])
    db.close()


def _damage(path: Path, how: str) -> None:
    if how == "random bytes":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(8192))
    else:
        _filled_memory(path)
        raw = path.read_bytes()
        path.write_bytes(raw[:len(raw) // 2] if how == "truncated" else raw[:4096] + bytes(len(raw) - 4096))


def _edited_xliff(workspace: Path, tmp_path: Path) -> Path:
    edited = tmp_path / "edited.xlf"
    edited.write_bytes(_export_xliff(workspace).replace(b"Les Nations Unies participent",
                                                        b"Les Nations Unies prennent part", 1))
    return edited


@pytest.mark.parametrize("how", ["random bytes", "truncated", "zeroed pages"])
def test_a_damaged_memory_is_reported_before_the_release_is_written(
        workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], how: str) -> None:
    edited = _edited_xliff(workspace, tmp_path)
    _damage(workspace / MEMORY_FILE, how)
    before = _release(workspace).read_bytes()
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(edited)) == 1
    err = capsys.readouterr().err
    assert re.match(r"^\.pressgen/translation-memory\.sqlite:1:1: error: the translation memory is damaged", err), err
    assert _release(workspace).read_bytes() == before
    assert run("translate", RELEASE, "--to", "fr") == 1  # opens the memory before anything else
    assert "the translation memory is damaged" in capsys.readouterr().err


def test_a_locked_memory_is_waited_for_then_reported(workspace: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pressgen.translation.memory.BUSY_TIMEOUT", 0.3, raising=False)
    edited = _edited_xliff(workspace, tmp_path)
    tmx = tmp_path / "memory.tmx"
    tmx.write_bytes(_tmx(3))
    _filled_memory(workspace / MEMORY_FILE, 10)
    holder = sqlite3.connect(workspace / MEMORY_FILE, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    before = _release(workspace).read_bytes()
    try:
        assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(edited)) == 1
        assert run("tm", "import", str(tmx)) == 1
    finally:
        holder.rollback()
        holder.close()
    err = capsys.readouterr().err
    assert err.count(".pressgen/translation-memory.sqlite:1:1: error: the translation memory is locked by another "
                     "program (waited 0.3 s)") == 2
    assert _release(workspace).read_bytes() == before
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(edited)) == 0  # once it is free
    assert load_release(_release(workspace)).text["fr"].headline.startswith("Les Nations Unies prennent part")


# --- TMX --------------------------------------------------------------------------------------------------


def _tmx(units: int, doctype: str = "", segment: str = "Texte {n}") -> bytes:
    body = "".join(f'<tu><tuv xml:lang="nl-BE"><seg>Tekst {n}</seg></tuv><tuv xml:lang="fr-BE"><seg>'
                   f"{segment.format(n=n)}</seg></tuv></tu>" for n in range(units))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<tmx version="1.4"><header creationtool="t" '
            'creationtoolversion="1" segtype="paragraph" o-tmf="t" adminlang="en" srclang="nl-BE" '
            f'datatype="plaintext"/><body>{body}</body></tmx>').encode()


def test_tm_import_stores_a_file_in_one_transaction(workspace: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args: object, **kwargs: object) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)  # type: ignore[arg-type]
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    tmx = tmp_path / "pairs.tmx"
    tmx.write_bytes(_tmx(500))
    assert run("tm", "import", str(tmx)) == 0
    assert sum(1 for s in statements if s.startswith("INSERT")) == 500
    assert statements.count("COMMIT") == 1
    memory = TranslationMemory(workspace / MEMORY_FILE)
    assert len(memory.pairs(REVIEWED)) == 500
    memory.close()


def test_tmx_entities_expand_and_bombs_are_refused(workspace: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    tmx = tmp_path / "entity.tmx"
    tmx.write_bytes(_tmx(2, '<!DOCTYPE tmx [<!ENTITY org "OIM">]>\n', "Texte {n} de l’&org;"))
    assert run("tm", "import", str(tmx)) == 0
    memory = TranslationMemory(workspace / MEMORY_FILE)
    assert ("nl", "fr", "Tekst 1", "Texte 1 de l’OIM") in memory.pairs(REVIEWED)
    memory.close()
    levels = "".join(f'<!ENTITY l{n + 1} "{f"&l{n};" * 10}">' for n in range(9))
    tmx.write_bytes(_tmx(2, f'<!DOCTYPE tmx [<!ENTITY l0 "lol">{levels}]>\n', "&l9;"))
    assert run("tm", "import", str(tmx)) == 1
    assert "error: its entities expand to far more text than the file holds" in capsys.readouterr().err


# --- JSON: segment records and the build cache ---------------------------------------------------------------


def test_nested_brackets_in_the_segment_records_are_a_positioned_error_not_a_crash(
        workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sidecar = sidecar_path(_release(workspace))
    edited = _edited_xliff(workspace, tmp_path)
    before = _release(workspace).read_bytes()
    sidecar.write_text("[" * 1024)
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(edited)) == 1
    err = capsys.readouterr().err
    assert re.match(rf"^releases/{RELEASE}\.segments\.json:1:33: error: the segment records cannot be read: "
                    r"nested more than 32 levels deep", err), err
    assert _release(workspace).read_bytes() == before and sidecar.read_text() == "[" * 1024
    assert run("translate", RELEASE, "--to", "fr") == 1
    assert "segments.json:1:33: error" in capsys.readouterr().err
    # The records are part of the data (issue 18): check and status report them, positioned, never crash.
    capsys.readouterr()
    assert run("check") == 1 and run("status") == 1
    assert f"{RELEASE}.segments.json:1:33: error" in capsys.readouterr().err
    with StudioServer(workspace) as studio, httpx.Client(base_url=studio.url, timeout=HANG_GUARD) as client:
        index = client.get("/")
        page = client.get(f"/release/{RELEASE}/fr")
    assert (index.status_code, page.status_code) == (200, 200)
    assert RELEASE in index.text


def test_a_merge_conflict_in_the_segment_records_is_reported_at_its_line(
        workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sidecar = sidecar_path(_release(workspace))
    edited = _edited_xliff(workspace, tmp_path)
    lines = sidecar.read_text().splitlines()
    sidecar.write_text("\n".join([*lines[:3], "<<<<<<< HEAD", *lines[3:5], "=======", ">>>>>>> theirs",
                                   *lines[5:]]) + "\n")
    assert run("review", "import", RELEASE, "--lang", "fr", "--file", str(edited)) == 1
    # said as what it is, at the marker's line (the check layer reads the records as data)
    assert re.search(rf"^releases/{RELEASE}\.segments\.json:4:1: error: the segment records have an unresolved "
                     r"merge conflict", capsys.readouterr().err, re.M)


@pytest.mark.parametrize("damage", ["nested objects", "nested arrays", "documents", "releases"])
def test_a_damaged_build_cache_is_dropped_and_rebuilt(workspace: Path, damage: str) -> None:
    path = workspace / ".pressgen" / "cache.json"
    if damage.startswith("nested"):
        path.parent.mkdir(exist_ok=True)
        path.write_text('{"a":' * 1024 if damage == "nested objects" else "[" * 100_000)
    else:  # a cache of this very build whose entries are no longer mappings
        assert run("build", f"releases/{RELEASE}.yaml", "--format", "docx") == 0
        cache = json.loads(path.read_text())
        cache[damage] = {name: [1] for name in cache[damage]}
        path.write_text(json.dumps(cache))
    damaged = BuildCache(workspace)
    assert run("build", f"releases/{RELEASE}.yaml", "--format", "docx") == 0
    assert (damaged.dropped or "").startswith("cache unreadable: rebuilt")
    rebuilt = json.loads(path.read_text())
    assert len(rebuilt["documents"]) == 3 and BuildCache(workspace).dropped is None
    assert all(Path(name).is_file() for name in rebuilt["documents"])
