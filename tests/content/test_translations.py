"""Translations beside their entries, read into a language edition's catalogue: which
translation serves which edition, what it takes from its entry, and its problems."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from brochure.content.catalogue import catalogue
from brochure.content.catalogue import check as check_all
from brochure.content.languages import canonical, lookup
from brochure.content.settings import load_settings
from brochure.errors import ContentError
from brochure.model import Selection

ENTRY = ("title: {title}\ndate: {date}\nend_date: 2021-05-03\nweight: {weight}\nsource:\n  name: UNODC Vienna\n"
         "  url: https://www.unodc.org\nimage:\n  src: square.jpg\n  alt: A square\n  credit: © Test\n"
         "tags: [news]\nbody: English text.\n")


def project(tmp_path: Path, settings: str = "", **files: str) -> Path:
    """A project whose entries folder holds `files` (name with dots as __: a__fr -> a.fr.yaml)."""
    (tmp_path / "brochure.yaml").write_text("title: T\nlanguage: en\n" + settings, "utf-8")
    entries = tmp_path / "entries"
    entries.mkdir()
    (entries / "square.jpg").write_bytes((Path(__file__).parent.parent / "data" / "minimal" / "entries" / "images"
                                          / "square.jpg").read_bytes())
    for name, text in files.items():
        (entries / (name.replace("__", ".") + ".yaml")).write_text(text, "utf-8")
    return tmp_path


def english(title: str, date: str = "2021-05-01", weight: int = 0) -> str:
    return ENTRY.format(title=title, date=date, weight=weight)


def edition(root: Path, language: str, **selection):
    return catalogue(load_settings(root), Selection(language=language, **selection))


def problems(root: Path, language: str = "fr") -> list[str]:
    with pytest.raises(ContentError) as raised:
        edition(root, language)
    return [str(problem) for problem in raised.value.problems]


def test_language_tags_are_written_as_bcp_47_says_and_looked_up_from_the_most_specific():
    assert [canonical(tag) for tag in ("FR", "fr-be", "zh-hans", "sr-latn-rs", "es-419")] == [
        "fr", "fr-BE", "zh-Hans", "sr-Latn-RS", "es-419"]
    assert lookup("zh-Hans-CN") == ["zh-hans-cn", "zh-hans", "zh"]
    with pytest.raises(ValueError, match="is not a language tag"):
        canonical("fr_FR")


def test_a_translation_takes_every_field_it_does_not_give_from_its_entry(tmp_path):
    root = project(tmp_path, a=english("Meeting"),
                   a__fr="title: Réunion\nimage:\n  alt: Un carré\nsource:\n  name: ONUDC Vienne\nbody: Texte.\n")
    (entry,) = edition(root, "fr").entries
    assert (entry.title, entry.body, entry.lang, entry.file, entry.original) == (
        "Réunion", "Texte.", "fr", "entries/a.fr.yaml", "entries/a.yaml")
    assert (str(entry.date), str(entry.end_date), entry.tags, entry.weight) == ("2021-05-01", "2021-05-03",
                                                                                 ("news",), 0)
    assert (entry.image.src, entry.image.alt, entry.image.credit) == ("square.jpg", "Un carré", "© Test")
    assert (entry.source.name, entry.source.url) == ("ONUDC Vienne", "https://www.unodc.org")
    assert [item.title for item in edition(root, "").entries] == ["Meeting"]


def test_the_most_specific_translation_serves_an_edition(tmp_path):
    root = project(tmp_path, a=english("A"), a__fr="title: A fr\n", **{"a__fr-BE": "title: A fr-BE\n"},
                   b=english("B", "2021-04-01"), b__fr="title: B fr\n")
    assert [entry.title for entry in edition(root, "fr-BE").entries] == ["A fr-BE", "B fr"]
    assert [entry.title for entry in edition(root, "fr").entries] == ["A fr", "B fr"]
    found = edition(root, "fr-CA")
    assert [(entry.title, entry.lang) for entry in found.entries] == [("A fr", "fr"), ("B fr", "fr")]
    assert found.settings.language == "fr-CA" and found.settings.translated_from == "en"


def test_an_entry_already_in_the_language_needs_no_translation(tmp_path):
    root = project(tmp_path, a=english("A"), b=english("B en français", "2021-04-01") + "lang: fr\n")
    found = edition(root, "fr")
    assert [entry.title for entry in found.entries] == ["B en français"]
    assert [(item.file, item.reason) for item in found.excluded] == [("entries/a.yaml", "no translation")]
    assert [entry.file for entry in found.untranslated] == ["entries/a.yaml"]


def test_with_missing_original_an_untranslated_item_keeps_its_own_language(tmp_path):
    root = project(tmp_path, "translations:\n  missing: original\n", a=english("A"),
                   b=english("B", "2021-04-01") + "lang: de\n", c=english("C", "2021-03-01"), c__fr="title: C fr\n")
    found = edition(root, "fr")
    assert [(entry.title, entry.lang) for entry in found.entries] == [("A", "en"), ("B", "de"), ("C fr", "fr")]
    assert found.excluded == [] and [entry.title for entry in found.untranslated] == ["A", "B"]


def test_a_translation_keeps_its_entrys_place_among_items_of_the_same_day(tmp_path):
    # By file name, "b-x.fr.yaml" would come after "b.fr.yaml"; the originals' order holds.
    root = project(tmp_path, "translations:\n  missing: original\n", **{"b-x": english("B-X"), "b": english("B"),
                   "b__fr": "title: B fr\n"})
    assert [entry.title for entry in edition(root, "fr").entries] == ["B-X", "B fr"]
    assert [entry.title for entry in edition(root, "").entries] == ["B-X", "B"]


def test_the_selection_applies_to_the_translation_own_dates(tmp_path):
    root = project(tmp_path, a=english("A"), a__fr="title: A fr\ndate: 2021-07-01\nend_date: 2021-07-01\n")
    assert [entry.title for entry in edition(root, "fr", since=dt.date(2021, 6, 1)).entries] == [
        "A fr"]


def test_a_value_a_translation_takes_from_its_entry_is_named_in_its_problem(tmp_path):
    root = project(tmp_path, a=english("A"), a__fr="title: A fr\ndate: 2021-06-01\n")
    assert problems(root) == [
        "entries/a.fr.yaml:1:1: end_date: ends (2021-05-03) before it starts (2021-06-01); end_date is taken from "
        "entries/a.yaml (end_date must be the same day as date or later)"]


def test_a_translation_of_a_broken_entry_waits_for_its_entry(tmp_path):
    root = project(tmp_path, a="title: A\nbody: x\n", a__fr="title: A fr\n")
    assert problems(root) == ["entries/a.yaml:1:1: date: required field 'date' is missing in the entry (add "
                              "'date: ...')"]


def test_two_translations_of_one_entry_into_one_language_are_an_error(tmp_path):
    root = project(tmp_path, a=english("A"), a__fr="title: A fr\n", a__FR="title: A FR\n")
    (tmp_path / "entries" / "a.fr.yml").write_text("title: A yml\n", "utf-8")
    assert problems(root, "") == [
        "entries/a.fr.yaml: a second fr translation of entries/a.yaml (the first is entries/a.FR.yaml) "
        "(keep one of them)",
        "entries/a.fr.yml: a second fr translation of entries/a.yaml (the first is entries/a.FR.yaml) "
        "(keep one of them)"]


def test_a_translation_of_a_translation_has_no_entry(tmp_path):
    root = project(tmp_path, a=english("A"), a__fr="title: A fr\n", a__fr__de="title: A de\n")
    assert problems(root, "de") == [
        "entries/a.fr.de.yaml: is named as the de translation of 'a.fr.yaml', and there is no such entry beside it "
        "(a translation is named after its entry, NAME.de.yaml beside NAME.yaml; an entry of its own has no "
        "language tag before .yaml: rename it without '.de')"]


def test_a_broken_draft_translation_is_left_out_of_a_build_without_drafts(tmp_path):
    root = project(tmp_path, a=english("A"), a__fr="title: A fr\ndraft: true\nweight: heavy\n")
    found = edition(root, "fr")
    assert found.entries == []
    assert [(item.file, item.reason) for item in found.excluded] == [("entries/a.fr.yaml", "invalid")]
    with pytest.raises(ContentError, match="1 problem"):
        check_all(load_settings(root))


def test_the_setting_for_a_missing_translation_is_checked(tmp_path):
    root = project(tmp_path, "translations:\n  missing: english\n", a=english("A"))
    with pytest.raises(ContentError) as raised:
        load_settings(root)
    assert [str(problem) for problem in raised.value.problems] == [
        "brochure.yaml:4:12: translations.missing: 'english' is not allowed (use one of: leave-out, original)"]


def test_brochure_lang_yaml_gives_the_texts_of_an_edition_looked_up_as_entries_are(tmp_path):
    root = project(tmp_path, a=english("A"), a__fr="title: A fr\n")
    (root / "brochure.fr.yaml").write_text("title: T en français\nsubtitle: ' Sous-titre '\n", "utf-8")
    settings = edition(root, "fr-BE").settings
    assert (settings.title, settings.subtitle, settings.language, settings.translated_from) == (
        "T en français", "Sous-titre", "fr-BE", "en")
    assert edition(root, "").settings.title == "T"
    assert edition(root, "de").settings.title == "T"
