"""Layout processes die with the build, builds leave no temporary files, and the PDF's
bytes do not depend on the time of the build (issue 11, items 3 and 7)."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pikepdf
import pytest
from conftest import child_pids, copy_project, is_running, run, subprocess_environment, wait_for

from brochure.layout import processes
from brochure.layout.processes import Children, StandBy

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _build(project: Path, temporary: Path, *options: str, code: str | None = None) -> subprocess.Popen:
    """`brochure build --force -o out.pdf OPTIONS` in `project`, started, in a process of
    its own. `code` replaces `-m brochure`: Python that runs the command line itself."""
    command = ["-c", code] if code else ["-m", "brochure"]
    return subprocess.Popen([sys.executable, *command, "build", "--force", "-o", "out.pdf", *options], cwd=project,
                            env=subprocess_environment(temporary), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _all_gone(pids: list[int]) -> bool:
    return wait_for(lambda: not any(is_running(pid) for pid in pids), 5, 0.02)


@linux_only
@pytest.mark.slow
def test_the_layout_process_dies_with_a_killed_build(tmp_path):
    project = copy_project("seed", tmp_path)
    build = _build(project, tmp_path / "tmp", "--jobs", "2")
    children: list[int] = []
    try:
        assert wait_for(lambda: child_pids(build.pid) or build.poll() is not None, 30, 0.01)
        children = child_pids(build.pid)
        assert children, "the build ended before it started its layout process"
        build.kill()  # SIGKILL: the build cannot stop its children itself
        build.wait()
        assert _all_gone(children), f"layout processes {children} outlived the killed build"
    finally:
        _kill(build, children)


def _kill(process: subprocess.Popen, children: list[int]) -> None:
    """End a test's process and the children it may have left (they hold its output open)."""
    process.kill()
    for child in children:
        if is_running(child):
            os.kill(child, signal.SIGKILL)
    process.communicate()


_BUSY_PARENT = """
import time
from brochure.layout.processes import Children
with Children() as children:
    children.start("busy", time.sleep, 300)
    time.sleep(300)
"""


@linux_only
def test_a_busy_child_dies_with_its_killed_parent(tmp_path):
    """A child in the middle of its work reads no pipe: only the kernel can end it."""
    parent = subprocess.Popen([sys.executable, "-c", _BUSY_PARENT], env=subprocess_environment(tmp_path / "tmp"))
    children: list[int] = []
    try:
        assert wait_for(lambda: child_pids(parent.pid), 30, 0.01)
        children = child_pids(parent.pid)
        parent.kill()
        parent.wait()
        assert _all_gone(children), f"child {children} outlived its killed parent"
    finally:
        _kill(parent, children)


def _readable_ends(pid: int) -> set[str]:
    """The pipes and sockets `pid` can read from, by kernel object ("pipe:[123]")."""
    ends = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            flags = next(line for line in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines()
                         if line.startswith("flags:"))
        except OSError:
            continue  # closed meanwhile
        if target.startswith(("pipe:", "socket:")) and int(flags.split()[1], 8) & os.O_ACCMODE != os.O_WRONLY:
            ends.add(target)
    return ends


def _square(number: int) -> int:
    return number * number


@linux_only
@pytest.mark.skipif(processes.start_method() != "fork", reason="only a forked child inherits the parent's ends")
def test_forked_children_hold_none_of_the_parents_pipe_ends():
    """Else a child waiting for a request never sees the pipe end when the parent dies."""
    before = _readable_ends(os.getpid())
    with StandBy(lambda: None) as stand_by, Children() as children:
        assert stand_by.call(_square, 3) == 9  # the child is past its start
        children.start("first", time.sleep, 60)
        children.start("second", time.sleep, 60)
        started = multiprocessing.active_children()
        sentinels = {os.readlink(f"/proc/self/fd/{process.sentinel}") for process in started}
        ours = _readable_ends(os.getpid()) - before - sentinels  # the parent's end of each pipe
        assert len(ours) == 3
        for process in started:
            assert wait_for(lambda pid=process.pid: not _readable_ends(pid) & ours, 5, 0.02), \
                f"child {process.pid} holds the parent's end of {_readable_ends(process.pid) & ours}"


@pytest.mark.skipif(processes.start_method() != "fork", reason="a spawned child cannot be given a wrong parent")
def test_a_child_whose_parent_is_already_gone_ends_at_once(tmp_path):
    """The parent may die before the child asks to die with it: the child then has
    another parent than the one that started it, and does nothing."""
    context = multiprocessing.get_context("fork")
    for parent, outcome in ((os.getpid(), ("done", 16)), (os.getppid(), None)):  # the true parent, then another
        receiving, sending = context.Pipe(duplex=False)
        child = context.Process(target=processes._run_in_child, args=(parent, tmp_path, sending, _square, (4,)))
        child.start()
        sending.close()
        child.join(10)
        try:
            sent = receiving.recv()
        except EOFError:
            sent = None  # nothing: the call never ran
        assert (child.exitcode, sent) == ((0, outcome) if outcome else (1, None))


# Temporary files: WeasyPrint copies the theme's fonts into a weasyprint-* folder.

@pytest.fixture
def temporary(tmp_path, monkeypatch) -> Path:
    """An empty temporary folder for builds in this process."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_build_in_this_process_leaves_no_temporary_files_and_the_environment_as_it_was(tmp_path, temporary,
                                                                                          monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    project = copy_project("seed", tmp_path)
    result = run("build", "-q", "--force", "--jobs", "1", "-o", "out.pdf", cwd=project)
    assert result.exit_code == 0, result.output
    assert (project / "out.pdf").stat().st_size > 100_000
    assert os.listdir(temporary) == []
    assert "SOURCE_DATE_EPOCH" not in os.environ  # set while WeasyPrint wrote, then removed again


@pytest.mark.slow
def test_a_build_with_a_layout_process_leaves_no_temporary_files(tmp_path):
    project = copy_project("seed", tmp_path)
    build = _build(project, tmp_path / "tmp", "--jobs", "2")
    _, stderr = build.communicate(timeout=120)
    assert build.returncode == 0, stderr
    assert os.listdir(tmp_path / "tmp") == []


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_interrupted_build_leaves_no_temporary_files(tmp_path, jobs):
    project = copy_project("seed", tmp_path)
    temporary = tmp_path / "tmp"
    build = _build(project, temporary, "--jobs", jobs)
    try:
        # The fonts' folder is there: the layout is under way. (Other files come and go
        # before: the compiler that cffi runs to find a library leaves its own there.)
        def laying_out() -> bool:  # in a layout process, it is in that process's scratch folder
            try:
                return any(temporary.rglob("weasyprint-*"))
            except OSError:  # a folder went while we looked
                return False

        assert wait_for(lambda: laying_out() or build.poll() is not None, 60, 0.01)
        assert build.poll() is None, "the build ended before its layout could be interrupted"
        build.send_signal(signal.SIGTERM)
        _, stderr = build.communicate(timeout=60)
    finally:
        build.kill()
    assert build.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert os.listdir(temporary) == []
    assert not (project / "out.pdf").exists()


# The same bytes at any time: where WeasyPrint subsets fonts with fontTools.

_WITH_FONTTOOLS = """
import sys
from brochure.layout.internals import subset_fonts_with_fonttools
subset_fonts_with_fonttools()
from brochure.cli import main
main(sys.argv[1:], prog_name="brochure")
"""


def _font_dates(pdf_path: Path) -> set[dt.datetime]:
    """The time stamp (head.modified) of every font embedded in the PDF."""
    from fontTools.misc.timeTools import epoch_diff
    from fontTools.ttLib import TTFont

    dates = set()
    with pikepdf.open(pdf_path) as pdf:
        for thing in pdf.objects:
            if isinstance(thing, pikepdf.Dictionary) and "/FontFile2" in thing:  # a font descriptor
                font = TTFont(io.BytesIO(thing.FontFile2.read_bytes()))
                dates.add(dt.datetime.fromtimestamp(font["head"].modified + epoch_diff, dt.UTC))
    assert dates, "no embedded TrueType font"
    return dates


def _creation_date(pdf_path: Path) -> dt.datetime:
    with pikepdf.open(pdf_path) as pdf:
        text = str(pdf.docinfo["/CreationDate"])  # D:20190411000000Z
    return dt.datetime.strptime(text[2:16], "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)


@pytest.mark.slow
def test_fonts_subset_by_fonttools_give_the_same_bytes_at_any_time(tmp_path):
    outputs = []
    for name in ("one", "two"):
        if outputs:  # a build in another second than the last one, which fontTools would stamp
            finished = int(time.time())
            assert wait_for(lambda second=finished: int(time.time()) > second, 2, 0.02)
        (tmp_path / name).mkdir()
        project = copy_project("seed", tmp_path / name)
        build = _build(project, tmp_path / "tmp", code=_WITH_FONTTOOLS)
        _, stderr = build.communicate(timeout=120)
        assert build.returncode == 0, stderr
        assert "Using fontTools instead of HarfBuzz-Subset" in stderr  # the path under test was taken
        outputs.append(project / "out.pdf")
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    # The fonts carry the brochure's own date, the one in its metadata.
    assert _font_dates(outputs[0]) == {_creation_date(outputs[0])}


_PARTS_WITH_FONTTOOLS = """
import sys
from pathlib import Path
from brochure.layout.internals import subset_fonts_with_fonttools
subset_fonts_with_fonttools()
from brochure.commands.build import BuildOptions, build
build(Path.cwd(), BuildOptions(output=Path("out.pdf"), jobs=2, part_from=1, force=True))
"""


@pytest.mark.slow
def test_a_brochure_laid_out_in_parts_dates_every_font(tmp_path):
    """The page numbers of each part are a document of their own, without metadata:
    their fonts too carry the brochure's date, not the time of the build."""
    project = copy_project("seed", tmp_path)
    # A second year, so that the brochure is laid out in parts.
    source = sorted((project / "entries").glob("2019-04-*.yaml"))[-1]
    (project / "entries" / "2020-01-15-next-year.yaml").write_text(
        source.read_text("utf-8").replace("date: 2019-04-", "date: 2020-01-"), "utf-8")
    done = subprocess.run([sys.executable, "-c", _PARTS_WITH_FONTTOOLS], cwd=project,
                          env=subprocess_environment(tmp_path / "tmp"), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _font_dates(project / "out.pdf") == {dt.datetime(2020, 1, 11, tzinfo=dt.UTC)}
    assert os.listdir(tmp_path / "tmp") == []



_STOPPED_AS_THEY_START = """
import signal
from brochure.layout.processes import StandBy

def interrupt(signum, frame):  # what the command line does with SIGTERM
    raise KeyboardInterrupt

signal.signal(signal.SIGTERM, interrupt)
for _ in range(10):
    with StandBy(lambda: None):
        pass
"""


def test_children_stopped_as_they_start_stop_quietly(tmp_path):
    """A build that fails at once stops its layout process as it starts, before it has
    handlers of its own: the stop waits for them instead of running the parent's,
    which prints a traceback or hangs the child until it is killed."""
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _STOPPED_AS_THEY_START], env=subprocess_environment(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert time.monotonic() - began < 10 * processes._GRACE / 2, "children waited to be killed"
