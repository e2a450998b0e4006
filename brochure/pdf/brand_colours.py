"""Colours given once in sRGB (the brand's, an SVG's) made for the press: DeviceCMYK
through the output intent, as pdf/pictures.py converts pictures (its rendering_intent,
the press's ICC profile), so that a brand colour, a logo
and a photograph of it print alike.

Two exceptions, both for the press:
- a neutral colour (grey, black) prints on the black plate only, as grey pictures do:
  K = 1 - its grey value, no C, M or Y (a black logo or text in four inks would blur
  when the plates are off register, and is rich black the preflight refuses under 12 pt);
- text below 12 pt and thin rules must use ONE ink (GWG2015; print.css): a brand colour
  used there is replaced by the single ink that looks closest to it, by CIE76 ΔE computed
  through the same profile, among solid cyan, solid magenta and black (a solid, not a
  screen, for crisp edges; yellow is never one: unreadable on white paper). A red comes
  out magenta, a blue cyan, a dark green or a dark blue black: the hue is the screen's, the
  legibility the press's. Tints of that ink make the light rules and backgrounds.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from brochure.pdf.pictures import rendering_intent

if TYPE_CHECKING:
    from brochure.model import Settings
    from brochure.pdf.profiles import Profile

Rgb = tuple[float, ...]
Cmyk = tuple[float, ...]

_SOLIDS = ((1.0, 0.0, 0.0, 0.0), (0.0, 1.0, 0.0, 0.0), (0.0, 0.0, 0.0, 1.0))  # cyan, magenta, black
_NEUTRAL = 0.004  # channels this close are a grey


@cache
def _transforms(icc: str):
    from PIL import ImageCms

    srgb = ImageCms.createProfile("sRGB")
    lab = ImageCms.createProfile("LAB")
    press = ImageCms.ImageCmsProfile(icc)
    intent, flags = rendering_intent()
    return (ImageCms.buildTransform(srgb, press, "RGB", "CMYK", intent, flags),
            ImageCms.buildTransform(press, lab, "CMYK", "LAB", intent, flags),
            ImageCms.buildTransform(srgb, lab, "RGB", "LAB", intent, flags))


def _apply(transform, mode: str, values: tuple[float, ...], out: str) -> tuple[int, ...]:
    from PIL import Image, ImageCms

    pixel = Image.new(mode, (1, 1), tuple(round(value * 255) for value in values))
    converted = ImageCms.applyTransform(pixel, transform)
    assert converted is not None  # not in place: a new picture
    value = converted.getpixel((0, 0))
    assert isinstance(value, tuple)
    return tuple(int(channel) for channel in value)


def press_cmyk(rgb: Rgb, icc: Path) -> Cmyk:
    """The DeviceCMYK an sRGB colour prints as (0..1); a grey on black alone."""
    red, green, blue = rgb[:3]
    if max(red, green, blue) - min(red, green, blue) <= _NEUTRAL:
        return (0.0, 0.0, 0.0, round(1 - (red + green + blue) / 3, 3))
    cmyk = _apply(_transforms(str(icc))[0], "RGB", (red, green, blue), "CMYK")
    return tuple(round(value / 255, 3) for value in cmyk)


def _lab(values: tuple[int, ...]) -> tuple[float, float, float]:
    """Pillow's 8-bit LAB pixel as L* a* b*."""
    lightness, a, b = values[:3]
    return lightness * 100 / 255, a - 128, b - 128


def _distance(one, other) -> float:
    return sum((x - y) ** 2 for x, y in zip(one, other, strict=True)) ** 0.5


def one_ink(rgb: Rgb, icc: Path) -> Cmyk:
    """The solid of one ink (cyan, magenta or black) closest to the colour, printed."""
    transforms = _transforms(str(icc))
    wanted = _lab(_apply(transforms[2], "RGB", rgb[:3], "LAB"))
    return min(_SOLIDS, key=lambda solid: _distance(_lab(_apply(transforms[1], "CMYK", solid, "LAB")), wanted))


def tint(ink: Cmyk, share: float) -> Cmyk:
    return tuple(round(value * share, 3) for value in ink)


def press_colours(colours: dict[str, Rgb], given: dict[str, Cmyk], icc: Path) -> dict[str, Cmyk]:
    """The brand's colours for print, by the theme variable each sets (see html/brand.py):
    a CMYK the brand gives wins over the one derived from its sRGB."""
    def cmyk(name: str) -> Cmyk:
        return given.get(name) or press_cmyk(colours[name], icc)

    found: dict[str, Cmyk] = {}
    if "primary" in colours or "primary" in given:
        primary = cmyk("primary")
        small = one_ink(colours["primary"], icc) if "primary" in colours else _dominant(primary)
        found |= {"accent": primary, "accent-dark": primary, "accent-small": small,
                  "rule": tint(small, 0.3), "tint": tint(small, 0.07),
                  # the cover's lesser text on the primary: light tints of its one ink
                  "on-dark-soft": tint(small, 0.2), "on-dark-softer": tint(small, 0.1),
                  "on-dark-rule": tint(small, 0.4)}
    if "secondary" in colours or "secondary" in given:
        # Muted text is small: the secondary colour's closest single ink, as a 65 % tint
        # at most (the default theme's muted black is 65 %).
        secondary = one_ink(colours["secondary"], icc) if "secondary" in colours else _dominant(cmyk("secondary"))
        found["muted"] = tint(secondary, 0.65)
    # foreground: text prints in 100 % K whatever the screen's black (print.css): it
    # overprints, and no body text is rich black. background (the colour of what is
    # written on the primary): the paper in print, knocked out of the primary; type
    # reversed out in a tint of several inks would misregister, and the cover's 8 pt
    # credit would be small text in several inks.
    return found


def _dominant(cmyk: Cmyk) -> Cmyk:
    """The solid of the strongest ink of a CMYK given without an sRGB (yellow excluded)."""
    cyan, magenta, _, black = cmyk
    return max(_SOLIDS, key=lambda solid: (cyan, magenta, 0, black)[solid.index(1.0)])


def branded(settings: Settings, profile: Profile) -> Settings:
    """The settings with the brand's print colours derived for the profile's press
    (nothing to do for screen and archive, or without a brand)."""
    brand = settings.brand
    if brand is None or not profile.purpose.press or profile.icc is None:
        return settings
    return replace(settings, brand=replace(brand, print_colours=press_colours(brand.colours, brand.cmyk, profile.icc)))
