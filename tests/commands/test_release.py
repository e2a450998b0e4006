"""brochure release: the editions of brochure.yaml built in one command, with one report
and the checksums beside them; a failing edition fails the release but not the others."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import yaml
from conftest import REPO, copy_project, run, run_json, subprocess_environment

SEED_EDITIONS = """
editions:
  - name: screen
    profile: screen
    file: "releases/{period}/brochure-{profile}.pdf"
  - name: print
    profile: print
    file: "releases/{period}/brochure-{profile}.pdf"
  - name: archive
    profile: archive
    file: "releases/{period}/brochure-{profile}.pdf"
"""
WORKFLOW = REPO / "examples" / "ci" / "release.yml"


def _with_settings(project: Path, text: str) -> Path:
    with (project / "brochure.yaml").open("a", encoding="utf-8") as settings:
        settings.write(text)
    return project


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def seed_release(tmp_path_factory):
    """The repository's own brochure released for 2019-Q1 as screen, print and archive."""
    project = _with_settings(copy_project("seed", tmp_path_factory.mktemp("release")), SEED_EDITIONS)
    result = run("release", "2019-Q1", cwd=project)
    return project, result


@pytest.mark.slow
def test_one_command_writes_three_editions_the_report_and_the_checksums(seed_release):
    project, result = seed_release
    assert result.exit_code == 0, result.output
    folder = project / "releases" / "2019-Q1"
    assert sorted(path.name for path in folder.iterdir() if not path.name.startswith(".")) == [
        "SHA256SUMS", "brochure-archive.pdf", "brochure-print.pdf", "brochure-screen.pdf", "release.json"]
    assert result.stdout.splitlines()[-1] == ("released 3 editions; report releases/2019-Q1/release.json, "
                                              "checksums releases/2019-Q1/SHA256SUMS")
    report = json.loads((folder / "release.json").read_text("utf-8"))
    assert report["ok"] and (report["since"], report["until"], report["folder"]) == ("2019-Q1", "2019-Q1",
                                                                                    "releases/2019-Q1")
    editions = {edition["name"]: edition for edition in report["editions"]}
    assert list(editions) == ["screen", "print", "archive"]  # as brochure.yaml lists them
    for name, edition in editions.items():
        path = folder / edition["file"]
        assert (edition["status"], edition["profile"], edition["language"]) == ("finished", name, "en")
        assert edition["sha256"] == _sha256(path) and edition["size"] == path.stat().st_size
        assert edition["files"] == [{"file": f"brochure-{name}.pdf", "size": edition["size"],
                                     "sha256": edition["sha256"]}]
        assert edition["items"] == 10 and edition["pages"] > 10 and edition["problems"] == []
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) == edition["pages"]
            intents = {str(intent.get("/S")) for intent in pdf.Root.get("/OutputIntents", [])}
            metadata = pdf.Root.Metadata.read_bytes().decode("utf-8") if "/Metadata" in pdf.Root else ""
            boxes = set(pdf.pages[0].obj.keys())
        if name == "print":  # PDF/X: the press's output intent, bleed, preflighted
            assert intents == {"/GTS_PDFX"} and "/BleedBox" in boxes
            assert edition["checks"]["preflight"] == "passed" and edition["checks"]["rules"] > 20
        elif name == "archive":  # PDF/A-1a
            assert intents == {"/GTS_PDFA1"} and "<pdfaid:part>1</pdfaid:part>" in metadata
            assert edition["checks"]["preflight"] == "passed"
        else:
            assert not intents and "pdfaid" not in metadata and edition["checks"]["preflight"] == "not run"
    sums = (folder / "SHA256SUMS").read_text("utf-8")
    assert sums == "".join(f"{edition['sha256']}  {edition['file']}\n" for edition in editions.values())
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count(": OK\n") == 3


@pytest.mark.slow
def test_a_second_release_finds_every_edition_up_to_date_and_prints_the_report(seed_release):
    project, _ = seed_release
    folder = project / "releases" / "2019-Q1"
    written = {path.name: path.read_bytes() for path in folder.glob("*.pdf")}
    first = json.loads((folder / "release.json").read_text("utf-8"))
    result, report = run_json("release", "--since", "2019-Q1", "--until", "2019-Q1", cwd=project)
    assert result.exit_code == 0, result.output
    assert report == json.loads((folder / "release.json").read_text("utf-8"))
    assert all(edition["up_to_date"] for edition in report["editions"])
    # what was said of each file is said again: the print edition's blank page before the back cover
    assert [edition["warnings"] for edition in report["editions"]] == [
        edition["warnings"] for edition in first["editions"]]
    assert any("before the back cover" in warning for edition in report["editions"] for warning in edition["warnings"])
    assert {path.name: path.read_bytes() for path in folder.glob("*.pdf")} == written


@pytest.mark.slow
def test_the_ci_example_gathers_a_release_and_checks_its_checksums(seed_release, tmp_path):
    """The workflow's last job, run on what a release wrote, as GitHub's bash runs it."""
    assert shutil.which("jq"), "jq (which GitHub's runners have) is needed to run the workflow's script (see .ci/run)"
    project, _ = seed_release
    shutil.copytree(project / "releases" / "2019-Q1", tmp_path / "editions" / "edition-all")
    steps = yaml.safe_load(WORKFLOW.read_text("utf-8"))["jobs"]["collect"]["steps"]
    script = next(step["run"] for step in steps if "sha256sum -c" in step.get("run", ""))
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    gathered = tmp_path / "release"
    assert sorted(line.split("  ")[1] for line in (gathered / "SHA256SUMS").read_text().splitlines()) == [
        f"releases/2019-Q1/brochure-{name}.pdf" for name in ("archive", "print", "screen")]
    assert json.loads((gathered / "release.json").read_text())["ok"] is True


@pytest.mark.slow
def test_a_failing_edition_fails_the_release_and_the_other_is_written_and_marked_finished(tmp_path):
    project = _with_settings(copy_project("seed", tmp_path), """
print:
  min_ppi: 2400   # no picture of the seed is that sharp at its size: print fails
  max_ppi: 2400
editions:
  - {name: screen, profile: screen, file: "out/brochure-{period}.pdf"}
  - {name: print, profile: print, file: "out/print/brochure-{period}.pdf"}
""")
    result = run("release", "2019-Q1", cwd=project)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == ("release failed: print failed, 1 of 2 finished; report "
                                              "out/release.json, checksums out/SHA256SUMS")
    assert "print: failed (7 problems); out/print/brochure-2019-Q1.pdf not written" in result.stderr
    assert ("entries/2019-03-28-ccp-customs-cooperation-working-party.yaml:5:8: image.src: image "
            "'images/2019-03-28-ccp-customs-cooperation-working-party.jpg' prints at ") in result.stderr
    assert (project / "out" / "brochure-2019-Q1.pdf").is_file()
    assert not (project / "out" / "print").exists()
    report = json.loads((project / "out" / "release.json").read_text("utf-8"))
    screen, printed = report["editions"]
    assert report["ok"] is False
    assert (screen["status"], screen["sha256"]) == ("finished", _sha256(project / "out" / "brochure-2019-Q1.pdf"))
    assert (printed["status"], printed["file"], printed["sha256"], printed["files"]) == (
        "failed", "print/brochure-2019-Q1.pdf", None, [])
    assert {problem["path"] for problem in printed["problems"]} >= {
        "entries/2019-03-28-ccp-customs-cooperation-working-party.yaml"}
    assert all(problem["line"] == 5 for problem in printed["problems"])
    assert (project / "out" / "SHA256SUMS").read_text() == f"{screen['sha256']}  brochure-2019-Q1.pdf\n"
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=project / "out", capture_output=True)
    assert checked.returncode == 0
    # One runner, one edition: the finished one alone (up to date now), its own report.
    result, alone = run_json("release", "2019-Q1", "--edition", "screen", cwd=project)
    assert result.exit_code == 0, result.output
    assert [edition["name"] for edition in alone["editions"]] == ["screen"] and alone["ok"]
    # A failed edition whose file an earlier release left there: said, so it is not shipped by mistake.
    (project / "out" / "print").mkdir()
    (project / "out" / "print" / "brochure-2019-Q1.pdf").write_bytes(b"%PDF- an earlier release")
    result, again = run_json("release", "2019-Q1", cwd=project)
    assert result.exit_code == 1 and [edition["stale"] for edition in again["editions"]] == [False, True]
    result = run("release", "2019-Q1", cwd=project)
    assert ("print: failed (7 problems); out/print/brochure-2019-Q1.pdf not written (the file there is an earlier "
            "release's)") in result.stderr


@pytest.mark.slow
def test_language_editions_and_the_web_edition_in_one_release(tmp_path):
    project = tmp_path / "multilingual"
    shutil.copytree(REPO / "examples" / "multilingual-edition", project)
    result, report = run_json("release", "2025", cwd=project)
    assert result.exit_code == 0, result.output
    folder = project / "releases"
    assert [(edition["name"], edition["profile"], edition["language"], edition["file"])
            for edition in report["editions"]] == [
        ("en", "screen", "en", "partnership-2025-en.pdf"), ("fr", "screen", "fr", "partnership-2025-fr.pdf"),
        ("ar", "screen", "ar", "partnership-2025-ar.pdf"), ("web", "html", "en", "web/partnership-2025.html")]
    for language in ("en", "fr", "ar"):
        with pikepdf.open(folder / f"partnership-2025-{language}.pdf") as pdf:
            assert str(pdf.Root.Lang) == language
    web = report["editions"][3]
    assert web["pages"] is None and len(web["files"]) == 2  # the page and its picture
    assert web["files"][1]["file"].startswith("web/partnership-2025_files/")
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.count(": OK\n") == 5


def test_a_release_without_editions_says_how_to_add_them(tmp_path):
    project = copy_project("minimal", tmp_path)
    result = run("release", "2019", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("brochure.yaml: editions: no editions: nothing to release (name what a release "
                                    "makes in brochure.yaml, for example:\neditions:\n  - {name: screen, ")
    assert "`brochure schema settings` describes every field of an edition" in result.stderr
    assert not (project / "releases").exists()


def test_mistakes_in_editions_are_told_at_their_line_before_anything_is_built(tmp_path):
    project = _with_settings(copy_project("minimal", tmp_path), """editions:
  - {name: screen, profile: screen, file: "releases/a.pdf"}
  - {name: Screen, profile: print, file: "/tmp/b.pdf"}
  - {name: web, profile: html, file: "../c.html", since: 2019-Q5}
  - {name: late, profile: screen, file: "d.pdf", since: "2020", until: "2019", langauge: fr}
""")
    result = run("release", "2019", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "brochure.yaml:8:80: editions[3].langauge: unknown field 'langauge' (did you mean 'language'?)",
        "1 problem found; nothing was written."]
    (project / "brochure.yaml").write_text((project / "brochure.yaml").read_text().replace(", langauge: fr", ""))
    result = run("release", "2019", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "brochure.yaml:6:12: editions[1].name: a second edition named 'Screen' (the first is editions[0]) (give "
        "each edition a name of its own: `brochure release --edition NAME` picks it)",
        "brochure.yaml:6:42: editions[1].file: '/tmp/b.pdf' is not inside the project folder (write a path "
        "relative to brochure.yaml, e.g. releases/brochure-{period}-{profile}.pdf)",
        "brochure.yaml:7:38: editions[2].file: '../c.html' is not inside the project folder (write a path "
        "relative to brochure.yaml, e.g. releases/brochure-{period}-{profile}.pdf)",
        "brochure.yaml:7:58: editions[2].since: '2019-Q5' is not a period; write YYYY, YYYY-MM, YYYY-MM-DD or "
        "YYYY-Qn (e.g. 2019, 2019-03, 2019-03-31 or 2019-Q1)",
        "brochure.yaml:8:57: editions[3].since: since (2020) is after until (2019) (swap them)",
        "5 problems found; nothing was written."]
    assert sorted(path.name for path in project.iterdir()) == ["brochure.yaml", "entries"]


def test_where_the_files_lead_is_checked_for_the_release_period(tmp_path):
    project = _with_settings(copy_project("minimal", tmp_path), """editions:
  - {name: screen, profile: screen, file: "releases/{period}.pdf"}
  - {name: print, profile: print, file: "releases/{period}.pdf"}
  - {name: french, profile: screen, language: fr-FX, file: "releases/{period}-{language}.pdf"}
  - {name: page, profile: screen, file: "releases/{period}.html"}
  - {name: web, profile: html, file: "releases/{edition}.html"}
""")
    result = run("release", "2019", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "brochure.yaml:6:41: editions[1].file: writes releases/2019.pdf, as editions[0] (screen) does (give each "
        "edition a file of its own, e.g. with {profile} and {language} in the name)",
        "brochure.yaml:7:47: editions[2].language: no translation into fr-FX in the project: the fr-FX edition "
        "would have nothing of its own (translate entries into it, as NAME.fr-FX.yaml beside NAME.yaml, or the "
        "settings, as brochure.fr-FX.yaml; or correct the tag)",
        "brochure.yaml:8:41: editions[3].file: a screen edition is a PDF: 'releases/{period}.html' names a web "
        "page (end the name in .pdf, or make it profile: html)",
        "brochure.yaml:9:38: editions[4].file: unknown placeholder {edition}; use {since}, {until}, {language}, "
        "{profile}, {period}",
        "4 problems found; nothing was written."]
    result = run("release", "--edition", "screen", cwd=project)
    assert result.exit_code == 1
    assert "editions[0].file: {period} needs --since and --until" in result.stderr
    assert not (project / "releases").exists()


@pytest.mark.parametrize("args, message", [
    (["release", "--edition", "nope"], "Invalid value for --edition: no edition named 'nope' in brochure.yaml; "
                                       "its editions: screen"),
    (["release", "2019", "--since", "2019"], "Invalid value for PERIOD: give PERIOD, or --since/--until, not both"),
    (["release", "--since", "2020", "--until", "2019"], "Invalid value for --since: --since is after --until"),
    (["release", "2019-Q5"], "Invalid value for '[PERIOD]': '2019-Q5' is not a period"),
    (["build", "-o", "b-{profile}.pdf"], "Invalid value for -o: {profile} needs --profile"),
])
def test_command_line_mistakes_exit_2(tmp_path, args, message):
    project = _with_settings(copy_project("minimal", tmp_path),
                             'editions:\n  - {name: screen, profile: screen, file: "r/{profile}.pdf"}\n')
    result = run(*args, cwd=project)
    assert result.exit_code == 2
    assert message in result.stderr


def test_every_text_field_of_an_edition_has_a_length_limit():
    from brochure.content.schema import load_schema

    edition = load_schema("settings")["properties"]["editions"]["items"]
    assert edition["additionalProperties"] is False
    texts = [schema for schema in edition["properties"].values() if schema.get("type") == "string"]
    texts += [schema["items"] for schema in edition["properties"].values() if schema.get("type") == "array"]
    assert len(texts) == 6 and all("maxLength" in schema for schema in texts)


@pytest.mark.slow
def test_a_release_stopped_midway_reports_what_it_wrote(tmp_path):
    """SIGTERM once the first edition is written: the report and the checksums say what
    finished (its new digest) and what did not, instead of vouching for the last release."""
    project = _with_settings(copy_project("seed", tmp_path), SEED_EDITIONS)
    folder = project / "releases" / "2019-Q1"
    process = subprocess.Popen([sys.executable, "-m", "brochure", "release", "2019-Q1", "--jobs", "1"], cwd=project,
                               stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               env=subprocess_environment(tmp_path / "tmp"))
    for line in process.stdout:  # each edition's line as it ends
        if line.startswith("screen: wrote "):
            process.send_signal(signal.SIGTERM)
            break
    said = process.stderr.readlines()
    assert process.wait(60) == 130, said
    assert said[-1].startswith("interrupted: the editions that finished are written, and release.json says which")
    report = json.loads((folder / "release.json").read_text("utf-8"))
    assert [edition["status"] for edition in report["editions"]] == ["finished", "interrupted", "interrupted"]
    assert report["editions"][0]["sha256"] == _sha256(folder / "brochure-screen.pdf") and not report["ok"]
    checked = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout == "brochure-screen.pdf: OK\n"
    assert not list(project.rglob("*.tmp*"))
