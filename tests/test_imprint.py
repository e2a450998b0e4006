"""The pages around the news items: a foreword, partners' logos, and a back cover with
the imprint, in every profile; the back cover stays the outside back page in print."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pikepdf
import pypdfium2
import pytest
from conftest import PREVIOUS_PDF, REPO, copy_project, page_texts, run, squash, with_previous_pdf

from brochure.commands.build import BuildOptions, build

LOGOS = REPO / "styles" / "eu-unodc" / "logos"
FOREWORD = "# A word from the Director\n\nThe partnership has grown into one of our **closest**.\n\n*Jane Doe*\n"
IMPRINT = """\
foreword: foreword.md
partners:
  - name: European Union
    logo: logos/european-union.svg
    url: https://europa.eu
  - name: Blue Office
    logo: logos/blue.png
imprint:
  address: |
    Liaison Office
    Rue Montoyer 14, 1000 Brussels
  contacts:
    - name: Press office
      email: press@example.org
      phone: +32 2 290 25 80
      url: https://example.org/press
  disclaimer: The views expressed are not necessarily those of the Office.
  copyright: © Test Office, 2021
  isbn: 978-92-1-148351-2
  issn: 2411-9393
  number: TEST/2021/1
"""


@pytest.fixture
def project(tmp_path):
    """The minimal project (three items) with a foreword, two partners (an SVG and a
    PNG logo) and an imprint."""
    from PIL import Image

    project = copy_project("minimal", tmp_path)
    (project / "logos").mkdir()
    shutil.copy(LOGOS / "european-union.svg", project / "logos")
    Image.new("RGB", (600, 180), (20, 60, 200)).save(project / "logos" / "blue.png", dpi=(300, 300))
    (project / "foreword.md").write_text(FOREWORD)
    with (project / "brochure.yaml").open("a") as settings:
        settings.write(IMPRINT)
    return project


def _links(page) -> list[str]:
    """The page's link addresses, in order, each once (a link may have an area per box)."""
    found = [str(annotation.A.URI) for annotation in page.get("/Annots", []) if "/A" in annotation]
    return list(dict.fromkeys(found))


def test_the_foreword_follows_the_cover_and_the_imprint_ends_the_brochure(project):
    result = run("build", cwd=project)
    assert result.exit_code == 0, result.output
    texts = page_texts(project / "build" / "brochure.pdf")
    assert texts[1].startswith("A word from the Director")
    assert "closest" in texts[1] and "Contents" not in texts[1]
    back = squash(texts[-1])
    for expected in ("IN PARTNERSHIP WITH", "Test Office", "Liaison Office", "Rue Montoyer 14, 1000 Brussels",
                     "Press office", "Email: press@example.org", "Phone: +32 2 290 25 80", "example.org/press",
                     "The views expressed", "© Test Office, 2021", "ISBN 978-92-1-148351-2", "ISSN 2411-9393",
                     "TEST/2021/1"):
        assert expected in back, expected
    assert not any(line.strip().isdigit() for line in texts[-1].splitlines())  # no page number on it
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        assert _links(pdf.pages[-1]) == ["https://europa.eu", "mailto:press@example.org", "https://example.org/press"]
        assert _links(pdf.pages[0]) == ["https://europa.eu"]  # the cover's band of logos
        with pdf.open_outline() as outline:
            assert outline.root[0].title == "A word from the Director"


def _blue_share(pdf_path, index: int, box: tuple[float, float, float, float]) -> float:
    """The share of the page's area inside `box` (fractions of the page) that is the PNG
    logo's blue."""
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        image = document[index % len(document)].render(scale=0.5).to_pil().convert("RGB")
    finally:
        document.close()
    width, height = image.size
    crop = image.crop((int(box[0] * width), int(box[1] * height), int(box[2] * width), int(box[3] * height)))
    blue = sum(abs(r - 20) < 30 and abs(g - 60) < 30 and b > 150 for r, g, b in crop.get_flattened_data())
    return blue / (crop.width * crop.height)


def test_partner_logos_on_the_foot_of_the_cover_and_the_back_cover(project):
    assert run("build", cwd=project).exit_code == 0
    pdf = project / "build" / "brochure.pdf"
    assert _blue_share(pdf, 0, (0, 0.88, 1, 1)) > 0.005  # the band at the foot of the cover
    assert _blue_share(pdf, 0, (0, 0, 1, 0.85)) == 0
    assert _blue_share(pdf, -1, (0, 0.5, 1, 1)) > 0.005


@pytest.mark.parametrize(("binding", "multiple"), [("saddle-stitch", 4), ("none", 2)])
def test_print_pads_before_the_back_cover(project, binding, multiple):
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text() + f"page:\n  binding: {binding}\n")
    # five pages: cover, foreword, contents, items, back cover
    from PIL import Image

    Image.new("RGB", (3000, 3000), (200, 120, 40)).save(project / "entries" / "images" / "square.jpg")  # for print
    unpadded = len(page_texts(_built(project, "screen")))
    assert unpadded % 2 == 1
    result = run("build", "--profile", "print", "-o", "build/print.pdf", cwd=project)
    assert result.exit_code == 0, result.output
    texts = page_texts(project / "build" / "print.pdf")
    assert len(texts) % multiple == 0 and len(texts) > unpadded
    assert "Press office" in texts[-1]  # still the outside back page
    assert all(not text.strip() for text in texts[unpadded - 1:-1])  # the blank pages, before it
    assert f"added {len(texts) - unpadded} blank page(s) before the back cover" in result.output
    with pikepdf.open(project / "build" / "print.pdf") as pdf:
        assert not any("/Annots" in page for page in pdf.pages)  # no link in a print file


def _built(project, profile: str):
    output = project / "build" / f"{profile}.pdf"
    assert run("build", "--profile", profile, "-o", str(output.relative_to(project)), cwd=project).exit_code == 0
    return output


def test_archive_keeps_the_back_cover_tagged(project):
    output = _built(project, "archive")  # PDFBox, qpdf and Ghostscript judge it (conftest.run)
    assert "Press office" in page_texts(output)[-1]


@pytest.mark.slow
def test_parts_give_the_same_foreword_and_back_cover(project, tmp_path):
    """Laid out in parts (a part a year), the back cover has no page number laid over it."""
    for year in (2019, 2020):
        for number in range(2):
            day = dt.date(year, 3 + number, 10)
            (project / "entries" / f"{day}-item.yaml").write_text(
                f"title: Item of {day}\ndate: {day}\nbody: Some words about {day}.\n")
    single = build(project, BuildOptions(output=tmp_path / "single.pdf", jobs=1, force=True))
    steps: list[str] = []
    parted = build(project, BuildOptions(output=tmp_path / "parts.pdf", jobs=2, part_from=1, force=True),
                   steps.append)
    assert any(step.startswith("Laying out 3 parts") for step in steps), steps
    assert parted.pages == single.pages
    assert page_texts(tmp_path / "parts.pdf") == page_texts(tmp_path / "single.pdf")


def test_a_language_edition_prints_the_translated_foreword_and_its_labels(project):
    (project / "foreword.fr.md").write_text("Le partenariat a beaucoup grandi.\n")
    (project / "brochure.fr.yaml").write_text("imprint:\n  copyright: © Bureau de test, 2021\n")
    for entry in (project / "entries").glob("*.yaml"):
        shutil.copy(entry, entry.with_suffix(".fr.yaml"))
    result = run("build", "--language", "fr", "-o", "build/fr.pdf", cwd=project)
    assert result.exit_code == 0, result.output
    texts = page_texts(project / "build" / "fr.pdf")
    assert texts[1].startswith("Avant-propos") and "beaucoup grandi" in texts[1]
    back = squash(texts[-1])
    assert "EN PARTENARIAT AVEC" in back and "Courriel" in back and "© Bureau de test, 2021" in back


def test_an_untranslated_foreword_keeps_its_language(project):
    for entry in (project / "entries").glob("*.yaml"):
        shutil.copy(entry, entry.with_suffix(".de.yaml"))
    assert run("build", "--language", "de", "--format", "html", "-o", "build/de.html", cwd=project).exit_code == 0
    html = (project / "build" / "de.html").read_text()
    assert 'class="foreword" id="foreword" lang="en"' in html  # the web edition has the front and back matter too
    assert "In Partnerschaft mit" in html and "Telefon: +32 2 290 25 80" in html and "ISBN 978-92-1-148351-2" in html
    logos = list((project / "build" / "de_files").glob("*-european-union.svg"))
    assert len(logos) == 1 and f'src="de_files/{logos[0].name}" alt="European Union"' in html


def test_every_problem_of_the_front_and_back_matter_at_once(project, tmp_path):
    settings = project / "brochure.yaml"
    (project / "foreword.md").write_bytes(b"Caf\xe9\n")
    (tmp_path / "outside.svg").write_text((LOGOS / "european-union.svg").read_text())
    settings.write_text(settings.read_text().replace("logos/blue.png", "../outside.svg")
                        .replace("978-92-1-148351-2", "978-92-1-148351-5").replace("2411-9393", "2411-9394")
                        .replace("press@example.org", "press at example.org"))
    result = run("build", cwd=project)  # the schema first: the e-mail address
    assert result.exit_code == 1 and "imprint.contacts[0].email" in result.output, result.output
    settings.write_text(settings.read_text().replace("press at example.org", "press@example.org"))
    result = run("build", cwd=project)
    assert result.exit_code == 1
    output = result.output
    assert "foreword: foreword 'foreword.md' is not UTF-8 text" in output
    assert "partners[1].logo: '../outside.svg'" in output
    assert "imprint.isbn: ISBN '978-92-1-148351-5' has a wrong check digit" in output
    assert "imprint.issn: ISSN '2411-9394' has a wrong check digit" in output
    assert "4 problems found" in output and "Traceback" not in output


def _wide_logo(path, ratio: int) -> None:
    """A row of circles `ratio` times as wide as high: squeezed, they turn into ellipses."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (120 * ratio, 120), "white")
    draw = ImageDraw.Draw(picture)
    for index in range(ratio):
        draw.ellipse((index * 120 + 10, 10, index * 120 + 110, 110), fill=(20, 60, 200))
    picture.save(path, dpi=(1200, 1200))


def test_many_partners_keep_to_one_row_of_the_cover_in_their_proportions(project):
    _wide_logo(project / "logos" / "wide.png", 12)
    settings = project / "brochure.yaml"
    more = "".join(f"  - name: Partner {number}\n    logo: logos/{'wide' if number == 0 else 'blue'}.png\n"
                   for number in range(5))
    settings.write_text(settings.read_text().replace("partners:\n", "partners:\n" + more)
                        + "page:\n  size: A5\n")
    assert run("build", cwd=project).exit_code == 0
    document = pypdfium2.PdfDocument(str(project / "build" / "brochure.pdf"))
    try:
        width, height = document[0].get_size()
        images = [item for item in document[0].get_objects() if item.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]
        boxes = [item.get_bounds() for item in images]  # left, bottom, right, top, in points
        assert len(boxes) == 6  # the PNG logos (the SVG is drawn, not an image)
        assert all(left >= 0 and right <= width and top < height * 0.15 for left, _, right, top in boxes)
        wide = max(boxes, key=lambda box: box[2] - box[0])
        assert abs((wide[2] - wide[0]) / (wide[3] - wide[1]) - 12) < 0.2  # not squeezed
        assert not [item for item in document[1].get_objects() if item.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]
    finally:
        document.close()
    assert _blue_share(project / "build" / "brochure.pdf", 1, (0, 0, 1, 1)) == 0  # nothing spilled onto page 2


def test_a_back_cover_too_full_for_its_page_is_refused_not_cut(project):
    settings = project / "brochure.yaml"
    contacts = "".join(f"    - name: Office {number}\n      email: office{number}@example.org\n" for number in range(7))
    address = "".join(f"    Line {number} of a long address\n" for number in range(20))
    disclaimer = "The views expressed are not necessarily those of the Office. " * 40  # within its 3000
    settings.write_text(settings.read_text().replace("  contacts:\n", "  contacts:\n" + contacts)
                        .replace("    Liaison Office\n", address)
                        .replace("The views expressed are not necessarily those of the Office.", disclaimer.strip())
                        + "page:\n  size: A5\n")
    target = with_previous_pdf(project)
    result = run("build", cwd=project)
    assert result.exit_code == 1
    assert re.search(r"^brochure\.yaml: imprint: the back cover's imprint and partners need \d+ mm more than the "
                     r"page has \(shorten imprint\.disclaimer", result.stderr, re.MULTILINE), result.stderr
    assert target.read_bytes() == PREVIOUS_PDF


def test_a_translated_foreword_that_cannot_be_read_is_told(project):
    for entry in (project / "entries").glob("*.yaml"):
        shutil.copy(entry, entry.with_suffix(".fr.yaml"))
    (project / "foreword.fr.md").write_bytes(b"Caf\xe9\n")
    result = run("build", "--language", "fr", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("foreword.fr.md: foreword is not UTF-8 text (byte 3)")


def test_a_translated_foreword_added_later_is_built(project):
    for entry in (project / "entries").glob("*.yaml"):
        shutil.copy(entry, entry.with_suffix(".fr.yaml"))
    assert run("build", "--language", "fr", "-o", "build/fr.pdf", cwd=project).exit_code == 0
    assert "is up to date" in run("build", "--language", "fr", "-o", "build/fr.pdf", cwd=project).output
    (project / "foreword.fr.md").write_text("Le partenariat a beaucoup grandi.\n")
    result = run("build", "--language", "fr", "-o", "build/fr.pdf", cwd=project)
    assert "is up to date" not in result.output
    assert "beaucoup grandi" in page_texts(project / "build" / "fr.pdf")[1]


def test_an_untranslated_foreword_keeps_its_direction_in_a_right_to_left_edition(project):
    for entry in (project / "entries").glob("*.yaml"):
        shutil.copy(entry, entry.with_suffix(".ar.yaml"))
    assert run("build", "--language", "ar", "--format", "html", "-o", "build/ar.html", cwd=project).exit_code == 0
    assert 'class="foreword" id="foreword" lang="en" dir="ltr"' in (project / "build" / "ar.html").read_text()


def test_a_new_project_prints_and_its_commented_settings_work_once_uncommented(tmp_path):
    """`brochure init` writes foreword, partners, imprint and editions as comments: each,
    uncommented as written, must be a valid setting; and its sample picture must be
    sharp enough for print."""
    assert run("init", str(tmp_path / "demo")).exit_code == 0
    project = tmp_path / "demo"
    result = run("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0 and "print preflight passed" in result.output, result.output
    settings = project / "brochure.yaml"
    text = settings.read_text()
    first = text.index("# foreword:")
    settings.write_text(text[:first] + re.sub(r"^# ?", "", text[first:], flags=re.MULTILINE))
    (project / "logos").mkdir()
    shutil.copy(LOGOS / "european-union.svg", project / "logos" / "partner.svg")
    (project / "foreword.md").write_text("A word first.\n")
    year = str(dt.date.today().year)  # the sample entry is dated today
    result = run("release", year, cwd=project)
    assert result.exit_code == 0, result.output
    assert {path.name for path in (project / "releases").iterdir() if not path.name.startswith(".")} == {
        "SHA256SUMS", f"brochure-{year}-print.pdf", f"brochure-{year}.pdf", "release.json"}
    assert "© Your organisation, 2025" in page_texts(project / "releases" / f"brochure-{year}.pdf")[-1]
