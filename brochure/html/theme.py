"""Entries -> one HTML document through the theme's Jinja2 templates, in a sandbox."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from brochure import __version__
from brochure.confine import is_inside
from brochure.errors import ContentError, Problem
from brochure.html.dates import format_period, format_span
from brochure.html.markdown import markdown_to_html, printed_url
from brochure.model import GOTO_URL, PROJECT_URL, THEME_URL, Entry, Image, Settings


def css_string(text: str) -> str:
    """Text for inside a CSS string in double quotes."""
    return re.sub(r'["\\\n]', lambda match: "\\" + format(ord(match[0]), "x") + " ", text)


def _anchor(entry: Entry, taken: set[str]) -> str:
    stem = Path(entry.file).stem
    base = "item-" + (re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "entry")
    anchor, number = base, 2
    while anchor in taken:
        anchor, number = f"{base}-{number}", number + 1
    taken.add(anchor)
    return anchor


class _ConfinedLoader(jinja2.FileSystemLoader):
    """Jinja2 follows symbolic links; a theme's template must really be in the theme."""

    def __init__(self, folder: Path):
        super().__init__(str(folder))
        self.folder = folder

    def get_source(self, environment, template):
        if not is_inside(self.folder, self.folder / template):
            raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)


PAGE_SIZES = {"A4": ("210mm", "297mm"), "A5": ("148mm", "210mm"), "letter": ("8.5in", "11in")}


def _template_problem(error: jinja2.TemplateError, settings: Settings) -> Problem:
    """A theme's template error, located in the theme's own file where Jinja2 knows it."""
    where = f"styles/{settings.theme}/" + (getattr(error, "name", None) or "")
    if isinstance(error, jinja2.TemplateNotFound):
        return Problem(where, 0, 0, "", f"template {error.name!r} not found in the theme",
                       "a theme needs brochure.html.j2; templates may only include files of the theme")
    return Problem(where, getattr(error, "lineno", 0) or 0, 0, "", f"theme template error: {error.message}",
                   "fix the template, or use theme: default")


def asset_url(settings: Settings, path: Path) -> str:
    return PROJECT_URL + quote(path.relative_to(settings.root.resolve()).as_posix())


def _environment(theme: Path, **options) -> SandboxedEnvironment:
    # Sandboxed: a theme shapes the page, it cannot reach into Python or out of its folder.
    return SandboxedEnvironment(loader=_ConfinedLoader(theme), autoescape=True, undefined=jinja2.StrictUndefined,
                                **options)


def _sections(items: list[dict], part: str, years: frozenset[int], printed_links: bool) -> list[dict]:
    """The items by year (a section a year when there are several), each section marked
    shown or not in this part; the bodies of the shown ones converted to HTML."""
    sections: list[dict] = []
    for item in items:
        year = item["entry"].date.year
        if not sections or sections[-1]["year"] != year:
            sections.append({"year": year, "members": []})
        sections[-1]["members"].append(item)
    for section in sections:
        several = len(sections) > 1
        section["label"], section["id"] = (str(section["year"]), f"year-{section['year']}") if several else ("", "")
        section["shown"] = part == "whole" or (part == "chunk" and section["year"] in years)
        if section["shown"]:  # a part of a large brochure converts only its own bodies
            for item in section["members"]:
                item["body_html"] = markdown_to_html(item["entry"].body, printed_links)
    return sections


def render_html(settings: Settings, entries: list[Entry], theme: Path, document_date: dt.datetime,
                template: str = "brochure.html.j2", image_url: Callable[[Image], str] | None = None,
                profile: str = "screen", printed_links: bool = False, bleed_mm: float = 0.0, part: str = "whole",
                years: frozenset[int] = frozenset(), toc_pages: dict[str, int] | None = None
                ) -> tuple[str, list[str]]:
    """The whole brochure as one HTML document and the HTML id of each entry's article,
    in order. By default the document is the print one, for WeasyPrint, with images
    under the fixed pseudo-address; the web edition passes its own template and
    image addresses.

    A large brochure is rendered in parts (see layout/parts.py): part="front" is the cover
    and contents alone, with the page numbers `toc_pages` already known; part="chunk"
    is the sections of `years` alone. Their links to places in other parts point at
    GOTO_URL + id, and are turned back into internal links when the parts are joined.
    """
    if image_url is None:
        def image_url(image: Image) -> str:
            return asset_url(settings, image.path) if image.path else image.src
    taken: set[str] = set()
    items: list[dict[str, Any]] = [
        {
            "entry": entry,
            "id": _anchor(entry, taken),
            "when": format_span(entry.date, entry.end_date),
            "datetime": entry.date.isoformat(),
            "body_html": "",  # below, for the items this part shows
            "image_url": image_url(entry.image) if entry.image else "",
        }
        for entry in entries
    ]
    sections = _sections(items, part, years, printed_links)
    for item in items:
        item["page"] = (toc_pages or {}).get(item["id"], 0)
    period = settings.period
    if not period and entries:
        period = format_period(min(e.date for e in entries), max(e.last_day for e in entries))
    keywords = sorted({tag for entry in entries for tag in entry.tags})
    environment = _environment(theme, trim_blocks=True, lstrip_blocks=True)
    environment.filters["printed_url"] = printed_url
    environment.filters["css_string"] = css_string
    try:
        html = environment.get_template(template).render(
            profile=profile,
            chunk=part == "chunk",
            front_only=part == "front",
            cover_image_url=image_url(settings.cover_image) if settings.cover_image else "",
            brochure=settings,
            items=items,
            sections=sections,
            period=period,
            intro_html=markdown_to_html(settings.intro, printed_links) if settings.intro else "",
            keywords=keywords,
            document_date=document_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
            theme_url=THEME_URL,
            bleed_mm=bleed_mm,
            page_width=PAGE_SIZES[settings.page_size][0],
            page_height=PAGE_SIZES[settings.page_size][1],
            version=__version__,
        )
    except jinja2.TemplateError as error:
        raise ContentError([_template_problem(error, settings)]) from None
    if part != "whole":
        html = html.replace('href="#', f'href="{GOTO_URL}')
    return html, [item["id"] for item in items]


def render_page_numbers(settings: Settings, theme: Path, first_page: int, count: int, profile: str) -> str:
    """The theme's page-number pages for a brochure rendered in parts: `count` pages
    numbered from `first_page`, nothing else on them."""
    environment = _environment(theme)
    try:
        return environment.get_template("numbers.html.j2").render(
            brochure=settings, theme_url=THEME_URL, profile=profile, first_page=first_page, count=count,
            page_width=PAGE_SIZES[settings.page_size][0], page_height=PAGE_SIZES[settings.page_size][1])
    except jinja2.TemplateError as error:
        raise ContentError([_template_problem(error, settings)]) from None


def supports_parts(theme: Path) -> bool:
    """Whether the theme can be rendered in parts: it has the page-number template."""
    return (theme / "numbers.html.j2").is_file()
