"""An SVG for the press in any CSS colour space: lab(), oklch(), color(display-p3 …) are
converted to sRGB and then through the output intent as every other colour, also inside
an @media block of its <style>, so no Lab or RGB colour space reaches the print PDF."""

from __future__ import annotations

import re

import pikepdf
import pytest
from brand_project import LOGO, make_project
from conftest import run_json
from tinycss2.color4 import parse_color  # type: ignore[import-untyped]

from brochure.pdf.brand_colours import press_cmyk
from brochure.pdf.profiles import DEFAULT_ICC
from brochure.pdf.svg import press_svg, srgb

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">{}</svg>'


def _cmyk(rgb) -> str:
    return "device-cmyk({:g} {:g} {:g} {:g})".format(*press_cmyk(rgb, DEFAULT_ICC))


@pytest.mark.parametrize("css, rgb", [
    ("lab(50% 40 20)", (185.2, 88.1, 87.5)),  # Pillow's LAB -> sRGB gives (185, 88, 87)
    ("lch(50% 0 0)", (118.9, 118.9, 118.9)),
    ("oklab(62.8% 0.2249 0.1258)", (255, 0, 0)),  # CSS Color 4's sRGB red
    ("oklch(60% 0.2 30)", (222.3, 61.7, 44.7)),
    ("color(display-p3 0.5 0.5 0.5)", (127.5, 127.5, 127.5)),
    ("color(display-p3 1 0 0)", (255, 0, 0)),  # outside sRGB: clipped
    ("color(srgb-linear 0.214 0.214 0.214)", (127.5, 127.5, 127.5)),
    ("color(xyz-d65 0.9505 1 1.089)", (255, 255, 255)),
    ("hsl(120 100% 30%)", (0, 153, 0)),
])
def test_every_css_colour_space_reaches_srgb(css, rgb):
    assert [round(value * 255, 1) for value in srgb(parse_color(css))] == pytest.approx(rgb, abs=0.2)


@pytest.mark.parametrize("css", ["lab(50% 40 20)", "oklch(60% 0.2 30)", "color(display-p3 0.2 0.6 0.3)"])
def test_a_colour_of_any_space_is_written_in_the_press_cmyk(css):
    pressed, _ = press_svg(SVG.format(f'<rect width="9" height="9" fill="{css}"/>').encode(), DEFAULT_ICC)
    fill = re.search(rb'<rect [^>]*fill="([^"]+)"', pressed)
    assert fill and fill[1].decode() == _cmyk(srgb(parse_color(css)))


def test_the_colours_of_an_at_media_block_are_rewritten():
    sheet = "<style>@media all { .a { fill: #00aa00 } } .b { fill: lab(50% 40 20) }</style>"
    pressed = press_svg(SVG.format(sheet).encode(), DEFAULT_ICC)[0].decode()
    assert "#00aa00" not in pressed and "lab(" not in pressed
    assert f".a {{ fill: {_cmyk((0, 170 / 255, 0))} }}" in pressed and "@media all {" in pressed


def test_the_stops_of_a_shading_stay_srgb_whatever_their_space():
    gradient = ('<linearGradient id="g"><stop offset="0" stop-color="lab(100% 0 0)"/>'
                '<stop offset="1" style="stop-color: oklab(62.8% 0.2249 0.1258)"/></linearGradient>'
                '<rect width="9" height="9" fill="url(#g)"/>')
    pressed, shaded = press_svg(SVG.format(gradient).encode(), DEFAULT_ICC)
    assert shaded
    assert b'stop-color="rgb(255, 255, 255)"' in pressed and b'style="stop-color: rgb(255, 0, 0' in pressed


def test_a_lab_picture_prints_without_lab(tmp_path):
    project = make_project(tmp_path)
    entry = project / "entries" / "2024-03-01-day.yaml"
    entry.write_text(entry.read_text().replace("body:", "image:\n  src: drawing.svg\n  alt: A map\nbody:"))
    drawing = LOGO.replace('fill="#ffffff"/>', 'fill="lab(50% 40 20)"/>').replace(
        "</svg>", '<style>@media all { circle { fill: oklch(60% 0.2 30) } }</style></svg>')
    (project / "entries" / "drawing.svg").write_text(drawing)
    result, report = run_json("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    rules = {rule["rule"]: rule for rule in report["preflight"]}
    assert rules["colour spaces"]["status"] == "pass" and "Lab" not in rules["colour spaces"]["message"]
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        assert b"/Lab" not in b"".join(page.Contents.read_bytes() if isinstance(page.Contents, pikepdf.Stream)
                                       else b"" for page in pdf.pages)


def test_an_svg_that_names_its_dtd_prints_and_one_with_declarations_is_refused():
    from brochure.pdf.svg import UnprintableSvg

    named = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
             '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
             + SVG.format('<rect width="9" height="9" fill="lab(50% 40 20)"/>'))
    assert b'fill="device-cmyk(' in press_svg(named.encode(), DEFAULT_ICC)[0]
    declared = '<!DOCTYPE svg [<!ENTITY a "b">]>' + SVG.format("<text>&a;</text>")
    with pytest.raises(UnprintableSvg):
        press_svg(declared.encode(), DEFAULT_ICC)
