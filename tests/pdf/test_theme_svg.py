"""An SVG a project theme uses (a cover's background in theme.css) is a picture of the
build like an entry's: checked as safe, and for print in the press's CMYK, so the print
file passes its preflight; refused, naming the theme's file, when it is unsafe or has
transparency where the variant allows none."""

from __future__ import annotations

import pikepdf
import pytest
from brand_project import make_project
from conftest import run, run_json

from brochure.pdf.brand_colours import press_cmyk
from brochure.pdf.profiles import DEFAULT_ICC

GREEN = (46 / 255, 125 / 255, 50 / 255)
MARK = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40" width="40" height="40">'
        '<rect width="40" height="40" fill="#2e7d32"/>{}</svg>')


def _project(tmp_path, mark: str = MARK.format(""), css: str = "url(mark.svg)"):
    project = make_project(tmp_path, settings="theme: house\n")
    theme = project / "styles" / "house"
    theme.mkdir(parents=True)
    (theme / "theme.css").write_text(f".cover {{ background-image: {css}; background-size: 40mm; }}\n")
    (theme / "mark.svg").write_text(mark)
    return project


@pytest.mark.parametrize("css", ["url(mark.svg)", "url('./mark.svg?v=2')"])
def test_a_theme_svg_prints_in_the_press_cmyk(tmp_path, css):
    project = _project(tmp_path, css=css)
    result, report = run_json("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    assert all(rule["status"] != "fail" for rule in report["preflight"]), report["preflight"]
    green = " ".join(f"{value:g}" for value in press_cmyk(GREEN, DEFAULT_ICC)).encode()
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        drawn = b"\n".join(thing.read_bytes() for thing in pdf.objects if isinstance(thing, pikepdf.Stream)
                           and thing.get("/Subtype") != pikepdf.Name.Image and "/Length1" not in thing
                           and thing.get("/Subtype") != pikepdf.Name.XML and "/N" not in thing)
        assert green + b" scn" in drawn or green + b" sc" in drawn or green + b" k" in drawn


def test_a_theme_svg_stays_as_it_is_on_screen(tmp_path):
    project = _project(tmp_path)
    assert run("build", cwd=project).exit_code == 0


@pytest.mark.parametrize("profile", ["screen", "print"])
def test_an_unsafe_theme_svg_is_refused_naming_its_file(tmp_path, profile):
    project = _project(tmp_path, mark=MARK.format('<script>alert(1)</script>'))
    result = run("build", "--profile", profile, cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("styles/house/mark.svg:1:"), result.stderr
    assert "<script>" in result.stderr


def test_a_theme_svg_with_transparency_is_refused_in_the_archive(tmp_path):
    project = _project(tmp_path, mark=MARK.format('<circle r="9" cx="20" cy="20" fill="#fff" opacity="0.5"/>'))
    result = run("build", "--profile", "archive", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith('styles/house/mark.svg: SVG has transparency (opacity="0.5" on <circle>), '
                                    "which PDF/A-1A does not allow (archive)"), result.stderr
