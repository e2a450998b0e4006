"""A large brochure laid out in parts, in parallel, is the brochure a single render makes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import Image, ImageChops

import brochure
from brochure.build import build
from brochure.model import Selection
from brochure.parts import plan
from conftest import page_texts

WORDS = "agreed border capacity community cooperation customs evidence meeting office partners policy".split()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """36 items over four years, a picture every third item, links between items; the
    theme puts page numbers outside, left on left pages and right on right ones."""
    project = tmp_path_factory.mktemp("archive")
    (project / "entries" / "images").mkdir(parents=True)
    (project / "brochure.yaml").write_text("title: Four years\npublisher: Test Office\n")
    theme = project / "styles" / "default"
    shutil.copytree(Path(brochure.__file__).parent / "styles" / "default", theme)
    with (theme / "brochure.css").open("a") as css:
        css.write("@page :left { @bottom-center { content: none; } @bottom-left { content: counter(page); } }\n"
                  "@page :right { @bottom-center { content: none; } @bottom-right { content: counter(page); } }\n")
    for number in range(36):
        day = dt.date(2018, 1, 10) + dt.timedelta(days=number * 40)
        text = "\n\n".join(" ".join(WORDS[(number + i * j) % len(WORDS)] for i in range(70)) for j in range(3))
        body = "".join(f"  {line}\n" if line else "\n" for line in text.split("\n"))
        body += f"\n  See also [the first item](#item-{dt.date(2018, 1, 10).isoformat()}-item-00).\n"
        picture = ""
        if number % 3 == 0:
            Image.new("RGB", (2100, 1400), (number * 7 % 256, 90, 140)).save(
                project / "entries" / "images" / f"{number:02d}.jpg", quality=70)
            picture = f"image:\n  src: images/{number:02d}.jpg\n  alt: Picture {number}\n"
        (project / "entries" / f"{day.isoformat()}-item-{number:02d}.yaml").write_text(
            f"title: Item {number} on {' '.join(WORDS[number % 5:number % 5 + 4])}\ndate: {day.isoformat()}\n"
            f"{picture}body: |\n{body}links:\n  - title: Example\n    url: https://example.org/{number}\n")
    return project


def _outline(pdf) -> list:
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
    found = []
    with pdf.open_outline() as outline:
        def walk(items, depth):
            for item in items:
                target = item.destination
                found.append((depth, item.title, pages[target[0].objgen], [round(float(v), 1) for v in target[2:4]]))
                walk(item.children, depth + 1)
        walk(outline.root, 0)
    return found


def _links(pdf) -> list:
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, 1)}
    names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items()) if "/Names" in pdf.Root else {}
    found = []
    for number, page in enumerate(pdf.pages, 1):
        for annotation in page.get("/Annots", []):
            rect = [round(float(v), 1) for v in annotation.Rect]
            if "/Dest" in annotation:
                target = names[str(annotation.Dest)]
                found.append((number, rect, pages[target[0].objgen], [round(float(v), 1) for v in target[2:4]]))
            else:
                found.append((number, rect, str(annotation.A.URI)))
    return found


@pytest.mark.parametrize("profile", ["screen", "print", "archive"])
def test_parts_match_a_single_render(archive, tmp_path, profile):
    single = build(archive, Selection(), tmp_path / "single.pdf", profile_name=profile, jobs=1, force=True)
    parted = build(archive, Selection(), tmp_path / "parts.pdf", profile_name=profile, jobs=2, part_from=1,
                   force=True)
    assert parted.pages == single.pages > 30
    assert parted.included == single.included  # titles and first pages
    assert page_texts(tmp_path / "parts.pdf") == page_texts(tmp_path / "single.pdf")
    with pikepdf.open(tmp_path / "single.pdf") as one, pikepdf.open(tmp_path / "parts.pdf") as joined:
        assert _outline(joined) == _outline(one)
        assert [depth for depth, *_ in _outline(one)].count(0) == 4  # a bookmark a year, items below
        # parts start on left and on right pages: their numbers must sit on the right side
        assert {page % 2 for depth, _, page, _ in _outline(one) if depth == 0} == {0, 1}
        assert _links(joined) == _links(one)
        assert dict(joined.docinfo) == dict(one.docinfo)
        for key in ("/Lang", "/ViewerPreferences", "/MarkInfo", "/OutputIntents"):
            assert repr(joined.Root.get(key)) == repr(one.Root.get(key)), key
        if profile == "screen":
            assert joined.Root.StructTreeRoot.ParentTreeNextKey == len(joined.Root.StructTreeRoot.ParentTree.Nums) // 2
        assert joined.check_pdf_syntax() == []
    assert {rule["status"] for rule in parted.preflight} <= {"pass"}
    # and they look the same, pixel for pixel
    one, joined = pypdfium2.PdfDocument(str(tmp_path / "single.pdf")), pypdfium2.PdfDocument(str(tmp_path / "parts.pdf"))
    try:
        for index in range(len(one)):
            left = one[index].render(scale=0.4).to_pil().convert("L")
            right = joined[index].render(scale=0.4).to_pil().convert("L")
            assert ImageChops.difference(left, right).getbbox() is None, f"page {index + 1}"
    finally:
        one.close()
        joined.close()


def test_parts_give_the_same_bytes_every_time(archive, tmp_path):
    for name in ("first.pdf", "second.pdf"):
        build(archive, Selection(), tmp_path / name, jobs=2, part_from=1, force=True)
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "second.pdf").read_bytes()


def test_the_plan_keeps_years_whole_and_balanced():
    from brochure.model import Entry

    entries = [Entry(file=f"e{n}", title="t", date=dt.date(2010 + n // 200, 1, 1), body="x") for n in range(2000)]
    entries.reverse()  # newest first
    years = plan(entries, jobs=2)
    assert sorted(year for part in years for year in part) == list(range(2010, 2020))
    assert all(len(part) >= 1 for part in years) and len(years) >= 4
    assert plan(entries[:300], jobs=2) and len(plan([entries[0]], jobs=2)) == 1


def test_small_or_single_year_brochures_are_one_render(tmp_path):
    from conftest import REPO

    report = build(REPO, Selection(), tmp_path / "seed.pdf", jobs=2, part_from=1, force=True)
    assert report.timings["layout"] > 0 and report.pages == 18  # the seed spans one year: no parts
