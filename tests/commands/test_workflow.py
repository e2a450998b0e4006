"""The authoring and release workflow: init, new, reports, release names, watch, web edition."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, chromium, copy_project, outline_titles, run, run_json, wait_for

TODAY = dt.date.today().isoformat()


def test_init_new_build_gives_two_items(tmp_path):
    assert run("init", "demo", cwd=tmp_path).exit_code == 0
    project = tmp_path / "demo"
    assert (project / ".gitignore").read_text() == "/build/\n"
    result = run("new", "Our first item", cwd=project)
    assert result.exit_code == 0
    assert result.stdout == f"entries/{TODAY}-our-first-item.yaml\n"
    result = run("build", cwd=project)
    assert result.exit_code == 0, result.output
    assert sorted(outline_titles(project / "build" / "brochure.pdf")) == ["Our first item",
                                                                         "Welcome to your brochure"]


def test_init_refuses_an_existing_project(tmp_path):
    project = copy_project("minimal", tmp_path)
    before = (project / "brochure.yaml").read_bytes()
    result = run("init", str(project), cwd=tmp_path)
    assert result.exit_code == 1
    assert "a brochure project is already here; nothing was changed" in result.stderr
    assert (project / "brochure.yaml").read_bytes() == before


def test_init_then_build_in_a_real_process(tmp_path):
    brochure = [sys.executable, "-m", "brochure"]
    subprocess.run([*brochure, "init", "p"], cwd=tmp_path, check=True, capture_output=True)
    done = subprocess.run([*brochure, "build"], cwd=tmp_path / "p", capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("wrote build/brochure.pdf: 1 item, ")


def test_new_never_overwrites_and_names_files_readably(tmp_path):
    project = copy_project("minimal", tmp_path)
    first = run("new", "Café à Zürich", "--date", "2021-05-01", "--tag", "news", cwd=project).stdout.strip()
    second = run("new", "Café à Zürich", "--date", "2021-05-01", cwd=project).stdout.strip()
    cyrillic = run("new", "Новости ООН", "--date", "2021-05-01", cwd=project).stdout.strip()
    assert (first, second, cyrillic) == ("entries/2021-05-01-cafe-a-zurich.yaml",
                                         "entries/2021-05-01-cafe-a-zurich-2.yaml",
                                         "entries/2021-05-01-новости-оон.yaml")
    text = (project / first).read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/entry.schema.json\n")
    assert 'title: "Café à Zürich"\ndate: 2021-05-01\n' in text and "tags: [news]" in text
    for field in ("end_date", "summary", "image", "alt", "credit", "caption", "source", "links", "draft",
                  "weight", "lang"):
        assert f"# {field}:" in text or f"#   {field}:" in text, field
    schema = json.loads((project / "schema" / "entry.schema.json").read_text())
    assert schema == json.loads(run("schema").stdout)
    # The new entries are valid as written.
    assert run("check", cwd=project).exit_code == 0


def test_new_refuses_a_bad_tag_or_date():
    assert run("new", "x", "--tag", "Not OK").exit_code == 2
    assert run("new", "x", "--date", "11.04.2019").exit_code == 2


def test_json_report_fields_and_every_exclusion_reason(tmp_path):
    project = copy_project("minimal", tmp_path)
    (project / "entries" / "broken-draft.yaml").write_text("title: Half done\ndate: 2021-02\ndraft: true\n")
    result, report = run_json("build", "--since", "2021-02-01", "--until", "2021-02-28", "--tag", "funding",
                              "-o", "out.pdf", cwd=project)
    assert result.exit_code == 0, result.output
    assert set(report) == {"ok", "output", "profile", "pages", "size", "seconds", "included", "excluded",
                           "warnings", "timings", "preflight", "up_to_date"}
    assert report["profile"] == "screen" and report["output"].endswith("out.pdf")
    assert [(item["title"], item["first_page"]) for item in report["included"]] == \
        [("First item of the fifteenth", 3)]
    reasons = {item["file"]: item["reason"] for item in report["excluded"]}
    assert reasons == {
        "entries/2021-01-30-crossing-months.yaml": "tag",
        "entries/2021-02-15-second-of-the-day.yaml": "tag",
        "entries/2021-04-01-april-draft.yaml": "draft",
        "entries/broken-draft.yaml": "invalid",
    }
    assert list(report["timings"]) == ["reading", "validating", "selecting", "rendering", "images", "layout",
                                       "finishing", "writing"]  # in the order they ran
    _, report = run_json("build", "--until", "2021-01-29", "--drafts", "-o", "x.pdf", cwd=project)
    assert report["ok"] is False  # the broken draft is asked for, so it is an error now
    _, report = run_json("build", "--until", "2021-01-31", "-o", "x.pdf", cwd=project)
    assert {item["reason"] for item in report["excluded"]} == {"after --until", "draft", "invalid"}


def test_a_build_that_selects_nothing_reports_every_item_and_why(tmp_path):
    result, report = run_json("build", "--since", "2030")
    assert result.exit_code == 1
    assert len(report["excluded"]) == 14 and {item["reason"] for item in report["excluded"]} == {"before --since"}


def test_list_excluded(tmp_path):
    result = run("-C", str(copy_project("minimal", tmp_path)), "list", "--excluded", "--since", "2021-02")
    assert result.stdout.splitlines() == [
        "2021-04-01             An April draft  (entries/2021-04-01-april-draft.yaml)  left out: draft"]


def test_release_names_with_placeholders(tmp_path):
    result = run("build", "--since", "2019-Q1", "--until", "2019-Q1",
                 "-o", str(tmp_path / "releases" / "{period}" / "brochure-{since}-{until}.pdf"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "releases" / "2019-Q1" / "brochure-2019-Q1-2019-Q1.pdf").is_file()
    assert run("build", "-o", "x-{since}.pdf").exit_code == 2
    assert "{since} needs --since" in run("build", "-o", "x-{since}.pdf").stderr
    assert run("build", "--since", "2019", "-o", "x-{quarter}.pdf").exit_code == 2


def test_summary_line_and_quiet(tmp_path):
    output = tmp_path / "b.pdf"
    result = run("build", "-o", str(output))
    assert result.stdout.startswith(f"wrote {output}: 14 items, 19 pages, ")
    assert result.stderr == ""  # not a terminal: no progress line
    assert run("build", "-q", "-o", str(output)).stdout == ""


def test_shell_completion_comes_from_click():
    for shell in ("bash", "zsh", "fish"):
        done = subprocess.run([sys.executable, "-m", "brochure"], capture_output=True, text=True,
                              env={**os.environ, "_BROCHURE_COMPLETE": f"{shell}_source"})
        assert "_BROCHURE_COMPLETE" in done.stdout, shell


def test_watch_rebuilds_on_change_and_survives_a_broken_entry(tmp_path):
    from conftest import page_texts

    project = copy_project("minimal", tmp_path)
    pdf = project / "build" / "brochure.pdf"
    process = subprocess.Popen([sys.executable, "-m", "brochure", "build", "--watch"], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(pdf.exists, 60), "first build"
        time.sleep(1)  # let the watcher start
        entry = project / "entries" / "2021-02-15-second-of-the-day.yaml"
        entry.write_text(entry.read_text().replace("Second item", "Renamed item"))
        saved = time.monotonic()
        assert wait_for(lambda: "Renamed item" in " ".join(page_texts(pdf)), 30), "rebuild"
        print(f"rebuilt {time.monotonic() - saved:.2f} s after saving")
        good = pdf.read_bytes()
        shutil.copy(REPO / "tests" / "data" / "bad-entries" / "bad-date.yaml", project / "entries")
        time.sleep(3)
        assert pdf.read_bytes() == good and process.poll() is None
        (project / "entries" / "bad-date.yaml").unlink()
        entry.write_text(entry.read_text().replace("Renamed item", "Third name"))
        assert wait_for(lambda: "Third name" in " ".join(page_texts(pdf)), 30), "rebuild after the fix"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "entries/bad-date.yaml:2:7: date: '11.04.2019' is not a date" in stderr
    assert "stopped watching." in stderr


@pytest.mark.parametrize("self_contained", [False, True])
def test_the_web_edition_renders_in_chromium(tmp_path, self_contained):
    output = tmp_path / "site" / "index.html"
    args = ["build", "--format", "html", "-o", str(output)] + (["--self-contained"] if self_contained else [])
    result = run(*args)
    assert result.exit_code == 0, result.output
    files = sorted(path.name for path in output.parent.rglob("*") if path.is_file())
    assert len(files) == (1 if self_contained else 13)  # the page, 9 photographs, 3 logos
    # A copy with a probe that reports, from inside the browser, what it rendered.
    probe = output.with_name("probe.html")
    # Lazy images below the fold wait for a scroll that never comes here: load them all.
    page = output.read_text("utf-8").replace(' loading="lazy"', "")
    probe.write_text(page.replace("</body>", """<script>
      window.addEventListener("load", () => document.title = JSON.stringify({
        articles: document.querySelectorAll("article h2").length,
        images: [...document.images].filter(i => i.complete && i.naturalWidth > 0).length,
        overflow: document.documentElement.scrollWidth > window.innerWidth,
        links: document.querySelectorAll("a[href^='#item-']").length}));
    </script></body>"""), "utf-8")
    done = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--window-size=390,844",
                           "--virtual-time-budget=5000", "--dump-dom", probe.as_uri()],
                          capture_output=True, text=True, timeout=120)
    title = done.stdout.split("<title>")[1].split("</title>")[0].replace("&quot;", '"')
    # the photographs; the brand's logo in the masthead, and its light-ground one and the partner's at the foot
    assert json.loads(title) == {"articles": 14, "images": 12, "overflow": False, "links": 14}


def test_no_op_rebuilds_and_what_makes_a_build_happen_again(tmp_path):
    project = copy_project("minimal", tmp_path)
    pdf = project / "build" / "brochure.pdf"

    def build(*args):
        result, report = run_json("build", *args, cwd=project)
        assert result.exit_code == 0, result.output
        return report["up_to_date"]

    assert build() is False
    written = pdf.stat().st_mtime_ns
    assert build() is True and pdf.stat().st_mtime_ns == written
    assert run("build", cwd=project).stdout.startswith("build/brochure.pdf is up to date (3 items, ")
    entry = project / "entries" / "2021-02-15-second-of-the-day.yaml"
    os.utime(entry)  # touched, same content: still up to date
    assert build() is True
    from PIL import Image

    Image.new("RGB", (300, 200), (120, 130, 140)).save(project / "entries" / "images" / "square.jpg")
    assert build() is False  # another picture under the same name
    assert build() is True
    assert build("--force") is False
    assert build("--since", "2021-02") is False  # other options, other brochure
    entry.write_text(entry.read_text().replace("Default weight 0.", "Changed."))
    assert build() is False
    pdf.write_bytes(b"edited by hand")
    assert build() is False and pdf.read_bytes().startswith(b"%PDF")
    pdf.unlink()
    assert build() is False and pdf.exists()


def test_watch_started_on_broken_settings_waits_for_the_fix(tmp_path):
    project = copy_project("minimal", tmp_path)
    settings = project / "brochure.yaml"
    good = settings.read_text()
    settings.write_text("title: Minimal\ntittle: typo\n")
    pdf = project / "build" / "brochure.pdf"
    process = subprocess.Popen([sys.executable, "-m", "brochure", "build", "--watch"], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert not wait_for(lambda: process.poll() is not None, 5), "the watch gave up on broken settings"
        settings.write_text(good)
        assert wait_for(pdf.exists, 60), "no build after the settings were fixed"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    assert "brochure.yaml:2:1: tittle: unknown field 'tittle' (did you mean 'title'?)" in stderr
    assert "Traceback" not in stderr


def test_a_closed_terminal_stops_a_build_like_ctrl_c(tmp_path):
    """SIGHUP (the terminal closed): exit 130, the previous PDF kept, nothing left."""
    project = copy_project("seed", tmp_path)
    target = project / "out.pdf"
    target.write_bytes(b"%PDF- the previous release")
    process = subprocess.Popen([sys.executable, "-m", "brochure", "build", "--force", "--jobs", "2", "-o", "out.pdf"],
                               cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    assert wait_for(lambda: children.exists() and children.read_text().split(), 30), "the build never started"
    process.send_signal(signal.SIGHUP)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "interrupted; nothing was written." in stderr
    assert target.read_bytes() == b"%PDF- the previous release"
    assert not [path for path in project.iterdir() if path.name.endswith(".tmp")]
