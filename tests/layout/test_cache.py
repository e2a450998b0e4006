"""Incremental rebuilds: a brochure laid out in parts keeps its layouts (layout/cache.py)
and a rebuild gives the very bytes a build from nothing gives."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image

from brochure.commands.build import BuildOptions, build
from brochure.layout import cache

WORDS = ["agreed", "border", "capacity", "community", "cooperation", "customs", "evidence", "meeting", "office"]


def _item(project: Path, number: int, extra: str = "", day: dt.date | None = None) -> Path:
    day = day or dt.date(2017, 2, 1) + dt.timedelta(days=number * 91)
    text = " ".join(WORDS[(number + i) % len(WORDS)] for i in range(120)) + extra
    picture = "image:\n  src: images/picture.png\n  alt: A picture\n" if number == 4 else ""
    path = project / "entries" / f"{day.isoformat()}-item-{number:02d}.yaml"
    path.write_text(f"title: Item {number}\ndate: {day.isoformat()}\n{picture}body: |\n  {text}\n"
                    f"  See [the first item](#item-2017-02-01-item-00).\n")
    return path


@pytest.fixture
def project(tmp_path) -> Path:
    """12 items over three years, a picture in one of them: laid out in parts of a year."""
    project = tmp_path / "three-years"
    (project / "entries" / "images").mkdir(parents=True)
    (project / "brochure.yaml").write_text("title: Three years\npublisher: Test Office\n")
    Image.new("RGB", (2400, 1600), (30, 90, 140)).save(project / "entries" / "images" / "picture.png")
    for number in range(12):
        _item(project, number)
    return project


def _build(project: Path, name: str, profile: str = "screen") -> tuple[bytes, tuple[int, int]]:
    """The PDF's bytes, and (layouts taken from the cache, layouts in all)."""
    steps: list[str] = []
    build(project, BuildOptions(output=project / "build" / name, profile=profile, jobs=2, part_from=1, force=True),
          steps.append)
    assert any(re.match(r"Laying out \d parts", step) for step in steps), steps
    taken = next(re.match(r"Took (\d+) of (\d+) layouts", step) for step in steps if step.startswith("Took"))
    return (project / "build" / name).read_bytes(), (int(taken[1]), int(taken[2]))


def _from_nothing(project: Path, name: str, profile: str = "screen") -> bytes:
    """A full build: every layout made again (and kept, for the next rebuild)."""
    shutil.rmtree(project / cache.CACHE_DIR, ignore_errors=True)
    data, (taken, _) = _build(project, name, profile)
    assert taken == 0
    return data


def _entries(project: Path) -> list[Path]:
    return sorted((project / cache.CACHE_DIR).glob("*.layout"))


@pytest.mark.slow
def test_rebuilds_after_editing_adding_and_deleting_give_the_bytes_of_a_full_build(project):
    _from_nothing(project, "first.pdf")
    # one word more in one item: its part is laid out again, nothing else
    _item(project, 7, " again")
    edited, (taken, made) = _build(project, "edited.pdf")
    assert (taken, made) == (7, 8)  # front twice, 3 parts, 3 page numbers: one part made again
    assert edited == _from_nothing(project, "edited-full.pdf")
    # an item added: its year's part, and what its pages move (page numbers, contents)
    added_item = _item(project, 12, day=dt.date(2018, 6, 15))
    added, (taken, _) = _build(project, "added.pdf")
    assert taken >= 1
    assert added == _from_nothing(project, "added-full.pdf")
    # an item deleted
    added_item.unlink()
    (project / "entries" / f"{(dt.date(2017, 2, 1) + dt.timedelta(days=2 * 91)).isoformat()}-item-02.yaml").unlink()
    deleted, _ = _build(project, "deleted.pdf")
    assert deleted == _from_nothing(project, "deleted-full.pdf")
    assert deleted not in (edited, added)


@pytest.mark.slow
def test_a_picture_changed_under_the_same_name_makes_its_part_stale(project):
    _from_nothing(project, "first.pdf")
    Image.new("RGB", (2400, 1600), (200, 40, 40)).save(project / "entries" / "images" / "picture.png")
    rebuilt, (taken, made) = _build(project, "rebuilt.pdf")
    assert (taken, made) == (7, 8)  # the same HTML everywhere, but one part read the picture
    assert rebuilt == _from_nothing(project, "full.pdf")


@pytest.mark.slow
def test_a_corrupt_entry_is_detected_and_made_again(project):
    full = _from_nothing(project, "full.pdf")
    entries = _entries(project)
    assert len(entries) == 8
    truncated, flipped = entries[0], entries[1]
    truncated.write_bytes(truncated.read_bytes()[:-100])
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit, inside the PDF
    flipped.write_bytes(bytes(data))
    rebuilt, (taken, made) = _build(project, "rebuilt.pdf")
    assert (taken, made) == (6, 8)
    assert rebuilt == full
    # and written again whole: the next build takes every layout
    again, (taken, made) = _build(project, "again.pdf")
    assert (taken, made) == (8, 8)
    assert again == full


@pytest.mark.slow
def test_the_cache_stays_within_its_limit(project, monkeypatch):
    _from_nothing(project, "full.pdf")
    sizes = sorted(entry.stat().st_size for entry in _entries(project))
    limit = sum(sizes[:4])  # room for the four smallest layouts only
    monkeypatch.setattr(cache, "LIMIT", limit)
    _item(project, 7, " again")
    _build(project, "edited.pdf")
    kept = _entries(project)
    assert 0 < len(kept) < 8
    assert sum(entry.stat().st_size for entry in kept) <= limit


@pytest.mark.slow
def test_print_keeps_its_bytes_with_kept_layouts(project):
    """PDF/X-4: WeasyPrint's random document ID in the front must not reach the joined
    file, or a kept front would give another file than a new one."""
    full = _from_nothing(project, "full.pdf", "print")
    again, (taken, made) = _build(project, "again.pdf", "print")
    assert (taken, made) == (8, 8)
    assert again == full == _from_nothing(project, "full-again.pdf", "print")
