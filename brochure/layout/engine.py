"""HTML -> PDF with WeasyPrint, reading files only from the project and the theme.

The profile decides the PDF variant and what is added to the theme's CSS: for print
the printer's CMYK profile as output intent and the bleed; for the archive, no
image interpolation (forbidden in PDF/A).

A build leaves nothing behind: WeasyPrint copies the theme's fonts into a temporary
folder, which it removes only when its font configuration is garbage-collected;
the collector is off during a render and a layout process exits without it, so the
folder is removed here, as soon as the PDF is written.

The bytes do not depend on the time of the build: where libharfbuzz-subset is
missing, WeasyPrint subsets the fonts with fontTools, which stamps each subset with
the time of the build unless SOURCE_DATE_EPOCH is set; it is set, while WeasyPrint
writes, to the brochure's own date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import gc
import hashlib
import logging
import mimetypes
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from brochure.confine import is_inside, theme_file
from brochure.errors import ContentError, Problem
from brochure.files import temporary_folder_problem
from brochure.layout.internals import (
    PlacedImage,
    fetched,
    placed_images,
    remember_page_references,
    remove_font_files,
    settle_right_to_left_lines,
    versions,
)
from brochure.layout.messages import Collect, Steps
from brochure.model import ASSET_ORIGIN, PROJECT_URL, THEME_URL
from brochure.pdf.profiles import Profile

ICC_URL = ASSET_ORIGIN + "icc/"
PRESS = "--press"  # the name the printer's profile gets in CSS, and so the output intent
# Errors that say a file cannot grow: a full disk, a quota, the file size limit (ulimit -f).
_NO_ROOM = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


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
    missing: list[int] = field(default_factory=list)  # characters drawn as empty boxes (no font has them)
    # Every address the layout read -> the SHA-256 of what it got ("" when it got nothing,
    # REMOTE for a web address): what layout/cache.py checks a kept layout against.
    reads: dict[str, str] = field(default_factory=dict)


REMOTE = "remote"  # what a read from the web is recorded as: nothing vouches for it later


def _confined_fetcher(folders: dict[str, Path], remote: frozenset[str], substitutes: dict[str, bytes],
                      refused: list[str], theme: Path | None = None, reads: dict[str, str] | None = None):
    """A WeasyPrint URL fetcher that serves files under our pseudo-address only, plus the
    exact web addresses in `remote` (images the user allowed with --allow-remote-images).
    `substitutes` replace the bytes of some addresses (pictures prepared for the profile).
    Under THEME_URL, `theme`'s files: its own, else the default theme's it inherits
    (confine.theme_file).

    Anything else (http, ftp, file, data:…) is refused and remembered, so the build can
    report it instead of WeasyPrint silently leaving the resource out. `reads` gets the
    digest of everything served (see PdfResult.reads).
    """
    from weasyprint import URLFetcher

    roots = {prefix: folder.resolve() for prefix, folder in folders.items()}
    kept = {} if reads is None else reads

    def served(url: str, data: bytes, mime: str):
        kept[url] = hashlib.sha256(data).hexdigest()
        return fetched(url, data, mime)

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            kept.setdefault(url, "")  # until something is served
            return self._fetch(url, headers)

        def _fetch(self, url, headers=None):
            if url in substitutes:
                data = substitutes[url]
                kind = "image/png" if data.startswith(b"\x89PNG") else "image/svg+xml" if data.startswith(b"<") \
                    else "image/jpeg"  # an SVG made for the press (pdf/svg.py) starts with <?xml
                return served(url, data, kind)
            if theme is not None and url.startswith(THEME_URL):
                name = unquote(urlsplit(url[len(THEME_URL):]).path)
                if THEME_URL + name in substitutes:  # a theme's SVG made for the press (commands/pictures.py)
                    return served(url, substitutes[THEME_URL + name], "image/svg+xml")
                path = theme_file(theme, name)
                if path is not None:
                    mime, _ = mimetypes.guess_type(path.name)
                    return served(url, path.read_bytes(), mime or "application/octet-stream")
                refused.append(url)
                raise ValueError(f"brochure reads files inside the project only: {url}")
            for prefix, root in roots.items():
                if url.startswith(prefix):
                    relative = unquote(urlsplit(url[len(prefix):]).path)
                    path = (root / relative).resolve()
                    if is_inside(root, path) and path.is_file():
                        mime, _ = mimetypes.guess_type(path.name)
                        return served(url, path.read_bytes(), mime or "application/octet-stream")
                    break
            else:
                if url in remote:
                    kept[url] = REMOTE
                    return super().fetch(url, headers)
                if url.startswith("file:") and (font := _system_font(url)):
                    return served(url, font.read_bytes(), "font/sfnt")
            refused.append(url)
            raise ValueError(f"brochure reads files inside the project only: {url}")

    return ConfinedFetcher(timeout=20, allow_redirects=False)


def _system_font(url: str) -> Path | None:
    """The font file a theme's `src: local(NAME)` names, as WeasyPrint asks for it (the
    file:// address of what fontconfig found), when fontconfig lists that file: a
    theme may read the system's fonts, and no other file outside the project."""
    path = Path(unquote(urlsplit(url).path))
    return path if str(path) in _fontconfig_files() else None


@functools.cache
def _fontconfig_files() -> frozenset[str]:
    """Every font file fontconfig knows (Debian's fontconfig package: fc-list)."""
    try:
        listed = subprocess.run(["fc-list", "--format", "%{file}\n"], capture_output=True, text=True,
                                timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(filter(None, listed.splitlines()))


def _profile_css(profile: Profile) -> str:
    if profile.purpose.press:
        # The printer's profile becomes the output intent; colours stay DeviceCMYK as the
        # theme's print.css writes them. WeasyPrint's own marks are RGB: ours are drawn later.
        assert profile.icc is not None  # resolve() gives every press profile one
        return (f"@color-profile {PRESS} {{ src: url({ICC_URL}{profile.icc.name});"
                " components: cyan, magenta, yellow, black; }\n"
                f"@page {{ bleed: {profile.bleed_mm}mm; marks: none; }}\n")
    if profile.purpose.crisp_images:
        return "img { image-rendering: crisp-edges; }\n"  # /Interpolate is forbidden in PDF/A
    return ""


def _options(profile: Profile) -> dict:
    options: dict = {"pdf_variant": profile.variant}
    if profile.purpose.tagged:  # an archive chosen as PDF/A-1b or -2b is tagged all the same
        options["pdf_tags"] = True
    if profile.purpose.press:
        options["output_intent"] = PRESS
    return options


def _faces_in_use(font_configuration: type, text: str):
    """WeasyPrint's font configuration, adding a @font-face whose unicode-range no
    character of the document falls in not at all, as a browser never loads it: nothing
    could be set in it. The theme's CJK faces are system fonts of 20 to 27 MB, which
    WeasyPrint would otherwise copy and fontconfig scan on every build (0.3 s)."""
    answers: dict[tuple, bool] = {}

    class FacesInUse(font_configuration):
        def add_font_face(self, rule_descriptors, url_fetcher):
            ranges = _spans(rule_descriptors.get("unicode_range") if isinstance(rule_descriptors, dict) else None)
            if ranges:
                if ranges not in answers:
                    answers[ranges] = re.search("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)
                                                + "]", text) is not None
                if not answers[ranges]:
                    return None
            return super().add_font_face(rule_descriptors, url_fetcher)

    return FacesInUse()


def _spans(ranges) -> tuple[tuple[int, int], ...]:
    """A face's unicode-range as (first, last) code points; () when it has none, or in
    doubt (the face is then added as WeasyPrint would)."""
    try:
        return tuple((int(span.start), int(span.end)) for span in ranges or ())
    except (AttributeError, TypeError, ValueError):
        return ()


def load_weasyprint():
    """WeasyPrint, imported (a third of a second the first time), e.g. before forking
    processes that use it."""
    import weasyprint

    remember_page_references()
    settle_right_to_left_lines()
    return weasyprint


@contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """The variable set for a while, then as it was: a build in this process must not
    change what the rest of the program sees."""
    kept = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if kept is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = kept


def _cannot_write_fonts(error: OSError) -> ContentError:
    """WeasyPrint could not copy the theme's fonts to the temporary folder."""
    hint = ("the file size limit (ulimit -f) is below the size of the theme's fonts" if error.errno == errno.EFBIG
            else "free some space there, or point TMPDIR at a folder that has room")
    return ContentError([Problem(tempfile.gettempdir(), 0, 0, "",
                                 f"cannot write WeasyPrint's temporary copy of the fonts: {error.strerror}", hint)])


def write_pdf(html: str, project_root: Path, theme: Path, identifier: bytes, profile: Profile, date: dt.datetime,
              remote: frozenset[str] = frozenset(), substitutes: dict[str, bytes] | None = None,
              progress=None) -> PdfResult:
    """Lay out and write the brochure. `identifier` seeds the PDF /ID so that identical
    inputs give identical bytes; `date`, the brochure's date, stamps the subset fonts
    (it is SOURCE_DATE_EPOCH while WeasyPrint writes: see this module's note);
    `progress` receives WeasyPrint's own step messages."""
    weasyprint = load_weasyprint()  # heavy: imported only when a PDF is really made
    from weasyprint.text.fonts import FontConfiguration

    refused: list[str] = []
    reads: dict[str, str] = {}
    fetcher = _confined_fetcher(_folders(project_root, profile), remote, substitutes or {}, refused, theme, reads)
    collect = Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    steps = Steps(progress) if progress else None
    if steps:  # WeasyPrint logs its steps as INFO, below what its logger lets through by default
        weasyprint.PROGRESS_LOGGER.addHandler(steps)
        level = weasyprint.PROGRESS_LOGGER.level
        weasyprint.PROGRESS_LOGGER.setLevel(min(logging.INFO, weasyprint.PROGRESS_LOGGER.getEffectiveLevel()))
    # WeasyPrint makes millions of small objects and frees them by reference counting;
    # the cycle collector mostly walks them in vain. Off during the render: 9-12 % faster
    # for some 10 % more memory (measured, see ../shared/notes and bench/).
    collecting = gc.isenabled()
    gc.disable()
    font_config = _faces_in_use(FontConfiguration, html)  # ours, so that its temporary folder can be removed
    try:
        began = time.monotonic()
        extra = _profile_css(profile)
        color_profiles: dict = {}  # shared, so that the profile's @color-profile reaches the document
        stylesheets = [weasyprint.CSS(string=extra, base_url=ASSET_ORIGIN, url_fetcher=fetcher,
                                      font_config=font_config, color_profiles=color_profiles)] if extra else []
        document = weasyprint.HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=fetcher).render(
            stylesheets=stylesheets, font_config=font_config, color_profiles=color_profiles, **_options(profile))
        laid_out = time.monotonic()
        first_pages: dict[str, int] = {}
        for number, page in enumerate(document.pages, 1):
            for anchor in page.anchors:
                first_pages.setdefault(anchor, number)
        with _environment("SOURCE_DATE_EPOCH", str(int(date.timestamp()))):
            data = document.write_pdf(pdf_identifier=hashlib.sha256(identifier).hexdigest()[:32].encode(),
                                      **_options(profile))
        written = time.monotonic()
        # Only print checks the resolution of its pictures against their size.
        images = placed_images(document) if profile.purpose.press or not profile.keeps_transparency else []
    except OSError as error:
        if error.errno in _NO_ROOM:  # the render writes nothing but the fonts' temporary copy
            raise _cannot_write_fonts(error) from None
        # Nor makes anything but that copy's folder: in a temporary folder that cannot take it
        # (or none can be written at all), as files.scratch_folder reports it.
        problem = temporary_folder_problem(error)
        if problem:
            raise problem from None
        raise
    finally:
        remove_font_files(font_config)
        if collecting:
            gc.enable()
        logger.removeHandler(collect)
        if steps:
            weasyprint.PROGRESS_LOGGER.removeHandler(steps)
            weasyprint.PROGRESS_LOGGER.setLevel(level)
    return PdfResult(data, len(document.pages), first_pages, collect.warnings, collect.errors, refused,
                     {"layout": laid_out - began, "writing": written - laid_out}, images, list(collect.missing),
                     reads)


def _folders(project_root: Path, profile: Profile) -> dict[str, Path]:
    """The pseudo-addresses the fetcher serves files under, and their folders."""
    return {PROJECT_URL: project_root} | ({ICC_URL: profile.icc.parent} if profile.icc else {})


def read_now(urls: list[str], project_root: Path, theme: Path, profile: Profile,
             substitutes: dict[str, bytes]) -> dict[str, str]:
    """What a layout reading `urls` now would record in PdfResult.reads; a web address is
    never fetched (it cannot vouch for itself) and stays unknown ("")."""
    reads: dict[str, str] = {}
    fetcher = _confined_fetcher(_folders(project_root, profile), frozenset(), substitutes, [], theme, reads)
    for url in urls:
        with contextlib.suppress(OSError, ValueError):  # recorded as "" by the fetcher
            fetcher.fetch(url)
    return reads


def layout_versions() -> str:
    """What lays out besides the inputs (internals.versions), and the fonts fontconfig
    offers: a family no @font-face names comes from there. Each font by its path, size
    and time: a package upgrade that keeps a font's path still changes the key."""
    fonts = hashlib.sha256("\n".join(f"{name} {_stamp(name)}" for name in sorted(_fontconfig_files())).encode())
    return f"{versions()} fonts {fonts.hexdigest()}"


def _stamp(name: str) -> str:
    try:
        found = os.stat(name)
    except OSError:
        return "-"
    return f"{found.st_size} {found.st_mtime_ns}"
