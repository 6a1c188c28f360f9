"""Sandbox institutions' logos: a brand-colour mark with the bank's initials, drawn by Pillow.

Plaid returns an institution's logo as a base64-encoded 152x152 PNG (`include_optional_metadata`)
and Link shows it next to the bank's name. The sandbox banks are made up, so Gingham draws a
mark for each from its catalogue entry: a rounded square in the brand colour, the initials in
white or near-black (whichever reads on it, WCAG contrast), drawn large and scaled down for
smooth edges. The same institution always gets the same bytes, so the PNGs are cached for the
life of the process and served with long-lived cache headers.
"""

from __future__ import annotations

import base64
import io
from functools import cache
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from gingham.institutions import catalogue
from gingham.institutions.catalogue import SandboxInstitution

SIZE: Final = 152
# Drawn at four times the size and scaled down: Pillow's shapes are not anti-aliased.
_SCALE: Final = 4
_FALLBACK_COLOR: Final = "#4b5563"
_DARK_TEXT: Final = (17, 24, 39)
_WHITE: Final = (255, 255, 255)
# Words that say what a bank is rather than which one it is ("Bank" only after the first word:
# Bank of America is BA).
_GENERIC_WORDS: Final = frozenset({"the", "of", "and"})

# Where Link fetches them (gingham/institutions/pages.py serves this path).
PATH_PREFIX: Final = "/link/v2/stable/institutions/logos/"


def logo_path(institution: SandboxInstitution) -> str:
    """The URL path Link shows the institution's logo from."""
    return f"{PATH_PREFIX}{institution.institution_id}.png"


def initials(name: str) -> str:
    """Up to two initials of the words that tell the bank apart ("First Platypus Bank" → FP)."""
    words = [w for w in name.replace("-", " ").split() if w[:1].isalnum()]
    telling = [
        w
        for i, w in enumerate(words)
        if w.lower() not in _GENERIC_WORDS and (i == 0 or w.lower() != "bank")
    ] or words
    return "".join(w[0] for w in telling[:2]).upper() or "?"


def _rgb(hex_color: str) -> tuple[int, int, int]:
    value = int(hex_color.lstrip("#"), 16)
    return (value >> 16, (value >> 8) & 255, value & 255)


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def mark_colors(hex_color: str | None) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The background and text colours of a mark: the brand colour, darkened until white or
    near-black text reads on it at 4.5:1 (the same rule Link's monograms follow)."""
    background = _rgb(hex_color or _FALLBACK_COLOR)
    for _ in range(20):
        on_white = _contrast(background, _WHITE)
        on_dark = _contrast(background, _DARK_TEXT)
        if on_dark >= 4.5 and on_dark >= on_white:
            return background, _DARK_TEXT
        if on_white >= 4.5:
            return background, _WHITE
        r, g, b = background
        background = (int(r * 0.9), int(g * 0.9), int(b * 0.9))
    return _DARK_TEXT, _WHITE


def draw_logo(name: str, primary_color: str | None) -> bytes:
    """A 152x152 PNG: the initials of `name` on a rounded square of `primary_color`."""
    big = SIZE * _SCALE
    background, ink = mark_colors(primary_color)
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=(*background, 255))
    # A thin inner ring, as bank marks often have, in the text colour at low opacity.
    inset = big // 14
    ring = (*ink, 64)
    overlay = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    ImageDraw.Draw(overlay).rounded_rectangle(
        (inset, inset, big - 1 - inset, big - 1 - inset),
        radius=big // 7,
        outline=ring,
        width=max(1, big // 90),
    )
    image = Image.alpha_composite(image, overlay)
    draw = ImageDraw.Draw(image)
    text = initials(name)
    # Pillow's bundled font (no system fonts needed): bold by a stroke of the same colour.
    font = ImageFont.load_default(size=big * (42 if len(text) > 1 else 52) // 100)
    stroke = big // 60
    draw.text(
        (big / 2, big / 2),
        text,
        font=font,
        fill=(*ink, 255),
        anchor="mm",
        stroke_width=stroke,
        stroke_fill=(*ink, 255),
    )
    small = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def logo_png(institution_id: str) -> bytes | None:
    """The institution's logo, or None when the catalogue has no such institution."""
    institution = catalogue.find(institution_id)
    if institution is None:
        return None
    return _drawn(institution)


# Keyed by catalogue entries only, so the cache holds at most one PNG per sandbox institution
# whatever ids the logo route is asked for.
@cache
def _drawn(institution: SandboxInstitution) -> bytes:
    return draw_logo(institution.name, institution.primary_color)


def logo_base64(institution: SandboxInstitution) -> str | None:
    """The logo as Plaid's Institution.logo carries it: base64 of the PNG."""
    png = logo_png(institution.institution_id)
    return base64.b64encode(png).decode("ascii") if png is not None else None
