"""What brochure assumes of WeasyPrint's and pydyf's private names still holds, and its
work-arounds change nothing in the PDF. A new WeasyPrint that breaks one fails here,
by name, not in the middle of a build."""

from __future__ import annotations

import pydyf
import weasyprint

from brochure.layout import internals
from brochure.layout.engine import load_weasyprint


def test_every_assumption_about_weasyprint_and_pydyf_holds():
    assert internals.broken_assumptions() == []


def test_the_image_id_is_weasyprints_and_placed_images_are_measured():
    """A 600 px wide picture drawn 2 inches wide is a 300 ppi picture, known by the id
    brochure computes from its address."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (600, 300), (10, 90, 140)).save(buffer, "PNG")
    url = "https://brochure.invalid/project/pictures/one.png"

    def fetch(address, *args, **kwargs):
        assert address == url
        return internals.fetched(address, buffer.getvalue(), "image/png")

    document = weasyprint.HTML(string=f'<p>x</p><img src="{url}" style="width: 2in">', url_fetcher=fetch).render()
    [placed] = internals.placed_images(document)
    assert placed.image_id == internals.image_id(url) and placed.page == 1
    assert abs(placed.ppi - 300) < 0.5


def test_remembered_page_references_give_the_same_bytes():
    load_weasyprint()
    remembered = pydyf.PDF.page_references
    html = "".join(f'<h2 id="s{n}">Section {n}</h2><p style="break-after: page">See <a href="#s{(n * 7) % 40}">'
                   f'section {(n * 7) % 40}</a>.</p>' for n in range(40))

    def pdf() -> bytes:
        return weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=b"same")

    faster = pdf()
    pydyf.PDF.page_references = remembered.fget.built
    try:
        plain = pdf()
    finally:
        pydyf.PDF.page_references = remembered
    assert len(plain) > 10_000 and faster == plain
    assert remembered.fget is not remembered.fget.built.fget  # the remembering one was used


def test_right_to_left_lines_are_laid_out_once_and_look_the_same():
    """WeasyPrint 70 set every right-to-left line twice; with the fixed test each line
    is set once, and the pages are the same to the pixel."""
    import pypdfium2
    from weasyprint.layout import inline

    from brochure.layout.engine import load_weasyprint

    load_weasyprint()
    fixed = inline.get_next_linebox
    assert fixed.settles_right_to_left
    naskh = internals.Path(__file__).resolve().parents[2] / "brochure/styles/default/fonts/NotoNaskhArabic-Regular.ttf"
    html = (f'<html lang="ar" dir="rtl"><style>@font-face {{ font-family: N; src: url({naskh.as_uri()}) }}'
            "body { font-family: N; columns: 2 } .f { float: left; width: 30mm; height: 20mm }</style>"
            '<div class="f"></div><p>' + "يدرّب برنامج مراقبة الحاويات وحدات مشتركة لمراقبة الموانئ في سبعين بلداً. " * 30
            + "</p></html>")
    splits, pixels = {}, {}
    real_split = inline.split_inline_box
    for name, function in (("fixed", fixed), ("original", fixed.original)):
        count = [0]

        def counting(*args, count=count, **kwargs):
            count[0] += 1
            return real_split(*args, **kwargs)

        inline.get_next_linebox, inline.split_inline_box = function, counting
        try:
            data = weasyprint.HTML(string=html).write_pdf()
        finally:
            inline.get_next_linebox, inline.split_inline_box = fixed, real_split
        splits[name] = count[0]
        page = pypdfium2.PdfDocument(data)[0]
        pixels[name] = page.render(scale=1).to_pil().tobytes()
    assert pixels["fixed"] == pixels["original"]
    assert splits["original"] > 1.4 * splits["fixed"], splits  # twice, but for lines beside the float
