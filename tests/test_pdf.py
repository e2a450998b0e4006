"""The PDF stage's own work-arounds change nothing in the PDF."""

from __future__ import annotations

import pydyf

from brochure.pdf import load_weasyprint


def test_remembered_page_references_give_the_same_bytes():
    weasyprint = load_weasyprint()
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
