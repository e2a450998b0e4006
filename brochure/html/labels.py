"""The theme's own words and typography in the reader's language: labels from gettext
catalogues (brochure/locale/LANG/LC_MESSAGES/brochure.po, maintained with Babel's
pybabel extract/update, see README.md), quotation marks, numbers and the direction of
the script.

A template calls `_("Contents")`, `_("Image %(credit)s", credit=...)` or
`ngettext("%(num)s news item", "%(num)s news items", n)`; `lang=` asks for another
language than the brochure's (an item written in another language is labelled in it).
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources
from typing import Any

from markupsafe import Markup, escape

from brochure.html.dates import locale_of

LOCALES = resources.files("brochure").joinpath("locale")

# CLDR's quotation marks (its "delimiters", which Babel does not expose): primary pair,
# then the pair for a quotation inside a quotation. French sets them off with a narrow
# no-break space, as its typography wants.
_QUOTES = {
    "en": "“”‘’", "fr": ("«\u202f", "\u202f»", "“", "”"), "de": "„“‚‘", "es": "«»“”", "ru": "«»„“",
    "zh": "“”‘’", "ja": "「」『』", "ar": "”“’‘", "he": "”„’‚", "it": "«»“”", "pt": "“”‘’", "nl": "‘’“”",
    "pl": "„”«»", "uk": "«»„“", "tr": "“”‘’", "fa": "«»‹›", "ko": "“”‘’",
}


@cache
def _translations(language: str):
    """The catalogue of `language` (fr-BE: fr_BE, else fr), compiled in memory;
    English (the messages themselves) when there is none."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    locale = locale_of(language)
    # A catalogue of the language alone is written in its usual script: zh in Simplified
    # characters. zh-Hant (zh-TW, zh-HK) gets its own catalogue, or English, never that.
    names = [str(locale)]
    if locale.script:
        names.append(f"{locale.language}_{locale.script}")
    if not locale.script or locale.script == _default_script(locale.language):
        names.append(locale.language)
    for name in names:
        po = LOCALES.joinpath(name, "LC_MESSAGES", "brochure.po")
        if po.is_file():
            with po.open("rb") as file:
                catalog = read_po(file, locale=name)
            compiled = io.BytesIO()
            write_mo(compiled, catalog)
            compiled.seek(0)
            return Translations(compiled)
    return NullTranslations()


def _default_script(language: str) -> str:
    """The script a language is written in when its tag names none (zh: Hans)."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 else ""


def _formatted(text: str, values: dict[str, Any]) -> Markup:
    """The translated text with its %(name)s values put in, escaped unless they are
    markup already (a link the template made)."""
    return Markup(escape(text)) % {name: value for name, value in values.items()} if values else Markup(escape(text))


def template_globals(language: str) -> dict[str, Any]:
    """What templates call: _() and ngettext() in `language` (or their lang=), and
    number() for counts written the language's way."""
    def gettext(message: str, lang: str = "", **values: Any) -> Markup:
        return _formatted(_translations(lang or language).gettext(message), values)

    def ngettext(singular: str, plural: str, count: int, lang: str = "", **values: Any) -> Markup:
        text = _translations(lang or language).ngettext(singular, plural, count)
        return _formatted(text, {"num": number(count, lang or language), **values})

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext,
            "number": lambda value, lang="": number(value, lang or language)}


def number(value: int | float, language: str) -> str:
    from babel.numbers import format_decimal

    return format_decimal(value, locale=locale_of(language))


def quotes(language: str) -> tuple[str, ...]:
    """Opening and closing marks, then the inner pair, for markdown's smart quotes."""
    locale = locale_of(language)
    if locale.language == "zh" and locale.script == "Hant":
        return tuple("「」『』")  # Traditional Chinese uses corner brackets
    return tuple(_QUOTES.get(locale.language, _QUOTES["en"]))


def direction(language: str) -> str:
    """"rtl" for Arabic, Hebrew, Persian, Urdu…; "ltr" otherwise."""
    return locale_of(language).text_direction
