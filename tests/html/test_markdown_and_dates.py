"""Markdown bodies become safe HTML; dates are written the way people read them."""

from __future__ import annotations

import datetime as dt

import pytest

from brochure.html.dates import format_period, format_span
from brochure.html.markdown import markdown_to_html

D = dt.date


@pytest.mark.parametrize("start, end, text", [
    (D(2019, 4, 11), None, "11 April 2019"),
    (D(2019, 4, 4), D(2019, 4, 5), "4–5 April 2019"),
    # CLDR sets a spaced dash with thin spaces (U+2009).
    (D(2019, 3, 30), D(2019, 4, 2), "30 March\u2009–\u20092 April 2019"),
    (D(2018, 12, 30), D(2019, 1, 2), "30 December 2018\u2009–\u20092 January 2019"),
])
def test_item_dates(start, end, text):
    assert format_span(start, end) == text


@pytest.mark.parametrize("language, text", [
    ("en", "11–12 April 2019"), ("en-US", "April 11\u2009–\u200912, 2019"), ("fr", "11–12 avril 2019"),
    ("de", "11.–12. April 2019"), ("es", "11–12 de abril de 2019"), ("ru", "11—12 апреля 2019\u202fг."),
    ("zh", "2019年4月11日\u2009–\u200912日"), ("ar", "11–12 أبريل 2019"), ("fr-BE", "11–12 avril 2019"),
])
def test_date_ranges_in_every_language(language, text):
    """CLDR's interval formats through Babel, months written out as long dates write them."""
    assert format_span(D(2019, 4, 11), D(2019, 4, 12), language) == text


@pytest.mark.parametrize("language, day, period", [
    ("fr", "11 avril 2019", "avril\u2009–\u2009mai 2019"), ("de", "11. April 2019", "April–Mai 2019"),
    ("ru", "11 апреля 2019\u202fг.", "апрель\u00a0— май 2019\u202fг."), ("zh", "2019年4月11日", "2019年4月 – 5月"),
    ("es", "11 de abril de 2019", "abril–mayo de 2019"), ("ar", "11 أبريل 2019", "أبريل – مايو 2019"),
])
def test_days_and_periods_in_every_language(language, day, period):
    assert format_span(D(2019, 4, 11), None, language) == day
    assert format_period(D(2019, 4, 1), D(2019, 5, 20), language) == period


@pytest.mark.parametrize("start, end, text", [
    (D(2019, 3, 1), D(2019, 3, 28), "March 2019"),
    (D(2019, 1, 31), D(2019, 4, 11), "January\u2009–\u2009April 2019"),
    (D(2018, 12, 1), D(2019, 1, 5), "December 2018\u2009–\u2009January 2019"),
])
def test_cover_periods(start, end, text):
    assert format_period(start, end) == text


@pytest.mark.parametrize("markup", [
    "<script>alert(1)</script>", '<img src="http://127.0.0.1/x.png">', '<link rel="stylesheet" href="x.css">',
    "<style>body{display:none}</style>", '<iframe src="http://127.0.0.1/"></iframe>',
])
def test_raw_html_is_shown_as_text(markup):
    html = markdown_to_html(f"Before\n\n{markup}\n\nAfter {markup}")
    assert "<" + markup[1:] not in html
    assert "&lt;" + markup[1:4] in html


def test_markdown_features_and_heading_levels():
    html = markdown_to_html('# Inside\n\n> "quoted"\n\n- *one*\n- [two](https://example.org)\n\n![x](http://127.0.0.1/x.png)')
    assert "<h3>Inside</h3>" in html  # below the item's own <h2> title
    assert "<blockquote>" in html and "“quoted”" in html
    assert "<em>one</em>" in html and '<a href="https://example.org">two</a>' in html
    assert "<img" not in html  # pictures go in the checked `image` field
    assert 'href="javascript' not in markdown_to_html("[x](javascript:alert(1))")
