"""One output guard (issue 11, item 2): -o and brochure.yaml's output: never overwrite an
input of the project, selected or not, nor replace a special file or a folder; the
name's ending chooses the edition. Every refusal says where and why, and nothing is lost."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, copy_project, run, tree

PREVIOUS = b"%PDF- the previous release"
INPUT = "is one of the brochure's own input files (write the output somewhere else, e.g. build/)"
SPECIAL = "not a regular file: writing would replace it (write to a file, e.g. -o build/brochure.{}"


def _project(tmp_path: Path, name: str = "minimal") -> Path:
    project = copy_project(name, tmp_path)
    (project / "build").mkdir()
    (project / "build" / "brochure.pdf").write_bytes(PREVIOUS)
    return project


def _settings(project: Path, old: str, new: str) -> None:
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text().replace(old, new) if old else settings.read_text() + new)


def _output(value: str, extra: Callable[[Path], None] | None = None) -> Callable[[Path], None]:
    """A setup that names `value` as brochure.yaml's output: (after running `extra`)."""
    def setup(project: Path) -> None:
        if extra:
            extra(project)
        _settings(project, "", f"output: {value}\n")
    return setup


def _fifo(name: str) -> Callable[[Path], None]:
    return lambda project: os.mkfifo(project / name)


def _folder(name: str) -> Callable[[Path], None]:
    return lambda project: (project / name).mkdir()


def _socket(project: Path) -> None:
    # A socket's path is limited to about 100 bytes: bind by the name, from its folder.
    here = Path.cwd()
    os.chdir(project)
    try:
        listener = socket.socket(socket.AF_UNIX)
        listener.bind("sock.pdf")
        listener.close()  # the file stays: a socket nobody listens on
    finally:
        os.chdir(here)


def _invalid_draft(project: Path) -> None:
    shutil.copy(project / "entries" / "images" / "square.jpg", project / "entries" / "images" / "wip.jpg")
    (project / "entries" / "wip.yaml").write_text(
        "title: Work in progress\ndraft: true\nimage:\n  src: images/wip.jpg\n  alt: A test\n")


def _own_theme(project: Path) -> None:
    (project / "styles" / "plain").mkdir(parents=True)
    (project / "styles" / "plain" / "notes.css").write_text("body { color: black }\n")
    _settings(project, "", "theme: plain\n")


def _own_icc(project: Path) -> None:
    shutil.copy(REPO / "brochure" / "icc" / "ISOcoated_v2_300_bas.icc", project / "press.icc")
    _settings(project, "  marks: true\n", "  marks: true\n  icc: press.icc\n")


# name -> (project, setup, arguments, the first line printed). Each is refused with exit 1,
# located at the output path, before anything is written.
REFUSED = {
    "entry outside the period": ("minimal", _output("entries/2021-01-30-crossing-months.yaml"),
                                 ["--since", "2021-02"], f"entries/2021-01-30-crossing-months.yaml: {INPUT}"),
    "draft left out": ("minimal", _output("entries/2021-04-01-april-draft.yaml"), [],
                       f"entries/2021-04-01-april-draft.yaml: {INPUT}"),
    "invalid draft": ("minimal", _output("entries/wip.yaml", _invalid_draft), [], f"entries/wip.yaml: {INPUT}"),
    "picture of an invalid draft": ("minimal", _output("entries/images/wip.jpg", _invalid_draft), [],
                                    f"entries/images/wip.jpg: {INPUT}"),
    "picture of an unselected entry": ("minimal", _output("entries/images/square.jpg"), ["--until", "2021-01"],
                                       f"entries/images/square.jpg: {INPUT}"),
    "brochure.yaml": ("minimal", _output("brochure.yaml"), [], f"brochure.yaml: {INPUT}"),
    "cover picture": ("print-shop", _output("entries/images/cover.jpg"), [], f"entries/images/cover.jpg: {INPUT}"),
    "ICC profile": ("print-shop", _output("press.icc", _own_icc), [], f"press.icc: {INPUT}"),
    "theme file": ("minimal", _output("styles/plain/notes.css", _own_theme), [], f"styles/plain/notes.css: {INPUT}"),
    "link to an input": ("minimal", lambda project: (project / "build" / "latest.pdf").symlink_to(
        "../entries/2021-02-15-second-of-the-day.yaml"), ["-o", "build/latest.pdf"], f"build/latest.pdf: {INPUT}"),
    "named pipe": ("minimal", _fifo("pipe.pdf"), ["-o", "pipe.pdf"],
                   "pipe.pdf: is a named pipe (FIFO), " + SPECIAL.format("pdf)")),
    "device": ("minimal", lambda project: (project / "null.pdf").symlink_to("/dev/null"), ["-o", "null.pdf"],
               "null.pdf: is a device, " + SPECIAL.format("pdf)")),
    "socket": ("minimal", _socket, ["-o", "sock.pdf"], "sock.pdf: is a socket, " + SPECIAL.format("pdf)")),
    "named pipe for the web edition": ("minimal", _fifo("pipe.html"), ["--format", "html", "-o", "pipe.html"],
                                       "pipe.html: is a named pipe (FIFO), " + SPECIAL.format("html)")),
    "named pipe as output:": ("minimal", _output("pipe.pdf", _fifo("pipe.pdf")), [],
                              "pipe.pdf: is a named pipe (FIFO), " + SPECIAL.format("pdf)")),
    "folder": ("minimal", _folder("old.pdf"), ["-o", "old.pdf"],
               "old.pdf: is a folder, not a file name (name the file, e.g. -o build/brochure.pdf)"),
    "folder named .html": ("minimal", _folder("site.html"), ["-o", "site.html"],
                           "site.html: is a folder, not a file name (name the file, e.g. -o build/brochure.html)"),
    "a file as a folder": ("minimal", None, ["-o", "brochure.yaml/x.pdf"],
                           "brochure.yaml/x.pdf: brochure.yaml is a file, not a folder (choose a path through "
                           "folders only, e.g. -o build/brochure.pdf)"),
    "a file as a folder, deeper": ("minimal", None, ["-o", "entries/2021-02-15-second-of-the-day.yaml/a/b.pdf"],
                                   "entries/2021-02-15-second-of-the-day.yaml/a/b.pdf: "
                                   "entries/2021-02-15-second-of-the-day.yaml is a file, not a folder "
                                   "(choose a path through folders only, e.g. -o build/brochure.pdf)"),
    "output: without .pdf": ("minimal", _output("build/brochure.txt"), [],
                             "build/brochure.txt: does not end in .pdf: the name's ending says what the file is "
                             "(name it brochure.pdf, with -o or as output: in brochure.yaml)"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_output_never_overwrites_an_input_or_replaces_a_special_file(tmp_path, name):
    project_name, setup, arguments, expected = REFUSED[name]
    project = _project(tmp_path, project_name)
    if setup:
        setup(project)
    before = tree(project)
    result = run("build", *arguments, cwd=project)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [expected, "1 problem found; nothing was written."]
    assert "Traceback" not in result.output
    assert tree(project) == before  # the previous PDF, the target, no temporary file left
    assert (project / "build" / "brochure.pdf").read_bytes() == PREVIOUS


NO_SUFFIX = "ends neither in .pdf nor in .html: the ending says which edition to write"

# arguments -> what Click prints after "Error: " (exit 2: the command line is wrong).
MISTAKES = {
    "input without an ending that writes": (["-o", "brochure.yaml"],
                                            f"Invalid value for -o: 'brochure.yaml' {NO_SUFFIX}"),
    "entry": (["--since", "2021-02", "-o", "entries/2021-01-30-crossing-months.yaml"],
              f"Invalid value for -o: 'entries/2021-01-30-crossing-months.yaml' {NO_SUFFIX}"),
    "no ending": (["-o", "build/brochure"], f"Invalid value for -o: 'build/brochure' {NO_SUFFIX}"),
    "placeholder, no ending": (["--since", "2021", "--until", "2021", "-o", "out/{period}"],
                               f"Invalid value for -o: 'out/{{period}}' {NO_SUFFIX}"),
    "html named .pdf": (["--format", "html", "-o", "x.pdf"],
                        "Invalid value for -o: the web edition is HTML: name it …x.html"),
    "json of the web edition": (["--format", "json", "-o", "x.html"],
                                "Invalid value for -o: the web edition has no JSON report: name it …x.pdf, or "
                                "leave out --format json"),
    "profile of the web edition": (["--profile", "print", "-o", "x.html"],
                                   "Invalid value for --profile: profiles are for PDF; the web edition has none"),
    "self-contained PDF": (["--self-contained", "-o", "x.pdf"],
                           "Invalid value for --self-contained: goes with --format html (or -o ….html)"),
}


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_an_output_name_that_cannot_be_right_is_a_command_line_mistake(tmp_path, name):
    arguments, expected = MISTAKES[name]
    project = _project(tmp_path)
    before = tree(project)
    result = run("build", *arguments, cwd=project)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == f"Error: {expected}"
    assert tree(project) == before


@pytest.mark.parametrize("arguments, written", [
    (["-o", "site.html"], "site.html"),
    (["-o", "site.HTM", "--self-contained"], "site.HTM"),
    (["--since", "2021-02", "-o", "web/{since}.html"], "web/2021-02.html"),
])
def test_a_name_ending_in_html_makes_the_web_edition(tmp_path, arguments, written):
    project = _project(tmp_path)
    result = run("build", *arguments, cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"wrote {written}")
    assert (project / written).read_text("utf-8").lstrip().lower().startswith("<!doctype html>")
    assert (project / "build" / "brochure.pdf").read_bytes() == PREVIOUS


def test_placeholders_still_name_the_pdf(tmp_path):
    project = _project(tmp_path)
    result = run("build", "--since", "2021-02", "--until", "2021-02", "-o", "releases/{period}/b-{since}.pdf",
                 cwd=project)
    assert result.exit_code == 0, result.output
    assert (project / "releases" / "2021-02" / "b-2021-02.pdf").read_bytes().startswith(b"%PDF-")
    assert not list(project.rglob("*.tmp"))
