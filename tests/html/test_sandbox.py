"""A theme is untrusted: its templates see plain data, cannot reach files or processes,
and a runaway template is stopped and located. Each case asserts the exit code, the
message and its place, that nothing outside the theme was read into the output, that
nothing was written, and that the previous PDF is intact."""

from __future__ import annotations

import pytest
from conftest import PREVIOUS_PDF, copy_project, page_texts, run, with_previous_pdf

SECRET = "THE-SECRET-OF-THE-HOME-FOLDER"

# Template text -> what the message says. Every one tries to reach a file, a process or
# Python's insides through what the template is given.
ESCAPES = {
    "{{ brochure.root.read_text() }}": "no attribute",
    "{{ brochure.cover_image.path.read_bytes() }}": "no attribute",
    "{{ items[0].entry.image.path.write_text('x') }}": "no attribute",
    "{{ brochure.print_options.icc.open().read() }}": "no attribute",
    "{{ brochure.__class__.__init__.__globals__ }}": "unsafe",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}": "unsafe",
    "{{ items.__class__.__base__.__subclasses__() }}": "unsafe",
    "{{ lipsum.__globals__['os'].system('true') }}": "unsafe",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}": "unsafe",
    "{{ range.__self__.open('/etc/hostname').read() }}": "no attribute",
    "{{ self._TemplateReference__context }}": "unsafe",
    "{{ (items | first).entry.date.__class__.__subclasses__() }}": "unsafe",
    "{{ namespace.__init__.__globals__ }}": "unsafe",
    "{{ joiner.__init__.__globals__['__builtins__'] }}": "unsafe",
    "{{ items | length / 0 }}": "ZeroDivisionError",
}


@pytest.fixture
def themed(tmp_path):
    """A project with its own theme `hostile` and a previous PDF in place; a secret file
    beside the project, and one its cover picture's folder could lead to."""
    project = copy_project("minimal", tmp_path)
    (tmp_path / "secret.txt").write_text(SECRET)
    (project / "styles" / "hostile").mkdir(parents=True)
    (project / "brochure.yaml").write_text("title: T\ntheme: hostile\n")
    with_previous_pdf(project)
    return project


def _template(project, text: str) -> None:
    template = project / "styles" / "hostile" / "brochure.html.j2"
    template.write_text(f'<html lang="en">\n<body>\n{text}\n</body></html>\n')


@pytest.mark.parametrize("text", list(ESCAPES))
def test_a_template_cannot_reach_files_processes_or_python(themed, text):
    _template(themed, text)
    result = run("build", cwd=themed)
    assert result.exit_code == 1, result.output
    [problem, summary] = result.stderr.splitlines()
    assert problem.startswith("styles/hostile/brochure.html.j2:3"), problem
    assert ESCAPES[text] in problem, problem
    assert summary == "1 problem found; nothing was written."
    assert "Traceback" not in result.output and SECRET not in result.output
    assert (themed / "build" / "brochure.pdf").read_bytes() == PREVIOUS_PDF
    assert sorted(path.name for path in (themed / "build").iterdir()) == ["brochure.pdf"]


def test_a_template_sees_plain_data(themed):
    """What a theme can use is there; paths are not."""
    _template(themed, "{{ brochure.title }}|{{ items | length }}|{{ items[0].entry.date.year }}|"
                      "{{ items[0].entry.tags | join(',') }}|{{ brochure.root is defined }}|"
                      "{{ items[0].entry.image is mapping }}")
    result = run("build", cwd=themed)
    assert result.exit_code == 0, result.output
    assert "T|3|2021|funding,meetings|False|True" in page_texts(themed / "build" / "brochure.pdf")[0]


@pytest.mark.parametrize("loop", [
    "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "{% for a in range(100000) %}{% for b in range(100000) %}{{ a }}{% endfor %}{% endfor %}",
    "{% macro again(n) %}{{ again(n + 1) }}{% endmacro %}{{ again(0) }}",
])
def test_a_runaway_template_is_stopped_and_located(themed, monkeypatch, loop):
    from brochure.html import sandbox

    monkeypatch.setattr(sandbox, "TEMPLATE_SECONDS", 1.0)
    monkeypatch.setattr(sandbox, "MAX_OUTPUT", 5_000_000)
    _template(themed, loop)
    result = run("build", cwd=themed)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("styles/hostile/brochure.html.j2:3:"), result.stderr
    assert "theme template runs away" in result.stderr
    assert "Traceback" not in result.output
    assert (themed / "build" / "brochure.pdf").read_bytes() == PREVIOUS_PDF


@pytest.mark.parametrize("text, message", [
    ("{{ 2 ** 999999999 }}", "2 ** 999999999 is too large a number"),
    ("{{ 'x' * 10 ** 12 }}", "a repetition longer than any brochure"),
    ("{{ items * 10 ** 9 }}", "a repetition longer than any brochure"),
    ("{{ (10 ** 20000) * (10 ** 20000) }}", "too large a number"),
])
def test_arithmetic_no_time_limit_could_stop_is_refused(themed, text, message):
    """One call of C (a huge power, a huge repetition) cannot be interrupted: refused."""
    _template(themed, text)
    result = run("build", cwd=themed)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"styles/hostile/brochure.html.j2:3:1: theme template error: {message}")
    assert (themed / "build" / "brochure.pdf").read_bytes() == PREVIOUS_PDF


def test_an_error_in_a_theme_reached_through_a_link_in_the_project_is_located(themed):
    real = themed / "themes" / "house"
    real.mkdir(parents=True)
    (real / "brochure.html.j2").write_text('<html lang="en">\n<body>\n{{ items | length / 0 }}\n</body></html>\n')
    (themed / "styles" / "hostile").rmdir()
    (themed / "styles" / "hostile").symlink_to(real)
    result = run("build", cwd=themed)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("styles/hostile/brochure.html.j2:3:"), result.stderr
    assert "ZeroDivisionError" in result.stderr and "internal error" not in result.stderr
