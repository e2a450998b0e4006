"""No file outside the project is ever opened, whatever points there: watched with
strace, which sees every open() of the build and of its layout processes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_project
from PIL import Image


def _opened(project: Path, log: Path, *args: str) -> tuple[subprocess.CompletedProcess, str]:
    strace = shutil.which("strace")
    assert strace, "strace is needed (apt-get install strace)"
    # -y: each opened descriptor is shown with the file it really is, links followed.
    done = subprocess.run([strace, "-f", "-qq", "-y", "-e", "trace=open,openat,openat2", "-o", str(log),
                           sys.executable, "-m", "brochure", *args], cwd=project, capture_output=True, text=True,
                          timeout=300)
    opened = log.read_text()
    assert f'"{project}/brochure.yaml"' in opened or '"brochure.yaml"' in opened, "strace saw no open of the settings"
    return done, opened


@pytest.fixture
def outside(tmp_path) -> Path:
    """Files beside the project that a hostile project points at."""
    folder = tmp_path / "outside"
    folder.mkdir()
    Image.new("RGB", (3000, 2000), (200, 30, 30)).save(folder / "secret.jpg")
    (folder / "secret.yaml").write_text("title: Stolen\ndate: 2021-01-01\nbody: the secret\n")
    (folder / "secret.html").write_text("<p>the secret</p>")
    (folder / "secret.css").write_text("body { color: red }")
    shutil.copy(Path(__file__).parents[2] / "brochure" / "icc" / "ISOcoated_v2_300_bas.icc", folder / "secret.icc")
    return folder


def test_links_and_paths_out_of_the_content_are_not_opened(tmp_path, outside):
    project = copy_project("minimal", tmp_path)
    (project / "entries" / "images" / "linked.jpg").symlink_to(outside / "secret.jpg")
    (project / "entries" / "linked.yaml").symlink_to(outside / "secret.yaml")
    (project / "cover.jpg").symlink_to(outside / "secret.jpg")
    (project / "press.icc").symlink_to(outside / "secret.icc")
    (project / "entries" / "2021-03-01-dots.yaml").write_text(
        "title: Dots\ndate: 2021-03-01\nimage: {src: ../../outside/secret.jpg, alt: x}\nbody: x\n")
    (project / "entries" / "2021-03-02-absolute.yaml").write_text(
        f"title: Absolute\ndate: 2021-03-02\nimage: {{src: {outside / 'secret.jpg'}, alt: x}}\nbody: x\n")
    entry = project / "entries" / "2021-02-15-first-of-the-day.yaml"
    entry.write_text(entry.read_text().replace("images/square.jpg", "images/linked.jpg"))
    (project / "brochure.yaml").write_text("title: T\ncover: {image: cover.jpg, alt: x}\nprint: {icc: press.icc}\n")
    for command in (["check"], ["build", "--profile", "print"]):
        done, log = _opened(project, tmp_path / "strace.log", *command)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert str(outside) not in log, [line for line in log.splitlines() if str(outside) in line][:3]


def test_a_theme_pointing_out_is_not_opened(tmp_path, outside):
    project = copy_project("minimal", tmp_path)
    theme = project / "styles" / "leaky"
    shutil.copytree(Path(__file__).parents[2] / "brochure" / "styles" / "default", theme)
    (theme / "part.html").symlink_to(outside / "secret.html")
    (theme / "extra.css").symlink_to(outside / "secret.css")
    template = theme / "brochure.html.j2"
    template.write_text(template.read_text().replace(
        "</body>", "{% include 'part.html' %}</body>", 1))
    (project / "brochure.yaml").write_text("title: T\ntheme: leaky\n")
    done, log = _opened(project, tmp_path / "strace.log", "build")
    assert done.returncode == 1 and "template 'part.html' not found in the theme" in done.stderr, done.stderr
    assert str(outside) not in log
    template.write_text(template.read_text().replace("{% include 'part.html' %}", "").replace(
        "</head>", '<link rel="stylesheet" href="{{ theme_url }}extra.css">'
                   '<link rel="stylesheet" href="{{ theme_url }}../../../outside/secret.css"></head>', 1))
    done, log = _opened(project, tmp_path / "strace.log", "build")
    assert done.returncode == 1 and "refused to read" in done.stderr, done.stderr
    assert str(outside) not in log
