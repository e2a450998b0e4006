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

A light primary (a yellow) is no ground for white text, nor a colour for text on white
paper: under a contrast of 4.5:1 (WCAG 2, by relative luminance) what is written on it
takes the foreground (or black, when the foreground is no better), and the text the
theme sets in the primary on the paper (headings, dates, page numbers, links) the
theme's --ink. content/brand.py tells it in a warning, by the same measure.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from brochure.model import PROJECT_URL, Brand, BrandLogo, Image, Settings, contrast

_MIXES = {"rule": 0.25, "tint": 0.07}  # share of the primary in white
_ON_DARK = {"on-dark-soft": 0.8, "on-dark-softer": 0.9, "on-dark-rule": 0.55}  # share of the background
MIN_CONTRAST = 4.5  # WCAG 2, AA, for text
WHITE, BLACK = (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)
# The text the default theme (brochure.css, print.css, web.css) sets in --accent or
# --accent-dark on the paper; the rules and the cover's ground stay in the primary.
_TEXT_IN_PRIMARY = (".intro, .toc-heading, .toc-section, .toc-entry::before, .section-title, .item-date, "
                    ".item-title, .item-body blockquote, .item-links h3, .item h2, blockquote, a")


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, value)) * 255):02x}" for value in rgb[:3])


def _mix(one: tuple[float, ...], other: tuple[float, ...], share: float) -> tuple[float, ...]:
    return tuple(a * share + b * (1 - share) for a, b in zip(one, other, strict=True))


def _on_primary(colours: dict[str, tuple[float, ...]], written: tuple[float, ...]) -> tuple[float, ...]:
    """The colour of the text on the primary: `written` (the background, the paper)
    when readable there, else the foreground, else black."""
    primary = colours["primary"]
    if contrast(written, primary) >= MIN_CONTRAST:
        return written
    foreground = colours.get("foreground")
    return foreground if foreground and contrast(foreground, primary) >= MIN_CONTRAST else BLACK


def _screen_colours(brand: Brand) -> dict[str, str]:
    colours = brand.colours
    found: dict[str, tuple[float, ...]] = {}
    if "primary" in colours:
        primary = colours["primary"]
        found |= {"accent": primary, "accent-dark": primary}
        found |= {name: _mix(primary, WHITE, share) for name, share in _MIXES.items()}
        on_dark = _on_primary(colours, colours.get("background", WHITE))
        found |= {name: _mix(on_dark, primary, share) for name, share in _ON_DARK.items()}
        if on_dark != colours.get("background", WHITE):
            found["on-dark"] = on_dark
    if "secondary" in colours:
        found["muted"] = colours["secondary"]
    if "foreground" in colours:
        found["ink"] = colours["foreground"]
    if "background" in colours and "on-dark" not in found:
        found["on-dark"] = colours["background"]
    return {name: _hex(value) for name, value in found.items()}


def _press_colours(brand: Brand) -> dict[str, str]:
    found = dict(brand.print_colours)
    if "primary" in brand.colours and _on_primary(brand.colours, WHITE) != WHITE:
        # The paper is no ground on this primary: its text is printed in black, 100 % K
        # (as body text), the lesser lines in tints of it.
        found |= {"on-dark": (0.0, 0.0, 0.0, 1.0)} | {name: (0.0, 0.0, 0.0, share) for name, share in
                                                     _ON_DARK.items()}
    return {name: "device-cmyk({})".format(" ".join(f"{value:g}" for value in cmyk))
            for name, cmyk in found.items()}


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
    if "primary" in brand.colours and contrast(WHITE, brand.colours["primary"]) < MIN_CONTRAST:
        # Too light for text on the paper: the theme's text in the primary in its ink instead.
        # The web edition's masthead writes in white on the primary whatever --on-dark is.
        root += (f"\n{_TEXT_IN_PRIMARY} {{ color: var(--ink); }}\n@page {{ @bottom-center {{ color: var(--ink); }} }}"
                 "\n.masthead, .masthead .publisher, .masthead .subtitle { color: var(--on-dark); }")
    return "\n".join([*rules, root]).strip()


def brand_context(settings: Settings, profile: str, image_url: Callable[[Image], str] | None) -> dict:
    """What a template gets of the brand: its name, the cover's logo (address and
    alternative text) and its style sheet. `image_url`: the web edition's addresses;
    None for the PDF's."""
    brand = settings.brand
    if brand is None:
        return {"name": "", "logo_url": "", "logo_alt": "", "back_logo_url": "", "css": ""}

    def address(logo: BrandLogo | None, fragment: str) -> str:
        if logo is None:
            return ""
        if image_url is None:  # as commands/pictures.brand_pictures names it
            return PROJECT_URL + quote(logo.path.relative_to(settings.root.resolve()).as_posix()) + fragment
        return image_url(Image(logo.src, logo.path, logo.alt))

    # The logo's alternative text: its alt, else the brand's name; a brand without
    # meta.name says whose logo it is by the publisher, else the brochure's title. An
    # <img> without alt stops the PDF (WeasyPrint's "no required alt description", with
    # no line of ours), so it always has one.
    logo_alt = (brand.logo.alt or brand.name or settings.publisher or settings.title) if brand.logo else ""
    return {"name": brand.name, "logo_url": address(brand.logo, "#logo"), "logo_alt": logo_alt,
            "back_logo_url": address(brand.back_logo, "#back-logo"),
            "css": brand_css(settings, profile, faces=image_url is None)}
