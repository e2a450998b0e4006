"""Arabic, Hebrew and Chinese entries print with real glyphs: every glyph the PDF draws
is one of its font's own (no .notdef, glyph 0, and none of the numbers WeasyPrint
invents past the font's end for a character it has no glyph for), every PDF font draws
only characters its own program has (no two faces merged into one PDF font), the
script's fonts are embedded, and the build says nothing of WeasyPrint's own."""

from __future__ import annotations

import io
import logging
import subprocess

import pikepdf
import pytest
from conftest import copy_project, run

from brochure.layout.messages import Collect

ENTRIES = {
    "entries/2021-03-02-arabic.yaml": (
        "title: تبادل السياسات مع منسقة الاتحاد الأوروبي\nlang: ar\ndate: 2021-03-02\n"
        "summary: اجتماع في بروكسل لتنسيق الجهود المشتركة.\nbody: |\n"
        "  في الحادي عشر من نيسان/أبريل 2019، اجتمع أعضاء الفريق مع منسقة الاتحاد الأوروبي لمكافحة الاتجار "
        "بالبشر، لتبادل الخبرات حول *حماية الضحايا* وملاحقة الشبكات الإجرامية.\n\n"
        "  > وأكد المشاركون أن التعاون يظل أساسياً.\n"),
    "entries/2021-03-03-chinese.yaml": (
        "title: 欧洲联盟支持西非港口集装箱管制方案\nlang: zh\ndate: 2021-03-03\nbody: |\n"
        "  2019年4月11日，打击人口贩运机构间协调小组成员在布鲁塞尔举行政策交流会，就保护受害者和打击跨国犯罪网络"
        "交换了经验。与会者强调，合作“至关重要”。\n"),
    "entries/2021-03-04-hebrew.yaml": (
        "title: משרד האומות המאוחדות לסמים ולפשע\nlang: he\ndate: 2021-03-04\nbody: |\n"
        "  המשרד פרסם היום את הדוח השנתי על סחר בבני אדם.\n"),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_project("minimal", tmp_path_factory.mktemp("scripts"))
    for name, text in ENTRIES.items():
        (project / name).write_text(text, encoding="utf-8")
    result = run("build", "--force", cwd=project)
    assert result.exit_code == 0, result.output
    return project / "build" / "brochure.pdf", result


def _glyph_count(font: pikepdf.Dictionary) -> int:
    """How many glyphs the embedded font program has."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    descriptor = font.DescendantFonts[0].FontDescriptor
    program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    data = program.read_bytes()
    if program.get("/Subtype") == "/CIDFontType0C":
        fonts = CFFFontSet()
        fonts.decompile(io.BytesIO(data), None)
        return len(fonts[fonts.fontNames[0]].CharStrings)
    return TTFont(io.BytesIO(data))["maxp"].numGlyphs


def _family(font: pikepdf.Dictionary) -> str:
    """The name the embedded font program gives itself."""
    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    descriptor = font.DescendantFonts[0].FontDescriptor
    program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    if program.get("/Subtype") == "/CIDFontType0C":
        fonts = CFFFontSet()
        fonts.decompile(io.BytesIO(program.read_bytes()), None)
        return fonts.fontNames[0]  # NotoSerifCJKjp-Regular
    return TTFont(io.BytesIO(program.read_bytes()))["name"].getDebugName(1) or ""


SCRIPTS = {"Arabic": "[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]",
           "Hebrew": "[\u0590-\u05ff\ufb1d-\ufb4f]", "CJK": "[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]"}


def _not_its_own(font: pikepdf.Dictionary) -> list[str]:
    """The characters a PDF font's ToUnicode gives of a script its embedded font is not
    made for (by the font's own name): two faces merged into one PDF font (WeasyPrint 70
    keys its PDF fonts by family name, weight and style), one drawing the other's glyphs."""
    import re

    unicode = re.findall(r"<[0-9a-fA-F]{4}>\s*<([0-9a-fA-F]{4})>", font.ToUnicode.read_bytes().decode("latin-1"))
    characters = "".join(chr(int(code, 16)) for code in unicode)
    name = _family(font).replace(" ", "")
    return [character for script, pattern in SCRIPTS.items() if script not in name
            for character in re.findall(pattern, characters)]


def _glyphs_drawn(container, fonts_seen: dict) -> list[tuple[str, int]]:
    """(font object, glyph id) of every glyph shown, in pages and in their forms."""
    drawn, font = [], None
    resources = container.get("/Resources", pikepdf.Dictionary())
    for operands, operator in pikepdf.parse_content_stream(container):
        if str(operator) == "Tf":
            font = resources.Font[str(operands[0])]
            fonts_seen[font.objgen] = font
        elif str(operator) in ("Tj", "TJ", "'", '"'):
            strings = operands[-1] if str(operator) == "TJ" else [operands[-1]]
            for item in strings:
                if isinstance(item, pikepdf.String):
                    data = bytes(item)
                    drawn += [(font.objgen, int.from_bytes(data[at:at + 2], "big")) for at in range(0, len(data), 2)]
        elif str(operator) == "Do":
            form = resources.XObject[str(operands[0])]
            if form.get("/Subtype") == "/Form":
                drawn += _glyphs_drawn(form, fonts_seen)
    return drawn


def test_every_glyph_drawn_is_a_real_glyph_of_its_font(built):
    path, _ = built
    fonts: dict = {}
    with pikepdf.open(path) as pdf:
        drawn = [glyph for page in pdf.pages for glyph in _glyphs_drawn(page.obj, fonts)]
        counts = {objgen: _glyph_count(font) for objgen, font in fonts.items()}
        families = {_family(font) for font in fonts.values()}
        merged = {str(font.BaseFont): foreign for font in fonts.values() if (foreign := _not_its_own(font))}
    assert drawn
    wrong = sorted({(str(fonts[objgen].BaseFont), glyph) for objgen, glyph in drawn
                    if not 0 < glyph < counts[objgen]})
    assert wrong == [], "glyph 0 (.notdef), or past the font's end: a character with no glyph"
    assert merged == {}, "a PDF font draws characters its font program does not have: two faces merged"
    assert {"Noto Naskh Arabic", "Noto Sans Arabic", "Noto Serif Hebrew"} <= families
    assert any("CJK" in family for family in families), families


def test_the_script_fonts_are_embedded_and_the_build_says_nothing_of_weasyprint(built):
    path, result = built
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = listed.splitlines()[2:]
    assert rows and all(" yes yes yes " in row for row in rows), listed  # embedded, subset, with ToUnicode
    names = " ".join(row.split()[0] for row in rows)
    assert "BrochureSerif" in names  # Noto Naskh Arabic (the Arabic face's own spelling of the family)
    assert "Brochure--Serif" in names and "CID Type 0C" in listed  # Noto Serif CJK, a CFF font
    assert "notdef" not in result.output and "WARNING" not in result.output
    assert not [line for line in result.stderr.splitlines() if line.startswith("warning:")], result.stderr


def test_weasyprint_warnings_are_gathered_one_line_each():
    collect = Collect()
    logger = logging.getLogger("weasyprint.test")
    logger.addHandler(collect)
    try:
        for code in [*range(0x13A0, 0x13AA)] * 20:  # what a page of Cherokee without a font logs
            logger.warning('.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)',
                           chr(code), code)
        for _ in range(30):
            logger.warning('Unable to subset "%s" with HarfBuzz', "Some Font")
        logger.warning("Ignored `foo: bar` at 1:1, unknown property.")
        logger.error("Failed to load image at %r", "x.png")
    finally:
        logger.removeHandler(collect)
    assert collect.warnings == [
        'Unable to subset "Some Font" with HarfBuzz (30 times)',
        "Ignored `foo: bar` at 1:1, unknown property.",
        "no font has 10 character(s), printed as empty boxes: U+13A0 CHEROKEE LETTER A, U+13A1 CHEROKEE LETTER E, "
        "U+13A2 CHEROKEE LETTER I, U+13A3 CHEROKEE LETTER O, U+13A4 CHEROKEE LETTER U, U+13A5 CHEROKEE LETTER V, "
        "U+13A6 CHEROKEE LETTER GA, U+13A7 CHEROKEE LETTER KA and 2 more"]
    assert collect.errors == ["Failed to load image at 'x.png'"]


def test_a_face_is_added_only_when_the_document_has_a_character_in_its_range():
    from types import SimpleNamespace

    from brochure.layout.engine import _faces_in_use

    added = []

    class Recording:
        def add_font_face(self, rule_descriptors, url_fetcher):
            added.append(rule_descriptors["font_family"])

    def face(family, *spans):
        return {"font_family": family, "unicode_range": [SimpleNamespace(start=low, end=high) for low, high in spans]}

    fonts = _faces_in_use(Recording, "<p>An English brochure – 2019</p>")
    fonts.add_font_face({"font_family": "Latin"}, None)  # no unicode-range: always added
    fonts.add_font_face(face("CJK", (0x4E00, 0x9FFF), (0x3000, 0x303F)), None)  # 20 MB a face: not needed here
    fonts.add_font_face(face("Arabic", (0x0600, 0x06FF), (0x20, 0x20)), None)  # has the space: added
    assert added == ["Latin", "Arabic"]
    _faces_in_use(Recording, "<p>联合国</p>").add_font_face(face("CJK", (0x4E00, 0x9FFF)), None)
    assert added[-1] == "CJK"


def test_the_fetcher_reads_a_system_font_fontconfig_lists_and_no_other_file():
    from brochure.layout.engine import _system_font

    listed = subprocess.run(["fc-match", "--format", "%{file}", ":postscriptname=NotoSerifCJKsc-Regular"],
                            capture_output=True, text=True).stdout
    assert _system_font(f"file://{listed}") is not None, listed
    assert _system_font("file:///etc/hostname") is None
    assert _system_font("file:///etc/passwd") is None
