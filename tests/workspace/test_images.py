"""Photos as cameras, phones and other tools write them, embedded upright and intact in both formats.

The PDF and the DOCX must embed the same prepared picture: upright by its EXIF orientation, 8-bit,
down-sampled to at most 2000 pixels a side. The tests read the embedded pixels back (not only the
declared size) and compare them with the source picture, turned and scaled as it should be.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers import SEEDS
from PIL import Image, ImageChops, ImageDraw, ImageFile, ImageStat
from pypdf import PdfReader

from pressgen import BuildOptions, build
from pressgen.cli import main

RELEASE = "iom-20km-brussels-2017"
BLOCK = (0, 0, 255)  # the mark drawn in a picture's top-left corner: where it lands tells the orientation
TOLERANCE = 4.0  # mean absolute difference per channel (0-255) a JPEG re-encoding and resampling may cause


def picture(width: int, height: int) -> Image.Image:
    """An upright RGB picture that shows which way is up: red grows to the right, green downwards,
    a blue block fills the top-left corner. Its four corners differ in colour and in grey."""
    across = Image.linear_gradient("L").rotate(90)
    down = Image.linear_gradient("L")
    image = Image.merge("RGB", [across.resize((width, height)), down.resize((width, height)),
                                Image.new("L", (width, height), 30)])
    ImageDraw.Draw(image).rectangle([0, 0, width // 5, height // 5], fill=BLOCK)
    return image


def with_orientation(upright: Image.Image, orientation: int) -> tuple[Image.Image, bytes]:
    """The pixels a camera stores for ``upright`` held in the given EXIF orientation, and that EXIF."""
    stored = {6: upright.transpose(Image.Transpose.ROTATE_90), 8: upright.transpose(Image.Transpose.ROTATE_270)}
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "Test camera"  # Make
    return stored[orientation], exif.tobytes()


def grey_16bit(upright: Image.Image) -> Image.Image:
    """A 16-bit greyscale version of ``upright`` whose high byte is its 8-bit grey."""
    return upright.convert("L").convert("I").point(lambda value: value * 257).convert("I;16")


def without_app_segments(jpeg: bytes) -> bytes:
    """A JPEG with its APP0..APP15 segments (JFIF, EXIF, Adobe) removed, as metadata strippers write it."""
    assert jpeg[:2] == b"\xff\xd8"
    out, at = bytearray(jpeg[:2]), 2
    while jpeg[at + 1] != 0xDA:  # up to the start of scan
        length = int.from_bytes(jpeg[at + 2:at + 4], "big")
        if not 0xE0 <= jpeg[at + 1] <= 0xEF:
            out += jpeg[at:at + 2 + length]
        at += 2 + length
    return bytes(out + jpeg[at:])


# name -> (file, the upright picture as it should be drawn, down-sampled; how to write the file)
Expected = tuple[str, Image.Image]


def _photos(assets: Path) -> dict[str, Expected]:
    """Write the test photos into ``assets`` and return, per photo, its file and the expected picture."""
    photos: dict[str, Expected] = {}

    camera = picture(3000, 4000)  # a portrait photo from a camera that stores it landscape, orientation 6
    stored, exif = with_orientation(camera, 6)
    assert stored.size == (4000, 3000)
    stored.save(assets / "camera.jpg", quality=92, exif=exif)
    photos["camera"] = ("assets/camera.jpg", camera.resize((1500, 2000), Image.Resampling.LANCZOS))

    phone = picture(900, 1200)  # a small phone photo, orientation 8: no down-sampling, still turned
    stored, exif = with_orientation(phone, 8)
    stored.save(assets / "phone.jpg", quality=92, exif=exif)
    photos["phone"] = ("assets/phone.jpg", phone)

    grey = picture(2400, 1600)
    grey_16bit(grey).save(assets / "grey16.png")
    photos["grey16"] = ("assets/grey16.png", grey.convert("L").resize((2000, 1333), Image.Resampling.LANCZOS))

    cmyk = picture(2400, 1800)
    cmyk.convert("CMYK").save(assets / "cmyk.jpg", quality=95)
    photos["cmyk"] = ("assets/cmyk.jpg", cmyk.resize((2000, 1500), Image.Resampling.LANCZOS))

    bare = picture(800, 500)
    buffer = io.BytesIO()
    bare.save(buffer, "JPEG", quality=92)
    (assets / "bare.jpg").write_bytes(without_app_segments(buffer.getvalue()))
    photos["bare"] = ("assets/bare.jpg", bare)

    alpha = picture(600, 400).convert("L")  # grey + alpha: transparent on the left, opaque on the right
    alpha.putalpha(Image.linear_gradient("L").rotate(90).resize((600, 400)))
    alpha.save(assets / "alpha.png")
    photos["alpha"] = ("assets/alpha.png", alpha.convert("RGBA"))
    return photos


def _add_images(release: Path, files: list[str]) -> None:
    entries = "".join(f"  - file: {file}\n    alt: Photo {index}\n" for index, file in enumerate(files))
    text = release.read_text(encoding="utf-8")
    release.write_text(text.replace("text:\n", "images:\n" + entries + "text:\n", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Expected], dict[str, Path], list[str]]:
    workspace = tmp_path_factory.mktemp("photos") / "ws"
    shutil.copytree(SEEDS, workspace, ignore=shutil.ignore_patterns("dist", ".pressgen"))
    photos = _photos(workspace / "assets")
    _add_images(workspace / "releases" / f"{RELEASE}.yaml", [file for file, _ in photos.values()])
    report = build([workspace / "releases" / f"{RELEASE}.yaml"], BuildOptions(langs=["en"], out=workspace / "dist"))
    problems = [d.format() for o in report.outcomes for d in o.diagnostics]
    return photos, {d.format: d.path for o in report.outcomes for d, _ in o.documents}, problems


def _pdf_images(path: Path) -> dict[tuple[int, int], Image.Image]:
    """Every image the PDF embeds, decoded from its stream, by pixel size."""
    found: dict[tuple[int, int], Image.Image] = {}
    for page in PdfReader(str(path)).pages:
        for embedded in page.images:
            assert embedded.image is not None
            found[embedded.image.size] = embedded.image
    return found


def _docx_images(path: Path) -> dict[tuple[int, int], Image.Image]:
    """Every image file of the DOCX package (word/media), by pixel size."""
    found: dict[tuple[int, int], Image.Image] = {}
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if name.startswith("word/media/"):
                image = Image.open(io.BytesIO(package.read(name)))
                image.load()
                found[image.size] = image
    return found


def _difference(actual: Image.Image, expected: Image.Image) -> float:
    """The largest per-channel mean absolute difference of two pictures of one size (alpha included)."""
    mode = "RGBA" if expected.mode == "RGBA" else "RGB"
    if expected.mode == "L" and actual.mode in ("L", "LA"):
        mode = "L"
    return max(ImageStat.Stat(ImageChops.difference(actual.convert(mode), expected.convert(mode))).mean)


def _corner_colours(image: Image.Image) -> list[tuple[float, ...]]:
    """The mean colour of the four corner blocks, clockwise from top left."""
    width, height = image.size
    box_w, box_h = width // 12, height // 12
    boxes = [(0, 0), (width - box_w, 0), (width - box_w, height - box_h), (0, height - box_h)]
    mode = "L" if image.mode == "L" else "RGB"
    return [tuple(ImageStat.Stat(image.convert(mode).crop((x, y, x + box_w, y + box_h))).mean) for x, y in boxes]


def _distance(one: tuple[float, ...], other: tuple[float, ...]) -> float:
    return max(abs(a - b) for a, b in zip(one, other, strict=True))


def _assert_upright_and_intact(actual: Image.Image, expected: Image.Image, where: str) -> None:
    assert actual.size == expected.size, where
    assert actual.mode in ("L", "RGB", "RGBA"), f"{where}: drawn from {actual.mode} pixels"
    difference = _difference(actual, expected)
    assert difference < TOLERANCE, f"{where}: the pixels differ from the source by {difference:.1f} on average"
    # The block is in the top-left corner, and each corner shows what it should (the four differ by far more).
    corners = _corner_colours(actual.convert(expected.mode) if expected.mode == "L" else actual)
    wanted = _corner_colours(expected)
    assert min(_distance(a, b) for i, a in enumerate(wanted) for b in wanted[i + 1:]) > 40
    assert [round(_distance(a, b)) < 12 for a, b in zip(corners, wanted, strict=True)] == [True] * 4, (
        f"{where}: corners {corners}, expected {wanted}")


@pytest.mark.parametrize("name", ["camera", "phone", "grey16", "cmyk", "bare", "alpha"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_each_photo_is_embedded_upright_and_intact(
        built: tuple[dict[str, Expected], dict[str, Path], list[str]], name: str, fmt: str) -> None:
    photos, documents, problems = built
    assert not problems, problems
    images = _pdf_images(documents["pdf"]) if fmt == "pdf" else _docx_images(documents["docx"])
    _, expected = photos[name]
    assert expected.size in images, f"no {expected.size[0]}×{expected.size[1]} image in the {fmt}: {sorted(images)}"
    _assert_upright_and_intact(images[expected.size], expected, f"{name} in the {fmt}")


def test_the_formats_embed_the_same_prepared_photos_without_exif(
        built: tuple[dict[str, Expected], dict[str, Path], list[str]]) -> None:
    photos, documents, problems = built
    assert not problems, problems
    docx = _docx_images(documents["docx"])
    for _, expected in photos.values():
        image = docx[expected.size]
        assert not image.getexif(), "EXIF is carried into the document (the orientation would be applied again)"
    with zipfile.ZipFile(documents["docx"]) as package:
        media = {hashlib.sha256(package.read(n)).hexdigest() for n in package.namelist() if n.startswith("word/media/")}
    # The JPEG streams of the PDF are the very files the DOCX embeds.
    jpegs = set()
    for page in PdfReader(str(documents["pdf"])).pages:
        for ref in page["/Resources"].get("/XObject", {}).values():
            stream = ref.get_object()
            if stream.get("/Subtype") == "/Image" and stream.get("/Filter") == "/DCTDecode":
                jpegs.add(hashlib.sha256(stream.get_data()).hexdigest())
    assert len(jpegs) == 4 and jpegs <= media


# --- refused photos: check says what build refuses, at the photo's line ----------------------------------


def _truncated_jpeg(path: Path) -> None:
    buffer = io.BytesIO()
    picture(1200, 900).save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) * 2 // 3])


def _truncated_png(path: Path) -> None:
    buffer = io.BytesIO()
    picture(1200, 900).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) - 200])


def _pixel_bomb(path: Path) -> None:
    Image.new("1", (8000, 6000)).save(path)  # 48 megapixels in a few kilobytes


ERROR = re.compile(r"^(?P<file>[^\n:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.*)$", re.M)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the CLI in this process (where WeasyPrint may be imported already): exit status and stderr."""
    try:
        main(list(args))
        status = 0
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    return status, capsys.readouterr().err


@pytest.mark.parametrize("load_truncated", [False, True], ids=["pillow-strict", "pillow-lenient"])
@pytest.mark.parametrize("make, file, words", [
    (_truncated_jpeg, "assets/half.jpg", "image assets/half.jpg is truncated"),
    (_truncated_png, "assets/half.png", "image assets/half.png is truncated"),
    (_pixel_bomb, "assets/bomb.png", "image assets/bomb.png is 8000×6000 pixels; at most 40 megapixels"),
])
def test_a_truncated_or_oversized_photo_is_a_check_error_at_its_line(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], load_truncated: bool,
        make: Callable[[Path], None], file: str, words: str) -> None:
    # WeasyPrint sets LOAD_TRUNCATED_IMAGES when imported: the check must not depend on who set what.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    for other in (workspace / "releases").glob("*.yaml"):
        if other.stem != RELEASE:
            other.unlink()
    make(workspace / file)
    release = workspace / "releases" / f"{RELEASE}.yaml"
    _add_images(release, ["assets/iom.png", file])
    line = next(number for number, text in enumerate(release.read_text().splitlines(), 1) if file in text)
    monkeypatch.chdir(workspace)

    checked = _cli(capsys, "check")
    built = _cli(capsys, "build", "--lang", "en", "-j", "1")
    for status, err in (checked, built):
        assert status == 1, err
        assert "internal error" not in err and "bug in pressgen" not in err and "Traceback" not in err
        [error] = [m for m in ERROR.finditer(err) if words in m.group("message")]
        assert (Path(error.group("file")).name, int(error.group("line"))) == (release.name, line), err
        assert int(error.group("col")) == release.read_text().splitlines()[line - 1].index(file) + 1
    assert not (workspace / "dist").exists() or not any((workspace / "dist").rglob("*.pdf"))


def test_a_truncated_logo_is_a_check_error_at_its_line_in_the_workspace(
        workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    logo = workspace / "assets" / "iom.png"
    logo.write_bytes(logo.read_bytes()[:-300])
    config = (workspace / "pressgen.yaml").read_text().splitlines()
    line = next(number for number, text in enumerate(config, 1) if "logo: assets/iom.png" in text)
    monkeypatch.chdir(workspace)
    status, err = _cli(capsys, "check", f"releases/{RELEASE}.yaml")
    assert status == 1
    [error] = [m for m in ERROR.finditer(err) if "logo assets/iom.png is truncated" in m.group("message")]
    assert (Path(error.group("file")).name, int(error.group("line"))) == ("pressgen.yaml", line), err


# --- the same input, the same bytes, wherever the workspace is ------------------------------------------


def _manifest(folder: Path) -> dict[str, str]:
    documents = json.loads((folder / "dist" / "manifest.json").read_text())["documents"]
    return {entry["path"]: entry["sha256"] for entry in documents}


def test_a_workspace_copied_to_another_folder_builds_byte_identical_documents(tmp_path: Path) -> None:
    copies = [tmp_path / "a" / "ws", tmp_path / "a-much-longer-folder-name" / "nested deeper" / "ws"]
    for copy in copies:
        shutil.copytree(SEEDS, copy, ignore=shutil.ignore_patterns("dist", ".pressgen"))
        picture(2400, 1600).save(copy / "assets" / "photo.jpg", quality=90)
        _add_images(copy / "releases" / f"{RELEASE}.yaml", ["assets/photo.jpg"])
        report = build([copy], BuildOptions(out=copy / "dist", jobs=2))
        assert report.ok, [d.format() for o in report.outcomes for d in o.diagnostics]
    first, second = ({path.relative_to(copy).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                      for path in sorted((copy / "dist").rglob("*")) if path.suffix in (".pdf", ".docx")}
                     for copy in copies)
    assert len(first) == 30  # five releases, three languages, two formats
    assert first == second
    assert _manifest(copies[0]) == _manifest(copies[1])


def test_workspace_urls_are_held_to_the_fetchers_roots(tmp_path: Path) -> None:
    from pressgen.workspace.images import workspace_url
    from pressgen.writers.pdf import ConfinedFetcher

    root = tmp_path / "ws"
    assets = root / "assets"
    assets.mkdir(parents=True)
    picture(40, 30).save(assets / "a photo #1.png")
    picture(40, 30).save(root / "secret.png")
    picture(40, 30).save(tmp_path / "outside.png")
    fetcher = ConfinedFetcher([assets], workspace_root=root)
    url = workspace_url(root, assets / "a photo #1.png")
    assert url == "workspace:assets/a%20photo%20%231.png"
    for served in (fetcher.fetch(url), fetcher.fetch((assets / "a photo #1.png").as_uri())):
        assert served.path is None  # not a file: WeasyPrint embeds these bytes, not the file they came from
        assert Image.open(io.BytesIO(served.read())).size == (40, 30)
    for refused in ["workspace:secret.png", "workspace:../outside.png", "workspace:assets/../secret.png",
                    "workspace:assets/%2e%2e/secret.png", "workspace:/etc/hostname", "workspace://host/assets/x.png"]:
        with pytest.raises(ValueError):
            fetcher.fetch(refused)
    with pytest.raises(ValueError):  # without a workspace, the scheme names nothing
        ConfinedFetcher([assets]).fetch(url)
    assert len(fetcher.refused) == 6
