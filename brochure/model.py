"""Plain data passed between the stages of a build."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Image:
    src: str  # as written in the entry: relative to the entry file, or a web address
    path: Path | None  # resolved, inside the project; None for an allowed web address
    alt: str
    credit: str = ""
    caption: str = ""
    where: tuple[int, int] = field(default=(0, 0), compare=False)  # line, column of image.src


@dataclass(frozen=True)
class Source:
    name: str
    url: str = ""


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Entry:
    file: str  # relative to the project root, with forward slashes
    title: str
    date: dt.date
    body: str  # Markdown
    end_date: dt.date | None = None
    summary: str = ""
    image: Image | None = None
    source: Source | None = None
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    draft: bool = False
    weight: int = 0
    lang: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    original: str = ""  # a translation (NAME.LANG.yaml): the file of the entry it translates

    @property
    def last_day(self) -> dt.date:
        return self.end_date or self.date


@dataclass(frozen=True)
class PrintOptions:
    """brochure.yaml's print: section, as given there; what it leaves out has its default
    here (the PDF variant's default is in pdf/profiles.py, with what each profile means)."""

    bleed_mm: float = 3.0
    marks: bool = False  # crop marks, drawn in the slug outside the bleed
    icc: Path | None = None  # the print shop's CMYK profile; None: the one the install brings
    condition: str = ""  # OutputConditionIdentifier of that profile, e.g. FOGRA51
    min_ppi: int = 300  # images below this at their placed size are errors
    max_ppi: int = 450  # images above it are downsampled
    ink_limit: int = 300  # most total ink, in percent


def contrast(one: tuple[float, ...], other: tuple[float, ...]) -> float:
    """WCAG 2's contrast ratio of two sRGB colours (0..1 each): 1 to 21, by relative
    luminance. The brand is read (content) and set (html) by it, so it lives here."""
    def luminance(rgb: tuple[float, ...]) -> float:
        red, green, blue = (value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
                            for value in rgb[:3])
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class BrandLogo:
    """A logo of the brand (_brand.yml's logo:), checked and inside the project."""

    src: str  # as written in the brand
    path: Path
    alt: str = ""
    where: tuple[int, int] = field(default=(0, 0), compare=False)  # line, column in the brand's file
    field: str = "logo"  # the brand's key naming it: logo.medium, logo.images.cover, ...


@dataclass(frozen=True)
class BrandFont:
    """A font file of the brand (typography.fonts with source: file)."""

    family: str
    path: Path
    weight: str = "400"  # a CSS font-weight, or a range "100 900"
    style: str = "normal"


@dataclass(frozen=True)
class Brand:
    """The organisation's look, read from Posit's brand.yml (content/brand.py). Colours
    are sRGB, 0..1; `print_colours` are DeviceCMYK, derived for the press by the build
    (pdf/brand_colours.py) or given in the brand (defaults.brochure.cmyk)."""

    file: str  # where the brand is written: _brand.yml, or brochure.yaml for brand: inline
    name: str = ""
    logo: BrandLogo | None = None  # the cover's: logo.images.cover, else large, medium, small
    back_logo: BrandLogo | None = None  # the back cover's, on paper: logo.images.back, else a light-ground one
    logos: tuple[BrandLogo, ...] = ()  # every logo the brand names
    colours: dict[str, tuple[float, ...]] = field(default_factory=dict, compare=False, hash=False)
    cmyk: dict[str, tuple[float, ...]] = field(default_factory=dict, compare=False, hash=False)
    print_colours: dict[str, tuple[float, ...]] = field(default_factory=dict, compare=False, hash=False)
    fonts: tuple[BrandFont, ...] = ()
    base_family: str = ""  # typography.base: a family of `fonts`
    headings_family: str = ""
    warnings: tuple[str, ...] = ()  # what brochure does not use, told once
    files: tuple[Path, ...] = ()  # the brand's file and every file it names: inputs of the build


@dataclass(frozen=True)
class Partner:
    """A partner of a joint publication (brochure.yaml's partners:): its logo is shown
    on the cover and the back cover."""

    name: str
    logo: Image  # alt: the partner's name
    url: str = ""


@dataclass(frozen=True)
class Contact:
    name: str = ""
    email: str = ""
    phone: str = ""
    url: str = ""


@dataclass(frozen=True)
class Imprint:
    """The back cover (brochure.yaml's imprint:); the publisher is Settings.publisher."""

    address: str = ""
    contacts: tuple[Contact, ...] = ()
    disclaimer: str = ""  # Markdown
    copyright: str = ""
    isbn: str = ""
    issn: str = ""
    number: str = ""  # the organisation's own document number


@dataclass(frozen=True)
class Edition:
    """One output of a release (brochure.yaml's editions:, built by `brochure release`)."""

    name: str
    profile: str  # screen, print, archive, or html: the web edition
    file: str  # as written, relative to brochure.yaml; may hold -o's placeholders
    language: str = ""  # a language edition, as build --language makes it; "": the settings' language
    since: str = ""  # a period as written (2019-Q1); "": the release's
    until: str = ""
    tags: tuple[str, ...] = ()  # items having any of these tags; (): every item
    # Where each field is written in brochure.yaml ("" for the edition itself): line, column.
    where: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Settings:
    """brochure.yaml. Each default is written here, once: what the file leaves out."""

    root: Path
    title: str
    subtitle: str = ""
    publisher: str = ""
    intro: str = ""
    period: str = ""  # cover label; derived from the entries when empty
    language: str = "en"
    order: str = "newest-first"
    theme: str = "default"
    page_size: str = "A4"
    binding: str = "none"  # saddle-stitch pads a print file to a multiple of 4 pages
    entries_dir: str = "entries"
    output: str = "build/brochure.pdf"
    cover_image: Image | None = None  # printed full-bleed behind the cover
    profile: str = "screen"  # the one build uses unless --profile says otherwise
    print_options: PrintOptions = PrintOptions()
    variants: dict[str, str] = field(default_factory=dict, compare=False, hash=False)  # profile -> PDF variant
    # translations: missing: what a language edition does with an item that has no
    # translation: leave-out, or original (the item in its own language).
    translations_missing: str = "leave-out"
    translated_from: str = ""  # a language edition (build --language): the language of the entries
    brand: Brand | None = None  # _brand.yml, or brand: in brochure.yaml
    foreword: str = ""  # Markdown, read from foreword_file (or its NAME.LANG.md in a language edition)
    foreword_file: Path | None = None
    foreword_language: str = ""  # a language edition printing the untranslated foreword: its language
    partners: tuple[Partner, ...] = ()
    imprint: Imprint | None = None  # a back cover, when given
    editions: tuple[Edition, ...] = ()  # what `brochure release` builds

    @property
    def named_images(self) -> list[tuple[str, Image]]:
        """The pictures brochure.yaml names, by the field naming each: the cover, the partners' logos."""
        named = [("cover.image", self.cover_image)] if self.cover_image else []
        return named + [(f"partners[{index}].logo", partner.logo) for index, partner in enumerate(self.partners)]

    @property
    def extra_files(self) -> tuple[Path, ...]:
        """The files the front and back matter read: the foreword and partners' logos."""
        logos = tuple(partner.logo.path for partner in self.partners if partner.logo.path)
        return ((self.foreword_file,) if self.foreword_file else ()) + logos


@dataclass(frozen=True)
class Selection:
    """Which entries a command works on (both ends inclusive)."""

    since: dt.date | None = None
    until: dt.date | None = None
    tags: tuple[str, ...] = ()
    drafts: bool = False
    language: str = ""  # a language edition (--language): its translations; "": the entries as written


SETTINGS_FILE = "brochure.yaml"  # a project's settings, at its root: where problems of the settings are told
MM = 72 / 25.4  # PDF points in a millimetre

# Every file WeasyPrint may read is given to it under this fixed pseudo-address and
# served by our own URL fetcher (see layout/engine.py): nothing is fetched from the network,
# and the PDF bytes do not depend on the folder the project sits in.
ASSET_ORIGIN = "https://brochure.invalid/"
PROJECT_URL = ASSET_ORIGIN + "project/"
THEME_URL = ASSET_ORIGIN + "theme/"
GOTO_URL = ASSET_ORIGIN + "goto/"  # a link into another part of a brochure rendered in parts


# A JSON-pointer-like path to a value: ("image", "src") or ("links", 0, "url").
Location = tuple


@dataclass(frozen=True)
class YamlDocument:
    data: dict[str, Any]  # a mapping: read_yaml refuses anything else
    # Where each value starts, and where each mapping key starts (1-based line, column).
    values: dict[Location, tuple[int, int]]
    keys: dict[Location, tuple[int, int]]

    def where(self, location: Location) -> tuple[int, int]:
        """Best position for a problem at `location`: its value, else its key, else the
        nearest enclosing value (e.g. the mapping a required field is missing from)."""
        location = tuple(location)
        while True:
            for positions in (self.values, self.keys):
                if location in positions:
                    return positions[location]
            if not location:
                return (1, 1)
            location = location[:-1]
