"""Image files of a workspace (logos and photos): decoded once, checked, and prepared for both writers.

Every image is decoded with Pillow in the load stage, as a build will, so that
``check`` reports what ``build`` would refuse: a file that is not the PNG or
JPEG its name says, too many pixels (a decompression bomb), a truncated
(half-copied) or damaged file. A readable one is *prepared* once, here, and
both writers embed exactly these bytes:

- turned upright by its EXIF orientation (phone photos), after which no EXIF
  is kept (no orientation for a viewer to apply a second time, no camera or
  GPS data in published documents);
- converted to what PDF and Word draw correctly: 8-bit RGB or greyscale, RGBA
  for a PNG with transparency (CMYK, 16-bit, palette, grey+alpha and 1-bit
  images are converted; an embedded colour profile is applied);
- down-sampled to at most ``MAX_EDGE`` pixels a side;
- encoded again in the format the file has (JPEG stays JPEG, PNG stays PNG).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from pressgen.errors import RenderError

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

IMAGE_TYPES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
MAX_PIXELS = 40_000_000  # a logo or photo needs far fewer; more is a decompression bomb
MAX_EDGE = 2000  # pixels: 300 dpi across the 17 cm text width; larger images only make documents heavy
JPEG_QUALITY = 85

# The URL scheme of a workspace file in the page the PDF is printed from: a path relative to the
# workspace, so that nothing in the PDF (WeasyPrint names images after their URL) depends on the
# folder the workspace is in. The PDF writer's fetcher resolves it, confined like a file URL.
WORKSPACE_SCHEME = "workspace:"


@dataclass(frozen=True)
class PreparedImage:
    """An image as both writers embed it."""

    data: bytes
    format: str  # "JPEG" or "PNG"
    width: int
    height: int

    @property
    def media_type(self) -> str:
        return "image/jpeg" if self.format == "JPEG" else "image/png"


class ImageProblem(RenderError):
    """An image that cannot be embedded; the load stage reports these with the position of its name."""


def image_problem(path: Path) -> str | None:
    """Return why ``path`` cannot be used as an image in both formats, or None when it can.

    The image is decoded (and prepared) to know; the result is remembered per file version: a
    campaign's releases share their logos and photos, and the preview loads the workspace on every
    request.
    """
    result = _prepare_file(path)
    return result if isinstance(result, str) else None


def prepared(path: Path) -> PreparedImage:
    """Return the image at ``path`` as both writers embed it (see the module's docstring).

    Raises ImageProblem when it cannot be embedded (the load stage has reported it already, unless
    the file changed since).
    """
    result = _prepare_file(path)
    if isinstance(result, str):
        raise ImageProblem(f"image {path.name} {result}")
    return result


def pixel_size(path: Path) -> tuple[int, int]:
    """Return the (width, height) in pixels of the image as embedded: upright and down-sampled."""
    image = prepared(path)
    return image.width, image.height


def workspace_url(root: Path, path: Path) -> str:
    """Return the URL the printed page gives the workspace file ``path``: ``workspace:`` and its
    path relative to the workspace ``root``, the same wherever the workspace is."""
    return WORKSPACE_SCHEME + quote(path.resolve().relative_to(root.resolve()).as_posix())


def _prepare_file(path: Path) -> PreparedImage | str:
    try:
        stat = path.stat()
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    return _prepare_version(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _prepare_version(path: Path, mtime_ns: int, size: int) -> PreparedImage | str:
    expected = IMAGE_TYPES.get(path.suffix.lower())
    if expected is None:
        return f"must be PNG or JPEG, not {path.suffix or 'a file without extension'}"
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    try:
        return _prepare(data, expected, path.suffix)
    except _Refused as exc:
        return str(exc)
    except Exception as exc:  # Pillow raises many kinds for broken files
        reason = str(exc).split("\n")[0] or type(exc).__name__
        return f"is not a readable {expected} image ({reason})"


class _Refused(Exception):
    pass


class _Source(io.BytesIO):
    """A file's bytes that notes whether the decoder asked for more than there is.

    Pillow fills a truncated image with grey, without a word, once any library of the process has
    set ``ImageFile.LOAD_TRUNCATED_IMAGES`` (WeasyPrint does, on import); a decoder that reads past
    the end of the file tells the truncation whatever that setting is.
    """

    watching = False
    ran_out = False

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        if self.watching and size != 0 and not data:
            self.ran_out = True
        return data


_TRUNCATED = "is truncated: the file ends before the image does (copy or download it again, in full)"


def _prepare(data: bytes, expected: str, suffix: str) -> PreparedImage:
    from PIL import Image, ImageOps, UnidentifiedImageError

    source = _Source(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source, formats=["PNG", "JPEG"])  # a JPEG with extra frames opens as MPO
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _Refused(f"has more than {MAX_PIXELS // 1_000_000} megapixels") from None
        except UnidentifiedImageError:
            raise _Refused(f"is not a readable {expected} image (its content is neither PNG nor JPEG)") from None
    with image:
        found = "JPEG" if image.format == "MPO" else image.format  # MPO: a JPEG with extra frames
        if found != expected:
            raise _Refused(f"is a {found} image named {suffix}; save it as {expected} or rename it")
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _Refused(f"is {width}×{height} pixels; at most {MAX_PIXELS // 1_000_000} megapixels")
        if found == "JPEG":  # decode at a reduced scale when that still leaves twice the pixels kept, as
            image.draft(None, (2 * MAX_EDGE, 2 * MAX_EDGE))  # Image.thumbnail does: a 50 MP photo in 50 MB
        if found == "PNG":  # every chunk's checksum: a damaged or cut PNG, whatever Pillow is told to accept
            try:
                with Image.open(io.BytesIO(data), formats=["PNG"]) as whole:
                    whole.verify()
            except (OSError, SyntaxError) as exc:
                if "truncated" in str(exc).lower() or "incomplete" in str(exc).lower():
                    raise _Refused(_TRUNCATED) from None
                raise
        source.watching = True
        try:
            image.load()
        except OSError as exc:
            if source.ran_out or "truncated" in str(exc):
                raise _Refused(_TRUNCATED) from None
            raise
        if source.ran_out:
            raise _Refused(_TRUNCATED)
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # EXIF data a camera or editor damaged: the picture as it is stored
            upright = image.copy()
    drawable = _drawable(upright)
    drawable.info = {}  # only the pixels are written: no EXIF, colour profile or text chunks
    drawable.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if found == "JPEG":
        drawable.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    else:
        drawable.save(buffer, "PNG")
    return PreparedImage(buffer.getvalue(), found, drawable.width, drawable.height)


def _drawable(image: PILImage) -> PILImage:
    """The image as PDF and Word draw it correctly: 8-bit RGB or L, or RGBA for a PNG with transparency,
    colours in sRGB; no EXIF, no colour profile."""
    from PIL import ImageCms

    profile = image.info.get("icc_profile")
    mode = image.mode
    if mode.startswith("I"):  # 16-bit greyscale: keep the high byte (Pillow's own conversion clips at 255)
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif mode == "1":
        image = image.convert("L")
    elif mode in ("LA", "La", "PA", "RGBa") or (mode in ("P", "L", "RGB") and "transparency" in image.info):
        image = image.convert("RGBA")
    elif mode not in ("L", "RGB", "RGBA", "CMYK"):  # palette, YCbCr...
        image = image.convert("RGB")
    if image.mode in ("RGB", "RGBA", "CMYK") and profile:
        try:
            converted = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                                                  ImageCms.createProfile("sRGB"),
                                                  outputMode="RGBA" if image.mode == "RGBA" else "RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):  # a damaged or unusual profile: convert plainly
            converted = None
        if converted is not None:
            image = converted
    if image.mode == "CMYK":
        image = image.convert("RGB")
    return image
