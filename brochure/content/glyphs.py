"""Every character the brochure shows has a real glyph: one that no font has is an
error naming where it is (file:line:column, U+XXXX and its Unicode name), never an
empty box in the PDF. What the fonts have is content/fontfaces.py's to say.

Fast: each text is one regular-expression search for a character outside the theme's
faces (2000 entries: about 10 ms); only those few are looked up among the system's fonts.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from brochure.content.fontfaces import Coverage, has, system_coverage, theme_coverage
from brochure.content.languages import lookup
from brochure.content.schema import field_name
from brochure.content.yaml_reader import read_yaml
from brochure.errors import Problem
from brochure.model import SETTINGS_FILE, Entry, Location, Settings, YamlDocument

_CJK = re.compile("[\u1100-\u11ff\u2e80-\u2fff\u3000-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
                  "\ufe10-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")



def glyph_problems(settings: Settings, entries: Iterable[Entry], theme: Path) -> list[Problem]:
    """A problem for every character of a shown text that no font would draw, once per
    text and character, at its first place: in the file the text comes from (a
    translation, else the entry it translates; brochure.LANG.yaml, else brochure.yaml)."""
    coverage = theme_coverage(theme)
    found: dict[tuple[tuple[str, ...], Location], set[str]] = {}
    texts = [(_settings_files(settings), location, text) for location, text in settings_texts(settings)]
    texts += [((entry.file, getattr(entry, "original", "")), location, text)
              for entry in entries for location, text in entry_texts(entry)]
    for files, location, text in texts:
        if coverage.suspect.search(text):
            found.setdefault((files, location), set()).update(coverage.suspect.findall(text))
    system = system_coverage() if found else ()
    problems = []
    documents: dict[str, tuple[YamlDocument | None, str]] = {}
    for (files, location), characters in found.items():
        for character in sorted(characters):
            code = ord(character)
            if not has(coverage.claimed_but_missing, code) and has(system, code):
                continue
            for file in filter(None, files):
                documents.setdefault(file, _document(settings.root, file))
            file = next((file for file in filter(None, files) if location in _values(documents[file][0])), files[0])
            line, column = _place(*documents[file], location, character)
            problems.append(Problem(file, line, column, field_name(location), _message(character, coverage),
                                    _hint(character, coverage)))
    return problems


def _settings_files(settings: Settings) -> tuple[str, ...]:
    """Where the settings' texts come from: a language edition's brochure.LANG.yaml first."""
    if not getattr(settings, "translated_from", ""):
        return (SETTINGS_FILE,)
    names = {path.name.lower(): path.name for path in settings.root.glob("brochure.*.yaml")}
    edition = next((names[name] for tag in lookup(settings.language) if (name := f"brochure.{tag}.yaml") in names),
                   "")
    return (edition, SETTINGS_FILE) if edition else (SETTINGS_FILE,)


def entry_texts(entry: Entry) -> Iterator[tuple[Location, str]]:
    """Every text of an entry the brochure prints (the picture's alt text is not shown)."""
    yield ("title",), entry.title
    yield ("summary",), entry.summary
    yield ("body",), _markdown(entry.body)
    if entry.image:
        yield ("image", "caption"), entry.image.caption
        yield ("image", "credit"), entry.image.credit
    if entry.source:
        yield ("source", "name"), entry.source.name
    for index, link in enumerate(entry.links):
        yield ("links", index, "title"), link.title


def settings_texts(settings: Settings) -> Iterator[tuple[Location, str]]:
    for name in ("title", "subtitle", "publisher", "period"):
        yield (name,), getattr(settings, name)
    yield ("intro",), _markdown(settings.intro)
    if settings.cover_image:
        yield ("cover", "credit"), settings.cover_image.credit


def _markdown(text: str) -> str:
    """Markdown's text with its character references (&#x13A0;, &hearts;) as the
    characters they print, after the text as written."""
    return text + "\n" + html.unescape(text) if "&" in text else text


def _message(character: str, coverage: Coverage) -> str:
    code = ord(character)
    name = unicodedata.name(character, "an unnamed character")
    why = ("the theme's font for this script lacks it" if has(coverage.claimed_but_missing, code)
           else "no font of the theme or of this computer has it")
    return f"'{character}' (U+{code:04X} {name}): {why}, it would print as an empty box"


def _hint(character: str, coverage: Coverage) -> str:
    if _CJK.match(character) and coverage.not_found:
        return ("install the Chinese, Japanese and Korean fonts the theme names (Debian: apt-get install "
                "fonts-noto-cjk), or replace the character")
    return "replace it with a character the fonts have, or use a theme with a font for it"


def _place(document: YamlDocument | None, raw: str, location: Location, character: str) -> tuple[int, int]:
    """Line and column of the first `character` in the value at `location` as written in
    the file; the value's own place when it is written some other way (an escape)."""
    if document is None:
        return (0, 0)
    line, column = document.values.get(location, document.where(location))
    starts = [0] + [match.end() for match in re.finditer("\n", raw)]
    begin = starts[line - 1] + column - 1 if 0 < line <= len(starts) else 0
    following = [starts[at_line - 1] + at_column - 1 for at_line, at_column in document.values.values()
                 if 0 < at_line <= len(starts) and starts[at_line - 1] + at_column - 1 > begin]
    end = min(following, default=len(raw))
    at = raw.find(character, begin, end)
    if at < 0:
        return line, column
    found_line = raw.count("\n", 0, at)
    return found_line + 1, at - starts[found_line] + 1


def _values(document: YamlDocument | None) -> dict:
    return document.values if document else {}


def _document(root: Path, file: str) -> tuple[YamlDocument | None, str]:
    path = root / file
    document, _ = read_yaml(path, file, kind="settings" if file == SETTINGS_FILE else "entry")
    try:
        raw = path.read_text("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeError):
        return None, ""
    return document, raw
