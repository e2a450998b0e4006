"""Entries -> one HTML document: Markdown bodies to safe HTML, then the Jinja2 theme."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markdown_it import MarkdownIt
from markupsafe import escape

from brochure import __version__
from brochure.confine import is_inside
from brochure.errors import ContentError, Problem
from brochure.model import GOTO_URL, PROJECT_URL, THEME_URL, Entry, Image, Settings

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def css_string(text: str) -> str:
    """Text for inside a CSS string in double quotes."""
    return re.sub(r'["\\\n]', lambda match: "\\" + format(ord(match[0]), "x") + " ", text)


def printed_url(url: str) -> str:
    """A web address as printed: no scheme, no trailing slash (mailto: -> the address)."""
    return re.sub(r"^(https?://(www\.)?|mailto:)", "", url).rstrip("/")


@cache
def _markdown(printed_links: bool) -> MarkdownIt:
    # html=False: raw HTML in a body is escaped and shown as text, never passed on as markup.
    # Images belong in the entry's `image` field, where they are checked and credited.
    md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable(
        ["replacements", "smartquotes"]).disable("image")
    if printed_links:
        # On paper a link is its words followed by its address, and no annotation.
        def link_open(self, tokens, index, options, env):
            env.setdefault("links", []).append(tokens[index].attrGet("href") or "")
            return '<span class="link">'

        def link_close(self, tokens, index, options, env):
            url = escape(printed_url(env["links"].pop()))
            return f'</span> <span class="url">{url}</span>'

        md.add_render_rule("link_open", link_open)
        md.add_render_rule("link_close", link_close)
    return md


def markdown_to_html(text: str, printed_links: bool = False) -> str:
    md = _markdown(printed_links)
    tokens = md.parse(text)
    for token in tokens:
        # The item title is the <h2>: headings inside a body start below it.
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
    return md.renderer.render(tokens, md.options, {})


def format_day(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_span(start: dt.date, end: dt.date | None) -> str:
    """'11 April 2019', '4–5 April 2019', '30 March – 2 April 2019'."""
    if not end or end == start:
        return format_day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_day(end)}"
    if start.year == end.year:
        return f"{start.day} {MONTHS[start.month - 1]} – {format_day(end)}"
    return f"{format_day(start)} – {format_day(end)}"


def format_period(start: dt.date, end: dt.date) -> str:
    """'March 2019', 'January – April 2019', 'December 2018 – January 2019'."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{MONTHS[start.month - 1]} {start.year}"
    if start.year == end.year:
        return f"{MONTHS[start.month - 1]} – {MONTHS[end.month - 1]} {end.year}"
    return f"{MONTHS[start.month - 1]} {start.year} – {MONTHS[end.month - 1]} {end.year}"


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


def render_html(settings: Settings, entries: list[Entry], theme: Path, document_date: dt.datetime,
                template: str = "brochure.html.j2", image_url: Callable[[Image], str] | None = None,
                profile: str = "screen", bleed_mm: float = 0.0, part: str = "whole",
                years: frozenset[int] = frozenset(), toc_pages: dict[str, int] | None = None
                ) -> tuple[str, list[str]]:
    """The whole brochure as one HTML document and the HTML id of each entry's article,
    in order. By default the document is the print one, for WeasyPrint, with images
    under the fixed pseudo-address; the web edition passes its own template and
    image addresses.

    A large brochure is rendered in parts (see parts.py): part="front" is the cover
    and contents alone, with the page numbers `toc_pages` already known; part="chunk"
    is the sections of `years` alone. Their links to places in other parts point at
    GOTO_URL + id, and are turned back into internal links when the parts are joined.
    """
    if image_url is None:
        def image_url(image: Image) -> str:
            return asset_url(settings, image.path) if image.path else image.src
    taken: set[str] = set()
    items = [
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
    sections = []
    for item, year in zip(items, (item["entry"].date.year for item in items)):
        if not sections or sections[-1]["year"] != year:
            sections.append({"year": year, "members": []})
        sections[-1]["members"].append(item)
    for section in sections:
        several = len(sections) > 1
        section["label"], section["id"] = (str(section["year"]), f"year-{section['year']}") if several else ("", "")
        section["shown"] = part == "whole" or (part == "chunk" and section["year"] in years)
        if section["shown"]:  # a part of a large brochure converts only its own bodies
            for item in section["members"]:
                item["body_html"] = markdown_to_html(item["entry"].body, printed_links=profile == "print")
    for item in items:
        item["page"] = (toc_pages or {}).get(item["id"], 0)
    period = settings.period
    if not period and entries:
        period = format_period(min(e.date for e in entries), max(e.last_day for e in entries))
    keywords = sorted({tag for entry in entries for tag in entry.tags})
    # Sandboxed: a theme shapes the page, it cannot reach into Python or out of its folder.
    environment = SandboxedEnvironment(
        loader=_ConfinedLoader(theme),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
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
            intro_html=markdown_to_html(settings.intro, profile == "print") if settings.intro else "",
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
    environment = SandboxedEnvironment(loader=_ConfinedLoader(theme), autoescape=True,
                                       undefined=jinja2.StrictUndefined)
    try:
        return environment.get_template("numbers.html.j2").render(
            brochure=settings, theme_url=THEME_URL, profile=profile, first_page=first_page, count=count,
            page_width=PAGE_SIZES[settings.page_size][0], page_height=PAGE_SIZES[settings.page_size][1])
    except jinja2.TemplateError as error:
        raise ContentError([_template_problem(error, settings)]) from None


def supports_parts(theme: Path) -> bool:
    """Whether the theme can be rendered in parts: it has the page-number template."""
    return (theme / "numbers.html.j2").is_file()
