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

    @property
    def last_day(self) -> dt.date:
        return self.end_date or self.date


@dataclass(frozen=True)
class Settings:
    """brochure.yaml, with defaults filled in."""

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
    entries_dir: str = "entries"
    output: str = "build/brochure.pdf"


@dataclass(frozen=True)
class Selection:
    """Which entries a command works on (both ends inclusive)."""

    since: dt.date | None = None
    until: dt.date | None = None
    tags: tuple[str, ...] = ()
    drafts: bool = False


# Every file WeasyPrint may read is given to it under this fixed pseudo-address and
# served by our own URL fetcher (see pdf.py): nothing is fetched from the network,
# and the PDF bytes do not depend on the folder the project sits in.
ASSET_ORIGIN = "https://brochure.invalid/"
PROJECT_URL = ASSET_ORIGIN + "project/"
THEME_URL = ASSET_ORIGIN + "theme/"
