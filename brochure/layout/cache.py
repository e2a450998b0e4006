"""Layouts kept between builds, so that a rebuild lays out again only what changed.

A brochure laid out in parts (parts.py) makes several layouts: the front with
placeholder numbers, each part, each part's page numbers, the numbered front. Each is
kept under build/.cache/parts/, named by a digest of what it is made from:

- its HTML (a part's HTML holds its items, the settings and the theme's words; the
  page numbers' HTML holds the first page and the page count);
- what lays it out: the profile, the brochure's date (it stamps the subset fonts),
  the versions of brochure, WeasyPrint, pydyf, fontTools and Pango, the source of the
  layout modules, the fonts fontconfig offers;

and it records what the layout read (stylesheets, fonts, pictures, the ICC profile:
every address the fetcher served, with the SHA-256 of the bytes it served). A kept
layout is used only when every one of those reads would give the same bytes now:
a picture or a font edited since is a stale entry, laid out again.

A part's own bytes do not depend on where it starts: it is laid out from its own
first page, without page numbers (drawn afterwards by numbers.html.j2, whose HTML
does name the first page), so a part whose predecessor grew by a page is kept.

Each entry holds a SHA-256 of its own bytes, checked on every read: a truncated or
altered entry is removed and laid out again, never used. Entries are written through
files.py (a temporary file renamed into place), so concurrent builds see a whole
entry or none; two builds writing the same entry write the same bytes. The folder
is kept within LIMIT bytes: the entries used longest ago (by modification time,
renewed on every use) are removed first.

A cache problem never fails a build: an entry that cannot be read or written is a
layout made again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from brochure.errors import ContentError
from brochure.files import remove, touch, write_atomically
from brochure.layout.engine import REMOTE, PdfResult
from brochure.layout.internals import PlacedImage

CACHE_DIR = Path("build") / ".cache" / "parts"  # under the project
LIMIT = 1024 * 1024 * 1024  # bytes: a 2000-item brochure's layouts take well under a tenth of it
_FORMAT = b"brochure layout 1\n"
_SUFFIX = ".layout"
_ABANDONED = 3600.0  # seconds after which a temporary file of a killed build is removed


class LayoutCache:
    """The kept layouts of one project, for one build. `context`: what every layout of
    the build shares besides its HTML (profile, date, versions); `read_now`: the digests
    the layout would record now for a list of addresses (engine.read_now)."""

    def __init__(self, folder: Path, context: str, read_now: Callable[[list[str]], dict[str, str]],
                 limit: int | None = None):
        self.folder = folder
        self.context = context
        self.read_now = read_now
        self.limit = LIMIT if limit is None else limit
        self.now: dict[str, str] = {}  # address -> its digest now, read once a build
        self.used = self.made = 0  # layouts taken from the cache; laid out and kept

    def key(self, html: str) -> str:
        """The name of the layout of `html` in this build's context."""
        digest = hashlib.sha256(_FORMAT + self.context.encode("utf-8") + b"\0" + html.encode("utf-8"))
        return digest.hexdigest()

    def get(self, key: str) -> PdfResult | None:
        """The kept layout named `key`, if there is a whole one whose reads still hold."""
        path = self.folder / f"{key}{_SUFFIX}"
        try:
            if path.is_symlink() or not path.is_file():
                return None
            stored = path.read_bytes()
        except OSError:
            return None
        result = _decoded(stored, key)
        if result is None:  # truncated, altered, or another entry's: never used
            with contextlib.suppress(OSError):
                remove([path])
            return None
        unknown = [url for url in result.reads if url not in self.now]
        if unknown:
            self.now.update(self.read_now(unknown))
        if any(self.now.get(url) != digest for url, digest in result.reads.items()):
            return None  # stale: a stylesheet, font or picture changed since
        with contextlib.suppress(OSError):
            touch(path)  # used now: the last to be evicted
        self.used += 1
        return result

    def put(self, key: str, result: PdfResult) -> None:
        """Keep `result`, unless it cannot be vouched for: a layout that failed to load
        something or read from the web is made again next time."""
        if result.errors or result.refused or REMOTE in result.reads.values() or "" in result.reads.values():
            return
        data = _encoded(result, key)
        if len(data) > self.limit:
            return
        self.now.update(result.reads)  # read during this build: still so
        with contextlib.suppress(ContentError):  # no room, no permission: the build goes on without it
            write_atomically(self.folder / f"{key}{_SUFFIX}", data)
            self.made += 1

    def trim(self) -> None:
        """Remove the entries used longest ago until the rest fit in the limit, and
        temporary files a killed build left behind."""
        try:
            found = [(entry.stat(), entry) for entry in self.folder.iterdir()]
        except OSError:
            return
        kept, total, now = [], 0, time.time()
        for status, entry in sorted(found, key=lambda pair: pair[0].st_mtime, reverse=True):
            if entry.name.endswith(".tmp") and now - status.st_mtime > _ABANDONED:
                kept.append(entry)  # to be removed, below
            elif entry.name.endswith(_SUFFIX):
                total += status.st_size
                if total > self.limit:
                    kept.append(entry)
        for entry in kept:
            with contextlib.suppress(OSError):  # another build removed it first, or holds it open (Windows)
                remove([entry])


def _encoded(result: PdfResult, key: str) -> bytes:
    about = {"key": key, "pages": result.pages, "first_pages": result.first_pages, "warnings": result.warnings,
             "errors": result.errors, "refused": result.refused, "missing": result.missing, "reads": result.reads,
             "images": [dataclasses.astuple(image) for image in result.images]}
    header = json.dumps(about, sort_keys=True, ensure_ascii=True).encode()
    body = b"%d\n" % len(header) + header + result.data
    return _FORMAT + hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def _decoded(stored: bytes, key: str) -> PdfResult | None:
    """The layout in `stored`, or None unless it is whole and the entry named `key`."""
    if not stored.startswith(_FORMAT):
        return None
    digest, _, body = stored[len(_FORMAT):].partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != digest:
        return None
    try:
        length, _, rest = body.partition(b"\n")
        about = json.loads(rest[:int(length)])
        if about["key"] != key:
            return None
        images = [PlacedImage(image_id, page, ppi, (space, tuple(values)))
                  for image_id, page, ppi, (space, values) in about["images"]]
        return PdfResult(rest[int(length):], about["pages"], about["first_pages"], about["warnings"],
                         about["errors"], about["refused"], {"layout": 0.0, "writing": 0.0}, images,
                         about["missing"], about["reads"])
    except (ValueError, KeyError, TypeError):  # a digest that matches bytes we did not write
        return None


def source_digest() -> str:
    """The source of the modules that lay out: a checkout whose code changed (its version
    need not have) never takes a layout the old code made."""
    digest = hashlib.sha256()
    for name in sorted(os.listdir(Path(__file__).parent)):
        if name.endswith(".py"):
            digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()
