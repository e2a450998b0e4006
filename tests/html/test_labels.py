"""The theme's words in every language: each catalogue translates every message the
templates use, with the same placeholders, in as many plural forms as CLDR has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from brochure.html.labels import direction, quotes, template_globals
from brochure.html.markdown import markdown_to_html

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["ar", "de", "en", "es", "fr", "ru", "zh", "zh_Hant"]


def _template_messages() -> set[str | tuple[str, ...]]:
    found = extract_from_dir(str(ROOT / "brochure" / "styles"), method_map=[("**.j2", "jinja2")])
    return {message for _, _, message, _, _ in found}


def test_the_catalogue_template_is_up_to_date():
    """brochure.pot is what pybabel extract makes of the templates (README: Languages)."""
    with (ROOT / "brochure" / "locale" / "brochure.pot").open("rb") as file:
        template = {message.id for message in read_po(file) if message.id}
    assert template == _template_messages()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders(language):
    with (ROOT / "brochure" / "locale" / language / "LC_MESSAGES" / "brochure.po").open("rb") as file:
        catalog = read_po(file, locale=language)
    wanted = _template_messages()
    for message in catalog:
        if not message.id:
            continue
        assert message.id in wanted
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), (language, message.id)
        placeholders = set(re.findall(r"%\(\w+\)s", ids[0]))
        assert all(set(re.findall(r"%\(\w+\)s", text)) <= placeholders for text in strings), (language, message.id)
        if isinstance(message.id, tuple):  # as many forms as the language has (Arabic six, Chinese one)
            assert len(strings) == catalog.num_plurals, (language, message.id)
    assert {message.id for message in catalog if message.id} == wanted


@pytest.mark.parametrize("language, count, text", [
    ("en", 1, "1 news item"), ("en", 14, "14 news items"), ("fr", 1, "1 actualité"), ("fr", 2, "2 actualités"),
    ("ru", 1, "1 новость"), ("ru", 3, "3 новости"), ("ru", 14, "14 новостей"), ("ru", 21, "21 новость"),
    ("ar", 1, "خبر واحد"), ("ar", 2, "خبران"), ("ar", 5, "5 أخبار"), ("ar", 14, "14 خبرًا"), ("zh", 14, "14 条新闻"),
    ("de", 1500, "1.500 Meldungen"),
])
def test_counts_take_the_languages_plural_and_number_format(language, count, text):
    ngettext = template_globals(language)["ngettext"]
    assert str(ngettext("%(num)s news item", "%(num)s news items", count)) == text


def test_a_label_can_be_asked_in_another_language_and_escapes_its_values():
    gettext = template_globals("en")["_"]
    assert str(gettext("Contents", lang="fr")) == "Sommaire"
    assert str(gettext("Contents", lang="fr-BE")) == "Sommaire"  # the language when its region has no catalogue
    assert str(gettext("Contents", lang="pt")) == "Contents"  # no catalogue: the English words
    assert str(gettext("Contents", lang="zh-TW")) == "目錄"  # Traditional characters, never the Simplified
    assert str(gettext("Contents", lang="zh-Hans")) == "目录"
    assert str(gettext("Image %(credit)s", credit="<b>©</b>")) == "Image &lt;b&gt;©&lt;/b&gt;"


def test_quotation_marks_and_direction_follow_the_language():
    assert markdown_to_html('He said "yes".', quotes=quotes("fr")) == "<p>He said «\u202fyes\u202f».</p>\n"
    assert markdown_to_html('Er sagte "ja".', quotes=quotes("de")) == "<p>Er sagte „ja“.</p>\n"
    assert (direction("ar"), direction("he"), direction("fa"), direction("ur"), direction("fr")) == \
        ("rtl", "rtl", "rtl", "rtl", "ltr")


def test_addresses_and_code_are_isolated_in_right_to_left_text():
    html = markdown_to_html("انظر https://www.unodc.org/ccp و `a=b`.", rtl=True)
    assert "\u2066\u200ehttps://www.unodc.org/ccp\u200e\u2069" in html and "\u2066\u200ea=b\u200e\u2069" in html
    assert "\u2066" not in markdown_to_html("See https://www.unodc.org/ccp.")
