"""The foreword, the partners and the imprint (content/imprint.py) as a template sees
them: HTML made from their Markdown, the logos' addresses, the address cut into lines."""

from __future__ import annotations

import re
from collections.abc import Callable

from brochure.html.labels import direction, quotes
from brochure.html.markdown import markdown_to_html
from brochure.model import Image, Settings

_TITLE = re.compile(r"#[ \t]+(.+?)[ \t#]*(?:\n|$)")  # a first line "# Foreword by ..."


def imprint_context(settings: Settings, image_url: Callable[[Image], str], printed_links: bool,
                    rtl: bool) -> dict:
    """`foreword` (title, html, lang, dir) or None, `partners` (name, url, logo_url), and
    `imprint` (address lines, contacts, disclaimer html, copyright, numbers) or None."""
    def html(text: str, language: str) -> str:
        return markdown_to_html(text, printed_links, quotes(language), rtl=rtl)

    foreword = None
    if settings.foreword_file:
        text, title = settings.foreword, ""
        if heading := _TITLE.match(text):
            text, title = text[heading.end():], heading.group(1)
        language = settings.foreword_language or settings.language
        foreword = {"title": title, "html": html(text, language), "lang": settings.foreword_language,
                    "dir": direction(language)}
    partners = [{"name": partner.name, "url": partner.url, "logo_url": image_url(partner.logo)}
                for partner in settings.partners]
    imprint = None
    if given := settings.imprint:
        imprint = {"address_lines": [line.strip() for line in given.address.splitlines() if line.strip()],
                   "contacts": given.contacts, "copyright": given.copyright, "isbn": given.isbn,
                   "issn": given.issn, "number": given.number,
                   "disclaimer_html": html(given.disclaimer, settings.language) if given.disclaimer else ""}
    return {"foreword": foreword, "partners": partners, "imprint": imprint}
