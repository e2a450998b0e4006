"""What a review of the hardening found: `new` and `schema --output` write like every
other output, a temporary folder that cannot be written is a problem and not a crash,
and the preflight's Ghostscript runs in a scratch folder, with a time limit.

Every refusal exits with its code, says where and why, prints no traceback, loses
nothing and leaves no temporary file. Limits are real: a process over RLIMIT_FSIZE
cannot grow a file past it (EFBIG), and with a limit of 0 no folder can be used for
temporary files at all (tempfile tests each one by writing four bytes), so TMPDIR's
fallbacks (/tmp, …) cannot hide a TMPDIR that is missing or a file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_project, run, subprocess_environment, tree, wait_for

TODAY = dt.date.today().isoformat()
PREVIOUS = b"%PDF- the previous release"
ENTRIES_HINT = "(make it a folder you can write to, or set entries: in brochure.yaml)"
SCHEMA_HINT = "e.g. --output schema/entry.schema.json)"
TMPDIR_HINT = "(point TMPDIR at a folder you can write to)"


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*.tmp"))


def brochure(project: Path, *arguments: str, limit: int | None = None, temporary: Path | None = None,
             environment: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`brochure ARGUMENTS` in a process of its own (that may write no file over `limit`
    bytes), its temporary files in `temporary`, with `environment` on top."""
    def limited() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**subprocess_environment(temporary or project.parent / "tmp"), **(environment or {})}
    return subprocess.run([sys.executable, "-m", "brochure", *arguments], cwd=project, env=env,
                          preexec_fn=limited, capture_output=True, text=True, timeout=300)


def refused(stderr: str, first: str) -> None:
    assert stderr.splitlines() == [first, "1 problem found; nothing was written."], stderr
    assert "Traceback" not in stderr and "internal error" not in stderr


# --- A. brochure new -----------------------------------------------------------------------

def _entries_file(project: Path) -> None:
    shutil.rmtree(project / "entries")
    (project / "entries").write_text("not a folder\n")


def _entries_under_a_file(project: Path) -> None:
    (project / "notes").write_text("not a folder\n")
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text() + "entries: notes/2024\n")


@pytest.mark.parametrize(("setup", "expected"), [
    (_entries_file, f"entries: cannot write here: is a file, not a folder {ENTRIES_HINT}"),
    (_entries_under_a_file, f"notes/2024: cannot write here: Not a directory {ENTRIES_HINT}"),
])
def test_new_refuses_an_entries_folder_that_is_a_file(tmp_path, setup, expected):
    project = copy_project("minimal", tmp_path)
    setup(project)
    before = tree(project)
    result = run("new", "Hello", cwd=project)
    assert result.exit_code == 1, result.output
    refused(result.stderr, expected)
    assert tree(project) == before  # not even the schema file the entry would point at


@pytest.mark.parametrize("has_schema", [True, False])
def test_new_over_the_file_size_limit_leaves_no_half_written_entry(tmp_path, has_schema):
    """Nothing half-written: the entry is written whole to a temporary file, then linked
    under its name. (The same path as a full disk, ENOSPC.)"""
    project = copy_project("minimal", tmp_path)
    if has_schema:
        assert run("schema", "--output", "schema/entry.schema.json", cwd=project).exit_code == 0
    before = tree(project)
    done = brochure(project, "new", "A long title " * 20, limit=100)
    assert done.returncode == 1, done.stderr
    if has_schema:
        refused(done.stderr, "entries: cannot write here: File too large (the file is larger than this process "
                             "may write (ulimit -f))")
    else:  # the schema the entry points at is written first, and is larger
        [line, _] = done.stderr.splitlines()
        assert line.endswith("schema/entry.schema.json: cannot write here: File too large (the file is larger "
                             "than this process may write (ulimit -f))"), done.stderr
        assert not any((project / "schema").iterdir())  # made for it, and left empty
        (project / "schema").rmdir()
    assert tree(project) == before
    assert leftovers(project) == []


def test_new_never_overwrites_the_same_title_gets_a_number(tmp_path):
    project = copy_project("minimal", tmp_path)
    first = run("new", "Same title", cwd=project)
    second = run("new", "Same title", cwd=project)
    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output
    assert first.stdout == f"entries/{TODAY}-same-title.yaml\n"
    assert second.stdout == f"entries/{TODAY}-same-title-2.yaml\n"
    written = [project / line.strip() for line in (first.stdout, second.stdout)]
    assert written[0].read_bytes() == written[1].read_bytes()
    umask = os.umask(0)
    os.umask(umask)
    assert {stat.S_IMODE(path.stat().st_mode) for path in written} == {0o666 & ~umask}  # as any new file
    assert {path.stat().st_nlink for path in written} == {1}  # the temporary name is gone
    assert leftovers(project) == []
    assert run("check", cwd=project).exit_code == 0


def test_new_at_the_same_time_gives_each_its_own_file(tmp_path):
    project = copy_project("minimal", tmp_path)
    assert run("schema", "--output", "schema/entry.schema.json", cwd=project).exit_code == 0
    env = subprocess_environment(tmp_path / "tmp")
    started = [subprocess.Popen([sys.executable, "-m", "brochure", "new", "At once"], cwd=project, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [process.communicate(timeout=120) for process in started]
    assert [process.returncode for process in started] == [0] * 4, outputs
    assert sorted(stdout for stdout, _ in outputs) == sorted(
        f"entries/{TODAY}-at-once{suffix}.yaml\n" for suffix in ("", "-2", "-3", "-4"))
    assert leftovers(project) == []


# --- B. brochure schema --output -------------------------------------------------------------

def test_schema_output_with_another_ending_is_a_command_line_mistake(tmp_path):
    """As build's -o: an ending that is not the file's kind is exit 2, before anything."""
    project = copy_project("minimal", tmp_path)
    before = tree(project)
    result = run("schema", "--output", "brochure.yaml", cwd=project)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1] == ("Error: Invalid value for --output: 'brochure.yaml' does not end in "
                                              ".json: the ending says what the file is")
    assert tree(project) == before
    assert run("schema", "--output", "/dev/null", cwd=project).exit_code == 2
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_schema_output_never_opens_or_replaces_a_named_pipe(tmp_path):
    project = copy_project("minimal", tmp_path)
    os.mkfifo(project / "x.json")
    before = tree(project)
    done = brochure(project, "schema", "--output", "x.json")  # a process of its own: opening it would block
    assert done.returncode == 1, done.stderr
    refused(done.stderr, "x.json: is a named pipe (FIFO), not a regular file: writing would replace it (write to "
                         f"a file, {SCHEMA_HINT}")
    assert stat.S_ISFIFO(os.lstat(project / "x.json").st_mode)
    assert tree(project) == before


def _link_to(name: str):
    return lambda project: (project / "x.json").symlink_to(name)


INPUT = "is one of the brochure's own input files (write the output somewhere else, e.g. build/)"


@pytest.mark.parametrize(("setup", "expected"), [
    (lambda project: (project / "x.json").mkdir(), f"x.json: is a folder, not a file name (name the file, "
                                                   f"{SCHEMA_HINT}"),
    (_link_to("brochure.yaml"), f"x.json: {INPUT}"),
    (_link_to("entries/2021-02-15-second-of-the-day.yaml"), f"x.json: {INPUT}"),
    (_link_to("/dev/null"), "x.json: is a device, not a regular file: writing would replace it (write to a file, "
                            f"{SCHEMA_HINT}"),
], ids=["folder", "link to the settings", "link to an entry", "link to a device"])
def test_schema_output_goes_through_the_output_guard(tmp_path, setup, expected):
    project = copy_project("minimal", tmp_path)
    setup(project)
    before = tree(project)
    result = run("schema", "--output", "x.json", cwd=project)
    assert result.exit_code == 1, result.output
    refused(result.stderr, expected)
    assert tree(project) == before


def test_schema_output_guards_the_entries_of_a_project_whose_settings_are_broken(tmp_path):
    """A broken brochure.yaml is no reason to refuse its schema (which helps mend it);
    the entries in the usual folder are still guarded."""
    project = copy_project("minimal", tmp_path)
    (project / "brochure.yaml").write_text("title: Broken\ntittle: typo\n")
    _link_to("entries/2021-02-15-second-of-the-day.yaml")(project)
    result = run("schema", "settings", "--output", "x.json", cwd=project)
    assert result.exit_code == 1, result.output
    refused(result.stderr, f"x.json: {INPUT}")
    result = run("schema", "settings", "--output", "schema/settings.schema.json", cwd=project)
    assert result.exit_code == 0, result.output
    assert json.loads((project / "schema" / "settings.schema.json").read_text())["type"] == "object"


@pytest.mark.parametrize("in_project", [True, False])
def test_schema_output_writes_valid_json(tmp_path, in_project):
    folder = copy_project("minimal", tmp_path) if in_project else tmp_path
    result = run("schema", "--output", "x.json", cwd=folder)
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote x.json\n"
    assert json.loads((folder / "x.json").read_text()) == json.loads(run("schema").stdout)
    assert leftovers(folder) == []


# --- C. a temporary folder that cannot be written ---------------------------------------------

def _previous(tmp_path: Path) -> Path:
    project = copy_project("minimal", tmp_path)
    (project / "out.pdf").write_bytes(PREVIOUS)
    (tmp_path / "a-file").write_text("not a folder\n")
    return project


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("tmpdir", ["/nonexistent/folder", "a-file"])
def test_a_temporary_folder_that_cannot_be_written_is_a_problem_not_a_crash(tmp_path, tmpdir, jobs):
    """--jobs 2: the scratch folder of the layout process; --jobs 1: WeasyPrint's
    temporary copy of the fonts, in this process."""
    project = _previous(tmp_path)
    folder = tmpdir if tmpdir.startswith("/") else str(tmp_path / tmpdir)
    done = brochure(project, "build", "--force", "-o", "out.pdf", "--jobs", jobs, limit=0,
                    environment={"TMPDIR": folder})
    assert done.returncode == 1, done.stderr
    [line, _] = done.stderr.splitlines()
    assert line.startswith(f"{folder}: cannot make temporary files here: No usable temporary directory found in ")
    assert line.endswith(TMPDIR_HINT)
    assert "Traceback" not in done.stderr
    assert (project / "out.pdf").read_bytes() == PREVIOUS
    assert leftovers(project) == []


@pytest.mark.slow
@pytest.mark.parametrize("tmpdir", ["/nonexistent/folder", "a-file"])
def test_without_a_limit_python_falls_back_to_the_system_temporary_folder(tmp_path, tmpdir):
    """What a missing TMPDIR alone does: tempfile takes the next usable folder (/tmp)."""
    project = _previous(tmp_path)
    folder = tmpdir if tmpdir.startswith("/") else str(tmp_path / tmpdir)
    done = brochure(project, "build", "--force", "-q", "-o", "out.pdf", environment={"TMPDIR": folder})
    assert done.returncode == 0, done.stderr
    assert (project / "out.pdf").read_bytes().startswith(b"%PDF-1.")


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_temporary_folder_removed_during_a_watch_is_reported_and_the_watch_goes_on(tmp_path, jobs):
    """Python keeps the temporary folder it found first: once it is gone (a clean-up of
    /tmp during a long watch), the next build says so, keeps the last PDF, and builds
    again once the folder is back."""
    project = copy_project("minimal", tmp_path)
    pdf, log = project / "build" / "brochure.pdf", tmp_path / "stderr.txt"
    temporary = tmp_path / "tmp"
    entry = project / "entries" / "2021-02-15-second-of-the-day.yaml"
    with log.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "brochure", "build", "--watch", "--jobs", jobs],
                                   cwd=project, env=subprocess_environment(temporary), stdout=subprocess.DEVNULL,
                                   stderr=stderr, text=True)
    try:
        assert wait_for(lambda: "watching for changes" in log.read_text(), 60), log.read_text()
        time.sleep(1)  # let the watcher start (as in test_workflow)
        good = pdf.read_bytes()
        temporary.rmdir()  # empty: the first build took its temporary files with it
        entry.write_text(entry.read_text().replace("Second item", "Renamed item"))
        assert wait_for(lambda: "nothing was written" in log.read_text(), 60), log.read_text()
        assert pdf.read_bytes() == good and process.poll() is None
        temporary.mkdir()
        entry.write_text(entry.read_text().replace("Renamed item", "Third name"))
        assert wait_for(lambda: pdf.read_bytes() != good, 60), log.read_text()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    text = log.read_text()
    assert f"{temporary}: cannot make temporary files here: No such file or directory {TMPDIR_HINT}" in text
    assert "Traceback" not in text and "internal error" not in text
    assert leftovers(project) == [] and os.listdir(temporary) == []


# --- D. the preflight's Ghostscript ------------------------------------------------------------

@pytest.fixture(scope="module")
def screen_pdf(tmp_path_factory) -> Path:
    project = copy_project("minimal", tmp_path_factory.mktemp("screen"))
    assert run("build", "-q", "-o", "out.pdf", cwd=project).exit_code == 0
    return project / "out.pdf"


def _ink_rule(stdout: str) -> str:
    [line] = [line for line in stdout.splitlines() if "total ink coverage" in line]
    return line


def test_the_ink_rule_rasters_in_a_scratch_folder_it_removes(tmp_path, screen_pdf):
    assert shutil.which("gs"), "Ghostscript (gs) is needed: apt-get install ghostscript"
    temporary = tmp_path / "tmp"
    done = brochure(screen_pdf.parent, "check", "--pdf", "out.pdf", "--profile", "print", temporary=temporary)
    assert _ink_rule(done.stdout).startswith("PASS  total ink coverage: at most "), done.stdout + done.stderr
    assert os.listdir(temporary) == []


def test_the_ink_rule_without_a_temporary_folder_fails_saying_why(tmp_path, screen_pdf):
    assert shutil.which("gs"), "Ghostscript (gs) is needed: apt-get install ghostscript"
    done = brochure(screen_pdf.parent, "check", "--pdf", "out.pdf", "--profile", "print", limit=0,
                    environment={"TMPDIR": "/nonexistent/folder"})
    assert done.returncode == 1, done.stderr
    line = _ink_rule(done.stdout)
    assert line.startswith("FAIL  total ink coverage: not measured: /nonexistent/folder: cannot make temporary "
                           "files here: No usable temporary directory found in "), done.stdout
    assert "Traceback" not in done.stderr and "not a readable PDF" not in done.stderr


@pytest.mark.slow
def test_a_ghostscript_that_cannot_be_run_refuses_the_print_pdf_saying_so(tmp_path):
    """An OSError of the preflight is not the output's "cannot write here"."""
    project = copy_project("print-shop", tmp_path)
    (project / "out.pdf").write_bytes(PREVIOUS)
    fake = tmp_path / "bin" / "gs"
    fake.parent.mkdir()
    fake.write_text("#!/nonexistent/interpreter\n")
    fake.chmod(0o755)
    done = brochure(project, "build", "--profile", "print", "-o", "out.pdf",
                    environment={"PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"})
    assert done.returncode == 1, done.stderr
    refused(done.stderr, f"out.pdf: preflight: total ink coverage: not measured: Ghostscript ({fake}) cannot be "
                         "run: No such file or directory")
    assert "cannot write here" not in done.stderr
    assert (project / "out.pdf").read_bytes() == PREVIOUS
    assert leftovers(project) == []
