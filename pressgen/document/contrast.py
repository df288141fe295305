"""Colour contrast as WCAG 2.x measures it, and a brand colour made readable for small text.

WCAG AA asks 4.5:1 between small text and its background (3:1 for large text: 18 pt, or 14 pt bold).
The formula is the one of WCAG 2.2, "relative luminance" and "contrast ratio": a few lines, where a
colour library would cost a third of a second of start-up in every build process.
"""

from __future__ import annotations

from functools import lru_cache

SMALL_TEXT = 4.5  # WCAG AA, text under 18 pt (14 pt bold)
LARGE_TEXT = 3.0
WHITE = "#FFFFFF"


def _channels(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def luminance(color: str) -> float:
    """Return the relative luminance (0 black to 1 white) of a ``#RRGGBB`` (or ``#RGB``) colour."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in _channels(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str = WHITE) -> float:
    """Return the WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@lru_cache(maxsize=64)
def readable(color: str, background: str = WHITE, ratio: float = SMALL_TEXT) -> str:
    """Return ``color`` if it reaches ``ratio`` on ``background``, else the lightest darker shade of
    it (its channels scaled towards black, so the hue stays) that does, as ``#RRGGBB``."""
    if contrast_ratio(color, background) >= ratio:
        return color
    r, g, b = _channels(color)
    low, high = 0.0, 1.0  # the factor of the channels: low always passes, high fails
    for _ in range(24):
        middle = (low + high) / 2
        if contrast_ratio(_hex(r * middle, g * middle, b * middle), background) >= ratio:
            low = middle
        else:
            high = middle
    return _hex(r * low, g * low, b * low)


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{int(c):02X}" for c in (r, g, b))
