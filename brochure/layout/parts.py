"""A large brochure rendered in parts, side by side, then joined into one PDF.

WeasyPrint lays out one document on one core, and its time and memory grow faster
than the page count. A brochure over several years has a section a year, each
starting a new page, so it can be cut there without changing a single line break:
the years are shared out into parts, the parts laid out in parallel processes (each
holding only its own pages), and joined by join.py.

Two things cannot be known inside a part: the page numbers, and where links to
other parts lead. So the parts are drawn without page numbers and with links to
other parts as GOTO_URL addresses. The front (cover and contents, whose page count
does not depend on the numbers it shows) is laid out first with placeholders, to
learn where the parts start; each part's page numbers are drawn by the theme's
numbers.html.j2 as soon as the parts before it are laid out, and laid over its
pages; the contents are laid out again with the real numbers once every part is;
the links are turned back into internal ones. Text, page numbers, contents,
bookmarks, links, tags and metadata come out as a single render makes them
(tests/layout/test_parts.py compares).

Every layout is kept for the next build (cache.py): a rebuild lays out again only the
parts whose HTML or files changed, and the page numbers and contents when pages moved.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from brochure import __version__
from brochure.html.theme import render_html, render_page_numbers, supports_parts
from brochure.layout.cache import CACHE_DIR, LayoutCache, source_digest
from brochure.layout.engine import PdfResult, layout_versions, load_weasyprint, read_now, write_pdf
from brochure.layout.join import Joiner
from brochure.layout.processes import Children
from brochure.model import GOTO_URL, Entry, Settings
from brochure.pdf.profiles import Profile

# Items: below this one process is as fast, and simpler. At 150 items over three
# years, parts take about the time of one render on 2 cores, and a rebuild after an
# edit lays out one part again (cache.py): bench/incremental.py.
PART_FROM = 150


def plan(entries: list[Entry], jobs: int) -> list[frozenset[int]]:
    """The years of each part, in the brochure's order: whole years, about as many
    items in each part, and small parts: WeasyPrint's cost grows faster than the page
    count, so six parts a process lay out faster than one (and finish together)."""
    counts: dict[int, int] = {}
    for entry in entries:
        counts[entry.date.year] = counts.get(entry.date.year, 0) + 1
    target = max(1, len(entries) // (jobs * 6))
    parts: list[frozenset[int]]
    current: list[int]
    parts, current, size = [], [], 0
    for year, count in counts.items():  # already in order: entries are ordered
        if current and size + count > target * 1.5:
            parts.append(frozenset(current))
            current, size = [], 0
        current.append(year)
        size += count
    parts.append(frozenset(current))
    return parts


def worth_it(entries: list[Entry], theme: Path, jobs: int, part_from: int) -> bool:
    years = {entry.date.year for entry in entries}
    return jobs > 1 and len(entries) >= part_from and len(years) > 1 and supports_parts(theme)



def render_in_parts(settings: Settings, entries: list[Entry], theme: Path, date: dt.datetime, profile: Profile,
                    remote: frozenset[str], substitutes: dict[str, bytes], jobs: int, item_ids: list[str],
                    progress=None) -> PdfResult:
    """`item_ids`: the HTML id of each entry's article, as render_html gave them. A layout
    the last build made is taken from the cache (cache.py). Each layout's /ID is its name
    in the cache, the joined file's a digest of the joined file."""
    def html(**part) -> str:
        return render_html(settings, entries, theme, date, profile=profile.name,
                           printed_links=profile.purpose.printed_links, bleed_mm=profile.bleed_mm,
                           **part)[0]

    years = plan(entries, jobs)
    parts: list[PdfResult | None] = [None] * len(years)
    numbers: dict[int, PdfResult] = {}  # part -> its page numbers
    skips: dict[int, int] = {}  # part -> how many pages of its page numbers to leave out
    starts: list[int] = []  # first page of each part, known once the parts before it are laid out
    front_guess: PdfResult | None = None
    front: PdfResult | None = None
    next_part = numbered = joined = 0  # parts started; parts whose numbers were started; parts joined
    joiner = Joiner(GOTO_URL)
    if progress:
        progress(f"Laying out {len(years)} parts in {jobs} processes")
    load_weasyprint()  # once, here: every child is forked with it loaded
    cache = _cache(settings, theme, profile, date, substitutes)
    with Children() as children:
        layouts = _Layouts(children, cache, (settings.root, theme, profile, date, remote, substitutes))
        layouts.start("guess", html(part="front", toc_pages={item_id: 8888 for item_id in item_ids}))
        # Until the contents and every part's page numbers are back: the contents may
        # come back before the last page numbers, started just before them.
        while front is None or len(numbers) < len(years):
            # What to start, most urgent first: page numbers (small, and all are needed
            # at the end), the final front (once every part is laid out), parts.
            while len(children) < jobs:
                if numbered < len(starts):
                    first = starts[numbered]
                    # Laid out from an odd page, as in the brochure: a theme may set left
                    # and right pages apart.
                    skip = skips[numbered] = 1 - first % 2
                    part = _laid_out(parts, numbered)
                    layouts.start(("numbers", numbered), render_page_numbers(
                        settings, theme, first - skip, part.pages + skip, profile.name, _back_page(part, skip)))
                    numbered += 1
                elif numbered == len(years) and "front" not in layouts.started:
                    if progress:
                        progress("Laying out the contents, joining the parts")
                    layouts.start("front", html(part="front",
                                                toc_pages=_first_pages(_all_laid_out(parts), starts, item_ids)))
                elif next_part < len(years):
                    layouts.start(("part", next_part), html(part="chunk", years=years[next_part]))
                    next_part += 1
                else:
                    break
            # Once the last layout has started, the parent joins what is ready while the
            # children work: forking later would copy the joined pages into every child.
            if "front" in layouts.started and joined in numbers:
                joiner.add(_laid_out(parts, joined).data, numbers[joined].data, skips[joined])
                joined += 1
                continue
            key, result = layouts.next()
            if key == "guess":
                front_guess = result
            elif key == "front":
                front = result
            elif key[0] == "part":
                parts[key[1]] = result
                if progress:
                    progress(f"Laid out part {sum(part is not None for part in parts)} of {len(years)}")
            else:
                numbers[key[1]] = result
            while front_guess and len(starts) < len(years) and parts[len(starts)] is not None:
                starts.append(starts[-1] + _laid_out(parts, len(starts) - 1).pages if starts else front_guess.pages + 1)
        for index in range(joined, len(years)):
            joiner.add(_laid_out(parts, index).data, numbers[index].data, skips[index])
    cache.trim()
    assert front_guess is not None  # laid out before the parts could start
    if front.pages != front_guess.pages:
        raise RuntimeError("the contents changed length once numbered")  # cannot happen with fixed-width numbers
    if progress:
        progress(f"Took {cache.used} of {cache.used + cache.made} layouts from the last build; writing the joined PDF")
    return _joined(joiner, front, _all_laid_out(parts), list(numbers.values()), starts, item_ids)


def _back_page(part: PdfResult, skip: int) -> int:
    """The page of the part's page numbers that is the theme's back cover (id
    "back-cover", in the last part), which has no number; 0 when none is."""
    back = part.first_pages.get("back-cover", 0)
    return back + skip if back else 0


class _Layouts:
    """The layouts of a build in parts: each from the cache when it has it, else laid
    out in a child and kept. Their results come back in the order they are ready."""

    def __init__(self, children: Children, cache: LayoutCache, arguments: tuple):
        self.children, self.cache, self.arguments = children, cache, arguments
        self.ready: list[tuple] = []  # (key, result) taken from the cache, not yet handed back
        self.names: dict = {}  # key of a layout under way -> its name in the cache
        self.started: set = set()  # the keys of every layout started

    def start(self, key, html: str) -> None:
        self.started.add(key)
        name = self.cache.key(html)
        kept = self.cache.get(name)
        if kept is not None:
            self.ready.append((key, kept))
            return
        self.names[key] = name
        root, theme, profile, date, remote, substitutes = self.arguments
        # Forked: the child shares the prepared pictures with this process, nothing is copied.
        # The /ID of a layout is its name: its bytes depend on nothing else.
        self.children.start(key, write_pdf, html, root, theme, bytes.fromhex(name), profile, date, remote,
                            substitutes)

    def next(self) -> tuple:
        """(key, result) of the next layout ready."""
        if self.ready:
            return self.ready.pop(0)
        key, result = self.children.wait()
        self.cache.put(self.names.pop(key), result)
        return key, result


def _cache(settings: Settings, theme: Path, profile: Profile, date: dt.datetime,
           substitutes: dict[str, bytes]) -> LayoutCache:
    """The project's kept layouts, in this build's context (see cache.py)."""
    shown = dataclasses.replace(profile, icc=Path(profile.icc.name)) if profile.icc else profile  # read by address
    context = (f"brochure {__version__} {source_digest()}\n{layout_versions()}\n{shown!r}\n"
               f"{date.isoformat()}")
    return LayoutCache(settings.root / CACHE_DIR, context,
                       lambda urls: read_now(urls, settings.root, theme, profile, substitutes))


def _laid_out(parts: list[PdfResult | None], index: int) -> PdfResult:
    """Part `index`, which the caller knows to be laid out."""
    part = parts[index]
    assert part is not None, f"part {index} is not laid out yet"
    return part


def _all_laid_out(parts: list[PdfResult | None]) -> list[PdfResult]:
    """The parts, once every one is laid out."""
    return [_laid_out(parts, index) for index in range(len(parts))]


def _joined(joiner: Joiner, front: PdfResult, parts: list[PdfResult], numbers: list[PdfResult], starts: list[int],
            item_ids: list[str]) -> PdfResult:
    """The joined PDF, with what the layouts found (warnings, errors, pictures) merged."""
    every = [front, *parts, *numbers]
    images = list(front.images) + [dataclasses.replace(image, page=image.page + first - 1)
                                   for part, first in zip(parts, starts, strict=True) for image in part.images]
    return PdfResult(joiner.finish(front.data), starts[-1] + parts[-1].pages - 1,
                     _first_pages(parts, starts, item_ids),
                     sorted({w for part in every for w in part.warnings}),
                     sorted({e for part in every for e in part.errors}),
                     sorted({r for part in every for r in part.refused}),
                     {"layout": max(part.timings["layout"] for part in every),
                      "writing": max(part.timings["writing"] for part in every)}, images,
                     sorted({code for part in every for code in part.missing}))


def _first_pages(parts: list[PdfResult], starts: list[int], item_ids: list[str]) -> dict[str, int]:
    """The brochure's page of every item and year section."""
    pages, items = {}, set(item_ids)
    for part, first in zip(parts, starts, strict=True):
        for item_id, local in part.first_pages.items():
            if item_id in items or item_id.startswith("year-"):
                pages[item_id] = first + local - 1
    return pages
