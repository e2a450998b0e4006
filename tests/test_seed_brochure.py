"""The repository's own project builds the EU-UNODC brochure, as the seed text has it."""

from __future__ import annotations

import io
import re

import pikepdf
from conftest import REPO, outline_titles, page_texts, run, run_json, squash
from fontTools.ttLib import TTFont

# The 14 headlines in the order of ../shared/seed/eu-unodc-brochure.txt.
SOURCE_ORDER = [
    "ICAT Policy Exchange with the EU Anti-Trafficking Coordinator",
    ("Belgium announces EUR 2 million contribution to United Nations Trust Fund for Victims of Human Trafficking, "
     "managed by UNODC"),
    ("Discussions on prevention, treatment and care of blood borne diseases among people who use drugs and people in "
     "prison settings"),
    ("Discussions on UNODC strategic partnership and Security Sector Reform in Eastern Europe (Belarus, Moldova and "
     "Ukraine)"),
    "UNODC presented the CCP at the Council’s Customs Cooperation Working Party",
    "Unity in Diversity: Iraqi Officials Study Visit organized by UNODC and the city hall of Mechelen",
    "UNODC Container Control Programme wins prestigious industry award",
    ("UNODC joined a debate on how the EU and national anti-migrant policies affect humanitarian assistance to asylum "
     "seekers and migrants"),
    "UNODC supporting efforts to safeguard sport from corruption and crime",
    "EU and UNODC discussions against trafficking in persons and the smuggling of migrants",
    ("Belgium and UNODC sign two-million-euro funding agreement to strengthen fight against corruption and wildlife "
     "crime in Africa"),
    "UNODC participates in the consultations on the EU Enlargement Package",
    "UNODC presents the first comprehensive National Drug Use Survey conducted in Nigeria to the EC",
    "Belgium and UNODC discuss the Container Control Program",
]


def test_items_appear_in_the_sources_order(seed_pdf):
    texts = page_texts(seed_pdf)
    body = squash(" ".join(texts[2:]))  # after the cover and the contents
    positions = [body.find(title) for title in SOURCE_ORDER]
    assert -1 not in positions, [t for t, p in zip(SOURCE_ORDER, positions, strict=True) if p == -1]
    assert positions == sorted(positions)


def test_one_bookmark_per_item_in_order(seed_pdf):
    assert outline_titles(seed_pdf) == SOURCE_ORDER


def test_contents_lists_every_item_with_the_page_it_starts_on(seed_pdf):
    texts = page_texts(seed_pdf)
    contents = squash(texts[1])
    assert "Contents" in contents
    positions = [contents.find(title) for title in SOURCE_ORDER]
    assert -1 not in positions and positions == sorted(positions)
    # Each contents line is "DATE PAGE"; the page is where the item's bookmark points,
    # and that page carries the item's title.
    listed = [int(number) for number in
              re.findall(r"^(?:\d{1,2}–)?\d{1,2} [A-Z]+ \d{4} (\d+)$", texts[1].replace("\r", ""), re.MULTILINE)]
    with pikepdf.open(seed_pdf) as pdf, pdf.open_outline() as outline:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
        bookmarked = [pages[item.destination[0].objgen] for item in outline.root]
    assert listed == bookmarked
    for title, page in zip(SOURCE_ORDER, listed, strict=False):
        assert title in squash(texts[page - 1]), title


def test_dates_credits_sources_and_further_information_are_printed(seed_pdf):
    text = squash(" ".join(page_texts(seed_pdf)))
    assert "11 APRIL 2019" in text  # the theme sets dates in capitals
    assert "4–5 APRIL 2019" in text  # a two-day item
    assert text.count("Image © UNODC") == 8
    assert "Image © Belgian MoFA" in text
    assert text.count("Originally published by UNODC Vienna.") == 2
    assert "FURTHER INFORMATION" in text


def test_cover_header_and_footer(seed_pdf):
    texts = page_texts(seed_pdf)
    cover = squash(texts[0])
    assert "EU-UNODC brochure" in cover
    assert "January – April 2019" in cover
    assert "UNITED NATIONS OFFICE ON DRUGS AND CRIME" in cover
    for number, text in enumerate(texts[1:-1], 2):
        lines = [squash(line) for line in text.splitlines() if line.strip()]  # CLDR's thin spaces round the dash
        assert "EU-UNODC BROCHURE January – April 2019" in lines, f"running header missing on page {number}"
        assert lines[-1] == str(number), f"page number missing on page {number}"
    back = [squash(line) for line in texts[-1].splitlines() if line.strip()]  # the back cover: the imprint alone
    assert back[0] == "IN PARTNERSHIP WITH" and back[-1] == "© United Nations, 2019"


def test_links_are_clickable_and_contents_link_to_items(seed_pdf):
    uris, internal = [], 0
    with pikepdf.open(seed_pdf) as pdf:
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                if annotation.get("/Subtype") != "/Link":
                    continue
                action = annotation.get("/A")
                if action is not None and action.get("/S") == "/URI":
                    uris.append(str(action.URI))
                elif annotation.get("/Dest") is not None or (action is not None and action.get("/S") == "/GoTo"):
                    internal += 1
    assert "https://icat.un.org/news" in uris
    assert internal >= len(SOURCE_ORDER)


def test_metadata_language_and_tags(seed_pdf):
    with pikepdf.open(seed_pdf) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == "EU-UNODC brochure"
        assert str(info["/Author"]) == "United Nations Office on Drugs and Crime"
        assert "January – April 2019" in squash(str(info["/Subject"]))
        keywords = str(info["/Keywords"])
        assert "trafficking" in keywords and "wildlife" in keywords
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert "/StructTreeRoot" in pdf.Root  # tagged for accessibility
        assert str(info["/CreationDate"]).startswith("D:20190411")  # the newest item, not the clock


def test_fonts_are_embedded_and_come_from_the_theme(seed_pdf):
    families = set()
    with pikepdf.open(seed_pdf) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3") or descriptor.get("/FontFile")
                assert program is not None, f"{font.BaseFont} is not embedded"
                # The family named inside the embedded font program itself.
                families.add(TTFont(io.BytesIO(program.read_bytes()))["name"].getDebugName(1))
    assert families == {"Noto Serif", "Open Sans", "Open Sans Semibold"}, families


def test_images_are_placed_with_their_alt_text(seed_pdf):
    images = set()
    with pikepdf.open(seed_pdf) as pdf:
        for page in pdf.pages:
            images |= {x.objgen for x in page.Resources.get("/XObject", {}).values() if x.Subtype == "/Image"}
        figures = [element for element in _structure(pdf.Root.StructTreeRoot) if element.get("/S") == "/Figure"]
    assert len(images) == 9  # the photographs; the logos are SVG, drawn as vectors
    pictures = [str(figure.Alt) for figure in figures if str(figure.Alt).startswith("Placeholder")]
    logos = sorted(str(figure.Alt) for figure in figures if not str(figure.Alt).startswith("Placeholder"))
    assert len(pictures) == 9
    # the brand's logo on the cover and the back cover, the partner's on both
    assert logos == ["European Union"] * 2 + ["United Nations Office on Drugs and Crime"] * 2


def _structure(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            yield from _structure(kid)


def test_build_reports_what_it_made_without_warnings(tmp_path):
    result, report = run_json("build", "-o", str(tmp_path / "out.pdf"))
    assert result.exit_code == 0
    assert report["warnings"] == []  # an unsupported CSS property would be a theme bug
    assert [item["title"] for item in report["included"]] == SOURCE_ORDER
    assert report["pages"] == len(page_texts(tmp_path / "out.pdf"))
    first_pages = [item["first_page"] for item in report["included"]]
    assert first_pages == sorted(first_pages) and first_pages[0] == 3


def test_default_output_is_build_brochure_pdf(tmp_path):
    from conftest import copy_project

    project = copy_project("seed", tmp_path)
    result = run("build", cwd=project)
    assert result.exit_code == 0, result.output
    assert (project / "build" / "brochure.pdf").is_file()
    assert result.output.startswith("wrote build/brochure.pdf: 14 items,")


def test_identical_inputs_give_identical_bytes_from_any_folder(tmp_path, seed_pdf):
    from conftest import copy_project

    project = copy_project("seed", tmp_path)
    assert run("build", "-o", "again.pdf", cwd=project).exit_code == 0
    assert (project / "again.pdf").read_bytes() == seed_pdf.read_bytes()


def test_source_date_epoch_sets_the_document_dates(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    assert run("build", "-o", str(tmp_path / "dated.pdf")).exit_code == 0
    with pikepdf.open(tmp_path / "dated.pdf") as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114221320")


def test_repository_is_a_project():
    assert (REPO / "brochure.yaml").is_file()
    assert len(list((REPO / "entries").glob("*.yaml"))) == 14


def test_page_size_comes_from_the_settings(tmp_path):
    from conftest import copy_project

    project = copy_project("minimal", tmp_path)
    for size, box in (("letter", [0, 0, 612, 792]), ("A5", [0, 0, 420, 595])):
        (project / "brochure.yaml").write_text(f"title: T\npage:\n  size: {size}\n")
        assert run("build", "-o", f"{size}.pdf", cwd=project).exit_code == 0
        with pikepdf.open(project / f"{size}.pdf") as pdf:
            assert {tuple(round(float(v)) for v in page.MediaBox) for page in pdf.pages} == {tuple(box)}, size


def test_a_brochure_over_several_years_has_a_section_a_year(tmp_path):
    from conftest import copy_project

    project = copy_project("minimal", tmp_path)
    (project / "entries" / "2020-12-30-last-year.yaml").write_text(
        "title: From the year before\ndate: 2020-12-30\nbody: x\n")
    assert run("build", cwd=project).exit_code == 0
    pdf_path = project / "build" / "brochure.pdf"
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        tree = [(item.title, [child.title for child in item.children]) for item in outline.root]
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
        starts = [pages[item.destination[0].objgen] for item in outline.root]
    assert tree == [("2021", ["First item of the fifteenth", "Second item of the fifteenth",
                              "A meeting from January into February"]),
                    ("2020", ["From the year before"])]
    texts = page_texts(pdf_path)
    assert starts[1] == len(texts) and texts[-1].lstrip().startswith("2020")  # 2020 starts its own page
