"""A brochure in each language the organisations publish in (the six UN languages and
German), from entries written in it: dates, labels, quotation marks and direction in
that language, a real glyph for every character, /Lang."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import page_texts, run, squash

# Per language: two items (the first over two days, with a source and a link), what its
# April is called in a long date, and its labels for "Contents" and "Further information".
TEXTS = {
    "en": dict(
        titles=("UNODC and the EU discuss 'smart' container controls", "Belgium funds wildlife-crime work"),
        body="The Container Control Programme trains \"joint port control units\" in 70 countries. "
             "See https://www.unodc.org/ccp for the programme.",
        april="April", contents="Contents", further="Further information", quote="“joint port control units”"),
    "fr": dict(
        titles=("L'ONUDC et l'UE discutent du contrôle des conteneurs", "La Belgique finance la lutte contre la "
                "criminalité liée aux espèces sauvages"),
        body="Le programme de contrôle des conteneurs forme des \"unités mixtes de contrôle portuaire\" dans 70 pays. "
             "Voir https://www.unodc.org/ccp pour le programme.",
        april="avril", contents="Sommaire", further="Pour en savoir plus", quote="«\u202funités mixtes"),
    "de": dict(
        titles=("UNODC und EU beraten über Containerkontrollen",
                "Belgien fördert den Kampf gegen Wildtierkriminalität"),
        body="Das Containerkontrollprogramm schult \"gemeinsame Hafenkontrollgruppen\" in 70 Ländern. "
             "Mehr unter https://www.unodc.org/ccp zum Programm.",
        april="April", contents="Inhalt", further="Weitere Informationen", quote="„gemeinsame Hafenkontrollgruppen“"),
    "es": dict(
        titles=("La UNODC y la UE debaten el control de contenedores", "Bélgica financia la lucha contra los delitos "
                "contra la vida silvestre"),
        body="El Programa de Control de Contenedores forma \"unidades conjuntas de control portuario\" en 70 países. "
             "Véase https://www.unodc.org/ccp sobre el programa.",
        april="abril", contents="Índice", further="Más información", quote="«unidades conjuntas"),
    "ru": dict(
        titles=("УНП ООН и ЕС обсуждают контроль контейнеров", "Бельгия финансирует борьбу с преступлениями против "
                "дикой природы"),
        body="Программа контроля контейнеров обучает \"совместные группы портового контроля\" в 70 странах. "
             "Подробнее: https://www.unodc.org/ccp.",
        april="апреля", contents="Содержание", further="Дополнительная информация", quote="«совместные группы"),
    "zh": dict(
        titles=("毒品和犯罪问题办公室与欧盟讨论集装箱管制", "比利时资助打击野生动植物犯罪的工作"),
        # Chinese is typed with its own marks: straight quotes between ideographs, with no
        # space to tell an opening one from a closing one, stay as typed.
        body="集装箱管制方案在70个国家培训“港口联合管制单位”。详情请见 https://www.unodc.org/ccp 。",
        april="4月", contents="目录", further="更多信息", quote="“港口联合管制单位”"),
    "ar": dict(
        titles=("مكتب الأمم المتحدة المعني بالمخدرات والجريمة والاتحاد الأوروبي يناقشان مراقبة الحاويات",
                "بلجيكا تموّل مكافحة الجرائم المتصلة بالحياة البرية"),
        body="يدرّب برنامج مراقبة الحاويات \"وحدات مشتركة لمراقبة الموانئ\" في 70 بلداً. "
             "لمزيد من التفاصيل انظر https://www.unodc.org/ccp حول البرنامج.",
        april="أبريل", contents="المحتويات", further="لمزيد من المعلومات", quote="”وحدات مشتركة لمراقبة الموانئ“"),
}
ENGLISH_LABELS = ("Contents", "Further information", "Originally published by", "news items", "Image ©")


def _project(folder: Path, language: str) -> Path:
    text = TEXTS[language]
    entries = folder / "entries"
    entries.mkdir(parents=True)
    (folder / "brochure.yaml").write_text(f"title: {text['titles'][0][:30]}\npublisher: UNODC\nlanguage: {language}\n",
                                          encoding="utf-8")
    first, second = text["titles"]
    (entries / "2019-04-11-containers.yaml").write_text(
        f"title: \"{first}\"\ndate: 2019-04-11\nend_date: 2019-04-12\n"
        f"source:\n  name: UNODC\n  url: https://www.unodc.org/\n"
        f"links:\n  - title: CCP\n    url: https://www.unodc.org/ccp/\n"
        f"body: |\n  {text['body']}\n", encoding="utf-8")  # a block: its quotes are as typed
    (entries / "2019-03-05-wildlife.yaml").write_text(
        f"title: \"{second}\"\ndate: 2019-03-05\nbody: |\n  {text['body']}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def brochures(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Each language built for screen, and for print (where addresses are printed)."""
    built = {}
    for language in TEXTS:
        project = _project(tmp_path_factory.mktemp(language), language)
        for profile in ("screen", "print"):
            result = run("build", "--profile", profile, "-o", f"{profile}.pdf", cwd=project)
            assert result.exit_code == 0, (language, profile, result.output)
            assert "warning" not in result.output.lower(), result.output  # no raw font warnings either
            built[language, profile] = project / f"{profile}.pdf"
    return built


@pytest.mark.parametrize("language", list(TEXTS))
def test_dates_labels_and_quotes_are_in_the_brochures_language(brochures, language):
    text = TEXTS[language]
    whole = squash(" ".join(page_texts(brochures[language, "screen"])))
    for label in (text["contents"], text["further"], text["april"]):  # the theme capitalises some labels
        assert label.casefold() in whole.casefold(), (language, label)
    if language == "ar":  # pdfium gives Arabic in an order of its own: the marks are there, none straight
        assert "”" in whole and "“" in whole and '"' not in whole
    else:
        assert squash(text["quote"]) in whole, (language, whole[:2000])
    if language != "en":
        for english in ENGLISH_LABELS:
            assert english.casefold() not in whole.casefold(), (language, english)
        assert "april" not in whole.casefold() or language == "de"
    with pikepdf.open(brochures[language, "screen"]) as pdf:
        assert str(pdf.Root.Lang) == language


def _shown_glyph_ids(pdf) -> list[tuple[str, int]]:
    """Every glyph drawn with a two-byte (Identity-H) font, as (font, glyph id)."""
    shown = []
    for page in pdf.pages:
        fonts = page.Resources.get("/Font", {})
        font = ""
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) == "Tf":
                font = str(operands[0])
            elif str(operator) in ("Tj", "TJ"):
                strings = operands[0] if str(operator) == "TJ" else [operands[0]]
                if str(fonts.get(font, {}).get("/Encoding", "")) != "/Identity-H":
                    continue
                for string in strings:
                    if isinstance(string, pikepdf.String):
                        data = bytes(string)
                        shown += [(font, int.from_bytes(data[i:i + 2], "big")) for i in range(0, len(data), 2)]
    return shown


@pytest.mark.parametrize("language", list(TEXTS))
def test_every_character_has_a_real_glyph(brochures, language):
    """Glyph 0 is .notdef: the empty box a reader sees where no font has the character."""
    for profile in ("screen", "print"):
        with pikepdf.open(brochures[language, profile]) as pdf:
            shown = _shown_glyph_ids(pdf)
            assert len(shown) > 200
            assert [glyph for glyph in shown if glyph[1] == 0] == [], (language, profile)


def _lines(path: Path, page: int) -> list[tuple[float, float, str]]:
    """Every line of text on a page (1-based) as poppler lays it out: left, right, words."""
    done = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(path), "-"],
                          capture_output=True, text=True, check=True)
    lines = []
    for block in re.findall(r"<line (.*?)</line>", done.stdout, re.S):
        left, right = (float(re.search(rf'{edge}="([\d.]+)"', block)[1]) for edge in ("xMin", "xMax"))
        lines.append((left, right, " ".join(re.findall(r">([^<]+)</word>", block))))
    return lines


def _aligned(lines: list[tuple[float, float, str]], side: int) -> float:
    """The share of lines that touch the page's outermost left (0) or right (1) edge."""
    edge = min(line[0] for line in lines) if side == 0 else max(line[1] for line in lines)
    return sum(abs(line[side] - edge) < 1 for line in lines) / len(lines)


def test_arabic_lines_are_set_from_the_right_and_english_ones_from_the_left(brochures):
    """Titles, dates and the last lines of paragraphs are shorter than their column:
    in Arabic they end at the right margin and start anywhere, in English the reverse."""
    arabic = [line for line in _lines(brochures["ar", "print"], 3) if re.search("[\u0600-\u06ff]", line[2])]
    english = [line for line in _lines(brochures["en", "print"], 3) if re.search("[a-z]", line[2])]
    assert len(arabic) > 8 and len(english) > 8
    assert _aligned(arabic, 1) > 0.5 > _aligned(arabic, 0)
    assert _aligned(english, 0) > 0.5 > _aligned(english, 1)


def test_an_address_in_arabic_text_keeps_its_order(brochures):
    text = squash(" ".join(page_texts(brochures["ar", "print"])))
    assert "unodc.org/" in text and "ccp" in text
    assert "//:sptth" not in text and "gro.cdonu" not in text


def test_arabic_running_head_is_on_the_right(brochures):
    title_start = TEXTS["ar"]["titles"][0].split()[0]
    # poppler gives Arabic words in visual order: the word, or its letters reversed
    [head] = [line for line in _lines(brochures["ar", "screen"], 2)
              if title_start in line[2] or title_start[::-1] in line[2]][:1]
    assert head[0] > 595 / 2  # the title of the brochure runs in the right-hand corner


def test_words_the_brochure_makes_in_a_script_no_font_has_are_refused(tmp_path):
    """Entries in English, the brochure in Hindi: the dates and the count come out in
    Devanagari, which no font of the theme (or of a fresh Debian) has. Refused, naming
    the language setting, rather than printed as empty boxes."""
    project = _project(tmp_path, "en")
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text().replace("language: en", "language: hi"))
    result = run("build", "-o", "hi.pdf", cwd=project)
    assert result.exit_code == 1, result.output
    assert "brochure.yaml: language: the dates, labels or theme text in 'hi' need characters no font has" \
        in result.stderr and "DEVANAGARI" in result.stderr
    assert not (project / "hi.pdf").exists()


def test_a_regional_edition_of_the_brochures_own_language_keeps_every_item(tmp_path):
    project = _project(tmp_path, "en")
    result = run("build", "--language", "en-GB", "-o", "gb.pdf", cwd=project)
    assert result.exit_code == 0, result.output
    text = squash(" ".join(page_texts(project / "gb.pdf")))
    assert all(title in text for title in TEXTS["en"]["titles"])
