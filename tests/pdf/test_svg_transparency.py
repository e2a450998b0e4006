"""Transparency in the variants that allow none (PDF/X-1a, PDF/X-3, PDF/A-1a, PDF/A-1b):
the preflight fails a file that has some, the archive among them, and an SVG picture
with transparency is refused for them, naming its entry, before anything is laid out."""

from __future__ import annotations

from dataclasses import replace

import pytest
from brand_project import LOGO, make_project
from conftest import run, run_json

from brochure.pdf.preflight import preflight
from brochure.pdf.profiles import resolve

FADED = "<style>@page{size:A6}</style><p style='opacity: 0.5'>half</p>"


@pytest.fixture(scope="module")
def faded(tmp_path_factory):
    import weasyprint

    path = tmp_path_factory.mktemp("faded") / "faded.pdf"
    weasyprint.HTML(string=FADED).write_pdf(path)
    return path


def test_the_archive_checks_transparency():
    assert "transparency" in resolve("archive").purpose.rules


@pytest.mark.parametrize("profile, variant, status", [
    ("archive", "pdf/a-1a", "fail"), ("archive", "pdf/a-1b", "fail"), ("archive", "pdf/a-2a", "pass"),
    ("print", "pdf/x-1a", "fail"), ("print", "pdf/x-3", "fail"), ("print", "pdf/x-4", "pass")])
def test_transparency_fails_where_the_variant_allows_none(faded, profile, variant, status):
    [rule] = [rule for rule in preflight(faded, replace(resolve(profile), variant=variant))
              if rule.name == "transparency"]
    assert rule.status == status, rule
    if status == "fail":
        assert f"{variant.upper()} allows none" in rule.message and rule.pages == [1]
        assert rule.findings and rule.findings[0].limit == f"none in {variant.upper()}"
    else:
        assert f"allowed in {variant.upper()}" in rule.message


@pytest.mark.parametrize("svg, found", [
    ('<rect width="9" height="9" fill="rgba(200,16,46,0.5)"/>', 'fill="rgba(200,16,46,0.5)" on <rect>'),
    ('<rect width="9" height="9" fill="transparent" stroke="red"/>', 'fill="transparent" on <rect>'),
    ('<rect width="9" height="9" fill="#0f08"/>', 'fill="#0f08" on <rect>'),
    ('<rect width="9" height="9" style="stroke: hsl(0 100% 50% / 40%)"/>', 'stroke="hsl(0 100% 50% / 40%)" on <rect>'),
    ('<g opacity=".5"><rect width="9" height="9"/></g>', 'opacity=".5" on <g>'),
    ('<rect width="9" height="9" style="fill-opacity: 50%"/>', 'fill-opacity="50%" on <rect>'),
    ('<linearGradient id="g"><stop offset="0" stop-color="red" stop-opacity="0"/></linearGradient>',
     'stop-opacity="0" on <stop>'),
    ('<mask id="m"><rect width="9" height="9" fill="white"/></mask>', "a <mask>"),
    ('<style>@media all { .a { fill: rgb(0 0 0 / 0.2) } }</style><rect class="a" width="9" height="9"/>',
     "fill: rgb(0 0 0 / 0.2) in its <style>"),
    ('<style>.a { stroke-opacity: 0.3 }</style>', "stroke-opacity: 0.3 in its <style>"),
])
def test_an_svgs_transparency_is_found_and_named(svg, found):
    from brochure.pdf.svg import svg_transparency

    data = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">{svg}</svg>'.encode()
    assert svg_transparency(data) == found


def test_an_opaque_svg_has_no_transparency():
    from brochure.pdf.svg import svg_transparency

    assert svg_transparency(LOGO.encode()) == ""
    opaque = ('<svg xmlns="http://www.w3.org/2000/svg"><style>.a { fill: rgba(1, 2, 3, 1); opacity: 1 }</style>'
              '<rect fill="none" stroke="currentColor" fill-opacity="100%" width="9" height="9"/></svg>')
    assert svg_transparency(opaque.encode()) == ""


def _project(tmp_path, settings: str = ""):
    project = make_project(tmp_path, settings=settings)
    entry = project / "entries" / "2024-03-01-day.yaml"
    entry.write_text(entry.read_text().replace("body:", "image:\n  src: drawing.svg\n  alt: A map\nbody:"))
    (project / "entries" / "drawing.svg").write_text(LOGO.replace('fill="#ffffff"/>', 'fill="rgba(200,16,46,0.5)"/>'))
    return project


@pytest.mark.parametrize("profile, settings, better", [
    ("archive", "", "pdf/a-2a"), ("archive", "archive:\n  variant: pdf/a-1b\n", "pdf/a-2a"),
    ("print", "print:\n  variant: pdf/x-1a\n", "pdf/x-4")])
def test_an_svg_picture_with_transparency_is_refused_where_none_is_allowed(tmp_path, profile, settings, better):
    project = _project(tmp_path, settings)
    result = run("build", "--profile", profile, cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("entries/2024-03-01-day.yaml:4:8: image.src: picture 'drawing.svg' has "
                                    "transparency (fill=\"rgba(200,16,46,0.5)\" on <rect>), which "), result.stderr
    assert f"variant: {better} under {profile}:" in result.stderr
    assert not (project / "build" / "brochure.pdf").exists()


@pytest.mark.parametrize("profile, settings", [("archive", "archive:\n  variant: pdf/a-2a\n"), ("print", ""),
                                               ("screen", "")])
def test_an_svg_picture_with_transparency_is_drawn_where_it_is_allowed(tmp_path, profile, settings):
    project = _project(tmp_path, settings)
    result, report = run_json("build", "--profile", profile, cwd=project)
    assert result.exit_code == 0, result.output
    if profile != "screen":
        rules = {rule["rule"]: rule for rule in report["preflight"]}
        assert rules["transparency"]["status"] == "pass" and "allowed in" in rules["transparency"]["message"]
