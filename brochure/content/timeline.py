"""Periods (2019, 2019-01, 2019-01-31, 2019-Q1), selection and order of entries."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from brochure.model import Entry, Selection

PERIOD_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-Qn"


def period_bounds(text: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period. Raises ValueError with a readable message."""
    text = text.strip()
    try:
        if match := re.fullmatch(r"(\d{4})", text):
            year = int(match[1])
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if match := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
            year, quarter = int(match[1]), int(match[2])
            first_month = 3 * quarter - 2
            last_month = first_month + 2
            return (dt.date(year, first_month, 1),
                    dt.date(year, last_month, calendar.monthrange(year, last_month)[1]))
        if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(match[1]), int(match[2])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = dt.date.fromisoformat(text)
            return day, day
    except ValueError:
        raise ValueError(f"{text!r} is not a real date or period") from None
    raise ValueError(f"{text!r} is not a period; write {PERIOD_FORMS}")


def exclusion_reason(entry: Entry, selection: Selection) -> str:
    """Why `entry` is left out of `selection`, or "" when it is kept."""
    if entry.draft and not selection.drafts:
        return "draft"
    if selection.since and entry.last_day < selection.since:
        return "before --since"
    if selection.until and entry.date > selection.until:
        return "after --until"
    if selection.tags and not set(selection.tags) & set(entry.tags):
        return "tag"
    return ""


def select(entries: list[Entry], selection: Selection) -> tuple[list[Entry], list[tuple[Entry, str]]]:
    """Split entries into (kept, [(left out, reason)]). A multi-day item is kept when it
    overlaps the range."""
    kept, excluded = [], []
    for entry in entries:
        reason = exclusion_reason(entry, selection)
        if reason:
            excluded.append((entry, reason))
        else:
            kept.append(entry)
    return kept, excluded


def ordered(entries: list[Entry], order: str = "newest-first") -> list[Entry]:
    """By date (newest first unless order is 'oldest-first'), then weight, then file path,
    so that the same inputs always give the same order."""
    sign = 1 if order == "oldest-first" else -1
    return sorted(entries, key=lambda entry: (sign * entry.date.toordinal(), entry.weight, entry.file))
