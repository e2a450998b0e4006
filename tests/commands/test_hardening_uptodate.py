"""The up-to-date check never crashes and trusts nothing (issue 11, item 4): a damaged or
old stamp, a picture gone, a project moved, an entry too large or leading out of the
project all mean "build again", and that build says what is wrong."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import copy_project, run, run_json

STAMP = Path("build") / ".brochure.pdf.inputs"
PDF = Path("build") / "brochure.pdf"


def _built(tmp_path: Path) -> Path:
    project = copy_project("minimal", tmp_path / "first")
    result, report = run_json("build", cwd=project)
    assert result.exit_code == 0 and report["up_to_date"] is False, result.output
    return project


def _edit_stamp(change):
    """A setup that rewrites the stamp's JSON document with `change(document, project)`."""
    def setup(project: Path) -> None:
        stamp = project / STAMP
        stamp.write_text(json.dumps(change(json.loads(stamp.read_text()), project)))
    return setup


def _old_format(document: dict, project: Path) -> dict:
    """The stamp as the first version wrote it: no version, absolute paths."""
    del document["version"]
    document["pictures"] = {str(project / key): known for key, known in document["pictures"].items()}
    return document


def _write(content: bytes):
    return lambda project: (project / STAMP).write_bytes(content)


def _folder_for_stamp(project: Path) -> None:
    (project / STAMP).unlink()
    (project / STAMP).mkdir()


def _bare_excluded(document: dict, project: Path) -> dict:
    document["report"]["excluded"] = [{"file": "entries/x.yaml"}]  # the digest still matches
    return document


# name -> what is done to the stamp. Each time the stamp cannot be trusted: the PDF is
# built again (exit 0), never an internal error.
DOUBTFUL_STAMPS = {
    "old format": _edit_stamp(_old_format),
    "another version": _edit_stamp(lambda document, _: document | {"version": 99}),
    "damaged JSON": lambda project: (project / STAMP).write_text((project / STAMP).read_text()[:100]),
    "not UTF-8": _write(b'{"version": 2, "digest": "\xe9"}'),
    "nested too deep": _write(b"[" * 200_000),
    "no report": _edit_stamp(lambda document, _: {key: value for key, value in document.items()
                                          if key != "report"}),
    "pictures not a mapping": _edit_stamp(lambda document, _: document | {"pictures": ["square.jpg"]}),
    "an excluded item without its fields": _edit_stamp(_bare_excluded),
    "an excluded item of the wrong types": _edit_stamp(lambda document, _: document | {"report": document["report"] | {
        "excluded": [{"file": "x", "title": "x", "date": "x", "end_date": None, "tags": None, "reason": "x"}]}}),
    "a list, not a mapping": _write(b"[1, 2, 3]"),
    "a folder in its place": _folder_for_stamp,
}


@pytest.mark.parametrize("name", sorted(DOUBTFUL_STAMPS))
def test_a_stamp_that_cannot_be_trusted_means_build_again(tmp_path, name):
    project = _built(tmp_path)
    DOUBTFUL_STAMPS[name](project)
    result, report = run_json("build", cwd=project)
    assert result.exit_code == 0, result.output
    assert report["up_to_date"] is False and report["pages"] == 3
    assert (project / PDF).read_bytes().startswith(b"%PDF-")
    assert not list(project.rglob("*.tmp")) and not list(project.rglob(".*.tmp"))
    if name != "a folder in its place":  # the new stamp is good: nothing to do next time
        assert run_json("build", cwd=project)[1]["up_to_date"] is True


def _gone(relative: str):
    return lambda project: (project / relative).unlink()


def _folder_for_picture(project: Path) -> None:
    picture = project / "entries" / "images" / "square.jpg"
    picture.unlink()
    picture.mkdir()


def _moved_then(setup):
    """The project moved to another folder, then `setup` run there."""
    def moved(project: Path) -> Path:
        elsewhere = project.parent.parent / "moved"
        shutil.move(project, elsewhere)
        setup(elsewhere)
        return elsewhere
    return moved


def _sparse(path: Path, size: int = 200_000_000) -> None:
    with path.open("wb") as stream:
        stream.truncate(size)


def _linked_from_outside(project: Path) -> None:
    _sparse(project.parent / "outside.yaml")
    (project / "entries" / "outside.yaml").symlink_to(project.parent / "outside.yaml")


MISSING = ("entries/2021-02-15-first-of-the-day.yaml:6:8: image.src: image file 'images/square.jpg' not found "
           "(check the file name; paths are relative to the entry file)")

# name -> (what changes, the problem the build that follows reports; exit 1).
CHANGED_INPUTS = {
    "picture deleted": (_gone("entries/images/square.jpg"), MISSING),
    "picture now a folder": (_folder_for_picture, MISSING),
    "project moved, picture deleted": (_moved_then(_gone("entries/images/square.jpg")), MISSING),
    "entry over the size limit": (lambda project: _sparse(project / "entries" / "big.yaml"),
                                  "entries/big.yaml: file is too large (200,000,000 bytes; the limit is 1,000,000) "
                                  "(split it or remove pasted data)"),
    "entry linked from outside": (_linked_from_outside, "entries/outside.yaml: is a link to a file outside the "
                                  "project folder (copy the entry into the project instead of linking to it)"),
}


def _bytes_read() -> int:
    """What this process has read so far (Linux), to show that a file was not read."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="counts the bytes read with /proc/self/io")
@pytest.mark.parametrize("name", sorted(CHANGED_INPUTS))
def test_a_changed_input_is_built_again_and_reported_never_a_crash(tmp_path, name):
    project = _built(tmp_path)
    change, expected = CHANGED_INPUTS[name]
    project = change(project) or project
    before = (project / PDF).read_bytes(), (project / STAMP).read_bytes()
    reading = _bytes_read()
    result = run("build", cwd=project)
    assert _bytes_read() - reading < 50_000_000  # 200 MB files are refused by their size, unread
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [expected, "1 problem found; nothing was written."]
    assert ((project / PDF).read_bytes(), (project / STAMP).read_bytes()) == before
    assert sorted(path.name for path in (project / "build").iterdir()) == [STAMP.name, PDF.name]


def test_a_moved_project_is_still_up_to_date_and_the_stamp_names_no_folder_of_it(tmp_path):
    project = _built(tmp_path)
    stamp = (project / STAMP).read_text()
    assert str(project) not in stamp
    assert list(json.loads(stamp)["pictures"]) == ["entries/images/square.jpg"]
    moved = tmp_path / "moved"
    shutil.move(project, moved)
    pdf = (moved / PDF).read_bytes()
    result, report = run_json("build", cwd=moved)
    assert result.exit_code == 0 and report["up_to_date"] is True, result.output
    assert (moved / PDF).read_bytes() == pdf


def test_a_picture_put_back_unchanged_is_up_to_date_again(tmp_path):
    project = _built(tmp_path)
    picture = project / "entries" / "images" / "square.jpg"
    kept = picture.read_bytes()
    picture.unlink()
    assert run("build", cwd=project).exit_code == 1
    picture.write_bytes(kept)  # the same bytes, a new time: the digest is read again, and matches
    os.utime(picture, (1, 1))
    result, report = run_json("build", cwd=project)
    assert result.exit_code == 0 and report["up_to_date"] is True, result.output


def test_an_entry_saved_during_a_build_is_built_again_next_time(tmp_path):
    """Saved while the build laid out (after it read the entries), the new text is not
    in this PDF: no stamp may vouch for it, so the next build renders it."""
    from brochure.commands.build import BuildOptions, build

    project = copy_project("minimal", tmp_path)
    entry = project / "entries" / "2021-02-15-second-of-the-day.yaml"

    def save_while_rendering(step: str) -> None:
        if step == "Rendering HTML":
            entry.write_text(entry.read_text().replace("Second item", "Saved meanwhile"))

    first = build(project, BuildOptions(jobs=1), save_while_rendering)
    assert "Saved meanwhile" not in json.dumps(first.included)
    assert not (project / STAMP).exists()
    result, report = run_json("build", cwd=project)
    assert result.exit_code == 0 and report["up_to_date"] is False
    assert "Saved meanwhile" in json.dumps(report["included"])
