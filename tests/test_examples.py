"""Every project under examples/ builds the way its README line says, and shows what it
is there to show."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO, page_texts, run, run_json, squash

EXAMPLES = REPO / "examples"


def _copy(name: str, folder: Path) -> Path:
    target = folder / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def test_every_example_is_listed_and_checks_clean(tmp_path):
    listed = (EXAMPLES / "README.md").read_text("utf-8")
    names = sorted(path.name for path in EXAMPLES.iterdir() if path.is_dir())
    assert len(names) >= 3
    for name in names:
        assert f"`{name}/`" in listed, name
        if not (EXAMPLES / name / "brochure.yaml").is_file():
            continue  # ci/: a workflow, not a project (test_the_ci_workflow_uses_only_what_the_cli_has)
        result = run("check", cwd=_copy(name, tmp_path))
        assert result.exit_code == 0, (name, result.output)


def test_the_quarterly_newsletter_builds_a_quarter_for_screen_and_web(tmp_path):
    project = _copy("quarterly-newsletter", tmp_path)
    result, report = run_json("build", "--since", "2025-Q1", "--until", "2025-Q1", cwd=project)
    assert result.exit_code == 0, result.output
    assert len(report["included"]) == 4
    text = squash(" ".join(page_texts(project / "build" / "brochure.pdf")))
    assert "Field Office Newsletter" in text and "January – March 2025" in text
    assert run("build", "--format", "html", cwd=project).exit_code == 0
    assert "Port control officers" in (project / "build" / "brochure.html").read_text("utf-8")


@pytest.mark.parametrize("language, title, label", [
    ("en", "Partnership in Brief", "Further information"), ("fr", "Le partenariat en bref", "Pour en savoir plus"),
    ("ar", "الشراكة في سطور", "لمزيد من المعلومات"),
])
def test_the_multilingual_example_makes_three_editions(tmp_path, language, title, label):
    project = _copy("multilingual-edition", tmp_path)
    result = run("build", "--language", language, "-o", f"{language}.pdf", cwd=project)
    assert result.exit_code == 0, result.output
    text = squash(" ".join(page_texts(project / f"{language}.pdf")))
    assert "Officials study port controls in Antwerp" in text  # untranslated: printed in English
    with pikepdf.open(project / f"{language}.pdf") as pdf:
        assert str(pdf.Root.Lang) == language
        assert str(pdf.docinfo.Title) == title
    if language != "ar":  # pdfium gives Arabic in an order of its own
        assert label.casefold() in text.casefold()


def test_the_annual_report_goes_to_the_print_shop_and_the_archive(tmp_path):
    project = _copy("annual-report-print", tmp_path)
    result, report = run_json("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    assert all(rule["status"] != "fail" for rule in report["preflight"])
    texts = page_texts(project / "build" / "brochure.pdf")
    assert texts[1].startswith("Foreword") and "ISBN 978-92-1-148351-2" in texts[-1]  # the back cover, last
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        assert len(pdf.pages) % 4 == 0  # saddle-stitched
        trim, bleed = ([float(value) for value in pdf.pages[0][box]] for box in ("/TrimBox", "/BleedBox"))
        assert round(trim[2] - trim[0]) == 420  # A5: 148 mm
        assert bleed[0] < trim[0]
    result, report = run_json("build", "--profile", "archive", "-o", "archive.pdf", cwd=project)
    assert result.exit_code == 0, result.output
    assert {rule["rule"]: rule["status"] for rule in report["preflight"]}["tagged for accessibility"] == "pass"


def _brochure_commands(script: str, environment: dict[str, str]) -> list[list[str]]:
    """The `brochure ...` command lines of a step's shell script, each split into its
    words, with the step's variables given sample values and redirections left out."""
    import re
    import shlex

    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        line = line.strip()
        if not re.match(r"brochure\s", line):
            assert not re.search(r"(?:[;&|(`]\s*)brochure\s", line), f"a brochure command inside a line: {line}"
            continue
        words = shlex.split(re.sub(r"\$(\w+)", lambda match: environment.get(match[1], match[0]), line),
                            comments=True)
        commands.append(list(itertools.takewhile(lambda word: word not in (">", ">>", "|", "&&", ";"), words[1:])))
    return commands


def test_the_ci_workflow_uses_only_what_the_cli_has():
    """Every `brochure` line of examples/ci/ is a command the CLI has, with options it
    takes and values they accept: the workflow cannot silently rot."""
    import click
    import yaml

    from brochure.cli import main

    workflow = yaml.safe_load((EXAMPLES / "ci" / "release.yml").read_text("utf-8"))
    samples = {"PERIOD": "2025-Q1", "EDITION": "print", "RUNNER_TEMP": "/tmp", "GITHUB_OUTPUT": "/tmp/out"}
    found = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            found += _brochure_commands(step.get("run", ""), samples)
    assert [words[0] for words in found] == ["check", "release"]
    assert found[1][2:4] == ["--edition", "print"] and "--format" in found[1]
    for name, *args in found:
        command = main.commands[name]
        with click.Context(main) as parent:
            command.make_context(name, args, parent=parent)  # raises on an unknown option or a bad value
    # The matrix is the list of brochure.yaml's edition names; the editions job releases one of them.
    edition = workflow["jobs"]["edition"]
    assert edition["strategy"]["matrix"]["edition"] == "${{ fromJSON(needs.plan.outputs.editions) }}"
    assert edition["env"]["EDITION"] == "${{ matrix.edition }}"
    assert workflow["jobs"]["collect"]["needs"] == "edition"
