"""A branded project (entries, a _brand.yml with a primary colour, an SVG logo and a font
file, no CSS) in every profile: the logo drawn as vectors on the cover, in the press's
CMYK for print; the primary colour on the cover; the brand's font for the headings; and
the print file through its own preflight, whatever the primary (a red, a green, a dark
blue: small text in one ink)."""

from __future__ import annotations

import re

import pikepdf
import pypdfium2
import pytest
from brand_project import BRAND, LOGO, make_project
from conftest import run, run_json

from brochure.pdf.brand_colours import press_cmyk
from brochure.pdf.profiles import DEFAULT_ICC

MM = 72 / 25.4
RED = (200 / 255, 16 / 255, 46 / 255)  # the brand's #c8102e
_NUMBER = rb"-?(?:\d+\.?\d*|\.\d+)"
_COLOUR = re.compile(rb"((?:" + _NUMBER + rb"\s+){1,4})(rg|RG|k|K|sc|scn|SC|SCN)\b")


def _content(page) -> bytes:
    contents = page.obj.Contents
    return b"".join(stream.read_bytes() for stream in ([contents] if isinstance(contents, pikepdf.Stream)
                                                         else contents))


def _colours(page) -> set[tuple[str, tuple[float, ...]]]:
    """Every colour the page's content stream sets: (operator, values)."""
    return {(match[2].decode(), tuple(round(float(value), 3) for value in match[1].split()))
            for match in _COLOUR.finditer(_content(page))}


def _images(pdf: pikepdf.Pdf, page) -> list:
    xobjects = page.obj.Resources.get("/XObject", {})
    return [xobject for xobject in xobjects.values() if xobject.get("/Subtype") == "/Image"]


def _pixel(path, page_number: int, x_mm: float, y_mm: float) -> tuple[int, int, int]:
    """The colour at a point of the page, in mm from the top left of its trim."""
    document = pypdfium2.PdfDocument(str(path))
    page, scale = document[page_number], 2
    media, trim = page.get_mediabox(), page.get_trimbox()
    image = page.render(scale=scale).to_pil().convert("RGB")
    x, y = x_mm * MM + trim[0] - media[0], y_mm * MM + media[3] - trim[3]
    pixel = image.getpixel((round(x * scale), round(y * scale)))
    document.close()
    return pixel


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("branded") / "project")
    found = {}
    for profile in ("screen", "print", "archive"):
        result, report = run_json("build", "--profile", profile, "-o", f"build/{profile}.pdf", cwd=project)
        assert result.exit_code == 0, result.output
        found[profile] = (project / "build" / f"{profile}.pdf", report)
    return found


@pytest.mark.parametrize("profile", ["screen", "print", "archive"])
def test_the_cover_has_the_logo_as_vectors_and_the_primary_colour(built, profile):
    path, _report = built[profile]
    with pikepdf.open(path) as pdf:
        cover = pdf.pages[0]
        assert _images(pdf, cover) == []  # the SVG logo is drawn, not embedded as a picture
        colours = _colours(cover)
        if profile == "print":
            red = press_cmyk(RED, DEFAULT_ICC)
            assert ("scn", red) in colours or ("k", red) in colours, colours
            assert not {operator for operator, _ in colours} & {"rg", "RG"} or all(
                values == (0, 0, 0) for operator, values in colours if operator in ("rg", "RG"))
            assert ("scn", (0.0, 0.0, 0.0, 0.0)) in colours  # the logo's white, knocked out
        else:
            assert any(len(values) == 3 and values == tuple(round(value, 3) for value in RED)
                       for _, values in colours), colours
        fonts = {str(font.get("/BaseFont")) for font in cover.obj.Resources.Font.values()}
        assert any("Acme-Sans" in font for font in fonts), fonts  # the brand's font sets the title
    # Pixels: the primary behind the title, the logo's white square at its corner.
    background = _pixel(path, 0, 150, 200)
    logo = _pixel(path, 0, 25.5, 25.5)
    assert abs(background[0] - 200) < 30 and background[1] < 60 and background[2] < 80, background
    assert min(logo) > 225, logo


def test_the_print_file_passed_its_preflight(built):
    _path, report = built["print"]
    assert report["preflight"] and all(rule["status"] in ("pass", "skip", "warn") for rule in report["preflight"])
    assert not [rule for rule in report["preflight"] if rule["status"] == "warn" and "several inks" in rule["name"]]


def test_the_logo_of_print_is_in_the_press_cmyk(built):
    """Every colour of the print cover is DeviceCMYK (no RGB), the logo's red the
    brand's red converted through the output intent, as the title page's background."""
    path, _ = built["print"]
    with pikepdf.open(path) as pdf:
        stream = _content(pdf.pages[0])
        red = " ".join(f"{value:g}" for value in press_cmyk(RED, DEFAULT_ICC)).encode()
        assert stream.count(red + b" scn") >= 2  # the cover's background and the logo's circle
        assert b"/DeviceRGB" not in stream


@pytest.mark.parametrize("primary, small_ink", [("#c8102e", (0, 1, 0, 0)), ("#2e7d32", (0, 0, 0, 1)),
                                                ("#0b2a4a", (0, 0, 0, 1))])
def test_print_passes_its_preflight_with_any_primary(tmp_path, primary, small_ink):
    brand = BRAND.replace('acme-red: "#c8102e"', f'acme-red: "{primary}"').replace(
        "  primary: acme-red\n", '  primary: acme-red\n  secondary: "#7a5c99"\n  foreground: "#202a44"\n'
        '  background: "#fffdf5"\n')  # a purple for muted text, a blue-black, a cream
    project = make_project(tmp_path, brand=brand)
    result, report = run_json("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    assert all(rule["status"] != "fail" for rule in report["preflight"])
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        # The dates above the titles (8 pt) in the one ink nearest the primary.
        assert ("scn", tuple(float(value) for value in small_ink)) in _colours(pdf.pages[1])


def _shadings(pdf: pikepdf.Pdf) -> list:
    return [thing for thing in pdf.objects if isinstance(thing, pikepdf.Dictionary) and "/ShadingType" in thing]


def _stops(shading) -> list[tuple[float, ...]]:
    parts = shading.Function.Functions if shading.Function.FunctionType == 3 else [shading.Function]
    return [tuple(round(float(value), 3) for value in part[key]) for part in parts for key in ("/C0", "/C1")]


def test_a_gradient_logo_prints_as_a_cmyk_shading(tmp_path):
    """WeasyPrint 70 writes an SVG gradient with RGB stops whatever they say: print
    converts the shading's stops through the output intent, as every other colour."""
    gradient = LOGO.replace('<rect width="40" height="40" fill="#ffffff"/>', (
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#c8102e"/>'
        '</linearGradient></defs><rect width="40" height="40" fill="url(#g)"/>'))
    project = make_project(tmp_path, logo=gradient)
    assert run("build", cwd=project).exit_code == 0  # screen: the gradient as the SVG says, in sRGB
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        [shading] = _shadings(pdf)
        assert _stops(shading) == [(1.0, 1.0, 1.0), tuple(round(value, 3) for value in RED)]
    result = run("build", "--profile", "print", "-o", "build/print.pdf", cwd=project)
    assert result.exit_code == 0, result.output
    with pikepdf.open(project / "build" / "print.pdf") as pdf:
        [shading] = _shadings(pdf)
        assert shading.ColorSpace == pikepdf.Name.DeviceCMYK
        assert _stops(shading) == [(0.0, 0.0, 0.0, 0.0), press_cmyk(RED, DEFAULT_ICC)]


def test_an_svg_picture_of_an_entry_prints_as_cmyk_vectors(tmp_path):
    project = make_project(tmp_path)
    entry = project / "entries" / "2024-03-01-day.yaml"
    entry.write_text(entry.read_text().replace("body:", "image:\n  src: drawing.svg\n  alt: A map\nbody:"))
    (project / "entries" / "drawing.svg").write_text(LOGO.replace("#ffffff", "#2e7d32"))
    result, report = run_json("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        page = pdf.pages[report["included"][-1]["first_page"] - 1]
        assert _images(pdf, page) == []
        assert ("scn", press_cmyk((46 / 255, 125 / 255, 50 / 255), DEFAULT_ICC)) in _colours(page)
