"""Text as people type (and paste) it: characters that must never reach a page.

Checked in every text value of an entry or of brochure.yaml, each with its place:
- a lone surrogate (from an escape such as "\\ud800"): no character at all, the PDF
  writer cannot encode it;
- control characters, raw or written as YAML escapes ("\\x07", "\\r"); a line break or
  tab only where Markdown is written (body, intro);
- the bidirectional embeddings and overrides (U+202A to U+202E), which silently
  reverse the text around them (isolates, U+2066 to U+2069, are what right-to-left
  text should use, and stay allowed).
Absurd lengths are the schema's (maxLength).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from brochure.content.schema import field_name
from brochure.errors import Problem
from brochure.model import Location, YamlDocument

# Markdown, and the imprint's address: line breaks and tabs belong there.
_MULTILINE = {("body",), ("intro",), ("imprint", "address"), ("imprint", "disclaimer")}
_OVERRIDES = {chr(code) for code in range(0x202A, 0x202F)}


def text_problems(document: YamlDocument, shown_as: str) -> list[Problem]:
    """Every text value of `document` with a character that must not reach the page."""
    problems = []
    for location, text, is_key in _texts(document.data, ()):
        multiline = not is_key and any(tuple(location[:len(field)]) == field for field in _MULTILINE)
        trouble = _trouble(text, multiline)
        if trouble:
            line, column = (document.keys if is_key else document.values).get(location, document.where(location))
            name = field_name(location[:-1]) if is_key else field_name(location)
            message, hint = trouble
            problems.append(Problem(shown_as, line, column, name, ("a field name " if is_key else "") + message,
                                    hint))
    return problems


def _texts(value: Any, location: Location):
    """(location, text, whether it is a key) of every string under `value`, the names
    of its fields included (a theme sees them too, in extra:)."""
    if isinstance(value, str):
        yield location, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            yield (*location, key), key, True
            yield from _texts(item, (*location, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*location, index))


def _trouble(text: str, multiline: bool) -> tuple[str, str] | None:
    """(message, hint) for the first character of `text` that must not be printed."""
    for position, character in enumerate(text, 1):
        code = ord(character)
        at = f"at character {position}"
        if 0xD800 <= code <= 0xDFFF:
            return (f"contains a lone surrogate (U+{code:04X}) {at}, which is no character",
                    "delete the \\u escape that made it, or write the character itself")
        if character in _OVERRIDES:
            return (f"contains U+{code:04X} {unicodedata.name(character)} {at}, which silently reverses the "
                    "text around it", "delete it; for right-to-left text set lang: instead")
        if unicodedata.category(character) == "Cc" and not (multiline and character in "\n\t"):
            name = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}.get(
                character, f"the control character U+{code:04X}")
            hint = ("write it on one line" if character in "\n\r"
                    else "delete it: control characters often come in with pasted text")
            return f"contains {name} {at}", hint
    return None
