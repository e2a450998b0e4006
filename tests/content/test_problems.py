"""Bad input: every problem at once, located, with a hint; nothing lost, nothing run."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import DATA, copy_project, outline_titles, run, run_json, wait_for

# tests/data/bad-entries/NAME.yaml -> the exact line `brochure check` prints for it.
EXPECTED = {
    "absolute-image-path": ("4:8: image.src: '/etc/hostname.jpg' is an absolute path; "
                            "write it relative to the entry file"),
    "alias-bomb": "3:4: YAML anchors (&name) are not supported (write the value out in full)",
    "bad-date": "2:7: date: '11.04.2019' is not a date (write 2019-04-11)",
    "bad-link-scheme": ("6:10: links[0].url: 'javascript:alert(1)' is not an accepted link (write a full http://, "
                        "https:// or mailto: address)"),
    "control-character": ("1:16: the character U+0007 is not allowed in YAML (delete it: control characters often come "
                          "in with pasted text)"),
    "bad-tag": "4:8: tags[0]: tag 'Human Rights' is not a simple lower-case word (write it as 'human-rights')",
    "duplicate-key": "4:1: duplicate key 'date' (first given on line 2) (keep one of them)",
    "empty": "1:1: the file is empty (write the entry's fields, starting with title:)",
    "end-before-start": ("3:11: end_date: ends (2021-03-01) before it starts (2021-03-05) (end_date must be the same "
                         "day as date or later)"),
    "image-outside-project": "4:8: image.src: '../../../../etc/passwd.jpg' leads outside the project folder",
    "impossible-date": "2:7: date: '2019-02-30' is not a day of the calendar (check the month and the day)",
    "invalid-yaml": ("4:1: invalid YAML: found unexpected end of stream, while scanning a quoted scalar that starts on "
                     "line 1"),
    "missing-body": "1:1: body: required field 'body' is missing in the entry (add 'body: ...')",
    "missing-image": ("4:8: image.src: image file 'images/nowhere.jpg' not found (check the file name; paths are "
                      "relative to the entry file)"),
    "not-a-mapping": ("1:1: the file must be a mapping of fields (key: value), not a list (start with a line such as "
                      "'title: ...')"),
    "python-tag": "1:8: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    "remote-image": ("4:8: image.src: 'http://127.0.0.1:9/photo.jpg' is a web address; images must be files inside the "
                     "project"),
    "tab-indentation": "4:1: tab used for indentation (indent with spaces only)",
    "tab-in-value": "1:9: a tab is not allowed here (use spaces, or put the value in quotes)",
    "typo-key": "1:1: tittle: unknown field 'tittle' (did you mean 'title'?)",
    "wrong-types": "4:7: tags: must be a list, not 'trafficking' (write it as [a, b] or as lines starting with '- ')",
}


def _project_with(tmp_path: Path, *names: str) -> Path:
    project = copy_project("minimal", tmp_path)
    for name in names:
        shutil.copy(DATA / "bad-entries" / f"{name}.yaml", project / "entries")
    return project


def test_every_bad_file_has_a_test():
    assert {path.stem for path in (DATA / "bad-entries").glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_problem_is_reported_with_file_line_and_hint(tmp_path, name):
    project = _project_with(tmp_path, name)
    previous = project / "build" / "brochure.pdf"
    previous.parent.mkdir()
    previous.write_bytes(b"%PDF- the previous release")
    for command in ("check", "build"):
        result = run(command, cwd=project)
        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert lines[0].startswith(f"entries/{name}.yaml:{EXPECTED[name]}"), lines
        assert "Traceback" not in result.output
    assert previous.read_bytes() == b"%PDF- the previous release"
    assert [path.name for path in previous.parent.iterdir()] == ["brochure.pdf"]


def test_all_problems_of_all_files_come_at_once_sorted(tmp_path):
    project = _project_with(tmp_path, *EXPECTED)
    result = run("check", cwd=project)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    reported = [line for line in lines if line.startswith("entries/")]
    files = {line.split(":")[0] for line in reported}
    assert files == {f"entries/{name}.yaml" for name in EXPECTED}
    keys = [(line.split(":")[0], int(line.split(":")[1])) for line in reported]
    assert keys == sorted(keys)
    assert lines[-1] == f"{len(reported)} problems found; nothing was written."
    assert len(reported) == len(EXPECTED) + 1  # wrong-types has two problems


def test_problems_as_json(tmp_path):
    project = _project_with(tmp_path, "bad-date", "typo-key")
    result, document = run_json("check", cwd=project)
    assert result.exit_code == 1
    assert document["ok"] is False
    assert [(p["path"], p["line"], p["field"]) for p in document["problems"]] == [
        ("entries/bad-date.yaml", 2, "date"), ("entries/typo-key.yaml", 1, "tittle")]
    assert document["problems"][0]["hint"] == "write 2019-04-11"


def test_a_file_that_is_not_utf8(tmp_path):
    project = copy_project("minimal", tmp_path)
    (project / "entries" / "latin1.yaml").write_bytes("title: Caf\xe9\ndate: 2021-03-01\nbody: x\n".encode("latin-1"))
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("entries/latin1.yaml:1:1: the file is not UTF-8 text (save it with UTF-8 encoding)")


def test_yaml_tags_never_run_code(tmp_path):
    marker = Path("/tmp/brochure-was-here")
    marker.unlink(missing_ok=True)
    run("check", cwd=_project_with(tmp_path, "python-tag"))
    assert not marker.exists()


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    project = _project_with(tmp_path, "alias-bomb")
    began = time.monotonic()
    result = run("check", cwd=project)
    assert result.exit_code == 1 and time.monotonic() - began < 1


def test_a_failed_build_keeps_the_previous_pdf_and_leaves_no_temporary_file(tmp_path):
    project = copy_project("minimal", tmp_path)
    assert run("build", cwd=project).exit_code == 0
    pdf = project / "build" / "brochure.pdf"
    before = pdf.read_bytes()
    os.utime(pdf, (1, 1))
    shutil.copy(DATA / "bad-entries" / "bad-date.yaml", project / "entries")
    result = run("build", cwd=project)
    assert result.exit_code == 1
    assert "nothing was written" in result.stderr
    assert pdf.read_bytes() == before and pdf.stat().st_mtime == 1
    assert sorted(path.name for path in pdf.parent.iterdir()) == [".brochure.pdf.inputs", "brochure.pdf"]


def test_bad_settings_are_reported_like_entries(tmp_path):
    project = copy_project("minimal", tmp_path)
    (project / "brochure.yaml").write_text("title: T\norder: newest\npagee: {}\n")
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "brochure.yaml:2:8: order: 'newest' is not allowed (use one of: newest-first, oldest-first)",
        "brochure.yaml:3:1: pagee: unknown field 'pagee' (did you mean 'page'?)",
    ]


def test_no_project_here(tmp_path):
    result = run("list", cwd=tmp_path)
    assert result.exit_code == 1
    assert "no brochure.yaml found here or in any parent folder" in result.stderr


def test_nothing_selected_is_an_error_not_an_empty_pdf(tmp_path):
    project = copy_project("minimal", tmp_path)
    result = run("build", "--since", "2030", cwd=project)
    assert result.exit_code == 1
    assert "no entry is selected, nothing to build" in result.stderr
    assert not (project / "build").exists()


def _build_process(project: Path, output: str, *options: str):
    import subprocess
    import sys

    return subprocess.Popen([sys.executable, "-m", "brochure", "build", "-o", output, *options], cwd=project,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _building(process) -> bool:
    """Whether the build has started its layout process (its SIGTERM handler is in place
    by then): a readiness signal instead of a guessed delay."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")

    def started() -> bool:
        try:
            return bool(children.read_text().split())
        except OSError:  # the build has already ended
            return False

    return wait_for(lambda: started() or process.poll() is not None, 30, 0.01) and process.poll() is None


@pytest.mark.slow
def test_an_interrupted_build_keeps_the_previous_pdf(tmp_path):
    import signal

    project = copy_project("seed", tmp_path)
    target = project / "out.pdf"
    target.write_bytes(b"%PDF- the previous release")
    # Stop builds at different moments once they are under way: reading the entries,
    # laying out, writing (a stop in the middle of the write itself is the unit test below).
    for delay in (0, 0.6, 1.2):
        process = _build_process(project, "out.pdf", "--jobs", "2")
        assert _building(process), "the build never started its layout process"
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        if process.returncode == 0:  # it finished first: then it is a whole new PDF
            import pikepdf
            with pikepdf.open(target) as pdf:
                assert len(pdf.pages) > 10
            target.write_bytes(b"%PDF- the previous release")
        else:
            assert process.returncode == 130, stderr  # our handler ran: it unwound, cleaning up
            assert target.read_bytes() == b"%PDF- the previous release"
        assert not [path for path in project.iterdir() if path.name.endswith(".tmp")]
        assert _wait_until_gone(project), "a layout process outlived the build"


def _wait_until_gone(project: Path, seconds: float = 5) -> bool:
    """Whether every brochure process working in `project` (the build and the children it
    forked, which share its command line) has ended, within `seconds`."""
    def left() -> list[str]:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and os.readlink(entry / "cwd") == str(project) and \
                        b"brochure" in (entry / "cmdline").read_bytes():
                    found.append(entry.name)
            except OSError:
                continue
        return found

    return wait_for(lambda: not left(), seconds)


@pytest.mark.slow
def test_two_builds_writing_the_same_file_at_once_leave_one_whole_pdf(tmp_path):
    project = copy_project("seed", tmp_path)
    processes = [_build_process(project, "same.pdf") for _ in range(2)]
    assert [process.wait(timeout=120) for process in processes] == [0, 0]
    assert len(outline_titles(project / "same.pdf")) == 14
    assert not [path for path in project.iterdir() if path.name.endswith(".tmp")]


@pytest.mark.parametrize("yaml_text, message", [
    ("<<: {title: x}\ndate: 2021-01-01\nbody: x\n", "1:1: YAML merge keys (<<) are not supported"),
    ("title: x\n!!python/name:os.system : y\n", "2:1: a key must be a plain name"),
    ("title: x\n? [a, b]\n: c\n", "2:3: a key must be a plain name"),
    ("title: x\ndate: 2021-01-01\nbody: x\n2019-02-30: y\n", "4:1: 2019-02-30: unknown field '2019-02-30'"),
    ("title: x\ndate: 2021-01-01\nbody: x\nimage: {src: \"a\\0b.jpg\", alt: x}\n",
     "4:14: image.src: 'a\\x00b.jpg' contains a NUL character"),
    ("title: x\ndate: 2021-01-01\nbody: x\nextra: {a: " + "[" * 3000 + "]" * 3000 + "}\n", "1:1: nested too deeply"),
    ("title: x\ndate: 2021-01-01\nbody: x\nextra: {a: " + "[" * 25 + "]" * 25 + "}\n", "nested too deeply"),
    ("title: ' '\ndate: 2021-01-01\nbody: x\n", "1:8: title: must not be empty"),
    ("title: x\ndate: 2021-01-01\nbody: \"  \"\n", "3:7: body: must not be empty"),
    ("title: x\ndate: 2021-01-01\nend_date: null\nbody: x\n", "3:11: end_date: nothing is not a date"),
    ("title: x\ndate: \"2021-01-01\\n\"\nbody: x\n", "2:7: date: '2021-01-01\\n' has a line break after the date"),
    ("title: x\ndate: 2021-01-01\nbody: x\nweight: " + "9" * 500 + "x\n", "4:9: weight: must be"),
])
def test_odd_yaml_is_a_content_error_never_a_crash(tmp_path, yaml_text, message):
    project = copy_project("minimal", tmp_path)
    (project / "entries" / "odd.yaml").write_text(yaml_text)
    result = run("check", cwd=project)
    assert result.exit_code == 1, result.output
    first = result.stderr.splitlines()[0]
    assert first.startswith("entries/odd.yaml:") and message in first, first
    assert len(first) < 300


def test_a_tab_inside_a_text_block_is_text(tmp_path):
    project = copy_project("minimal", tmp_path)
    (project / "entries" / "tab.yaml").write_text("title: x\ndate: 2021-01-01\nbody: |\n  a\ttable\n")
    assert run("check", cwd=project).exit_code == 0


def test_a_bad_source_date_epoch_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "9" * 30)
    result = run("build", cwd=copy_project("minimal", tmp_path))
    assert result.exit_code == 1 and result.stderr.startswith("SOURCE_DATE_EPOCH: ")


def test_an_interrupted_write_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch):
    from brochure.commands import build

    target = tmp_path / "brochure.pdf"
    target.write_bytes(b"previous")

    def interrupted(descriptor):
        raise KeyboardInterrupt  # Ctrl-C (or SIGTERM, which the CLI turns into it) mid-write

    monkeypatch.setattr(build.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.write_atomically(target, b"new and half written")
    assert target.read_bytes() == b"previous"
    assert [path.name for path in tmp_path.iterdir()] == ["brochure.pdf"]


def test_libyaml_and_pyyaml_read_entries_alike(tmp_path, monkeypatch):
    """Valid entries are parsed by libyaml when it is there, anything else by PyYAML's
    own parser: both must give the same values at the same lines and columns."""
    from conftest import REPO

    from brochure.content import yaml_reader as source

    odd = tmp_path / "odd.yaml"
    odd.write_text('title: "Café – ünïcode 🎉"\ndate: 2020-02-03\nsource: {name: Ñame, url: "https://x.org"}\n'
                   "tags: [a, 'b']\nbody: |\n  Ü line\n\n  *two* & more\nlinks:\n  - title: x  # note\n"
                   "    url: https://x.org/ü\n", "utf-8")
    files = [odd, *sorted((REPO / "entries").glob("*.yaml"))]
    assert source.yaml.__with_libyaml__  # PyYAML's wheels carry libyaml: the fast path is tested
    fast = [source.read_yaml(path, path.name) for path in files]
    monkeypatch.setattr(source.yaml, "__with_libyaml__", False)
    slow = [source.read_yaml(path, path.name) for path in files]
    for path, (document, problems), (expected, expected_problems) in zip(files, fast, slow, strict=True):
        assert problems == expected_problems == [], path.name
        assert (document.data, document.values, document.keys) == \
               (expected.data, expected.values, expected.keys), path.name
