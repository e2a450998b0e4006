"""A large brochure laid out in parts, in parallel, is the brochure a single render makes."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from conftest import page_texts
from PIL import Image, ImageChops

import brochure
from brochure.commands.build import BuildOptions, build
from brochure.layout.parts import plan

WORDS = [
    "agreed", "border", "capacity", "community", "cooperation", "customs", "evidence", "meeting", "office",
    "partners", "policy",
]


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


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["screen", "print", "archive"])
def test_parts_match_a_single_render(archive, tmp_path, profile):
    single = build(archive, BuildOptions(output=tmp_path / "single.pdf", profile=profile, jobs=1, force=True))
    steps: list[str] = []
    parted = build(archive, BuildOptions(output=tmp_path / "parts.pdf", profile=profile, jobs=2, part_from=1,
                                         force=True), steps.append)
    assert any(step.startswith("Laying out 4 parts") for step in steps), steps  # really in parts
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
    one = pypdfium2.PdfDocument(str(tmp_path / "single.pdf"))
    joined = pypdfium2.PdfDocument(str(tmp_path / "parts.pdf"))
    try:
        for index in range(len(one)):
            left = one[index].render(scale=0.4).to_pil().convert("L")
            right = joined[index].render(scale=0.4).to_pil().convert("L")
            assert ImageChops.difference(left, right).getbbox() is None, f"page {index + 1}"
    finally:
        one.close()
        joined.close()


@pytest.mark.slow
def test_parts_give_the_same_bytes_every_time(archive, tmp_path):
    for name in ("first.pdf", "second.pdf"):
        build(archive, BuildOptions(output=tmp_path / name, jobs=2, part_from=1, force=True))
    assert (tmp_path / "first.pdf").read_bytes() == (tmp_path / "second.pdf").read_bytes()


def _entries(counts: dict[int, int]) -> list:
    """Entries newest first, `counts[year]` of them in each year."""
    from brochure.model import Entry

    entries = [Entry(file=f"{year}-{n}", title="t", date=dt.date(year, 1, 1), body="x")
               for year, count in counts.items() for n in range(count)]
    return sorted(entries, key=lambda entry: entry.date, reverse=True)


def test_the_plan_keeps_years_whole_in_order_and_balanced():
    counts = {2010: 40, 2011: 420, 2012: 60, 2013: 90, 2014: 300, 2015: 30, 2016: 250, 2017: 200, 2018: 380,
              2019: 230}
    jobs = 2
    years = plan(_entries(counts), jobs)
    flat = [year for part in years for year in sorted(part, reverse=True)]
    assert flat == sorted(counts, reverse=True)  # every year once, whole, in the brochure's order
    target = sum(counts.values()) // (jobs * 6)
    for part in years:
        size = sum(counts[year] for year in part)
        assert len(part) == 1 or size <= target * 1.5, (sorted(part), size, target)  # only a big year alone is big
    # neighbouring small parts are joined: no two neighbours would fit in one part
    sizes = [sum(counts[year] for year in part) for part in years]
    assert all(left + right > target * 1.5 for left, right in itertools.pairwise(sizes))
    assert len(years) >= jobs  # enough parts to keep every process busy


def test_one_year_is_one_part():
    assert plan(_entries({2019: 900}), jobs=2) == [frozenset({2019})]


@pytest.mark.slow
def test_small_or_single_year_brochures_are_one_render(tmp_path, archive):
    from conftest import REPO

    for project, part_from in ((REPO, 1), (archive, 1000)):  # one year; several years but few items
        steps: list[str] = []
        report = build(project, BuildOptions(output=tmp_path / "one.pdf", jobs=2, part_from=part_from, force=True),
                       steps.append)
        assert report.pages > 10
        assert steps and not any("parts" in step for step in steps), steps


@pytest.mark.slow
def test_without_fork_builds_spawn_and_give_the_same_bytes(archive, tmp_path, monkeypatch):
    """Where the system has no fork (Windows) or should not use it (macOS), the layout
    processes are spawned: the same brochure, byte for byte, in parts or not."""
    from brochure.layout import processes

    forked = [build(archive, BuildOptions(output=tmp_path / f"fork-{n}.pdf", jobs=2, part_from=part_from,
                                          force=True)) for n, part_from in ((1, 1), (2, 1000))]
    monkeypatch.setattr(processes, "start_method", lambda: "spawn")
    for report, (n, part_from) in zip(forked, ((1, 1), (2, 1000)), strict=True):
        spawned = build(archive, BuildOptions(output=tmp_path / f"spawn-{n}.pdf", jobs=2, part_from=part_from,
                                              force=True))
        assert spawned.pages == report.pages
        assert (tmp_path / f"spawn-{n}.pdf").read_bytes() == (tmp_path / f"fork-{n}.pdf").read_bytes()
