"""Problems found while laying out or checking the PDF, told against the file the user
can fix: the entry whose picture failed, the entry on the page a preflight rule names,
brochure.yaml for the cover, the theme for a stylesheet.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from brochure.confine import is_inside, relative_inside
from brochure.content.settings import SETTINGS_FILE
from brochure.errors import ContentError, Problem
from brochure.html.theme import asset_url
from brochure.layout.engine import PdfResult
from brochure.layout.internals import PlacedImage, image_id
from brochure.model import Entry, Settings
from brochure.pdf.preflight.rules import Rule, pages_text
from brochure.pdf.profiles import Profile


@dataclass(frozen=True)
class Picture:
    """A local image of the brochure and where it is named (for messages)."""

    path: Path
    url: str  # its address in the HTML
    file: str  # the entry (or brochure.yaml) naming it
    src: str
    where: tuple[int, int]
    field: str = "image.src"  # the key naming it: image.src, cover.image, partners[0].logo, logo.medium


def pictures(settings: Settings, entries: list[Entry]) -> list[Picture]:
    """The local pictures of the entries, then those brochure.yaml names: the cover's
    (under an address of its own: it is flattened onto the cover, pdf/pictures.py) and
    the partners' logos."""
    found = [Picture(entry.image.path, asset_url(settings, entry.image.path), entry.file, entry.image.src,
                     entry.image.where) for entry in entries if entry.image and entry.image.path]
    return found + [Picture(image.path, asset_url(settings, image.path, cover=field == "cover.image"), SETTINGS_FILE,
                            image.src, image.where, field) for field, image in settings.named_images if image.path]


def resolution_problems(pictures: list[Picture], placed: list[PlacedImage],
                        profile: Profile) -> tuple[list[Problem], dict[str, float]]:
    """Pictures printed below the floor are errors; above the ceiling, the factor to
    scale them down by."""
    by_id = {image_id(picture.url): picture for picture in pictures}
    lowest: dict[str, tuple[float, int]] = {}
    for image in placed:
        if image.image_id in by_id and (image.image_id not in lowest or image.ppi < lowest[image.image_id][0]):
            lowest[image.image_id] = (image.ppi, image.page)
    problems, scales = [], {}
    for identifier, (ppi, page) in sorted(lowest.items(), key=lambda item: by_id[item[0]].file):
        picture = by_id[identifier]
        if ppi < profile.min_ppi - 0.5:
            problems.append(Problem(picture.file, *picture.where, picture.field,
                                    f"image {picture.src!r} prints at {ppi:.0f} ppi (page {page}); print needs "
                                    f"at least {profile.min_ppi} ppi",
                                    f"use a larger original, about {profile.min_ppi / ppi:.1f} times as wide"))
        elif ppi > profile.max_ppi + 0.5:
            scales[picture.url] = profile.max_ppi / ppi
    return problems, scales


_PREFLIGHT_HINTS = {
    "colour spaces": "a colour the theme's print.css does not give in CMYK; see the theme",
    "image resolution": "use a larger original",
    "transparency": "PDF/X-1a and PDF/A-1 allow no transparency: use pdf/x-4 or pdf/a-2a, or remove it from the "
                    "theme",
    "small text in several inks": "give small text one ink in the theme's print.css (100 % K or a single-ink tint)",
    "rich black text": "set small black text in 100 % K alone in the theme's print.css",
    "hairlines": "make the theme's rules at least 0.25 pt wide in print.css",
    "white overprint": "white must knock out: a colour of the theme is set to overprint",
    "blending spaces": "a transparent element of the theme blends in RGB; give it a CMYK colour in print.css",
}


def preflight_problems(rule: Rule, entries: list[Entry], item_ids: list[str], first_pages: dict[str, int],
                       root: Path, target: Path) -> list[Problem]:
    """A failed preflight rule, told against the entries on the pages it names (the
    contents and the cover belong to brochure.yaml and the theme)."""
    hint = _PREFLIGHT_HINTS.get(rule.name, "")
    starts = sorted((first_pages.get(item_id, 0), entry.file) for entry, item_id in zip(entries, item_ids, strict=True))
    owners: dict[str, list[int]] = {}
    for page in rule.pages:
        earlier = [file for start, file in starts if start and start <= page]
        owners.setdefault(earlier[-1] if earlier else SETTINGS_FILE, []).append(page)
    if not owners:
        shown = relative_inside(root, target) or str(target)
        return [Problem(shown, 0, 0, "", f"preflight: {rule.name}: {rule.message}", hint)]
    return [Problem(file, 0, 0, "", f"preflight: {rule.name}: {rule.message} (page {pages_text(pages)})", hint)
            for file, pages in owners.items()]


def raise_render_problems(result: PdfResult, settings: Settings, theme: Path, pictures: list[Picture],
                          entries: list[Entry]) -> None:
    """What WeasyPrint could not load or was refused, against the entry naming it."""
    theme_name = f"styles/{settings.theme}" if is_inside(settings.root, theme) else f"theme '{settings.theme}'"
    problems = [Problem(theme_name, 0, 0, "", f"refused to read {url}",
                        "a theme may only use files inside the project or the theme")
                for url in result.refused]
    # WeasyPrint names the address that failed: find the entry whose image it is.
    owners = {picture.url: picture.file for picture in pictures}
    owners.update({entry.image.src: entry.file for entry in entries if entry.image and not entry.image.path})
    problems += [Problem(next((file for url, file in owners.items() if url in message), theme_name),
                         0, 0, "", message, "") for message in result.errors
                 if not any(url in message for url in result.refused)]
    if result.missing:  # the entries' own text was checked before; this is text the brochure made
        shown = ", ".join(f"U+{code:04X} {unicodedata.name(chr(code), '')}".rstrip() for code in result.missing[:6])
        problems.append(Problem(SETTINGS_FILE, 0, 0, "language", f"the dates, labels or theme text in "
                                f"{settings.language!r} need characters no font has ({shown}): they would print "
                                "as empty boxes", "install a font for that script (README: Fonts and scripts), "
                                "or give the theme one"))
    if problems:
        raise ContentError(problems)
