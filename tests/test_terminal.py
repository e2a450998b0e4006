"""What a person at a terminal sees: the progress line, colour (and NO_COLOR), and -v.

The terminal tests run the real `python -m brochure` in a pseudo-terminal and read the
bytes it wrote there, as a terminal would get them."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from conftest import DATA, copy_project, run, subprocess_environment

from brochure.report import ProgressLine

# `python -m brochure`, with the progress line shown from the start rather than after
# a second: a small project builds in about that, and the test must not depend on it.
MODULE = ("import runpy, brochure.report; brochure.report.ProgressLine.delay = 0.0; "
          "runpy.run_module('brochure', run_name='__main__', alter_sys=True)")
COLUMNS = 60
ERASE = b"\r\x1b[K"  # the progress line rewritten in place
COLOUR = re.compile(rb"\x1b\[[0-9;]*m")  # a colour or bold; the progress line's erase is no colour


def _environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    environment = subprocess_environment(tmp_path / "tmp")
    for name in ("NO_COLOR", "FORCE_COLOR", "CLICOLOR", "CLICOLOR_FORCE"):
        environment.pop(name, None)
    environment["TERM"] = "xterm-256color"
    environment.update(variables)
    return environment


def on_terminal(project: Path, *args: str, **variables: str) -> tuple[int, bytes]:
    """Run brochure ARGS in `project` with a pseudo-terminal (COLUMNS wide) as its
    stdin, stdout and stderr; its exit code and every byte it wrote there."""
    ours, theirs = os.openpty()
    fcntl.ioctl(theirs, termios.TIOCSWINSZ, struct.pack("HHHH", 24, COLUMNS, 0, 0))
    process = subprocess.Popen([sys.executable, "-c", MODULE, *args], stdin=theirs, stdout=theirs, stderr=theirs,
                               cwd=project, env=_environment(project.parent, **variables))
    os.close(theirs)
    received, deadline = [], time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if not select.select([ours], [], [], deadline - time.monotonic())[0]:
                break
            try:
                chunk = os.read(ours, 65536)
            except OSError:  # EIO: every process holding the other end has ended
                break
            if not chunk:
                break
            received.append(chunk)
    finally:
        os.close(ours)
        code = process.wait(timeout=30)
    return code, b"".join(received)


def piped(project: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "brochure", *args], capture_output=True, cwd=project,
                          env=_environment(project.parent, **variables), timeout=120)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project("minimal", tmp_path)


def test_a_build_on_a_terminal_shows_its_progress_on_one_line_then_the_summary_in_colour(project):
    code, seen = on_terminal(project, "build")
    assert code == 0, seen
    progress, _, summary = seen.rpartition(ERASE)
    steps = [step.decode() for step in progress.split(ERASE) if step]
    # The build's own stages, and WeasyPrint's steps from the child that lays it out.
    assert steps[0].startswith("Reading and validating entries … ")
    assert any(step.startswith("Laying out page 1 … ") for step in steps)
    assert any(step.startswith("Making the PDF … ") for step in steps)
    assert steps[-1].startswith("Writing brochure.pdf … ")
    assert all(re.fullmatch(r".+ … \d+ s", step) and len(step) < COLUMNS for step in steps), steps
    assert b"\n" not in progress  # rewritten in place, never a new line
    # Cleared before the summary, which is green and bold.
    assert summary.startswith(b"\x1b[32m\x1b[1mwrote build/brochure.pdf: 3 items")
    assert summary.endswith(b"\x1b[0m\r\n")

    code, seen = on_terminal(project, "build", "--force", "-q")
    assert (code, seen) == (0, b"")  # -q: no progress line and no summary


def test_a_long_step_is_cut_to_the_terminal_width():
    written: list[str] = []
    line = ProgressLine(True, written.append, columns=20)
    line.delay = 0
    line("Writing a-rather-long-name-for-a-brochure.pdf")
    line("Writing a-rather-long-name-for-a-brochure.pdf")  # the same again: not written again
    assert written == ["\r\x1b[KWriting a-rather-l…"]
    line.clear()
    line.clear()
    assert written[1:] == ["\r\x1b[K"]


def test_a_quick_build_shows_no_progress_line():
    written: list[str] = []
    line = ProgressLine(True, written.append)
    line("Reading and validating entries")  # within the first second
    line.clear()
    assert written == []
    line = ProgressLine(False, written.append)  # -q, --format json, or not a terminal
    line.delay = 0
    line("Laying out page 1")
    assert written == []


def test_colour_only_on_a_terminal_and_never_with_no_color(project):
    assert run("build", cwd=project).exit_code == 0  # then each build below is quick: nothing changed
    code, seen = on_terminal(project, "build")
    assert code == 0 and seen.rpartition(ERASE)[2].startswith(b"\x1b[32m\x1b[1mbuild/brochure.pdf is up to date")
    for empty in ("", "1"):  # NO_COLOR: any value but an empty one (no-color.org)
        code, seen = on_terminal(project, "build", NO_COLOR=empty)
        assert code == 0 and bool(COLOUR.search(seen)) is (empty == ""), seen
    assert ERASE in seen  # the progress line is no colour: it stays
    done = piped(project, "build")
    assert done.returncode == 0 and done.stdout.startswith(b"build/brochure.pdf is up to date")
    assert not COLOUR.search(done.stdout + done.stderr) and b"\r" not in done.stdout + done.stderr
    # FORCE_COLOR colours a pipe too (a CI log), but never a JSON document.
    assert piped(project, "build", FORCE_COLOR="1").stdout.startswith(b"\x1b[32m\x1b[1mbuild/brochure.pdf")
    assert json.loads(piped(project, "build", "--format", "json", FORCE_COLOR="1").stdout)["up_to_date"]
    code, seen = on_terminal(project, "build", "--format", "json")
    assert code == 0 and not COLOUR.search(seen) and ERASE not in seen


def test_problems_on_a_terminal_have_their_place_in_bold_and_are_red(project):
    shutil.copy(DATA / "bad-entries" / "bad-date.yaml", project / "entries")
    code, seen = on_terminal(project, "check")
    assert code == 1
    assert seen.startswith(b"\x1b[1mentries/bad-date.yaml:2:7\x1b[0m\x1b[31m: date: '11.04.2019' is not a date")
    assert seen.endswith(b"\x1b[31m1 problem found; nothing was written.\x1b[0m\r\n")
    code, seen = on_terminal(project, "check", NO_COLOR="1")
    assert code == 1 and seen.startswith(b"entries/bad-date.yaml:2:7: date:") and not COLOUR.search(seen)


TOOK = r"took (\d+ ms|\d+\.\d\d s)"


@pytest.mark.parametrize("verbose", [("-v", "build"), ("build", "--verbose")])
def test_verbose_tells_each_stage_s_time_and_the_build_s_decisions(project, verbose):
    result = run(*verbose, "--tag", "funding", cwd=project)
    assert result.exit_code == 0, result.output
    told = result.stderr.splitlines()
    assert told[:4] == ["theme: default (built in)", "profile: screen, pdf/ua-1", "output: build/brochure.pdf",
                        "building: no record of an earlier build"]
    assert "entries: 1 selected, 3 left out (1 draft, 2 tag)" in told
    assert "layout: in one piece (under 150 items)" in told
    stages = [line.split(" took ")[0] for line in told if re.fullmatch(r"\w+ " + TOOK, line)]
    assert stages == ["reading", "validating", "selecting", "rendering", "images", "layout", "finishing",
                      "writing"]
    assert result.stdout.startswith("wrote build/brochure.pdf: 1 item,")  # the summary stays on stdout


def test_verbose_with_json_keeps_stdout_one_document(project):
    result = run("-v", "build", "--format", "json", cwd=project)
    report = json.loads(result.stdout)  # nothing else on stdout
    assert list(report["timings"]) == ["reading", "validating", "selecting", "rendering", "images", "layout",
                                       "finishing", "writing"]
    assert "entries: 3 selected, 1 left out (1 draft)" in result.stderr.splitlines()
    assert re.search(r"^layout " + TOOK + "$", result.stderr, re.M)
    again = run("build", "-v", "--format", "json", cwd=project)
    assert json.loads(again.stdout)["up_to_date"]
    assert again.stderr.splitlines()[-2:] == [
        again.stderr.splitlines()[-2], "up to date: no input changed since the last build (--force builds anyway)"]
    assert re.fullmatch("checking " + TOOK, again.stderr.splitlines()[-2])


def test_verbose_on_a_project_theme_and_the_web_edition(project):
    assert run("theme", "new", "house", cwd=project).exit_code == 0
    (project / "brochure.yaml").write_text((project / "brochure.yaml").read_text() + "theme: house\n")
    result = run("-v", "build", "--format", "html", cwd=project)
    assert result.exit_code == 0, result.output
    assert [line.split(" took ")[0] for line in result.stderr.splitlines()] == [
        "reading", "validating", "selecting", "rendering", "writing"]
    result = run("-v", "build", "--jobs", "1", cwd=project)
    told = result.stderr.splitlines()
    assert "theme: house (styles/house, over the built-in default)" in told
    assert "layout: in one piece (one job)" in told
