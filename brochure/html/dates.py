"""Dates and periods as the reader sees them: '4–5 April 2019', 'January – April 2019'."""

from __future__ import annotations

import datetime as dt

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]



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
