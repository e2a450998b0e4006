"""A full disk or a file size limit (issue 11, item 8): the build says it cannot write,
exits 1, and leaves the previous PDF and no temporary file behind.

A limit is the real thing here: each build runs in a process over RLIMIT_FSIZE, where a
write past the limit fails with EFBIG (Python ignores SIGXFSZ, which would kill it)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, copy_project, run, subprocess_environment

FONTS = REPO / "brochure" / "styles" / "default" / "fonts"
LARGEST_FONT = max(path.stat().st_size for path in FONTS.glob("*.ttf"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def previous_release(tmp_path_factory) -> bytes:
    """The seed brochure as a previous build wrote it."""
    project = copy_project("seed", tmp_path_factory.mktemp("previous"))
    result = run("build", "-q", "-o", "out.pdf", cwd=project)
    assert result.exit_code == 0, result.output
    return (project / "out.pdf").read_bytes()


def _limited_build(project: Path, temporary: Path, limit: int, *options: str) -> subprocess.CompletedProcess:
    """`brochure build --force -o out.pdf OPTIONS` in a process that may write no file
    larger than `limit` bytes."""
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run([sys.executable, "-m", "brochure", "build", "--force", "-o", "out.pdf", *options],
                          cwd=project, env=subprocess_environment(temporary), preexec_fn=limited,
                          capture_output=True, text=True, timeout=300)


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*.tmp"))


def _cannot_write(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "cannot write" in line]


@pytest.mark.parametrize(("limit", "jobs", "refused"), [
    # Below the size of the theme's fonts, which WeasyPrint copies to a temporary folder.
    (200_000, "1", "temporary copy of the fonts: File too large"),
    (200_000, "2", "temporary copy of the fonts: File too large"),
    # Above the fonts, below the PDF: the PDF itself cannot be written.
    (LARGEST_FONT + 100_000, "2", "out.pdf: cannot write here: File too large (the file is larger than this "
                                  "process may write (ulimit -f))"),
])
def test_a_build_over_the_file_size_limit_says_so_and_keeps_the_previous_pdf(tmp_path, previous_release, limit,
                                                                             jobs, refused):
    assert limit < len(previous_release)
    project = copy_project("seed", tmp_path)
    target = project / "out.pdf"
    target.write_bytes(previous_release)
    done = _limited_build(project, tmp_path / "tmp", limit, "--jobs", jobs)
    assert done.returncode == 1, done.stderr
    assert len(_cannot_write(done.stderr)) == 1 and refused in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert target.read_bytes() == previous_release
    assert _leftovers(project) == []
    assert os.listdir(tmp_path / "tmp") == []  # nor WeasyPrint's temporary fonts


def test_a_picture_cache_over_the_file_size_limit_says_so(tmp_path, previous_release):
    """Print converts the pictures to CMYK and keeps them under build/.cache first."""
    project = copy_project("seed", tmp_path)
    target = project / "out.pdf"
    target.write_bytes(previous_release)
    done = _limited_build(project, tmp_path / "tmp", 200_000, "--profile", "print")
    assert done.returncode == 1, done.stderr
    [line] = _cannot_write(done.stderr)
    assert "build/.cache/images/" in line and "File too large (the file is larger than" in line
    assert "Traceback" not in done.stderr
    assert target.read_bytes() == previous_release
    assert _leftovers(project) == []
    assert not any((project / "build" / ".cache" / "images").iterdir())
    assert os.listdir(tmp_path / "tmp") == []


def test_an_up_to_date_stamp_that_cannot_be_written_is_no_crash(tmp_path):
    """A folder where the stamp goes: the PDF is written; the stamp, which only ever
    saves work, is not, and the build says nothing about it."""
    project = copy_project("seed", tmp_path)
    stamp = project / ".out.pdf.inputs"
    stamp.mkdir()
    done = _limited_build(project, tmp_path / "tmp", resource.RLIM_INFINITY)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert done.returncode == 0 and not _cannot_write(done.stderr), done.stderr  # the stamp only saves work
    with pikepdf.open(project / "out.pdf") as pdf:
        assert len(pdf.pages) > 10
    assert stamp.is_dir() and not any(stamp.iterdir())
    assert _leftovers(project) == []
