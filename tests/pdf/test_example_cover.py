"""The annual report's cover picture is a drawn background with nothing written in it:
on the A5 cover the title is the only text (a placeholder's words showed through)."""

from __future__ import annotations

from conftest import REPO
from PIL import Image, ImageFilter

COVER = REPO / "examples" / "annual-report-print" / "entries" / "images" / "cover.jpg"


def test_the_cover_picture_has_no_text_drawn_into_it():
    assert COVER.stat().st_size < 80_000
    with Image.open(COVER) as image:
        assert image.size == (2000, 2780) and image.mode == "RGB"
        grey = image.convert("L")
        # Soft bands: nothing bright (letters were white) and no sharp edge anywhere.
        assert grey.getextrema()[1] < 140
        edges = grey.reduce(4).filter(ImageFilter.FIND_EDGES).crop((2, 2, 498, 693))
        assert edges.getextrema()[1] < 24, edges.getextrema()
