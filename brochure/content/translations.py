"""Language editions: the translation of an entry sits beside it as NAME.LANG.yaml
(2019-04-11-icat.fr.yaml beside 2019-04-11-icat.yaml) and takes every field it does
not give from it: the date, the end date, the picture, the tags... Mappings (image,
source, extra) are taken field by field, so a translation may give only image.alt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from brochure.content.entries import entry_from_document
from brochure.content.languages import TAG, canonical, lookup, same
from brochure.content.timeline import ordered
from brochure.errors import Problem
from brochure.model import Entry, YamlDocument

_NAME = re.compile(rf"(?P<stem>.+)\.(?P<tag>{TAG.pattern})\.(?P<suffix>yaml|yml)")


@dataclass(frozen=True)
class Translation:
    path: Path
    original: Path  # the entry file it translates, in the same folder
    language: str  # canonical: fr, fr-BE, zh-Hans


def sort_out(files: list[Path], shown: Callable[[Path], str]) -> tuple[list[Path], list[Translation], list[Problem]]:
    """The entry files, the translations among them, and the names that are wrong: a
    translation whose entry is not beside it, or a second one of the same language. A
    name is a translation's when a language tag comes before .yaml; the files are read
    by no one here."""
    named = {path: match for path in files if (match := _NAME.fullmatch(path.name))}
    present = set(files)
    translations: list[Translation] = []
    problems: list[Problem] = []
    first: dict[tuple[Path, str], Path] = {}
    for path, match in named.items():
        stem, tag = match["stem"], canonical(match["tag"])
        choices = [path.with_name(f"{stem}.{suffix}") for suffix in dict.fromkeys((match["suffix"], "yaml", "yml"))]
        original = next((choice for choice in choices if choice in present and choice not in named), None)
        if original is None:
            problems.append(Problem(
                shown(path), 0, 0, "", f"is named as the {tag} translation of '{stem}.{match['suffix']}', and there "
                "is no such entry beside it",
                f"a translation is named after its entry, NAME.{tag}.yaml beside NAME.yaml; an entry of its own "
                f"has no language tag before .yaml: rename it without '.{match['tag']}'"))
            continue
        key = (original, tag.lower())
        if key in first:
            problems.append(Problem(shown(path), 0, 0, "", f"a second {tag} translation of {shown(original)} "
                                    f"(the first is {shown(first[key])})", "keep one of them"))
            continue
        first[key] = path
        translations.append(Translation(path, original, tag))
    return [path for path in files if path not in named], translations, problems


def wanted(translations: list[Translation], language: str) -> list[Translation]:
    """The translations a build reads: for an edition, the one that serves `language`
    best for each entry (fr-BE, else fr); "*": every one (brochure check); "": none."""
    if language in ("*", ""):
        return list(translations) if language == "*" else []
    best: dict[Path, tuple[int, Translation]] = {}
    order = lookup(language)
    for translation in translations:
        tag = translation.language.lower()
        if tag in order and (translation.original not in best or order.index(tag) < best[translation.original][0]):
            best[translation.original] = (order.index(tag), translation)
    return [translation for _, translation in sorted(best.values(), key=lambda found: found[1].path)]


def serves(entry: Entry, language: str) -> bool:
    """Whether an entry is written in `language` already (its own lang: fr for a fr-BE
    edition too): it needs no translation."""
    return bool(entry.lang) and entry.lang.lower() in lookup(language)


Left = TypeVar("Left")  # why an item is left out (catalogue.Excluded)


def in_edition(entries: list[Entry], translations: Mapping[str, Entry | Left], language: str,
               entries_language: str) -> tuple[list[Entry], set[str], list[Left]]:
    """Each entry as the `language` edition has it: its translation (by the entry's
    file), or itself when written in that language. Also the files of the entries with
    no translation (kept in `entries_language`, or their own lang, so that their text is
    marked as such), and why items whose translation is not an Entry are left out."""
    result, missing, left_out = [], set(), []
    for entry in entries:
        translation = translations.get(entry.file)
        if isinstance(translation, Entry):
            result.append(translation)
        elif translation is not None:
            left_out.append(translation)
        elif serves(replace(entry, lang=entry.lang or entries_language), language):  # en-GB of an en brochure
            result.append(entry)
        else:
            missing.add(entry.file)
            result.append(replace(entry, lang=entry.lang or entries_language))
    return result, missing, left_out


def in_order(entries: list[Entry], order: str) -> list[Entry]:
    """timeline's order, a translation taking its original's place among items of the
    same date and weight: every edition lists them as the original brochure does."""
    standing_in = [replace(entry, file=entry.original) if entry.original else entry for entry in entries]
    back = {id(proxy): entry for proxy, entry in zip(standing_in, entries, strict=True)}
    return [back[id(proxy)] for proxy in ordered(standing_in, order)]


def _merged(base: dict, over: dict) -> dict:
    result = dict(base)
    for key, value in over.items():
        both = isinstance(value, dict) and isinstance(base.get(key), dict)
        result[key] = _merged(base[key], value) if both else value
    return result


def _location(field: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", field))


def translated_entry(original: YamlDocument, document: YamlDocument, translation: Translation, shown_as: str,
                     original_shown: str, root: Path, allow_remote_images: bool = False
                     ) -> tuple[Entry | None, list[Problem], YamlDocument]:
    """Validate a translation as an entry whose missing fields are its original's; its
    problems are located in the translation file (a value it takes from the original is
    named so). Returns the Entry (its lang the translation's language) when all is well,
    the problems, and the merged document."""
    problems = []
    own = document.data.get("lang")
    if isinstance(own, str) and not same(own, translation.language):
        line, column = document.where(("lang",))
        problems.append(Problem(shown_as, line, column, "lang", f"{own!r} in the {translation.language} translation",
                                "remove lang: the file name says which language a translation is in"))
    merged = YamlDocument({**_merged(original.data, document.data), "lang": translation.language},
                          document.values, document.keys)
    entry, found = entry_from_document(merged, shown_as, translation.path, root, allow_remote_images)
    for problem in found:
        location = _location(problem.field)
        if problem.field and location not in document.values and location not in document.keys and (
                location in original.values or location in original.keys):
            problem = replace(problem, message=f"{problem.message}; {problem.field} is taken from {original_shown}")
        problems.append(problem)
    if problems or entry is None:
        return None, problems, merged
    return replace(entry, lang=translation.language, original=original_shown), [], merged
