"""Every name brochure uses that WeasyPrint or pydyf does not document: in one place.

Each one is an assumption about WeasyPrint 70 and pydyf 0.11 to 0.13 (both pinned in
pyproject.toml). `broken_assumptions()` checks them all; tests/layout/test_internals.py
fails loudly, naming the one that broke, when a new release changes any of them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PlacedImage:
    """An image as laid out: which one (WeasyPrint's id, see image_id), on which page,
    at what effective resolution."""

    image_id: str
    page: int
    ppi: float
    # The background colour behind it (its own box's, else the nearest ancestor's, else
    # the page's): ("srgb", (r, g, b)) or ("device-cmyk", (c, m, y, k)), each 0 to 1.
    backdrop: tuple[str, tuple[float, ...]] = ("srgb", (1.0, 1.0, 1.0))


def image_id(url: str) -> str:
    """WeasyPrint's name for the image at `url`: the MD5 of its address (weasyprint.images)."""
    return hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()


def fetched(url: str, data: bytes, mime: str):
    """What a URL fetcher returns for `url` (weasyprint.urls.URLFetcherResponse)."""
    from weasyprint.urls import URLFetcherResponse

    return URLFetcherResponse(url, data, {"Content-Type": mime})


def placed_images(document) -> list[PlacedImage]:
    """The effective resolution of every raster image as laid out: its pixels over the
    size it is drawn at (object-fit: cover draws it larger than its box, and crops).
    Walks each page's box tree (`page._page_box`), which WeasyPrint keeps private."""
    from weasyprint.formatting_structure.boxes import ReplacedBox
    from weasyprint.images import RasterImage

    placed = []
    for number, page in enumerate(document.pages, 1):
        paper: tuple[str, tuple[float, ...]] = ("srgb", (1.0, 1.0, 1.0))
        stack = [(page._page_box, paper)]
        while stack:
            box, behind = stack.pop()
            box = getattr(box, "_box", box)  # an absolutely positioned box sits in a placeholder
            behind = _background(box) or behind
            stack.extend((child, behind) for child in getattr(box, "children", ()))
            if isinstance(box, ReplacedBox) and isinstance(box.replacement, RasterImage):
                image = box.replacement
                if not (box.width and box.height and image.width and image.height):
                    continue
                scale_x, scale_y = box.width / image.width, box.height / image.height
                fit = box.style["object_fit"]
                if fit == "cover":
                    scale_x = scale_y = max(scale_x, scale_y)
                elif fit in ("contain", "scale-down"):
                    scale_x = scale_y = min(scale_x, scale_y)
                # CSS pixels are 1/96 in: pixels per inch = 96 / (CSS px per image pixel).
                placed.append(PlacedImage(image.id, number, 96 / max(scale_x, scale_y), behind))
    return placed


def _background(box) -> tuple[str, tuple[float, ...]] | None:
    """The box's own background colour when it paints one (opaque enough to matter),
    as a colour space and its values (tinycss2's Color)."""
    colour = box.style["background_color"]
    if colour.alpha < 0.5:
        return None
    if colour.space == "device-cmyk":
        return "device-cmyk", tuple(float(value) for value in colour.coordinates)
    red, green, blue = (min(1.0, max(0.0, float(value))) for value in colour.to("srgb").coordinates)
    return "srgb", (red, green, blue)


def remove_font_files(font_config) -> None:
    """Remove the temporary folder where a FontConfiguration copied the fonts of
    @font-face rules (`_folder`, made on the first rule). WeasyPrint removes it in
    `__del__`, which runs late or never (the collector is off during a render, and a
    layout process exits without it): its own clean-up is run now, once."""
    if font_config._folder:
        type(font_config).__del__(font_config)
        font_config._folder = None


def subset_fonts_with_fonttools() -> None:
    """Make WeasyPrint subset fonts with fontTools, as it does where libharfbuzz-subset
    is missing (weasyprint.pdf.fonts chooses by its `harfbuzz_subset`, the library or
    None): the tests build that way on a machine that has HarfBuzz."""
    from weasyprint.pdf import fonts

    fonts.harfbuzz_subset = None


def remember_page_references() -> None:
    """WeasyPrint 70 asks pydyf for the references of all pages once per tagged element
    and per link, and pydyf builds that list anew each time: quadratic in pages, 0.6 s
    of the 4.5 s it takes to write a 300-page part, and the larger share of a long
    single render. The list is kept until a page is added; the PDF is the same, byte
    for byte (tests/layout/test_internals.py)."""
    import pydyf

    built = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(built, property) or hasattr(built.fget, "built"):
        return  # a pydyf that works otherwise (broken_assumptions says so), or already done
    build = built.fget
    assert build is not None  # pydyf's page_references is a property with a getter

    def page_references(pdf):
        count = len(pdf.pages["Kids"])
        if getattr(pdf, "_page_references", (None,))[0] != count:
            pdf._page_references = (count, build(pdf))
        return pdf._page_references[1]

    page_references.built = built  # type: ignore[attr-defined]
    pydyf.PDF.page_references = property(page_references)


# WeasyPrint 70 (layout/inline.py, get_next_linebox) decides whether a right-to-left line
# has settled by comparing its right end with the line box's width, which is 0 before
# the first line is set: the test never holds the first time, so every right-to-left
# line is laid out twice (Arabic took 1.6 times as long as English). The test compares
# the right edges of the room the line had and has, as the left-to-right one compares
# left edges; the pages are the same to the pixel (tests/layout/test_internals.py).
_RTL_SETTLED = ("(position_x + line.width, position_y) == (\n"
                "                original_position_x + original_width, original_position_y)")
_RTL_SETTLED_FIXED = "(position_x + available_width, position_y) == (\n                max_x, original_position_y)"


def settle_right_to_left_lines() -> None:
    """Put the fixed test into WeasyPrint's get_next_linebox, once, by recompiling its
    source with that one expression changed; a WeasyPrint whose source differs is left
    alone (broken_assumptions says so)."""
    import inspect
    import textwrap

    from weasyprint.layout import inline

    if getattr(inline.get_next_linebox, "settles_right_to_left", False):
        return
    source = textwrap.dedent(inspect.getsource(inline.get_next_linebox))
    if source.count(_RTL_SETTLED) != 1:
        return
    defined: dict = {}
    exec(compile(source.replace(_RTL_SETTLED, _RTL_SETTLED_FIXED), inline.__file__, "exec"), inline.__dict__, defined)
    defined["get_next_linebox"].settles_right_to_left = True
    defined["get_next_linebox"].original = inline.get_next_linebox  # for the test that compares them
    inline.get_next_linebox = defined["get_next_linebox"]


def versions() -> str:
    """The versions of what lays out and writes besides brochure: WeasyPrint, pydyf,
    fontTools, Pango (through WeasyPrint's own binding)."""
    from importlib.metadata import version

    import pydyf
    import weasyprint
    from weasyprint.text.ffi import pango

    return (f"weasyprint {weasyprint.__version__} pydyf {pydyf.__version__} fonttools {version('fonttools')} "
            f"pango {pango.pango_version()}")


def broken_assumptions() -> list[str]:
    """What of the above no longer holds for the installed WeasyPrint and pydyf."""
    import pydyf
    from weasyprint import HTML, images, urls
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import fonts
    from weasyprint.text.fonts import FontConfiguration

    broken = []
    references = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(references, property):
        broken.append("pydyf.PDF.page_references is no longer a property")
    elif not hasattr(references.fget, "built") and "Kids" not in getattr(pydyf.PDF().pages, "keys", list)():
        broken.append("pydyf.PDF().pages has no 'Kids'")
    for module, name in ((boxes, "ReplacedBox"), (images, "RasterImage"), (urls, "URLFetcherResponse")):
        if not hasattr(module, name):
            broken.append(f"{module.__name__}.{name} is gone")
    from weasyprint.layout import inline

    settle_right_to_left_lines()
    if not getattr(inline.get_next_linebox, "settles_right_to_left", False):
        broken.append("weasyprint.layout.inline.get_next_linebox no longer has the right-to-left test we fix")
    if not hasattr(fonts, "harfbuzz_subset"):
        broken.append("weasyprint.pdf.fonts.harfbuzz_subset is gone")
    font_config = FontConfiguration()
    document = HTML(string="<style>@font-face { font-family: x; src: url(data:,) }</style><p>x</p>").render(
        font_config=font_config)
    if not hasattr(document.pages[0], "_page_box"):
        broken.append("weasyprint Page._page_box is gone")
    folder = getattr(font_config, "_folder", None)
    if not (folder and Path(folder).is_dir()):
        broken.append("weasyprint FontConfiguration._folder no longer holds the fonts' temporary folder")
    else:
        remove_font_files(font_config)
        if Path(folder).exists():
            broken.append("weasyprint FontConfiguration.__del__ no longer removes its _folder")
    return broken
