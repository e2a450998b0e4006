"""The brand (_brand.yml, Posit's brand.yml format): what is read, what is ignored with one
warning, and every mistake told at its file and line, never a traceback; SVG logos and
pictures confined and checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from brand_project import BRAND, FONT, LOGO, make_project
from conftest import run, run_json


def test_a_brand_is_read_and_what_brochure_does_not_use_is_one_warning(tmp_path):
    project = make_project(tmp_path)
    result, report = run_json("build", cwd=project)
    assert result.exit_code == 0, result.output
    brand_warnings = [warning for warning in report["warnings"] if "_brand.yml" in warning]
    assert brand_warnings == ["_brand.yml: brand keys brochure does not use, ignored: meta.link, color.tertiary"]


def test_settings_carry_the_brand(tmp_path):
    from brochure.content.settings import load_settings

    brand = load_settings(make_project(tmp_path)).brand
    assert brand is not None
    assert brand.name == "Acme Relief Agency"
    assert brand.colours["primary"] == pytest.approx((200 / 255, 16 / 255, 46 / 255), abs=1e-3)
    assert brand.logo is not None and brand.logo.path.name == "logo.svg" and brand.logo.where == (5, 11)
    assert [(font.family, font.weight) for font in brand.fonts] == [("Acme Sans", "700")]
    assert brand.headings_family == "Acme Sans" and brand.base_family == ""


def test_brand_inline_in_brochure_yaml_or_a_file_it_names(tmp_path):
    from brochure.content.settings import load_settings

    inline = make_project(tmp_path / "inline", brand=None, settings="brand:\n  meta:\n    name: Inline Org\n"
                          "  color:\n    primary: '#2e7d32'\n")
    assert load_settings(inline).brand.name == "Inline Org"
    named = make_project(tmp_path / "named", brand=None, settings="brand: brand/house.yml\n")
    (named / "brand" / "house.yml").write_text(BRAND.replace("brand/", ""))  # relative to the brand's file
    brand = load_settings(named).brand
    assert brand.logo.path == (named / "brand" / "logo.svg").resolve()


def _problems(project: Path) -> list[str]:
    result = run("check", cwd=project)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if line and not line.startswith(("warning", "1 problem"))
            and "problems found" not in line]


def test_a_broken_brand_is_told_at_its_line(tmp_path):
    broken = BRAND.replace("acme-red: \"#c8102e\"", "1red: \"#c8102e\"").replace("primary: acme-red",
                                                                                  "primary: not-a-colour")
    problems = _problems(make_project(tmp_path, brand=broken))
    assert any(line.startswith("_brand.yml:8:5: color.palette: ") and "1red" in line for line in problems), problems


def test_a_colour_that_is_none_is_told_at_its_line(tmp_path):
    problems = _problems(make_project(tmp_path, brand=BRAND.replace("primary: acme-red", "primary: blurple")))
    assert problems == ["_brand.yml:9:12: color.primary: 'blurple' is not a colour (write it as #RRGGBB (or "
                        "rgb(), or a name of the palette))"]


def test_a_logo_outside_the_project_is_refused(tmp_path):
    project = make_project(tmp_path / "project", brand=BRAND.replace("brand/logo.svg", "../outside.svg"))
    (tmp_path / "outside.svg").write_text(LOGO)
    problems = _problems(project)
    assert problems == ["_brand.yml:5:11: logo.medium: '../outside.svg' leads outside the project folder (put the "
                        "file in the project and name it relative to _brand.yml)"]


def test_a_font_outside_the_project_is_refused(tmp_path):
    project = make_project(tmp_path / "project", brand=BRAND.replace("brand/AcmeSans-Bold.ttf", "../font.ttf"))
    shutil.copy(FONT, tmp_path / "font.ttf")
    assert _problems(project) == ["_brand.yml:16:17: typography.fonts.0.files.0.path: '../font.ttf' leads outside "
                                  "the project folder (put the file in the project and name it relative to "
                                  "_brand.yml)"]
    absolute = make_project(tmp_path / "absolute", brand=BRAND.replace("brand/AcmeSans-Bold.ttf", "/etc/font.ttf"))
    [problem] = _problems(absolute)
    assert problem.startswith("_brand.yml:16:17: typography.fonts.0.files.0.path: Local paths must be relative")


HOSTILE = {
    "script": ('<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>', "a <script> at line 2"),
    "onload": ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "an event attribute onload="),
    "href": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
             '<image xlink:href="file:///etc/passwd"/></svg>', "refers to 'file:///etc/passwd' outside the file"),
    "entity": ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
               '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
               "has a DOCTYPE with declarations of its own"),
    "foreign": ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "a <foreignObject>"),
    "css": ('<svg xmlns="http://www.w3.org/2000/svg"><style>rect { fill: url(https://x.org/a.svg#p) }</style>'
            '</svg>', "a CSS url('https://x.org/a.svg#p') outside the file"),
    "not-svg": ("<html><body/></html>", "is not an SVG picture"),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_svg_logo_is_refused_at_the_brand_line(tmp_path, kind):
    svg, said = HOSTILE[kind]
    [problem] = _problems(make_project(tmp_path, logo=svg))
    assert problem.startswith("_brand.yml:5:11: logo.medium: logo 'brand/logo.svg' "), problem
    assert said in problem


def test_an_entry_picture_may_be_svg_and_is_checked(tmp_path):
    project = make_project(tmp_path)
    entry = project / "entries" / "2024-03-01-day.yaml"
    entry.write_text(entry.read_text().replace("body:", "image:\n  src: drawing.svg\n  alt: A map\nbody:"))
    (project / "entries" / "drawing.svg").write_text(LOGO)
    assert run("check", cwd=project).exit_code == 0
    (project / "entries" / "drawing.svg").write_text(HOSTILE["script"][0])
    problems = _problems(project)
    assert any(line.startswith("entries/2024-03-01-day.yaml:4:8: image.src: image 'drawing.svg' has a "
                               "<script>") for line in problems), problems


def test_the_web_edition_has_the_brand_colours_logo_and_name(tmp_path):
    project = make_project(tmp_path)
    result = run("build", "--format", "html", cwd=project)
    assert result.exit_code == 0, result.output
    page = (project / "build" / "brochure.html").read_text()
    assert "--accent: #c8102e;" in page and "--accent-dark: #c8102e;" in page
    assert '<p class="brand-name">Acme Relief Agency</p>' in page
    assert '<img src="brochure_files/' in page and "-logo.svg\" alt=\"Acme Relief Agency\">" in page
    assert "@font-face" not in page.split("<style>", 2)[-1]  # the PDF's font addresses mean nothing on the web


def test_a_brand_added_or_changed_builds_again(tmp_path):
    project = make_project(tmp_path, brand=None)
    assert run("build", cwd=project).exit_code == 0
    assert "up to date" in run("build", cwd=project).output
    (project / "_brand.yml").write_text(BRAND)
    assert "wrote build/brochure.pdf" in run("build", cwd=project).output
    assert "up to date" in run("build", cwd=project).output
    (project / "brand" / "logo.svg").write_text(LOGO.replace("#c8102e", "#2e7d32"))
    assert "wrote build/brochure.pdf" in run("build", cwd=project).output


@pytest.mark.parametrize("text, said", [("", "_brand.yml:1:1: the file is empty (write the brand's keys: meta:, "
                                             "logo:, color:, typography:)"),
                                        ("- a\n", "_brand.yml:1:1: the file must be a mapping of fields (key: value), "
                                                  "not a list (write the brand's keys: meta:, logo:, color:, "
                                                  "typography:)"),
                                        ("color: [1, 2\n", "_brand.yml:2:1: invalid YAML: ")])
def test_a_brand_file_that_is_no_brand_is_told(tmp_path, text, said):
    [problem] = _problems(make_project(tmp_path, brand=text))
    assert problem.startswith(said), problem


def test_a_brand_file_that_is_a_link_out_of_the_project_is_refused_unread(tmp_path):
    outside = tmp_path / "outside.yml"
    outside.write_text("secret: [TOPSECRET\n")  # invalid YAML: the reader would quote it
    project = make_project(tmp_path / "project", brand=None)
    (project / "_brand.yml").symlink_to(outside)
    problems = _problems(project)
    assert problems == ["_brand.yml: is a link that leads outside the project folder (replace it with a plain "
                        "_brand.yml file inside the project)"]
    outside.write_text("meta:\n  name: TOPSECRET\n")  # a brand that would be read and used
    result = run("build", cwd=project)
    assert result.exit_code == 1 and "TOPSECRET" not in result.output, result.output
    (project / "_brand.yml").unlink()
    (project / "_brand.yml").mkdir()  # no file: said, not taken for "no brand", nor the next name read
    (project / "_brand.yaml").symlink_to(outside)
    assert _problems(project) == ["_brand.yml: is not a regular file (a folder, or a link to nothing) (replace it "
                                  "with a plain _brand.yml file inside the project)"]


def test_a_link_inside_the_project_is_a_brand_file(tmp_path):
    from brochure.content.settings import load_settings

    project = make_project(tmp_path, brand=None)
    (project / "brand" / "house.yml").write_text(BRAND)  # its paths are the root's, as a _brand.yml's
    (project / "_brand.yml").symlink_to(project / "brand" / "house.yml")
    brand = load_settings(project).brand
    assert brand.name == "Acme Relief Agency" and brand.logo.path == (project / "brand" / "logo.svg").resolve()


def test_the_up_to_date_check_does_not_follow_a_brand_link_out(tmp_path, monkeypatch):
    """_brand.yml swapped, after the settings were read, for a link to an outside copy of
    the same bytes: the up-to-date check does not read it, nor call the PDF up to date;
    it builds again, and the next build refuses the link."""
    import brochure.commands.build as build_module
    from brochure.commands import uptodate

    project = make_project(tmp_path / "project")
    assert run("build", cwd=project).exit_code == 0
    outside = tmp_path / "outside.yml"
    shutil.copy(project / "_brand.yml", outside)
    settings_read, file_read, read = build_module.load_settings, uptodate._read, []

    def read_then_swap(start):
        settings = settings_read(start)
        (project / "_brand.yml").unlink()
        (project / "_brand.yml").symlink_to(outside)
        return settings

    monkeypatch.setattr(build_module, "load_settings", read_then_swap)
    monkeypatch.setattr(uptodate, "_read", lambda path, *limit: read.append(path.resolve()) or file_read(path, *limit))
    result = run("build", cwd=project)
    assert result.exit_code == 0 and "up to date" not in result.output, result.output
    assert read and outside not in read
    monkeypatch.undo()
    result = run("build", cwd=project)
    assert result.exit_code == 1 and "_brand.yml: is a link that leads outside the project" in result.output


@pytest.mark.parametrize("font, said", [
    ("    - source: file\n      files: [brand/AcmeSans-Bold.ttf]\n", "the font has no family"),
    ("    - family: ''\n      source: google\n", "the font has no family"),
    ("    - Acme Sans\n", "'Acme Sans' is not a font")])
def test_a_font_without_its_family_is_told_at_the_font(tmp_path, font, said):
    brand = "meta:\n  name: Acme\ntypography:\n  fonts:\n" + font
    assert _problems(make_project(tmp_path, brand=brand)) == [
        f"_brand.yml:5:7: typography.fonts.0: {said} (name its family, source and files: family: Acme Sans, "
        "source: file, files: [...])"]


CMYK = 'color:\n  primary: "#c8102e"\ndefaults:\n  brochure:\n    cmyk:\n      primary: [100, 100, 100, 100]\n'


def test_a_brand_cmyk_over_the_ink_limit_is_told_at_the_brand_line(tmp_path):
    assert _problems(make_project(tmp_path / "default", brand=CMYK)) == [
        "_brand.yml:6:16: defaults.brochure.cmyk.primary: primary: [100, 100, 100, 100] is 400 % of ink in all, "
        "over the press's limit of 300 % (print.ink_limit) (lower the inks to 300 % in all, or raise "
        "print.ink_limit in brochure.yaml if the print shop takes more)"]
    [problem] = _problems(make_project(tmp_path / "lower", brand=CMYK.replace("100, 100, 100, 100", "60, 100, 85, 20"),
                                       settings="print:\n  ink_limit: 250\n"))
    assert "is 265 % of ink in all, over the press's limit of 250 %" in problem, problem
    project = make_project(tmp_path / "higher", brand=CMYK.replace("100, 100, 100, 100", "100, 100, 100, 90"),
                           settings="print:\n  ink_limit: 400\n")
    result, report = run_json("build", "--profile", "print", cwd=project)  # 390 %: the press takes it
    assert result.exit_code == 0, result.output
    assert all(rule["status"] != "fail" for rule in report["preflight"])


def test_a_logo_without_alt_in_a_brand_without_name_is_the_publishers_or_the_brochures(tmp_path):
    """An <img> without alt stops WeasyPrint; the logo's alt, else the brand's name, else
    the publisher, else the brochure's title, says whose logo it is."""
    brand = BRAND.replace("meta:\n  name: Acme Relief Agency\n  link: https://acme.example.org\n", "")
    project = make_project(tmp_path / "publisher", brand=brand)
    assert run("build", cwd=project).exit_code == 0
    assert run("build", "--format", "html", cwd=project).exit_code == 0
    assert '-logo.svg" alt="Acme">' in (project / "build" / "brochure.html").read_text()
    project = make_project(tmp_path / "title", brand=brand)
    (project / "brochure.yaml").write_text("title: Agency news\n")
    result = run("build", "--profile", "archive", cwd=project)
    assert result.exit_code == 0, result.output
    assert run("build", "--format", "html", cwd=project).exit_code == 0
    assert '-logo.svg" alt="Agency news">' in (project / "build" / "brochure.html").read_text()


def _brand_css(project: Path, profile: str) -> str:
    from brochure.content.settings import load_settings
    from brochure.html.brand import brand_css
    from brochure.pdf.brand_colours import branded
    from brochure.pdf.profiles import resolve

    settings = load_settings(project)
    return brand_css(branded(settings, resolve(profile, settings)), profile)


def test_a_light_primary_gets_dark_text_and_one_warning(tmp_path):
    yellow = BRAND.replace('acme-red: "#c8102e"', 'acme-red: "#ffd700"')
    project = make_project(tmp_path / "yellow", brand=yellow)
    result, report = run_json("build", cwd=project)
    assert result.exit_code == 0, result.output
    said = [warning for warning in report["warnings"] if "contrast" in warning]
    assert said == ["_brand.yml: color.primary #ffd700 has a contrast of 1.4:1 with #ffffff, under the 4.5:1 text "
                    "needs: the text on it (the cover) is set in black, and the headings, dates and links in the "
                    "primary in the text's colour"]
    screen, press = _brand_css(project, "screen"), _brand_css(project, "print")
    assert "--on-dark: #000000;" in screen and "--on-dark: device-cmyk(0 0 0 1);" in press
    for css in (screen, press):
        assert ".item-title, " in css and "{ color: var(--ink); }" in css
    # A foreground readable on the primary is the text's colour; a dark background given
    # for the text on it stays, the headings on the paper still change.
    with_foreground = make_project(tmp_path / "foreground", brand=yellow.replace(
        "  primary: acme-red\n", '  primary: acme-red\n  foreground: "#202a44"\n'))
    assert "--on-dark: #202a44;" in _brand_css(with_foreground, "screen")
    navy = make_project(tmp_path / "navy", brand=yellow.replace(
        "  primary: acme-red\n", '  primary: acme-red\n  background: "#0b2a4a"\n'))
    css = _brand_css(navy, "screen")
    assert "--on-dark: #0b2a4a;" in css and "{ color: var(--ink); }" in css
    from brochure.content.settings import load_settings

    [warning] = [warning for warning in load_settings(navy).brand.warnings if "contrast" in warning]
    assert "is set in black in print (where it is the paper), and" in warning
    assert "--on-dark: device-cmyk(0 0 0 1);" in _brand_css(navy, "print")  # the paper is the text in print


def test_a_dark_primary_keeps_its_white_text_without_warning(tmp_path):
    project = make_project(tmp_path)
    result, report = run_json("build", cwd=project)
    assert result.exit_code == 0 and not [warning for warning in report["warnings"] if "contrast" in warning]
    for profile in ("screen", "print"):
        css = _brand_css(project, profile)
        assert "--on-dark:" not in css and "var(--ink)" not in css, css
