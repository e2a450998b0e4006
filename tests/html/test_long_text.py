"""Long text stays where it belongs on the page: a word or an address longer than its
column breaks inside it, and the contents hold any date range, each title starting
where the others do. Measured on the PDF, character by character."""

from __future__ import annotations

import re

import pypdfium2
import pytest
from conftest import copy_project, run

MM = 72 / 25.4
WORD = "Xq" * 60  # no dictionary hyphenates it: only overflow-wrap can break it
ADDRESS = "https://example.org/" + "a" * 150 + ".html"


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    project = copy_project("minimal", tmp_path_factory.mktemp("long"))
    (project / "entries" / "2019-12-16-long.yaml").write_text(
        "title: A three-day regional meeting\ndate: 2019-12-16\nend_date: 2019-12-18\n"
        f"body: |\n  {WORD} met in Vienna; see {ADDRESS} for more.\n\n  [The report]({ADDRESS})\n")
    (project / "entries" / "2019-12-30-new-year.yaml").write_text(
        "title: Across the new year\ndate: 2019-12-30\nend_date: 2020-01-02\nbody: Short.\n")
    result = run("build", cwd=project)
    assert result.exit_code == 0, result.output
    return project / "build" / "brochure.pdf"


def _lines(page) -> list[tuple[str, float, float, float, float]]:
    """(character, left, bottom, right, top) of every character on the page."""
    text = page.get_textpage()
    return [(text.get_text_range(index, 1), *text.get_charbox(index)) for index in range(text.count_chars())]


def test_a_long_word_and_address_stay_inside_the_text_area(long_pdf):
    document = pypdfium2.PdfDocument(str(long_pdf))
    try:
        found = False
        for page in document:
            width = page.get_width()
            text = page.get_textpage().get_text_range()
            found |= WORD[:20] in text.replace("\u00ad", "").replace("-\r\n", "").replace("\r\n", "")
            for character, left, _, right, _ in _lines(page):
                if character.strip():
                    assert left >= 20 * MM - 1 and right <= width - 20 * MM + 1, (character, left, right)
        assert found
    finally:
        document.close()


def test_the_contents_hold_long_date_ranges(long_pdf):
    """Every contents title starts at the same place, right of its date column, however
    long the date beside it."""
    document = pypdfium2.PdfDocument(str(long_pdf))
    try:
        page = document[1]
        text = page.get_textpage()
        starts = []
        for title in ("A three-day regional meeting", "Across the new year", "First item of the fifteenth",
                      "A meeting from January into February"):
            index = text.get_text_range().find(title)
            assert index >= 0, title
            left, _, _, top = text.get_charbox(index)
            starts.append((left, top))
        lefts = [left for left, _ in starts]
        assert max(lefts) - min(lefts) < 1.5 and min(lefts) >= 52 * MM - 1, starts  # 20 mm margin + 32 mm
        body = text.get_text_range()
        assert not re.search("[A-Z][\u2010\u00ad\ufffe-]\r\n", body), body  # no date is hyphenated
    finally:
        document.close()
