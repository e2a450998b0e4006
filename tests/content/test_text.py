"""Text as people type and paste it: every character that must not reach the page is
refused where it stands (file:line:col), YAML's traps get a hint, and what is allowed
(quotes, ampersands, hashes in quotes, long date ranges) prints right."""

from __future__ import annotations

import pytest
from conftest import PREVIOUS_PDF, copy_project, page_texts, run, squash, with_previous_pdf

ENTRY = "entries/2021-03-01-typed.yaml"

# The entry's lines after `title` (date and body follow when not given), the place of
# the problem (line:column), and what the message says.
CASES = {
    "override": ('title: "Safe \\u202Etxt.exe"', "1:8: title: contains U+202E RIGHT-TO-LEFT OVERRIDE at character 6"),
    "embedding": ('title: "A \\u202Bb"', "1:8: title: contains U+202B RIGHT-TO-LEFT EMBEDDING"),
    "lone surrogate": ('title: "Broken \\ud800 text"', "1:8: title: contains a lone surrogate (U+D800) at character 8"),
    "escaped bell": ('title: "Ring \\a the bell"', "1:8: title: contains the control character U+0007 at character 6"),
    "escaped escape": ('title: "\\e[31mRed"', "1:8: title: contains the control character U+001B at character 1"),
    "carriage return": ('title: "Two\\rlines"', "1:8: title: contains a carriage return at character 4"),
    "line break in a title": ('title: "Two\\nlines"', "1:8: title: contains a line break at character 4"),
    "tab in a summary": ('title: T\nsummary: "a\\tb"', "2:10: summary: contains a tab at character 2"),
    "NUL in the body": ('title: T\ndate: 2021-03-01\nbody: "Text\\0more"', "3:7: body: contains the control character "
                        "U+0000 at character 5"),
    "override in the body": ('title: T\ndate: 2021-03-01\nbody: "Text \\u202D more"', "3:7: body: contains U+202D "
                             "LEFT-TO-RIGHT OVERRIDE"),
    "next-line control": ('title: T\nsource: {name: "Vienna\\x85office"}', "2:16: source.name: contains the control "
                          "character U+0085"),
    "alt text": ('title: T\nimage: {src: images/square.jpg, alt: "A\\u202Eb"}', "2:38: image.alt: contains U+202E"),
    "link title": ('title: T\nlinks: [{title: "Go\\x1bthere", url: "https://example.org"}]',
                   "2:17: links[0].title: contains the control character U+001B"),
    "free extra": ('title: T\nextra: {note: "\\a"}', "2:15: extra.note: contains the control character U+0007"),
    "tag with a line break": ('title: T\ntags: ["news\\n"]', "2:8: tags[0]: contains a line break at character 5"),
    "control in a field name": ('title: T\n"k\\e]0;x\\a": 1', "2:1: a field name contains the control character "
                                "U+001B at character 2"),
    "override in a name in extra": ('title: T\nextra: {"a\\u202Eb": 1}', "2:9: extra: a field name contains U+202E"),
    "title too long": ("title: " + "w" * 301, "1:8: title: is too long (301 characters, at most 300)"),
    "summary too long": ("title: T\nsummary: " + "w" * 1001,
                         "2:10: summary: is too long (1001 characters, at most 1000)"),
    "hash cuts a title": ("title: We are #1 in Europe", "1:15: title: the value stops before '#1 in Europe': YAML "
                          "reads ' #' as the start of a comment (put the whole value in quotes: \"We are #1 in "
                          "Europe\")"),
    "hash cuts a credit": ("title: T\nimage: {src: images/square.jpg, alt: x}\nsummary: Vote #MeToo",
                           "3:15: summary: the value stops before '#MeToo'"),
    "yes is a boolean": ("title: yes", "1:8: title: must be text, not true (YAML reads yes, no, on, off, true and "
                         "false as true or false: put the text in quotes)"),
    "US date": ("title: T\ndate: 04/11/2019", "2:7: date: '04/11/2019' is not a date (write 2019-11-04 or "
                "2019-04-11)"),
}


def _entry(lines: str) -> str:
    text = lines + "\n"
    if "\ndate:" not in text:
        text += "date: 2021-03-01\n"
    if "\nbody:" not in text:
        text += "body: Some text.\n"
    return text


@pytest.fixture
def project(tmp_path):
    project = copy_project("minimal", tmp_path)
    with_previous_pdf(project)
    return project


@pytest.mark.parametrize("name", list(CASES))
def test_text_that_must_not_reach_the_page_is_refused_where_it_stands(project, name):
    lines, expected = CASES[name]
    (project / ENTRY).write_text(_entry(lines), encoding="utf-8")
    result = run("build", cwd=project)
    assert result.exit_code == 1, result.output
    assert f"{ENTRY}:{expected}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert (project / "build" / "brochure.pdf").read_bytes() == PREVIOUS_PDF
    assert sorted(path.name for path in (project / "build").iterdir()) == ["brochure.pdf"]
    assert run("check", cwd=project).exit_code == 1  # check finds it too


@pytest.mark.parametrize("setting, expected", [
    ('title: "Annual \\u202Ereport"', "brochure.yaml:1:8: title: contains U+202E RIGHT-TO-LEFT OVERRIDE"),
    ('title: T\nsubtitle: "\\e[1mBold"', "brochure.yaml:2:11: subtitle: contains the control character U+001B"),
    ('title: T\nintro: "Hello \\ud83d"', "brochure.yaml:2:8: intro: contains a lone surrogate (U+D83D)"),
    ("title: T\npublisher: Office #1 of Vienna", "brochure.yaml:2:19: publisher: the value stops before '#1 of"),
])
def test_the_settings_are_held_to_the_same_rules(project, setting, expected):
    (project / "brochure.yaml").write_text(setting + "\n", encoding="utf-8")
    result = run("build", cwd=project)
    assert result.exit_code == 1 and expected in result.stderr, result.stderr
    assert (project / "build" / "brochure.pdf").read_bytes() == PREVIOUS_PDF


def test_what_people_really_write_prints_right(project):
    """Apostrophes, ampersands and hashes (quoted), a comment after two spaces, tabs and
    isolates in the body, a long date range: built, and printed as written."""
    (project / "brochure.yaml").write_text(
        "title: \"Women's & Children's Rights #2\"\nsubtitle: News  # a comment, as YAML means it\n")
    (project / ENTRY).write_text(
        "title: \"Q&A: the #1 question, 'answered'\"\ndate: 2021-03-01\nend_date: 2021-03-03\n"
        "body: \"Tabs\\tand \\u2067\u0627\u0644\u0623\u0645\u0645 \u0627\u0644\u0645\u062a\u062d\u062f\u0629"
        "\\u2069 isolates are fine.\"\n")
    result = run("build", cwd=project)
    assert result.exit_code == 0, result.output
    pages = [squash(text) for text in page_texts(project / "build" / "brochure.pdf")]
    assert pages[0].startswith("Women's & Children's Rights #2")
    # The running head of every page after the cover, not WOMEN&#39;S &AMP; …
    assert all("WOMEN'S & CHILDREN'S RIGHTS #2" in text.upper() for text in pages[1:]), pages
    assert not any("&#39;" in text or "&AMP;" in text.upper() for text in pages)
    assert any("Q&A: the #1 question, 'answered'" in text for text in pages)
