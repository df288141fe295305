"""Image files of a workspace (logos): checked in the load stage as both writers will read them.

WeasyPrint decodes images with Pillow, python-docx parses their headers
itself; a file that either of them would refuse is reported by ``check``, with
the reason, instead of failing the build.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from pathlib import Path

IMAGE_TYPES = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
MAX_PIXELS = 40_000_000  # a logo or photo needs far fewer; more is a decompression bomb


def image_problem(path: Path) -> str | None:
    """Return why ``path`` cannot be used as an image in both formats, or None when it can.

    Remembered per file version: a campaign's releases share their logos and photos, and the
    preview loads the workspace on every request.
    """
    try:
        return _image_problem(path, path.stat().st_mtime_ns)
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"


@lru_cache(maxsize=256)
def _image_problem(path: Path, mtime_ns: int) -> str | None:
    from docx.image.image import Image as DocxImage
    from PIL import Image

    expected = IMAGE_TYPES.get(path.suffix.lower())
    if expected is None:
        return f"must be PNG or JPEG, not {path.suffix or 'a file without extension'}"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                found, size = image.format, image.size
                if size[0] * size[1] > MAX_PIXELS:
                    return f"is {size[0]}×{size[1]} pixels; at most {MAX_PIXELS // 1_000_000} megapixels"
                image.verify()
        DocxImage.from_file(str(path))
    except Exception as exc:  # Pillow and python-docx raise many kinds for broken files
        reason = str(exc).split("\n")[0] or type(exc).__name__
        return f"is not a readable {expected} image ({reason})"
    if found != expected:
        return f"is a {found} image named {path.suffix}; save it as {expected} or rename it"
    return None


MAX_EDGE = 2000  # pixels: 300 dpi across the 17 cm text width; larger images only make documents heavy


@lru_cache(maxsize=32)
def _prepared(path: Path, mtime_ns: int) -> bytes:
    from PIL import Image

    data = path.read_bytes()
    try:
        image = Image.open(io.BytesIO(data))
    except Exception:  # not an image Pillow reads: the load stage reports such files; embed it as it is
        return data
    with image:
        if max(image.size) <= MAX_EDGE:
            return data
        image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if image.format == "JPEG" or path.suffix.lower() in (".jpg", ".jpeg"):
            image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True)
        else:
            image.save(buffer, "PNG", optimize=True)
        return buffer.getvalue()


def prepared(path: Path) -> bytes:
    """Return the bytes to embed for an image: the file, or a copy down-sampled to at most MAX_EDGE pixels."""
    return _prepared(path, path.stat().st_mtime_ns)


def pixel_size(path: Path) -> tuple[int, int]:
    """Return the (width, height) in pixels of the image as embedded."""
    from PIL import Image

    with Image.open(io.BytesIO(prepared(path))) as image:
        return image.size
