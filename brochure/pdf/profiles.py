"""What screen, print and archive mean: one table, read by every stage.

Like WeasyPrint's VARIANTS, a profile's meaning is data in one place; the stages ask
`profile.purpose.press` or `profile.purpose.rules`, never `profile.name == "print"`.
A Profile is that meaning resolved against a project's settings, once per build.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from brochure.model import PrintOptions, Settings

# The CMYK profile the install brings (zlib licence, beside it): ISO Coated v2 300%,
# the FOGRA39 characterisation limited to 300 % ink, what most European sheet-fed
# offset shops print to.
DEFAULT_ICC = Path(str(resources.files("brochure").joinpath("icc", "ISOcoated_v2_300_bas.icc")))
DEFAULT_CONDITION = "FOGRA39"


@dataclass(frozen=True)
class Purpose:
    """What a profile means."""

    variant: str  # the PDF variant made when brochure.yaml names none
    # Made for a printing press: the print shop's CMYK profile as output intent, bleed
    # with TrimBox and BleedBox, pictures converted to CMYK and held to min/max ppi,
    # optional crop marks, saddle-stitch padding.
    press: bool
    printed_links: bool  # a link is printed as its address; no link annotations
    crisp_images: bool  # no image interpolation (forbidden in PDF/A)
    pdfa_metadata: bool  # XMP in the plain form strict PDF/A validators read
    preflight_on_build: bool  # build checks its own output and writes nothing when a rule fails
    tagged: bool  # a structure tree (headings, reading order, alt text) whatever the variant
    rules: tuple[str, ...]  # the preflight rules, in the order they are reported


PURPOSES = {
    "screen": Purpose(variant="pdf/ua-1", press=False, printed_links=False, crisp_images=False,
                      pdfa_metadata=False, preflight_on_build=False, tagged=True,
                      rules=("fonts embedded", "tagged for accessibility", "language and title")),
    "print": Purpose(variant="pdf/x-4", press=True, printed_links=True, crisp_images=False,
                     pdfa_metadata=False, preflight_on_build=True, tagged=False,
                     rules=("file structure", "PDF version", "fonts embedded", "page boxes and bleed", "page sizes",
                            "colour spaces", "blending spaces", "transparency", "white overprint",
                            "small text in several inks", "rich black text", "hairlines", "thin lines in several inks",
                            "annotations", "JavaScript and actions", "output intent (GTS_PDFX)", "PDF/X version",
                            "title and dates", "Trapped key", "document identifier", "encryption", "image resolution",
                            "1-bit image resolution", "total ink coverage", "page count")),
    # PDF/A-1a: tagged (the alt text and reading order of the screen edition), and the
    # part PDFBox, the one conformance validator at hand, can check (at level B; the
    # preflight checks the tagging of level A).
    "archive": Purpose(variant="pdf/a-1a", press=False, printed_links=False, crisp_images=True,
                       pdfa_metadata=True, preflight_on_build=True, tagged=True,
                       rules=("file structure", "fonts embedded", "output intent (GTS_PDFA1)", "PDF/A identification",
                              "transparency", "JavaScript and actions", "document identifier", "encryption",
                              "tagged for accessibility", "language and title")),
}
NAMES = tuple(PURPOSES)
OPAQUE_VARIANTS = frozenset({"pdf/x-1a", "pdf/x-3", "pdf/a-1a", "pdf/a-1b"})  # no transparency allowed


@dataclass(frozen=True)
class Profile:
    """How this build's PDF is made: a purpose with the project's settings applied.
    (Its repr seeds the PDF's /ID: keep the fields and their order.)"""

    name: str  # screen, print or archive
    variant: str  # the PDF variant WeasyPrint labels the file with
    bleed_mm: float
    marks: bool  # crop marks, drawn in the slug outside the bleed
    icc: Path | None  # the printer's CMYK profile (press only)
    condition: str  # OutputConditionIdentifier of that profile, e.g. FOGRA39
    min_ppi: int  # images below this at their placed size are errors (press)
    max_ppi: int  # images above it are downsampled (press)
    ink_limit: int  # most total ink, in percent (press)
    binding: str  # saddle-stitch pads the page count to a multiple of 4 (press)

    @property
    def purpose(self) -> Purpose:
        return PURPOSES[self.name]

    @property
    def keeps_transparency(self) -> bool:
        """Whether the variant allows transparency (PDF/X-1a, X-3 and PDF/A-1 do not:
        pictures are flattened onto what lies behind them)."""
        return self.variant not in OPAQUE_VARIANTS


def resolve(name: str, settings: Settings | None = None) -> Profile:
    """The profile `name` for a project (or, without settings, as it is by default).
    Only press profiles take the print: options and the binding."""
    purpose = PURPOSES[name]
    variant = (settings.variants.get(name, "") if settings else "") or purpose.variant
    if not purpose.press:
        defaults = PrintOptions()
        return Profile(name, variant, 0.0, False, None, "", defaults.min_ppi, defaults.max_ppi, defaults.ink_limit,
                       "none")
    options = settings.print_options if settings else PrintOptions()
    condition = options.condition or ("" if options.icc else DEFAULT_CONDITION)  # "": read from the ICC file
    return Profile(name, variant, options.bleed_mm, options.marks, options.icc or DEFAULT_ICC, condition,
                   options.min_ppi, options.max_ppi, options.ink_limit, settings.binding if settings else "none")
