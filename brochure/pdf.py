"""HTML -> PDF with WeasyPrint, reading files only from the project and the theme."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from brochure.confine import is_inside
from brochure.model import ASSET_ORIGIN, PROJECT_URL, THEME_URL

# The only profile so far: an accessible screen PDF (tagged, with /Lang, the title
# shown in the window, bookmarks and clickable links).
SCREEN_OPTIONS = {"pdf_variant": "pdf/ua-1"}


@dataclass
class PdfResult:
    data: bytes
    pages: int
    first_pages: dict[str, int]  # HTML id of each item -> its 1-based first page
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # resources that failed to load
    refused: list[str] = field(default_factory=list)  # addresses the fetcher would not read
    timings: dict[str, float] = field(default_factory=dict)  # layout, writing: seconds


def _confined_fetcher(folders: dict[str, Path], remote: frozenset[str], refused: list[str]):
    """A WeasyPrint URL fetcher that serves files under our pseudo-address only, plus the
    exact web addresses in `remote` (images the user allowed with --allow-remote-images).

    Anything else (http, ftp, file, data:…) is refused and remembered, so the build can
    report it instead of WeasyPrint silently leaving the resource out.
    """
    from weasyprint import URLFetcher
    from weasyprint.urls import URLFetcherResponse

    roots = {prefix: folder.resolve() for prefix, folder in folders.items()}

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
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


class _Collect(logging.Handler):
    """WeasyPrint's own messages: errors (a resource that failed to load) and warnings
    (CSS it does not support)."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def emit(self, record):
        (self.errors if record.levelno >= logging.ERROR else self.warnings).append(record.getMessage())


def write_pdf(html: str, project_root: Path, theme: Path, identifier: bytes,
              remote: frozenset[str] = frozenset(), progress=None) -> PdfResult:
    """Lay out and write the brochure. `identifier` seeds the PDF /ID so that identical
    inputs give identical bytes; `progress` receives WeasyPrint's own step messages."""
    import weasyprint  # heavy: imported only when a PDF is really made

    refused: list[str] = []
    fetcher = _confined_fetcher({THEME_URL: theme, PROJECT_URL: project_root}, remote, refused)
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    steps = _Steps(progress) if progress else None
    if steps:
        weasyprint.PROGRESS_LOGGER.addHandler(steps)
    try:
        began = time.monotonic()
        document = weasyprint.HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=fetcher).render(
            **SCREEN_OPTIONS)
        laid_out = time.monotonic()
        first_pages: dict[str, int] = {}
        for number, page in enumerate(document.pages, 1):
            for anchor in page.anchors:
                first_pages.setdefault(anchor, number)
        data = document.write_pdf(
            pdf_identifier=hashlib.sha256(identifier).hexdigest()[:32].encode(), **SCREEN_OPTIONS)
        written = time.monotonic()
    finally:
        logger.removeHandler(collect)
        if steps:
            weasyprint.PROGRESS_LOGGER.removeHandler(steps)
    return PdfResult(data, len(document.pages), first_pages, collect.warnings, collect.errors, refused,
                     {"layout": laid_out - began, "writing": written - laid_out})


class _Steps(logging.Handler):
    """Passes WeasyPrint's progress steps ("Step 5 - Creating layout", …) on."""

    def __init__(self, progress):
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record):
        self.progress(record.getMessage())
