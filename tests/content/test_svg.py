"""content/svg.py: CSS addresses are read from the tokens, so that escapes do not hide
an @import or a url()."""

from __future__ import annotations

import pytest
from brand_project import make_project
from conftest import run

from brochure.content.svg import UnsafeSvg, check_svg_bytes

OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 120 40">'


def _refused(text: str) -> str:
    with pytest.raises(UnsafeSvg) as refused:
        check_svg_bytes(text.encode())
    return str(refused.value)


def _problems(project) -> list[str]:
    result = run("check", cwd=project)
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    return [line for line in result.output.splitlines() if line.startswith("_brand.yml:")]


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
