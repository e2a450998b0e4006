"""Entries -> one HTML document through the theme's Jinja2 templates, in a sandbox."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from brochure import __version__
from brochure.confine import theme_file, theme_layers
from brochure.html.brand import brand_context
from brochure.html.dates import format_period, format_span
from brochure.html.imprint import imprint_context
from brochure.html.labels import direction, quotes, template_globals
from brochure.html.markdown import isolated, markdown_to_html, printed_url
from brochure.html.sandbox import render
from brochure.model import GOTO_URL, PROJECT_URL, THEME_URL, Entry, Image, Settings


def css_string(text: str) -> Markup:
    """Text for inside a CSS string in double quotes, in a <style> element: quotes,
    backslashes, line ends and other controls, and the characters that could end the
    element or be read as markup are written as CSS escapes. Marked safe, because
    HTML-escaping it again would print entities (&#39;) in the running head."""
    return Markup(re.sub(r'["\\<>&\x00-\x1f\x7f-\x9f]', lambda match: f"\\{ord(match[0]):x} ", text))


def _printed_url_for(direction: str) -> Callable[[str], str]:
    """The printed_url filter; in a right-to-left brochure the address is isolated."""
    return (lambda url: isolated(printed_url(url))) if direction == "rtl" else printed_url


def _anchor(entry: Entry, taken: set[str]) -> str:
    stem = Path(entry.file).stem
    base = "item-" + (re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "entry")
    anchor, number = base, 2
    while anchor in taken:
        anchor, number = f"{base}-{number}", number + 1
    taken.add(anchor)
    return anchor


def stylesheets(theme: Path) -> dict[str, list[str]]:
    """The stylesheets the default templates link, by name under the theme's address, in
    order: for every profile the default's brochure.css (or the theme's own, which
    replaces it) and the theme's theme.css; in print the default's print.css and then
    the theme's own print.css, which is added to the default's, never replaces it."""
    own = theme_layers(theme)[0] / "theme.css"  # linked when it is there, so that one leading out is refused
    every = ["brochure.css"] + (["theme.css"] if own.is_symlink() or own.exists() else [])
    own_print = theme_file(theme, "print.css") != theme_file(theme, "default/print.css")
    return {"stylesheets": every, "print_stylesheets": ["default/print.css", "print.css"] if own_print
            else ["print.css"]}


PAGE_SIZES = {"A4": ("210mm", "297mm"), "A5": ("148mm", "210mm"), "letter": ("8.5in", "11in")}


def asset_url(settings: Settings, path: Path, cover: bool = False) -> str:
    """A project file's address in the HTML. The cover picture's has a fragment of its
    own: the same picture inside an item lies on another background, and is flattened
    onto that one where transparency must be (pdf/pictures.py)."""
    return PROJECT_URL + quote(path.relative_to(settings.root.resolve()).as_posix()) + ("#cover" if cover else "")


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
                item["body_html"] = markdown_to_html(item["entry"].body, printed_links, quotes(item["lang"]),
                                                     rtl=item["dir"] == "rtl")
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
    pdf_addresses = image_url is None
    if image_url is None:
        def image_url(image: Image) -> str:
            return asset_url(settings, image.path) if image.path else image.src
    cover = settings.cover_image
    cover_image_url = "" if not cover else asset_url(settings, cover.path, cover=True) if cover.path and pdf_addresses \
        else image_url(cover)
    taken: set[str] = set()
    language = settings.language
    items: list[dict[str, Any]] = [
        {
            "entry": entry,
            "id": _anchor(entry, taken),
            # An item in another language than the brochure's is dated, quoted and
            # labelled in its own; "lang" and "dir" are what its article must say.
            "lang": entry.lang or language,
            "dir": direction(entry.lang or language),
            "when": format_span(entry.date, entry.end_date, entry.lang or language),
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
        period = format_period(min(e.date for e in entries), max(e.last_day for e in entries), language)
    keywords = sorted({tag for entry in entries for tag in entry.tags})
    writing = direction(language)  # ltr or rtl
    # printed addresses are isolated wherever some text runs right to left
    addresses = "rtl" if any(item["dir"] == "rtl" for item in items) else writing
    html = render(theme, f"styles/{settings.theme}/", template, dict(
            profile=profile,
            chunk=part == "chunk",
            front_only=part == "front",
            cover_image_url=cover_image_url,
            brochure=settings,
            items=items,
            sections=sections,
            period=period,
            intro_html=markdown_to_html(settings.intro, printed_links, quotes(language), rtl=writing == "rtl")
            if settings.intro else "",
            direction=writing,
            keywords=keywords,
            document_date=document_date.strftime("%Y-%m-%dT%H:%M:%SZ"),
            theme_url=THEME_URL,
            bleed_mm=bleed_mm,
            page_width=PAGE_SIZES[settings.page_size][0],
            page_height=PAGE_SIZES[settings.page_size][1],
            version=__version__,
            brand=brand_context(settings, profile, None if pdf_addresses else image_url),  # html/brand.py
            **imprint_context(settings, image_url, printed_links, writing == "rtl"),  # html/imprint.py
            **stylesheets(theme),
        ), {"printed_url": _printed_url_for(addresses), "css_string": css_string,
          # a phone number, an address or an ISBN in right-to-left text: kept in its order
          "ltr": isolated if addresses == "rtl" else str}, template_globals(language),
        trim_blocks=True, lstrip_blocks=True)
    if part != "whole":
        html = html.replace('href="#', f'href="{GOTO_URL}')
    return html, [item["id"] for item in items]


def render_page_numbers(settings: Settings, theme: Path, first_page: int, count: int, profile: str,
                        back_page: int = 0) -> str:
    """The theme's page-number pages for a brochure rendered in parts: `count` pages
    numbered from `first_page`, nothing else on them; page `back_page` (1-based) is
    the back cover's, which has none."""
    return render(theme, f"styles/{settings.theme}/", "numbers.html.j2", dict(
        brochure=settings, theme_url=THEME_URL, profile=profile, first_page=first_page, count=count,
        back_page=back_page,
        direction=direction(settings.language),
        page_width=PAGE_SIZES[settings.page_size][0], page_height=PAGE_SIZES[settings.page_size][1],
        **stylesheets(theme)), functions=template_globals(settings.language))


def supports_parts(theme: Path) -> bool:
    """Whether the theme can be rendered in parts: it has the page-number template, and
    its page is the one those numbers are made for. A theme inherits the default's
    numbers.html.j2 only with the default's page: no brochure.html.j2 of its own, or one
    that extends the default's; a page of its own needs page numbers of its own."""
    own = theme_layers(theme)[0]
    if theme_file(theme, "numbers.html.j2") is None:
        return False
    if (own / "numbers.html.j2").is_file() or not (own / "brochure.html.j2").is_file():
        return True
    return _extends_the_default(theme_file(theme, "brochure.html.j2"))


def _extends_the_default(template: Path | None) -> bool:
    """Whether the template's first tag is {% extends "default/brochure.html.j2" %}."""
    import jinja2
    from jinja2 import nodes

    try:
        tree = jinja2.Environment().parse(template.read_text("utf-8")) if template else None
    except (OSError, ValueError, jinja2.TemplateError):
        return False  # the render reports it
    return tree is not None and any(isinstance(node, nodes.Extends) and isinstance(node.template, nodes.Const)
                                    and node.template.value == "default/brochure.html.j2"
                                    for node in tree.find_all(nodes.Extends))
