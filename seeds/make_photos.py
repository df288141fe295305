"""Make the seeds' stand-in photos: what phone and camera photos are, without anyone's picture.

The originals' photos (UNRIC's two, Unia's one) are not ours to copy, so the seeds carry
stand-ins of the sizes real cameras write, to exercise what real material does to a layout:
a 4032×3024 phone photo stored sideways with EXIF orientation 6 (the phone was held
upright: it shows as 3024×4032), a 6000×4000 camera photo and a 4032×3024 phone photo.
Run it from the repository: ``python seeds/make_photos.py`` (the output is committed; the
script is how it was made, and it writes the same bytes each time).
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ASSETS = Path(__file__).resolve().parent / "assets"

PHOTOS = [
    # file, stored size, EXIF orientation, palette (sky, ground, accent)
    ("unric-crossing.jpg", (6000, 4000), 1, ((96, 140, 186), (28, 62, 96), (236, 196, 120))),
    ("unric-what-migrants-bring.jpg", (4032, 3024), 6, ((214, 222, 230), (70, 110, 150), (0, 158, 219))),
    ("unia-contact-point.jpg", (4032, 3024), 1, ((230, 224, 214), (120, 96, 80), (200, 40, 60))),
]


def scene(size: tuple[int, int], palette: tuple[tuple[int, int, int], ...], seed: int) -> Image.Image:
    """A soft landscape of gradients and shapes, drawn small and scaled up (photos are smooth, not noise)."""
    rng = random.Random(seed)
    small = (size[0] // 8, size[1] // 8)
    image = Image.new("RGB", small)
    sky, ground, accent = palette
    draw = ImageDraw.Draw(image)
    horizon = int(small[1] * 0.55)
    for y in range(small[1]):
        top, bottom = (sky, ground) if y < horizon else (ground, tuple(c // 2 for c in ground))
        t = y / horizon if y < horizon else (y - horizon) / (small[1] - horizon)
        draw.line([(0, y), (small[0], y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _ in range(14):
        x, y = rng.randrange(small[0]), rng.randrange(horizon // 2, small[1])
        r = rng.randrange(small[1] // 30, small[1] // 8)
        shade = tuple(max(0, min(255, c + rng.randrange(-50, 50))) for c in accent)
        draw.ellipse([x - r, y - 2 * r, x + r, y + r // 2], fill=shade)
    for i in range(small[0]):
        y = horizon + int(6 * math.sin(i / 23) + 4 * math.sin(i / 7))
        draw.line([(i, y), (i, y + 3)], fill=ground)
    return image.filter(ImageFilter.GaussianBlur(2)).resize(size, Image.Resampling.BICUBIC)


def main() -> None:
    for number, (name, size, orientation, palette) in enumerate(PHOTOS):
        image = scene(size, palette, number)
        exif = Image.Exif()
        exif[0x0112] = orientation  # Orientation
        exif[0x010F] = "pressgen stand-in"  # Make
        exif[0x0110] = "seeds/make_photos.py"  # Model
        image.save(ASSETS / name, "JPEG", quality=82, exif=exif.tobytes(), optimize=True)
        print(f"{name}: {size[0]}×{size[1]}, orientation {orientation}, {(ASSETS / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
