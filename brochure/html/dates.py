"""Dates and periods as the reader sees them, in the brochure's language, from CLDR's
formats through Babel: '4–5 April 2019', '11–12 avril 2019', '11.–12. April 2019',
'11—12 апреля 2019 г.', '2019年4月11日 – 12日', 'January – April 2019'.

Month names are always written out: CLDR's interval formats abbreviate them
('11–12 avr. 2019'), so its patterns are taken with the month widened.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

# A bare "en" is English as the world outside the United States writes dates (CLDR's
# en-001: day before month, as the UN's editorial style does); "en-US" is American.
_REGIONLESS = {"en": "en_001"}


@cache
def locale_of(language: str) -> Locale:
    """The Babel locale of a BCP 47 tag (en, fr-BE, zh-Hans, pt-BR); English when CLDR
    does not know the tag (the schema has checked its form)."""
    tag = _REGIONLESS.get(language.lower(), language)
    try:
        return Locale.parse(tag, sep="-" if "-" in tag else "_")
    except (UnknownLocaleError, ValueError):
        try:  # fr-XY, an unknown region: the language alone
            return Locale.parse(tag.replace("_", "-").split("-")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse(_REGIONLESS["en"])


def format_day(day: dt.date, language: str = "en") -> str:
    """'11 April 2019', '11 avril 2019', '11 de abril de 2019', '2019年4月11日'."""
    locale = locale_of(language)
    return format_date(day, "long", locale=locale)


def format_span(start: dt.date, end: dt.date | None, language: str = "en") -> str:
    """'11 April 2019', '4–5 April 2019', '30 March – 2 April 2019'."""
    if not end or end == start:
        return format_day(start, language)
    return _interval(start, end, ("yMMMMd", "yMMMd"), language) or \
        f"{format_day(start, language)} – {format_day(end, language)}"


def format_period(start: dt.date, end: dt.date, language: str = "en") -> str:
    """'March 2019', 'January – April 2019', 'December 2018 – January 2019'."""
    locale = locale_of(language)
    month = str(locale.datetime_skeletons.get("yMMMM") or "MMMM y")
    if (start.year, start.month) == (end.year, end.month):
        return format_date(start, month, locale=locale)
    return _interval(start, end, ("yMMMM", "yMMM"), language) or \
        f"{format_date(start, month, locale=locale)} – {format_date(end, month, locale=locale)}"


def _interval(start: dt.date, end: dt.date, skeletons: tuple[str, str], language: str) -> str:
    """CLDR's interval pattern for the largest field that differs: of the wide skeleton
    when the locale has one, else of the abbreviated one with its months written out
    as the locale's long dates write them. "" when the locale has neither."""
    locale = locale_of(language)
    greatest = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    wide, short = skeletons
    parts = locale.interval_formats.get(wide, {}).get(greatest)
    if not parts:
        parts = [_widened(part, locale) for part in locale.interval_formats.get(short, {}).get(greatest) or []]
    if len(parts) != 2:
        return ""
    return format_date(start, parts[0], locale=locale) + format_date(end, parts[1], locale=locale)


def _widened(pattern: str, locale: Locale) -> str:
    """`pattern` with its abbreviated months (MMM, LLL) written out (MMMM) when the
    locale's long date writes its month out; in Chinese or Japanese it writes '4月',
    which MMM already is. Quoted text is left as it is."""
    if _month_width(str(locale.date_formats["long"])) < 4:
        return pattern
    width = 4
    out, quoted, index = [], False, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "'":
            quoted = not quoted
        if not quoted and char in "ML":
            run = len(pattern[index:]) - len(pattern[index:].lstrip(char))
            out.append(char * (width if run == 3 else run))
            index += run
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _month_width(pattern: str) -> int:
    """How many M (or L) letters the pattern writes its month with, outside quotes."""
    unquoted = "".join(pattern.split("'")[0::2])
    count, widest = 0, 0
    for char in unquoted + " ":
        count = count + 1 if char in "ML" else 0
        widest = max(widest, count)
    return widest
