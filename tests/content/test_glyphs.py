"""A character no font has is refused by check and build where it stands (file:line:col,
U+ code and Unicode name), never printed as an empty box; every script of the UN
languages has a face of the theme; the check is fast."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from pathlib import Path

import pytest
from conftest import PREVIOUS_PDF, REPO, copy_project, run, with_previous_pdf

from brochure.content import fontfaces, glyphs
from brochure.model import Entry, Settings

THEME = REPO / "brochure" / "styles" / "default"
ENTRY = "entries/2021-03-01-scripts.yaml"
SAMPLES = {
    "ar": "مكتب الأمم المتحدة المعني بالمخدرات والجريمة، ٢٠١٩؛ «الاتجار بالأشخاص»؟",
    "fa": "دفتر مقابله با مواد مخدر و جرم سازمان ملل متحد گزارش می‌دهد",
    "he": "משרד האומות המאוחדות לסמים ולפשע ₪",
    "zh": "联合国毒品和犯罪问题办公室（毒罪办）于2019年4月11日发布报告，“打击人口贩运”。",
    "zh-Hant": "聯合國毒品和犯罪問題辦公室發佈報告。",
    "ja": "国連薬物・犯罪事務所は報告書を発表しました。カタカナ、ひらがな。",
    "ko": "유엔마약범죄사무소가 보고서를 발표했습니다.",
    "ru": "Управление ООН по наркотикам и преступности — «доклад» № 5",
    "el": "Γραφείο των Ηνωμένων Εθνών για τα Ναρκωτικά και το Έγκλημα",
    "fr": "Office des Nations unies contre la drogue et le crime : « rapport » œuvre, ÇA",
    "de": "Büro der Vereinten Nationen für Drogen- und Verbrechensbekämpfung „Bericht“ ß",
    "es": "Oficina de las Naciones Unidas contra la Droga y el Delito ¿Informe? ñ",
}


def _no_font_has(candidates: str = "\u13a0\U00010900\U0001e900\ua000\u0d05\u1200\u0e01") -> str:
    """A letter no font of this computer has (the tests' machine has no Cherokee, Phoenician,
    Adlam, Yi, Malayalam, Ethiopic or Thai font unless someone installed one)."""
    for character in candidates:
        listed = subprocess.run(["fc-list", f":charset={ord(character):x}", "file"], capture_output=True, text=True)
        if not listed.stdout.strip():
            return character
    pytest.skip("every candidate script has a font on this computer")


@pytest.fixture
def project(tmp_path):
    project = copy_project("minimal", tmp_path)
    with_previous_pdf(project)
    return project


def test_every_script_of_the_un_languages_and_more_has_a_face():
    coverage = glyphs.theme_coverage(THEME)
    assert coverage.not_found == (), "fonts-noto-cjk is installed (see the README)"
    for language, text in SAMPLES.items():
        assert coverage.suspect.findall(text) == [], language


def test_the_theme_faces_are_read_from_its_stylesheets():
    faces = fontfaces.font_faces(THEME)
    families = {face.family for face in faces}
    assert families == {"brochureserif", "brochuresans"}  # as fontconfig compares names: no case, no spaces
    assert {face.file.name for face in faces if face.file} >= {"NotoSerif-Regular.ttf", "NotoNaskhArabic-Bold.ttf",
                                                               "NotoSansHebrew-Regular.ttf", "OpenSans-Bold.ttf"}
    assert {face.local for face in faces if face.local} == {"NotoSerifCJKsc-Regular", "NotoSerifCJKsc-Bold",
                                                             "NotoSansCJKsc-Regular", "NotoSansCJKsc-Bold"}


@pytest.mark.parametrize(("lines", "place", "field"), [
    ("title: Cherokee {c} here\ndate: 2021-03-01\nbody: Text.\n", "1:17", "title"),
    ("title: T\ndate: 2021-03-01\nbody: |\n  First paragraph.\n\n  Second one, with {c} in it.\n", "6:20", "body"),
    ("title: T\ndate: 2021-03-01\nbody: Text.\nlinks:\n  - title: A {c}\n    url: https://example.org\n",
     "5:14", "links[0].title"),
    ("title: T\ndate: 2021-03-01\nbody: Text.\nsource: {{name: 'Office {c}'}}\n", "4:24", "source.name"),
    ('title: "Escaped \\U{code:08X} letter"\ndate: 2021-03-01\nbody: Text.\n', "1:8", "title"),
])
def test_a_character_no_font_has_is_refused_where_it_stands(project, lines, place, field):
    character = _no_font_has()
    (project / ENTRY).write_text(lines.format(c=character, code=ord(character)), encoding="utf-8")
    expected = (f"{ENTRY}:{place}: {field}: '{character}' (U+{ord(character):04X} "
                f"{__import__('unicodedata').name(character)}): no font of the theme or of this computer has it")
    for command in ("check", "build"):
        result = run(command, cwd=project)
        assert result.exit_code == 1, result.output
        assert expected in result.stderr, result.stderr
        assert "Traceback" not in result.output
    assert (project / "build" / "brochure.pdf").read_bytes() == PREVIOUS_PDF


def test_every_problem_at_once_and_the_settings_too(project):
    character = _no_font_has()
    (project / ENTRY).write_text(f"title: A {character}\ndate: 2021-03-01\nbody: B {character} and {character}\n",
                                 encoding="utf-8")
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text("utf-8") + f"subtitle: Sub {character}\n", encoding="utf-8")
    result = run("check", cwd=project)
    assert result.exit_code == 1
    located = [line.split(": ")[0] for line in result.stderr.splitlines() if f"U+{ord(character):04X}" in line]
    assert located == ["brochure.yaml:4:15", f"{ENTRY}:1:10", f"{ENTRY}:3:9"], result.stderr  # once per field


def test_a_character_the_scripts_face_claims_but_lacks_is_refused(project):
    # U+08AD ARABIC LETTER LOW ALEF is in the Arabic faces' unicode-range, not in Noto Naskh
    # Arabic: Pango would take that face for it and print an empty box.
    (project / ENTRY).write_text("title: T\ndate: 2021-03-01\nbody: عربي \u08ad\n", encoding="utf-8")
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert (f"{ENTRY}:3:12: body: '\u08ad' (U+08AD ARABIC LETTER LOW ALEF): the theme's font for this script "
            "lacks it") in result.stderr


def test_the_check_is_fast_for_2000_entries():
    glyphs.theme_coverage(THEME)  # read once per process
    body = ("The partners agreed to strengthen cooperation on prevention, justice and health — "
            "« données », Überblick, доклад, 联合国毒品和犯罪问题办公室, مكتب الأمم المتحدة.\n\n") * 8
    entries = [Entry(file=f"entries/{number}.yaml", title=f"Item {number} – Vienna", date=dt.date(2020, 1, 1),
                     body=body, summary="A lead.") for number in range(2000)]
    settings = Settings(root=Path("."), title="Brochure")
    began = time.perf_counter()
    assert glyphs.glyph_problems(settings, entries, THEME) == []
    assert time.perf_counter() - began < 0.25  # about 10 ms here for 2.4 MB of text


def test_a_translation_is_told_at_its_own_lines_and_what_it_takes_at_its_entry(project):
    character = _no_font_has()
    (project / ENTRY).write_text(f"title: T\ndate: 2021-03-01\nbody: Text.\nsource: {{name: 'Office {character}'}}\n",
                                 encoding="utf-8")
    translation = ENTRY.replace(".yaml", ".fr.yaml")
    (project / translation).write_text(f"title: Titre {character}\nbody: Texte.\n", encoding="utf-8")
    result = run("build", "--language", "fr", cwd=project)
    assert result.exit_code == 1, result.output
    code = f"U+{ord(character):04X}"
    assert f"{translation}:1:14: title: '{character}' ({code}" in result.stderr, result.stderr
    # the source's name is the entry's own, not translated: told where it is written
    assert f"{ENTRY}:4:24: source.name: '{character}' ({code}" in result.stderr, result.stderr


def test_a_character_reference_in_markdown_is_the_character_it_prints(project):
    character = _no_font_has()
    (project / ENTRY).write_text(f"title: T\ndate: 2021-03-01\nbody: 'Markdown prints &#x{ord(character):X}; as it'\n",
                                 encoding="utf-8")
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert f"{ENTRY}:3:7: body: '{character}' (U+{ord(character):04X}" in result.stderr, result.stderr
