"""A large brochure rendered in parts, side by side, then joined into one PDF.

WeasyPrint lays out one document on one core, and its time and memory grow a little
faster than the page count. A brochure over several years has a section a year, each
starting a new page, so it can be cut there without changing a single line break:
the years are shared out into parts, the parts laid out in parallel processes (each
holding only its own pages), and joined by finish.join_parts.

Two things cannot be known inside a part: the page numbers, and where links to
other parts lead. So the parts are drawn without page numbers and with links to
other parts as GOTO_URL addresses; the contents (whose page count does not depend
on the numbers it shows) are laid out first with placeholders, to learn where the
parts start, and again with the real numbers; the page numbers are drawn by the
theme's numbers.html.j2 and laid over the parts' pages; the links are turned back
into internal ones. Text, page numbers, contents, bookmarks, links, tags and
metadata come out as a single render makes them (tests/test_parts.py compares).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from brochure.finish import join_parts
from brochure.model import GOTO_URL, Entry, Profile, Settings
from brochure.pdf import PdfResult, PlacedImage, write_pdf
from brochure.render import render_html, render_page_numbers, supports_parts

PART_FROM = 300  # items: below this one process is as fast, and simpler


def plan(entries: list[Entry], jobs: int) -> list[frozenset[int]]:
    """The years of each part, in the brochure's order: whole years, about as many
    items in each part, and small parts: WeasyPrint's cost grows faster than the page
    count, so six parts a process lay out faster than one (and finish together)."""
    counts: dict[int, int] = {}
    for entry in entries:
        counts[entry.date.year] = counts.get(entry.date.year, 0) + 1
    target = max(1, len(entries) // (jobs * 6))
    parts, current, size = [], [], 0
    for year, count in counts.items():  # already in order: entries are ordered
        if current and size + count > target * 1.5:
            parts.append(frozenset(current))
            current, size = [], 0
        current.append(year)
        size += count
    parts.append(frozenset(current))
    return parts


def worth_it(settings: Settings, entries: list[Entry], theme: Path, jobs: int, part_from: int) -> bool:
    years = {entry.date.year for entry in entries}
    return jobs > 1 and len(entries) >= part_from and len(years) > 1 and supports_parts(theme)


def render_in_parts(settings: Settings, entries: list[Entry], theme: Path, date: dt.datetime, profile: Profile,
                    identifier: bytes, remote: frozenset[str], substitutes: dict[str, bytes], jobs: int,
                    item_ids: list[str], progress=None) -> PdfResult:
    """`item_ids`: the HTML id of each entry's article, as render_html gave them."""
    def html(**part) -> tuple[str, list[str]]:
        return render_html(settings, entries, theme, date, profile=profile.name, bleed_mm=profile.bleed_mm,
                           **part)

    def task(document: str):
        # Each process gets only the prepared pictures its part shows.
        own = {url: data for url, data in substitutes.items() if url in document}
        return pool.submit(write_pdf, document, settings.root, theme, identifier, profile, remote, own)

    placeholder, _ = html(part="front", toc_pages={item_id: 8888 for item_id in item_ids})
    years = plan(entries, jobs)
    if progress:
        progress(f"Laying out {len(years)} parts in {jobs} processes")
    # fork: the children start with WeasyPrint and the fonts already loaded.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        front_guess = task(placeholder)
        laid_out = [task(html(part="chunk", years=part)[0]) for part in years]
        parts = [future.result() for future in laid_out]
        front_pages = front_guess.result().pages
        starts, page = [], front_pages + 1
        for part in parts:
            starts.append(page)
            page += part.pages
        total = page - 1
        numbers: dict[str, int] = {}
        for part, start in zip(parts, starts):
            for item_id, local in part.first_pages.items():
                if item_id in item_ids or item_id.startswith("year-"):
                    numbers[item_id] = start + local - 1
        front_future = task(html(part="front", toc_pages=numbers)[0])
        numbers_future = task(render_page_numbers(settings, theme, front_pages + 1, total - front_pages,
                                                  profile.name))
        front, page_numbers = front_future.result(), numbers_future.result()
    if front.pages != front_pages:
        raise RuntimeError("the contents changed length once numbered")  # cannot happen with fixed-width numbers
    if progress:
        progress("Joining the parts")
    every = [front, *parts, page_numbers]
    images = list(front.images) + [PlacedImage(image.image_id, image.page + start - 1, image.ppi)
                                   for part, start in zip(parts, starts) for image in part.images]
    timings = {"layout": max(part.timings["layout"] for part in every),
               "writing": max(part.timings["writing"] for part in every)}
    return PdfResult(join_parts(front.data, [part.data for part in parts], page_numbers.data, GOTO_URL),
                     total, numbers, sorted({w for part in every for w in part.warnings}),
                     sorted({e for part in every for e in part.errors}),
                     sorted({r for part in every for r in part.refused}), timings, images)
