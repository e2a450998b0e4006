"""content/svg.py: an SVG that would draw without end (nested <use> copies, a <use> of
itself) is refused quickly, at the file; a DOCTYPE that only names its DTD (Illustrator's)
is allowed, and the DTD never read; CSS addresses are read from the tokens, so that
escapes do not hide an @import or a url()."""

from __future__ import annotations

import time

import pytest
from brand_project import make_project
from conftest import run

from brochure.content import svg
from brochure.content.svg import UnsafeSvg, check_svg_bytes

OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 40">'


def _bomb(levels: int = 8, width: int = 10, attribute: str = "href") -> str:
    """The reviewer's: level i is `width` <use>s of level i-1: width**levels squares, in
    a file of a few kilobytes."""
    groups = "".join(f'<g id="l{level}">' + "".join(f'<use {attribute}="#l{level - 1}" x="{x}"/>' for x in range(width))
                     + "</g>" for level in range(1, levels + 1))
    return (f'{OPEN}<defs><rect id="l0" width="1" height="1" fill="#c8102e"/>{groups}</defs>'
            f'<use href="#l{levels}"/></svg>')


def _refused(text: str) -> str:
    with pytest.raises(UnsafeSvg) as refused:
        check_svg_bytes(text.encode())
    return str(refused.value)


def _problems(project) -> list[str]:
    result = run("check", cwd=project)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    return [line for line in result.output.splitlines() if line.startswith("_brand.yml:")]


@pytest.mark.parametrize("attribute", ["href", "xlink:href"])
def test_a_use_bomb_is_refused_quickly_at_the_file(tmp_path, attribute):
    began = time.monotonic()
    problems = _problems(make_project(tmp_path, logo=_bomb(attribute=attribute)))
    assert time.monotonic() - began < 10
    assert problems == ["_brand.yml:5:11: logo.medium: logo 'brand/logo.svg' has more than 200,000 elements once "
                        "each <use> is drawn as the copy of what it refers to; simplify it or export it as PNG "
                        "(remove it from the SVG (the designers' export for the web is usually clean), or use a "
                        "PNG)"]


def test_the_copies_are_counted_against_the_limit(monkeypatch):
    monkeypatch.setattr(svg, "MAX_ELEMENTS", 1000)
    # svg, defs, the rect; l1: 1 + 10 × (use + rect) = 21; l2: 1 + 10 × (1 + 21) = 221; the last use 222
    check_svg_bytes(_bomb(levels=2).encode())  # 467 elements drawn, 26 written
    assert "has more than 1,000 elements once each <use>" in _refused(_bomb(levels=3))  # 4,688 drawn
    # An id given twice: the larger of the two is counted.
    twice = _bomb(levels=2).replace('<rect id="l0" width="1" height="1" fill="#c8102e"/>',
                                    '<rect id="l0" width="1" height="1"/><g id="l0">' + "<rect/>" * 20 + "</g>")
    assert "once each <use>" in _refused(twice)


@pytest.mark.parametrize("drawing, lines", [
    ('<use id="u" href="#u"/>', (2,)),
    ('<g id="b">\n<use href="#b"/></g>', (3,)),
    ('<g id="a"><use href="#b"/></g>\n<g id="b">\n<use xlink:href="#a"/></g>', (2, 4))])  # either <use>
def test_a_use_that_copies_itself_is_refused_at_its_line(drawing, lines):
    said = _refused(f"{OPEN}\n{drawing}</svg>")
    assert said.startswith(tuple(f"has a <use> that copies itself (directly, or through what it copies) at line "
                                 f"{line}, column " for line in lines)), said


def test_uses_of_a_symbol_and_of_what_is_missing_are_drawn(tmp_path):
    logo = (f'{OPEN}<defs><symbol id="dot"><circle r="2" fill="#c8102e"/></symbol></defs>'
            + "".join(f'<use href="#dot" x="{x}" y="20"/>' for x in range(0, 120, 10)) + '<use href="#nothing"/></svg>')
    check_svg_bytes(logo.encode())
    assert run("build", cwd=make_project(tmp_path, logo=logo)).exit_code == 0


ILLUSTRATOR = """<?xml version="1.0" encoding="utf-8"?>
<!-- Generator: Adobe Illustrator 27.0.0, SVG Export Plug-In . SVG Version: 6.00 Build 0)  -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg version="1.1" id="Layer_1" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
\t x="0px" y="0px" viewBox="0 0 120 40" style="enable-background:new 0 0 120 40;" xml:space="preserve">
<style type="text/css">
\t.st0{fill:#C8102E;}
</style>
<circle class="st0" cx="20" cy="20" r="14"/>
</svg>
"""


def test_a_doctype_that_only_names_its_dtd_is_allowed(tmp_path):
    check_svg_bytes(ILLUSTRATOR.encode())
    project = make_project(tmp_path, logo=ILLUSTRATOR)
    for profile in ("screen", "print"):
        result = run("build", "--profile", profile, "-o", f"build/{profile}.pdf", cwd=project)
        assert result.exit_code == 0, result.output


def test_a_doctype_of_its_own_declarations_or_an_entity_is_refused(tmp_path):
    subset = ILLUSTRATOR.replace('svg11.dtd">', 'svg11.dtd" [\n<!ENTITY ns_svg "http://www.w3.org/2000/svg">\n]>')
    assert _refused(subset).startswith("has a DOCTYPE with declarations of its own")
    assert _refused(ILLUSTRATOR.replace('svg11.dtd">', 'svg11.dtd" []>')).startswith("has a DOCTYPE with")
    # The DTD is never read: an entity it would define is not expanded, but refused.
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY secret SYSTEM "file:///etc/passwd">\n<!ENTITY % p SYSTEM "file:///etc/hostname">%p;')
    named = f'<?xml version="1.0"?>\n<!DOCTYPE svg SYSTEM "{dtd.as_uri()}">\n{OPEN}<rect width="1" height="1"/></svg>'
    check_svg_bytes(named.encode())  # read, the DTD would be refused: it declares an ENTITY
    said = _refused(named.replace("<rect", "<text>&secret;</text><rect"))
    assert said.startswith("refers to the entity &secret; of a DTD, which is never read at line 3"), said
    problems = _problems(make_project(tmp_path / "project", logo=subset))
    assert [problem.split(" at line")[0] for problem in problems] == [
        "_brand.yml:5:11: logo.medium: logo 'brand/logo.svg' has a DOCTYPE with declarations of its own (entities "
        "can read files or grow without end)"]


@pytest.mark.parametrize("css", [
    '<style>@im\\70ort "x.css";</style>',
    "<style>@IMPORT 'x.css';</style>",
    "<style>@media print { @import 'x.css'; }</style>",
    "<style>@im<![CDATA[port 'x.css';]]></style>",
    '<style>\nrect { fill: u\\72l(https://x.org/p.svg#a) }</style>',
    '<rect style="fill: \\75 rl(x.svg#p)"/>',
    '<rect fill="URL(\'x.svg#p\')"/>',
    '<style>rect { background: image-set("x.png" 1x) }</style>',
    '<rect style="fill: url(x y)"/>'])
def test_css_addresses_are_read_from_the_tokens(css):
    said = _refused(f"{OPEN}{css}</svg>")
    assert said.startswith(("has a CSS @import (another file)", "has a CSS url(")), said


def test_css_of_fragments_is_allowed():
    check_svg_bytes(f"""{OPEN}<defs><linearGradient id="g"/></defs>
<style>@media all {{ .a {{ fill: url(#g) }} }} .b {{ fill: URL( '#g' ) }}</style>
<rect class="a" width="1" height="1" style="stroke: u\\72l(&quot;#g&quot;)"/><rect fill="url(#g)"/></svg>""".encode())


def test_an_escaped_import_in_a_logo_is_told_at_the_brand_line(tmp_path):
    logo = f'{OPEN}\n<style>\n@im\\70ort "https://x.org/track.css";\n</style></svg>'
    assert _problems(make_project(tmp_path, logo=logo)) == [
        "_brand.yml:5:11: logo.medium: logo 'brand/logo.svg' has a CSS @import (another file) at line 2, column 1 "
        "(remove it from the SVG (the designers' export for the web is usually clean), or use a PNG)"]
