"""HTML -> PDF with WeasyPrint, reading files only from the project and the theme.

The profile decides the PDF variant and what is added to the theme's CSS: for print
the printer's CMYK profile as output intent and the bleed; for the archive, no
image interpolation (forbidden in PDF/A).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import mimetypes
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from brochure.confine import is_inside
from brochure.model import ASSET_ORIGIN, PROJECT_URL, THEME_URL, Profile

ICC_URL = ASSET_ORIGIN + "icc/"
PRESS = "--press"  # the name the printer's profile gets in CSS, and so the output intent


@dataclass
class PlacedImage:
    """An image as laid out: which one (WeasyPrint's id, the MD5 of its address),
    on which page, at what effective resolution."""

    image_id: str
    page: int
    ppi: float


@dataclass
class PdfResult:
    data: bytes
    pages: int
    first_pages: dict[str, int]  # HTML id of each item -> its 1-based first page
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # resources that failed to load
    refused: list[str] = field(default_factory=list)  # addresses the fetcher would not read
    timings: dict[str, float] = field(default_factory=dict)  # layout, writing: seconds
    images: list[PlacedImage] = field(default_factory=list)


def image_id(url: str) -> str:
    """WeasyPrint's name for the image at `url` (see weasyprint.images)."""
    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


def _confined_fetcher(folders: dict[str, Path], remote: frozenset[str], substitutes: dict[str, bytes],
                      refused: list[str]):
    """A WeasyPrint URL fetcher that serves files under our pseudo-address only, plus the
    exact web addresses in `remote` (images the user allowed with --allow-remote-images).
    `substitutes` replace the bytes of some addresses (images prepared for print).

    Anything else (http, ftp, file, data:…) is refused and remembered, so the build can
    report it instead of WeasyPrint silently leaving the resource out.
    """
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    roots = {prefix: folder.resolve() for prefix, folder in folders.items()}

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url in substitutes:
                return URLFetcherResponse(url, substitutes[url], {"Content-Type": "image/jpeg"})
            for prefix, root in roots.items():
                if url.startswith(prefix):
                    relative = unquote(urlsplit(url[len(prefix):]).path)
                    path = (root / relative).resolve()
                    if is_inside(root, path) and path.is_file():
                        mime, _ = mimetypes.guess_type(path.name)
                        return URLFetcherResponse(url, path.read_bytes(),
                                                  {"Content-Type": mime or "application/octet-stream"})
                    break
            else:
                if url in remote:
                    return super().fetch(url, headers)
            refused.append(url)
            raise ValueError(f"brochure reads files inside the project only: {url}")

    return ConfinedFetcher(timeout=20, allow_redirects=False)


def _profile_css(profile: Profile) -> str:
    if profile.name == "print":
        # The printer's profile becomes the output intent; colours stay DeviceCMYK as the
        # theme's print.css writes them. WeasyPrint's own marks are RGB: ours are drawn later.
        return (f"@color-profile {PRESS} {{ src: url({ICC_URL}{profile.icc.name});"
                " components: cyan, magenta, yellow, black; }\n"
                f"@page {{ bleed: {profile.bleed_mm}mm; marks: none; }}\n")
    if profile.name == "archive":
        return "img { image-rendering: crisp-edges; }\n"  # /Interpolate is forbidden in PDF/A
    return ""


def _options(profile: Profile) -> dict:
    options = {"pdf_variant": profile.variant}
    if profile.name == "print":
        options["output_intent"] = PRESS
    return options


class _Collect(logging.Handler):
    """WeasyPrint's own messages: errors (a resource that failed to load) and warnings
    (CSS it does not support)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record):
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(record.getMessage())


class _Steps(logging.Handler):
    """Passes WeasyPrint's progress steps ("Step 5 - Creating layout", …) on."""

    def __init__(self, progress):
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record):
        self.progress(record.getMessage())


def _placed_images(document) -> list[PlacedImage]:
    """The effective resolution of every raster image as laid out: its pixels over the
    size it is drawn at (object-fit: cover draws it larger than its box, and crops)."""
    from weasyprint.formatting_structure.boxes import ReplacedBox
    from weasyprint.images import RasterImage

    placed = []
    for number, page in enumerate(document.pages, 1):
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            box = getattr(box, "_box", box)  # an absolutely positioned box sits in a placeholder
            stack.extend(getattr(box, "children", ()))
            if isinstance(box, ReplacedBox) and isinstance(box.replacement, RasterImage):
                image = box.replacement
                if not (box.width and box.height and image.width and image.height):
                    continue
                scale_x, scale_y = box.width / image.width, box.height / image.height
                fit = box.style["object_fit"]
                if fit == "cover":
                    scale_x = scale_y = max(scale_x, scale_y)
                elif fit in ("contain", "scale-down"):
                    scale_x = scale_y = min(scale_x, scale_y)
                # CSS pixels are 1/96 in: pixels per inch = 96 / (CSS px per image pixel).
                placed.append(PlacedImage(image.id, number, 96 / max(scale_x, scale_y)))
    return placed


def load_weasyprint():
    """WeasyPrint, imported (a third of a second the first time), e.g. before forking
    processes that use it."""
    import pydyf
    import weasyprint

    _remember_page_references(pydyf.PDF)
    return weasyprint


def _remember_page_references(pdf_class) -> None:
    """WeasyPrint 70 asks pydyf for the references of all pages once per tagged element
    and per link, and pydyf builds that list anew each time: quadratic in pages, 0.6 s
    of the 4.5 s it takes to write a 300-page part, and the larger share of a long
    single render. The list is kept until a page is added; the PDF is the same, byte
    for byte (tests/test_pdf.py)."""
    built = getattr(pdf_class, "page_references", None)
    if not isinstance(built, property) or hasattr(built.fget, "built"):
        return  # a pydyf that works otherwise, or already done

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        if getattr(pdf, "_page_references", (None,))[0] != count:
            pdf._page_references = (count, built.fget(pdf))
        return pdf._page_references[1]

    page_references.built = built
    pdf_class.page_references = property(page_references)


def write_pdf(html: str, project_root: Path, theme: Path, identifier: bytes, profile: Profile,
              remote: frozenset[str] = frozenset(), substitutes: dict[str, bytes] | None = None,
              progress=None) -> PdfResult:
    """Lay out and write the brochure. `identifier` seeds the PDF /ID so that identical
    inputs give identical bytes; `progress` receives WeasyPrint's own step messages."""
    weasyprint = load_weasyprint()  # heavy: imported only when a PDF is really made

    refused: list[str] = []
    folders = {THEME_URL: theme, PROJECT_URL: project_root}
    if profile.icc:
        folders[ICC_URL] = profile.icc.parent
    fetcher = _confined_fetcher(folders, remote, substitutes or {}, refused)
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    steps = _Steps(progress) if progress else None
    if steps:
        weasyprint.PROGRESS_LOGGER.addHandler(steps)
    # WeasyPrint makes millions of small objects and frees them by reference counting;
    # the cycle collector mostly walks them in vain. Off during the render: 9-12 % faster
    # for some 10 % more memory (measured, see ../shared/notes and bench/).
    collecting = gc.isenabled()
    gc.disable()
    try:
        began = time.monotonic()
        extra = _profile_css(profile)
        color_profiles: dict = {}  # shared, so that the profile's @color-profile reaches the document
        stylesheets = [weasyprint.CSS(string=extra, base_url=ASSET_ORIGIN, url_fetcher=fetcher,
                                      color_profiles=color_profiles)] if extra else []
        document = weasyprint.HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=fetcher).render(
            stylesheets=stylesheets, color_profiles=color_profiles, **_options(profile))
        laid_out = time.monotonic()
        first_pages: dict[str, int] = {}
        for number, page in enumerate(document.pages, 1):
            for anchor in page.anchors:
                first_pages.setdefault(anchor, number)
        data = document.write_pdf(pdf_identifier=hashlib.sha256(identifier).hexdigest()[:32].encode(),
                                  **_options(profile))
        written = time.monotonic()
    finally:
        if collecting:
            gc.enable()
        logger.removeHandler(collect)
        if steps:
            weasyprint.PROGRESS_LOGGER.removeHandler(steps)
    return PdfResult(data, len(document.pages), first_pages, collect.warnings, collect.errors, refused,
                     {"layout": laid_out - began, "writing": written - laid_out},
                     # Only print checks the resolution of its pictures against their size.
                     _placed_images(document) if profile.name == "print" else [])
