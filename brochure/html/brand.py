"""The brand (content/brand.py) as the theme sees it: its name, the cover's logo, and a
style sheet that sets the theme's CSS custom properties (brochure.css :root, print.css)
from the brand's colours and fonts, so screen, print and web stay in step.

The colours map onto the theme's variables:
  primary    -> --accent, --accent-dark (the cover, titles, rules), and, derived from it,
                the light rules and tints, and the soft colours of the cover's text
  secondary  -> --muted (dates, captions, sources)
  foreground -> --ink (text; in print 100 % K whatever it is, see pdf/brand_colours.py)
  background -> --on-dark (what is written on the primary colour; in print the paper)
In print the values are the DeviceCMYK the build derived (Brand.print_colours); on
screen and in the archive the brand's sRGB. Brand fonts come first in --font-base and
--font-headings, the theme's own after them for what they lack.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from brochure.model import PROJECT_URL, Brand, Image, Settings

_MIXES = {"rule": 0.25, "tint": 0.07}  # share of the primary in white
_ON_DARK = {"on-dark-soft": 0.8, "on-dark-softer": 0.9, "on-dark-rule": 0.55}  # share of the background


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, value)) * 255):02x}" for value in rgb[:3])


def _mix(one: tuple[float, ...], other: tuple[float, ...], share: float) -> tuple[float, ...]:
    return tuple(a * share + b * (1 - share) for a, b in zip(one, other, strict=True))


def _screen_colours(brand: Brand) -> dict[str, str]:
    colours = brand.colours
    white = (1.0, 1.0, 1.0)
    found: dict[str, tuple[float, ...]] = {}
    if "primary" in colours:
        primary = colours["primary"]
        found |= {"accent": primary, "accent-dark": primary}
        found |= {name: _mix(primary, white, share) for name, share in _MIXES.items()}
        found |= {name: _mix(colours.get("background", white), primary, share) for name, share in _ON_DARK.items()}
    if "secondary" in colours:
        found["muted"] = colours["secondary"]
    if "foreground" in colours:
        found["ink"] = colours["foreground"]
    if "background" in colours:
        found["on-dark"] = colours["background"]
    return {name: _hex(value) for name, value in found.items()}


def _press_colours(brand: Brand) -> dict[str, str]:
    return {name: "device-cmyk({})".format(" ".join(f"{value:g}" for value in cmyk))
            for name, cmyk in brand.print_colours.items()}


def _string(text: str) -> str:
    from brochure.html.theme import css_string

    return f'"{css_string(text)}"'


def brand_css(settings: Settings, profile: str, faces: bool = True) -> str:
    """The style sheet of the brand for `profile`: CSS variables and (for the PDF, whose
    fetcher serves the project's files) font faces."""
    brand = settings.brand
    if brand is None:
        return ""
    colours = _press_colours(brand) if profile == "print" else _screen_colours(brand)
    lines = [f"  --{name}: {value};" for name, value in sorted(colours.items())]
    for variable, family, fallback in (("font-base", brand.base_family, "Brochure Serif"),
                                       ("font-headings", brand.headings_family, "Brochure Sans")):
        if family:
            lines.append(f"  --{variable}: {_string(family)}, {_string(fallback)};")
    rules = [f"@font-face {{ font-family: {_string(font.family)}; "
             f"src: url({_string(PROJECT_URL + quote(font.path.relative_to(settings.root.resolve()).as_posix()))}); "
             f"font-weight: {font.weight}; font-style: {font.style}; }}" for font in brand.fonts if faces]
    root = ":root {\n" + "\n".join(lines) + "\n}" if lines else ""
    return "\n".join([*rules, root]).strip()


def brand_context(settings: Settings, profile: str, image_url: Callable[[Image], str] | None) -> dict:
    """What a template gets of the brand: its name, the cover's logo (address and
    alternative text) and its style sheet. `image_url`: the web edition's addresses;
    None for the PDF's."""
    brand = settings.brand
    if brand is None:
        return {"name": "", "logo_url": "", "logo_alt": "", "css": ""}
    logo_url = ""
    if brand.logo is not None:
        if image_url is None:
            relative = brand.logo.path.relative_to(settings.root.resolve()).as_posix()
            logo_url = PROJECT_URL + quote(relative) + "#logo"  # as commands/pictures.brand_pictures names it
        else:
            logo_url = image_url(Image(brand.logo.src, brand.logo.path, brand.logo.alt))
    # The logo's alternative text: its alt, else the brand's name; a brand without
    # meta.name says whose logo it is by the publisher, else the brochure's title. An
    # <img> without alt stops the PDF (WeasyPrint's "no required alt description", with
    # no line of ours), so it always has one.
    logo_alt = (brand.logo.alt or brand.name or settings.publisher or settings.title) if brand.logo else ""
    return {"name": brand.name, "logo_url": logo_url, "logo_alt": logo_alt,
            "css": brand_css(settings, profile, faces=image_url is None)}
