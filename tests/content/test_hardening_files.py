"""Files that are not what their name says (issue 11, item 6): an entry that is a named
pipe, a folder or a broken link, a name that is not UTF-8, a cover picture that is no
picture. Each is a problem naming the file, every one at once; nothing is written,
and a named pipe is never opened (it would block the build for good)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, copy_project, run

PREVIOUS = b"%PDF- the previous release"
SPECIAL = "is not a regular file but a named pipe, a device or a socket (remove it, or replace it with a plain file)"
OUTSIDE = "is a link to a file outside the project folder (copy the entry into the project instead of linking to it)"
NOT_UTF8 = ("the file name is not valid UTF-8 (\\xNN marks each byte that is not) (rename the file, typing its "
            "name anew)")


def _brochure(project: Path, *arguments: str) -> subprocess.CompletedProcess:
    """The real command in its own process, stopped after a minute: a build that opens a
    named pipe waits for a writer forever, and must fail this test, not hang it."""
    return subprocess.run([sys.executable, "-m", "brochure", *arguments], cwd=project, capture_output=True,
                          text=True, timeout=60)


def _project(tmp_path: Path, name: str = "minimal") -> Path:
    project = copy_project(name, tmp_path)
    (project / "build").mkdir()
    (project / "build" / "brochure.pdf").write_bytes(PREVIOUS)
    return project


def _bind(path: Path) -> None:
    here = Path.cwd()
    os.chdir(path.parent)  # a socket's path is limited to about 100 bytes: bind by the name
    try:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(path.name)
        listener.close()
    finally:
        os.chdir(here)


def _outside_pipe(entries: Path) -> None:
    os.mkfifo(entries.parent.parent / "outside.yaml")
    (entries / "outside.yaml").symlink_to(entries.parent.parent / "outside.yaml")


def _bytes_name(entries: Path, name: bytes) -> None:
    path = os.path.join(os.fsencode(entries), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    shutil.copy(os.fsencode(entries / "2021-02-15-second-of-the-day.yaml"), path)


# name -> (what is put in entries/, the line `check` and `build` print for it).
ODD_ENTRIES = {
    "named pipe": (lambda entries: os.mkfifo(entries / "pipe.yaml"), f"entries/pipe.yaml: {SPECIAL}"),
    "socket": (lambda entries: _bind(entries / "sock.yaml"), f"entries/sock.yaml: {SPECIAL}"),
    "broken link": (lambda entries: (entries / "gone.yaml").symlink_to("nowhere.yaml"),
                    "entries/gone.yaml: is a symbolic link to a file that does not exist (remove the link, or point "
                    "it at an entry file inside the project)"),
    "link to itself": (lambda entries: (entries / "loop.yaml").symlink_to("loop.yaml"),
                       "entries/loop.yaml: cannot be read: Too many levels of symbolic links (remove it, or replace "
                       "it with a plain file)"),
    "folder named .yaml": (lambda entries: (entries / "2021.yaml").mkdir(),
                           "entries/2021.yaml: is a folder, not an entry file (rename the folder: names ending in "
                           ".yaml or .yml are read as entries)"),
    "folder named .yml, deeper": (lambda entries: (entries / "old" / "notes.yml").mkdir(parents=True),
                                  "entries/old/notes.yml: is a folder, not an entry file (rename the folder: names "
                                  "ending in .yaml or .yml are read as entries)"),
    "link to a named pipe outside": (_outside_pipe, f"entries/outside.yaml: {OUTSIDE}"),
    "link to a device": (lambda entries: (entries / "null.yaml").symlink_to("/dev/null"),
                         f"entries/null.yaml: {OUTSIDE}"),
    "name not UTF-8": (lambda entries: _bytes_name(entries, b"caf\xe9.yaml"), f"entries/caf\\xe9.yaml: {NOT_UTF8}"),
    "folder name not UTF-8": (lambda entries: _bytes_name(entries, b"\xff\xfe/x.yaml"),
                              f"entries/\\xff\\xfe/x.yaml: {NOT_UTF8}"),
}


@pytest.mark.parametrize("name", sorted(ODD_ENTRIES))
def test_an_entry_that_is_not_a_regular_file_is_reported_by_name(tmp_path, name):
    project = _project(tmp_path)
    put, expected = ODD_ENTRIES[name]
    put(project / "entries")
    for command in ("check", "build"):
        done = _brochure(project, command)
        assert done.returncode == 1, done.stderr
        assert done.stderr.splitlines() == [expected, "1 problem found; nothing was written."]
    assert (project / "build" / "brochure.pdf").read_bytes() == PREVIOUS
    assert [path.name for path in (project / "build").iterdir()] == ["brochure.pdf"]


def test_every_odd_entry_is_reported_at_once(tmp_path):
    project = _project(tmp_path)
    for put, _ in ODD_ENTRIES.values():
        put(project / "entries")
    done = _brochure(project, "build")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [*sorted(expected for _, expected in ODD_ENTRIES.values()),
                                        f"{len(ODD_ENTRIES)} problems found; nothing was written."]
    assert (project / "build" / "brochure.pdf").read_bytes() == PREVIOUS


def _stamp(project: Path) -> Path:
    return project / "build" / ".brochure.pdf.inputs"


def _stamp_names_outside_pipe(project: Path) -> None:
    os.mkfifo(project.parent / "pipe.jpg")
    document = json.loads(_stamp(project).read_text())
    document["pictures"] = {"../pipe.jpg": [0, 0, "0"], "/dev/zero": [0, 0, "0"]}
    _stamp(project).write_text(json.dumps(document))


def _stamp_is_a_pipe(project: Path) -> None:
    _stamp(project).unlink()
    os.mkfifo(_stamp(project))


@pytest.mark.parametrize("setup", [_stamp_names_outside_pipe, _stamp_is_a_pipe])
def test_the_up_to_date_check_opens_no_named_pipe_and_nothing_outside(tmp_path, setup):
    project = copy_project("minimal", tmp_path)
    assert _brochure(project, "build").returncode == 0
    setup(project)
    done = _brochure(project, "build")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote build/brochure.pdf: 3 items")  # built again, not "up to date"
    assert _brochure(project, "build").stdout.startswith("build/brochure.pdf is up to date")


# tests/data/bad-pictures/NAME -> why it is refused, as the cover or as an entry's picture.
BAD_PICTURES = {
    "decompression-bomb.png": "has too many pixels to be a photograph (a decompression bomb?)",
    "empty.jpg": "is not a readable image (unknown or damaged format)",
    "html-named-jpg.jpg": "is not a readable image (unknown or damaged format)",
    "svg-with-script.svg": "has a <script> at line 2, column 1",
    "tiff-named-jpg.jpg": "is a TIFF image; use JPEG, PNG, GIF or WebP",
    "truncated.jpg": "is not a readable image (image file is truncated (44 bytes not processed))",
    "truncated.png": "is not a readable image (image file is truncated)",
}


# How to fix it: an SVG is a drawing to clean, not a photograph to export again.
def _hint(name: str) -> str:
    return "remove it from the SVG, or export the picture as PNG" if name.endswith(".svg") else \
        "export it again as JPEG or PNG"


def test_every_bad_picture_has_a_test():
    assert {path.name for path in (DATA / "bad-pictures").iterdir()} == set(BAD_PICTURES)


@pytest.mark.parametrize("name", sorted(BAD_PICTURES))
def test_the_cover_picture_passes_the_checks_of_entry_pictures(tmp_path, name):
    project = _project(tmp_path, "print-shop")
    shutil.copy(DATA / "bad-pictures" / name, project / "entries" / "images")
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text().replace("entries/images/cover.jpg", f"entries/images/{name}"))
    for command in ("check", "build"):
        result = run(command, cwd=project)
        assert result.exit_code == 1, result.output
        assert result.stderr.splitlines() == [
            f"brochure.yaml:8:10: cover.image: image 'entries/images/{name}' {BAD_PICTURES[name]} ({_hint(name)})",
            "1 problem found; nothing was written."]
    assert (project / "build" / "brochure.pdf").read_bytes() == PREVIOUS
    assert [path.name for path in (project / "build").iterdir()] == ["brochure.pdf"]


@pytest.mark.parametrize("name", sorted(BAD_PICTURES))
def test_an_entry_picture_gets_the_same_answer(tmp_path, name):
    project = _project(tmp_path)
    shutil.copy(DATA / "bad-pictures" / name, project / "entries" / "images")
    entry = project / "entries" / "2021-02-15-first-of-the-day.yaml"
    entry.write_text(entry.read_text().replace("images/square.jpg", f"images/{name}"))
    result = run("build", cwd=project)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == (
        f"entries/2021-02-15-first-of-the-day.yaml:6:8: image.src: image 'images/{name}' {BAD_PICTURES[name]} "
        f"({_hint(name)})")
    assert (project / "build" / "brochure.pdf").read_bytes() == PREVIOUS
