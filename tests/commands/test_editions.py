"""Language editions: `build --language fr` from translations beside their entries
(NAME.fr.yaml beside NAME.yaml), what happens to an item without one, the output names,
and the default edition, which translation files never change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import DATA, REPO, copy_project, page_texts, run, run_json, squash

# Four entries; the first two have a French translation.
ENGLISH = {
    "2021-03-04-water-summit": "Water summit in Vienna",
    "2021-02-10-border-training": "Border officers trained",
    "2021-01-20-youth-forum": "Youth forum on prevention",
    "2021-01-05-annual-report": "Annual report presented",
}
FRENCH = {
    "2021-03-04-water-summit": "Sommet sur l'eau à Vienne",
    "2021-02-10-border-training": "Formation des agents des frontières",
}
PICTURE = DATA / "minimal" / "entries" / "images" / "square.jpg"
OTHER_PICTURE = REPO / "entries" / "images" / "2019-01-31-belgium-container-control-program.jpg"


def make_project(folder: Path, missing: str | None = None, translations: bool = True) -> Path:
    project = folder / "editions"
    (project / "entries" / "images").mkdir(parents=True)
    settings = "title: Joint activities\npublisher: Test Office\nlanguage: en\n"
    if missing:
        settings += f"translations:\n  missing: {missing}\n"
    (project / "brochure.yaml").write_text(settings, "utf-8")
    shutil.copy(PICTURE, project / "entries" / "images" / "square.jpg")
    for name, title in ENGLISH.items():
        (project / "entries" / f"{name}.yaml").write_text(
            f"title: {title}\ndate: {name[:10]}\nimage:\n  src: images/square.jpg\n  alt: A grey square\n"
            f"tags: [news]\nbody: |\n  The English text of {title.lower()}.\n", "utf-8")
    if translations:
        for name, title in FRENCH.items():
            (project / "entries" / f"{name}.fr.yaml").write_text(
                f'title: "{title}"\nimage:\n  alt: Un carré gris\nbody: |\n  Le texte français.\n', "utf-8")
    return project


def _text(pdf: Path) -> str:
    return squash(" ".join(page_texts(pdf)))


def test_the_french_edition_shows_the_translations_and_reports_the_others_left_out(tmp_path):
    project = make_project(tmp_path)
    result, report = run_json("build", "--language", "fr", cwd=project)
    assert result.exit_code == 0, result.output
    assert Path(report["output"]) == project / "build" / "brochure.fr.pdf"
    text = _text(project / "build" / "brochure.fr.pdf")
    for title in FRENCH.values():
        assert title in text
    for name in ("2021-01-20-youth-forum", "2021-01-05-annual-report"):
        assert ENGLISH[name] not in text
    assert [item["title"] for item in report["included"]] == list(FRENCH.values())
    assert [(item["file"], item["original"], item["lang"]) for item in report["included"]] == [
        (f"entries/{name}.fr.yaml", f"entries/{name}.yaml", "fr") for name in FRENCH]
    assert [(item["file"], item["reason"]) for item in report["excluded"]] == [  # as files are listed
        ("entries/2021-01-05-annual-report.yaml", "no translation"),
        ("entries/2021-01-20-youth-forum.yaml", "no translation")]
    listed = run("list", "--language", "fr", "--excluded", cwd=project)
    assert listed.exit_code == 0
    assert listed.stdout.splitlines() == [
        "2021-01-05             Annual report presented  (entries/2021-01-05-annual-report.yaml)  "
        "left out: no translation",
        "2021-01-20             Youth forum on prevention  (entries/2021-01-20-youth-forum.yaml)  "
        "left out: no translation"]
    result, listing = run_json("list", "--language", "fr", cwd=project)
    assert listing["language"] == "fr"
    assert [item["reason"] for item in listing["excluded"]] == ["no translation"] * 2


def test_with_missing_original_every_item_is_there_untranslated_ones_in_english(tmp_path):
    project = make_project(tmp_path, missing="original")
    result, report = run_json("build", "--language", "fr", cwd=project)
    assert result.exit_code == 0, result.output
    assert report["excluded"] == []
    assert [item["title"] for item in report["included"]] == [
        FRENCH["2021-03-04-water-summit"], FRENCH["2021-02-10-border-training"],
        ENGLISH["2021-01-20-youth-forum"], ENGLISH["2021-01-05-annual-report"]]
    text = _text(Path(report["output"]))
    assert all(title in text for title in [*FRENCH.values(), ENGLISH["2021-01-20-youth-forum"]])


def test_list_untranslated_tells_translators_what_is_missing(tmp_path):
    project = make_project(tmp_path)
    result = run("list", "--untranslated", "fr", cwd=project)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "2021-01-20             Youth forum on prevention  (entries/2021-01-20-youth-forum.yaml; its translation: "
        "entries/2021-01-20-youth-forum.fr.yaml)",
        "2021-01-05             Annual report presented  (entries/2021-01-05-annual-report.yaml; its translation: "
        "entries/2021-01-05-annual-report.fr.yaml)"]
    result, listing = run_json("list", "--untranslated", "fr", "--since", "2021-01-10", cwd=project)
    assert result.exit_code == 0
    assert listing["language"] == "fr"
    assert [item["file"] for item in listing["untranslated"]] == ["entries/2021-01-20-youth-forum.yaml"]
    # What the fr edition misses is the same, whatever it does with it.
    (project / "brochure.yaml").write_text("title: x\ntranslations: {missing: original}\n", "utf-8")
    _, listing = run_json("list", "--untranslated", "fr", cwd=project)
    assert len(listing["untranslated"]) == 2
    assert run("list", "--untranslated", "de", cwd=project).stdout.count("its translation") == 4
    assert run("list", "--untranslated", "en", cwd=project).stdout == (
        "nothing to translate into en: every selected entry is in it, or has its translation\n")


def test_a_translation_may_give_its_own_date_and_picture(tmp_path):
    project = make_project(tmp_path)
    shutil.copy(OTHER_PICTURE, project / "entries" / "images" / "french.jpg")
    (project / "entries" / "2021-01-20-youth-forum.fr.yaml").write_text(
        "title: Forum des jeunes\ndate: 2021-03-10\nend_date: 2021-03-11\nimage:\n  src: images/french.jpg\n"
        "  alt: Des conteneurs\nbody: Le texte.\n", "utf-8")
    result, report = run_json("build", "--language", "fr", cwd=project)
    assert result.exit_code == 0, result.output
    first = report["included"][0]  # now the newest
    assert (first["title"], first["date"], first["end_date"], first["picture"]) == (
        "Forum des jeunes", "2021-03-10", "2021-03-11", "entries/images/french.jpg")
    assert {item["picture"] for item in report["included"][1:]} == {"entries/images/square.jpg"}
    assert "Forum des jeunes" in _text(Path(report["output"]))
    # The English edition keeps the English date and picture.
    _, listing = run_json("list", cwd=project)
    assert [item["date"] for item in listing["entries"] if item["title"] == ENGLISH["2021-01-20-youth-forum"]] == [
        "2021-01-20"]


def test_a_broken_translation_is_told_at_its_line_and_stops_only_its_edition(tmp_path):
    project = make_project(tmp_path)
    broken = project / "entries" / "2021-03-04-water-summit.fr.yaml"
    broken.write_text('title: "Sommet"\ndate: 04.03.2021\nlang: de\nbody: Le texte.\n', "utf-8")
    expected = [
        "entries/2021-03-04-water-summit.fr.yaml:2:7: date: '04.03.2021' is not a date (write 2021-03-04)",
        "entries/2021-03-04-water-summit.fr.yaml:3:7: lang: 'de' in the fr translation (remove lang: the file "
        "name says which language a translation is in)",
        "2 problems found; nothing was written."]
    for command in (["build", "--language", "fr"], ["check"], ["list", "--untranslated", "fr"]):
        result = run(*command, cwd=project)
        assert result.exit_code == 1, command
        assert result.stderr.splitlines() == expected, command
        assert "Traceback" not in result.output
    assert not (project / "build" / "brochure.fr.pdf").exists()
    assert run("build", cwd=project).exit_code == 0  # the English edition does not read it
    assert run("build", "--language", "es", cwd=project).exit_code == 1  # nothing in Spanish
    result, document = run_json("build", "--language", "fr", cwd=project)
    assert result.exit_code == 1 and document["problems"][0]["line"] == 2


def test_a_translation_without_its_entry_is_an_error_in_every_edition(tmp_path):
    project = make_project(tmp_path)
    (project / "entries" / "2021-04-01-lost.fr.yaml").write_text("title: Perdu\nbody: x\n", "utf-8")
    for command in (["build"], ["build", "--language", "fr"], ["check"], ["list"]):
        result = run(*command, cwd=project)
        assert result.exit_code == 1, command
        assert result.stderr.splitlines()[0] == (
            "entries/2021-04-01-lost.fr.yaml: is named as the fr translation of '2021-04-01-lost.yaml', and there "
            "is no such entry beside it (a translation is named after its entry, NAME.fr.yaml beside NAME.yaml; "
            "an entry of its own has no language tag before .yaml: rename it without '.fr')")


def test_check_validates_every_translation(tmp_path):
    project = make_project(tmp_path)
    (project / "entries" / "2021-01-05-annual-report.de.yaml").write_text("title: Jahresbericht\n", "utf-8")
    result = run("check", cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout == "4 entries and 3 translations checked: no problems.\n"
    (project / "entries" / "2021-01-05-annual-report.de.yaml").write_text("title: Jahresbericht\nweight: x\n")
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("entries/2021-01-05-annual-report.de.yaml:2:9: weight: must be a whole number")


@pytest.mark.parametrize("profile", ["screen"])
def test_translation_files_leave_the_default_edition_byte_for_byte(tmp_path, monkeypatch, profile):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    without = make_project(tmp_path / "a", translations=False)
    with_them = make_project(tmp_path / "b")
    outputs = []
    for project in (without, with_them):
        result, report = run_json("build", "--profile", profile, cwd=project)
        assert result.exit_code == 0, result.output
        assert [item["title"] for item in report["included"]] == list(ENGLISH.values())
        outputs.append((project / "build" / "brochure.pdf").read_bytes())
    assert outputs[0] == outputs[1]


def test_an_edition_never_overwrites_the_default_one(tmp_path):
    project = make_project(tmp_path)
    assert run("build", cwd=project).exit_code == 0
    default = (project / "build" / "brochure.pdf").read_bytes()
    result = run("build", "--language", "fr", cwd=project)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote build/brochure.fr.pdf: 2 items, ")
    assert (project / "build" / "brochure.pdf").read_bytes() == default
    # The settings' own language is the default edition.
    result = run("build", "--language", "EN", cwd=project)
    assert result.stdout.startswith("wrote build/brochure.pdf: 4 items, "), result.output
    # {language} in -o, for scripted releases.
    result = run("build", "--language", "fr-be", "-o", "releases/brochure-{language}.pdf", cwd=project)
    assert result.stdout.startswith("wrote releases/brochure-fr-BE.pdf: 2 items, "), result.output


def test_the_language_and_the_translations_are_inputs_of_the_up_to_date_check(tmp_path):
    project = make_project(tmp_path)
    assert run("build", "-o", "out/b.pdf", cwd=project).exit_code == 0
    result = run("build", "--language", "fr", "-o", "out/b.pdf", cwd=project)
    assert result.stdout.startswith("wrote out/b.pdf: 2 items"), result.output  # another language: built
    assert "is up to date" in run("build", "--language", "fr", "-o", "out/b.pdf", cwd=project).stdout
    translation = project / "entries" / "2021-03-04-water-summit.fr.yaml"
    translation.write_text(translation.read_text("utf-8").replace("Le texte", "Un autre texte"), "utf-8")
    result = run("build", "--language", "fr", "-o", "out/b.pdf", cwd=project)
    assert result.stdout.startswith("wrote out/b.pdf: 2 items"), result.output
    (project / "entries" / "2021-01-05-annual-report.fr.yaml").write_text("title: Rapport annuel\n", "utf-8")
    result = run("build", "--language", "fr", "-o", "out/b.pdf", cwd=project)
    assert result.stdout.startswith("wrote out/b.pdf: 3 items"), result.output


@pytest.mark.parametrize(("arguments", "message"), [
    (["build", "--language", "fr_FR"], "Invalid value for '--language': 'fr_FR' is not a language tag"),
    (["build", "-o", "b-{language}.pdf"], "Invalid value for -o: {language} needs --language"),
    (["list", "--untranslated", "fr", "--excluded"], "Invalid value for --untranslated: shows one list"),
    (["list", "--untranslated", "fr", "--language", "de"], "Invalid value for --untranslated: shows one list"),
])
def test_command_line_mistakes_exit_2(tmp_path, arguments, message):
    project = make_project(tmp_path)
    result = run(*arguments, cwd=project)
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_web_edition_has_language_editions_too(tmp_path):
    project = make_project(tmp_path)
    result = run("build", "--language", "fr", "--format", "html", cwd=project)
    assert result.exit_code == 0, result.output
    html = (project / "build" / "brochure.fr.html").read_text("utf-8")
    assert '<html lang="fr" dir="ltr">' in html and "Sommaire" in html and "mars 2021" in html
    assert all(title.replace("'", "&#39;") in html for title in FRENCH.values())
    assert ENGLISH["2021-01-20-youth-forum"] not in html
    assert not (project / "build" / "brochure.html").exists()


def test_brochure_lang_yaml_gives_the_edition_its_own_title_and_intro(tmp_path):
    project = make_project(tmp_path)
    (project / "brochure.fr.yaml").write_text("title: Activités communes\nintro: |\n  Une sélection\n  d'articles.\n"
                                              "publisher: Bureau d'essai\n", "utf-8")
    result, report = run_json("build", "--language", "fr", cwd=project)
    assert result.exit_code == 0, result.output
    text = _text(Path(report["output"]))
    assert "Activités communes" in text and "Une sélection" in text and "Joint activities" not in text
    result, report = run_json("build", cwd=project)
    assert "Joint activities" in _text(Path(report["output"]))
    assert run("check", cwd=project).stdout == "4 entries and 3 translations checked: no problems.\n"
    # A change of it makes the edition again.
    (project / "brochure.fr.yaml").write_text("title: Activités conjointes\n", "utf-8")
    result, report = run_json("build", "--language", "fr", cwd=project)
    assert not report["up_to_date"] and "Activités conjointes" in _text(Path(report["output"]))
    # It holds texts only, checked as brochure.yaml is.
    (project / "brochure.fr.yaml").write_text("title: Activités\ntheme: autre\n", "utf-8")
    for command in (["build", "--language", "fr"], ["check"]):
        result = run(*command, cwd=project)
        assert result.exit_code == 1, command
        assert result.stderr.splitlines()[0] == ("brochure.fr.yaml:2:1: theme: unknown field 'theme' (known fields: "
                                                 "imprint, intro, period, publisher, subtitle, title)")
    assert run("build", cwd=project).exit_code == 0


def test_the_seed_brochure_is_the_same_with_translations_beside_its_entries(tmp_path, seed_pdf):
    project = copy_project("seed", tmp_path)
    for path in sorted((project / "entries").glob("*.yaml"))[:3]:
        path.with_name(f"{path.stem}.fr.yaml").write_text("title: Un article traduit\n", "utf-8")
    result = run("build", "-q", "-o", str(tmp_path / "seed.pdf"), cwd=project)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "seed.pdf").read_bytes() == seed_pdf.read_bytes()
    result, report = run_json("build", "--language", "fr", cwd=project)
    assert result.exit_code == 0, result.output
    assert [item["title"] for item in report["included"]] == ["Un article traduit"] * 3
