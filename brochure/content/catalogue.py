"""What is in the brochure: the settings, every entry read and checked, and the
selection in its order. Reads files, writes none.
"""

from __future__ import annotations

import datetime as dt
import os
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

from brochure.confine import is_inside, resolve_inside
from brochure.content.entries import entry_from_document
from brochure.content.pictures import image_problems
from brochure.content.settings import (
    SETTINGS_FILE,
    edition,
    settings_translation,
    settings_translations,
    theme_files,
)
from brochure.content.timeline import select
from brochure.content.translations import Translation, in_edition, in_order, sort_out, translated_entry, wanted
from brochure.content.yaml_reader import entry_files, read_yaml
from brochure.errors import ContentError, Problem
from brochure.model import Entry, Selection, Settings, YamlDocument


@dataclass(frozen=True)
class Excluded:
    """An entry left out of the selection, and why (draft, before --since, after --until,
    tag, invalid: a draft with problems, left out of a build that does not ask for drafts)."""

    file: str
    title: str
    date: str
    end_date: str | None
    tags: tuple[str, ...]
    reason: str
    problems: tuple[Problem, ...] = ()

    def as_dict(self) -> dict:
        """For JSON reports and the build stamp (problems as their printed lines)."""
        return {"file": self.file, "date": self.date, "end_date": self.end_date, "title": self.title,
                "tags": list(self.tags), "reason": self.reason,
                **({"problems": [str(problem) for problem in self.problems]} if self.problems else {})}

    @classmethod
    def from_dict(cls, item: dict) -> Excluded:
        return cls(item["file"], item["title"], item["date"], item["end_date"], tuple(item["tags"]), item["reason"])


@dataclass
class Catalogue:
    """A project's settings and the selected entries, in order."""

    settings: Settings
    entries: list[Entry]  # selected, ordered
    excluded: list[Excluded]
    timings: dict[str, float] = field(default_factory=dict)
    # Every entry file, selected or not, and every picture any entry names: with the
    # settings and the theme, what an output must never overwrite.
    files: list[Path] = field(default_factory=list)
    # A language edition: the selected entries that have no translation (left out or
    # not, as translations.missing says), for translators (list --untranslated).
    untranslated: list[Entry] = field(default_factory=list)
    translations: list[str] = field(default_factory=list)  # the translation files read and checked


class NothingSelected(ContentError):
    """Every entry was left out: nothing to build. Carries the reasons for the report."""

    def __init__(self, problems: list[Problem], excluded: list[Excluded]):
        super().__init__(problems)
        self.excluded = excluded

    def __reduce__(self):
        return NothingSelected, (self.problems, self.excluded)


def entry_summary(entry: Entry) -> dict:
    return {"file": entry.file, "date": entry.date.isoformat(),
            "end_date": entry.end_date.isoformat() if entry.end_date else None,
            "title": entry.title, "tags": list(entry.tags), "draft": entry.draft,
            **({"original": entry.original, "lang": entry.lang} if entry.original else {})}


def _excluded(entry: Entry, reason: str) -> Excluded:
    return Excluded(entry.file, entry.title, entry.date.isoformat(),
                    entry.end_date.isoformat() if entry.end_date else None, entry.tags, reason)


@dataclass
class Entries:
    """What read_entries found: the entries, the invalid drafts left out, every file the
    entries are made of (see Catalogue.files), and the translations read: by the file of
    the entry each translates, the translation (or, an invalid draft, why it is left out)."""

    entries: list[Entry]
    invalid_drafts: list[Excluded]
    files: list[Path]
    translations: dict[str, Entry | Excluded] = field(default_factory=dict)
    translation_files: list[str] = field(default_factory=list)  # every translation read and checked


def read_entries(settings: Settings, allow_remote_images: bool = False, tolerate_invalid_drafts: bool = False,
                 timings: dict[str, float] | None = None, translations: str = "") -> Entries:
    """Parse and validate every entry file; raise one ContentError listing all problems.
    `translations` says which translations to read too: those of a language edition
    (its language), "*" every one (brochure check), "" none: a translation is never an
    entry of its own, though a translation without its entry is a problem in any case.

    With `tolerate_invalid_drafts`, a file marked `draft: true` that has problems is
    returned as excluded ("invalid") instead: a draft in progress does not stop a build
    that leaves drafts out anyway.
    """
    timings = {} if timings is None else timings
    folder = settings.root / settings.entries_dir
    if not folder.is_dir():
        state = "is not a folder" if folder.exists() else "does not exist"
        raise ContentError([Problem(SETTINGS_FILE, 0, 0, "entries",
                                    f"the entries folder '{settings.entries_dir}' {state}",
                                    f"create it, or set entries: in {SETTINGS_FILE}")])
    files = entry_files(folder)
    originals, translated, problems = sort_out(files, lambda path: _shown_name(path.relative_to(settings.root)))
    reader = _Reader(settings, allow_remote_images, tolerate_invalid_drafts)
    documents = {path: reader.entry(path) for path in originals}
    found = Entries(reader.entries, reader.invalid, files)
    for translation in wanted(translated, translations):
        document, entry = documents[translation.original]
        result = reader.translation(translation, document if entry else None)
        found.translation_files.append(_shown_name(translation.path.relative_to(settings.root)))
        if result is not None and entry is not None:
            found.translations[entry.file] = result
    problems += reader.problems
    if not problems:
        began = time.monotonic()
        shown = {entry.image.path for entry in reader.entries if entry.image}  # a shared picture: told once
        problems = image_problems(reader.entries + [entry for entry in found.translations.values() if isinstance(
            entry, Entry) and entry.image and entry.image.path not in shown], settings.named_images)
        reader.validating += time.monotonic() - began
    timings["reading"], timings["validating"] = reader.reading, reader.validating
    if problems:
        raise ContentError(problems)
    found.files += reader.pictures
    return found


class _Reader:
    """Reads entries and translations one by one, keeping what they give and their problems."""

    def __init__(self, settings: Settings, allow_remote_images: bool, tolerate_invalid_drafts: bool):
        self.root, self.remote, self.tolerate = settings.root, allow_remote_images, tolerate_invalid_drafts
        self.entries: list[Entry] = []
        self.invalid: list[Excluded] = []
        self.problems: list[Problem] = []
        self.pictures: list[Path] = []
        self.reading = self.validating = 0.0

    def _document(self, path: Path) -> tuple[str, YamlDocument | None]:
        shown_as = _shown_name(path.relative_to(self.root))
        if trouble := _not_an_entry_file(self.root, path, shown_as):
            self.problems.append(trouble)
            return shown_as, None
        began = time.monotonic()
        document, found = read_yaml(path, shown_as)
        self.reading += time.monotonic() - began
        self.problems += found
        if document is not None:
            self.pictures += _named_picture(document, path, self.root)
        return shown_as, document

    def _tolerated(self, shown_as: str, data: dict, found: list[Problem]) -> Excluded | None:
        """A draft with problems, left out as invalid, when drafts are left out anyway."""
        if not (self.tolerate and data.get("draft") is True):
            return None
        title, date = data.get("title"), data.get("date")
        return Excluded(shown_as, title if isinstance(title, str) else "", date if isinstance(date, str) else "",
                        None, (), "invalid", tuple(found))

    def entry(self, path: Path) -> tuple[YamlDocument | None, Entry | None]:
        """The document of an entry file and its Entry (None when it has problems)."""
        shown_as, document = self._document(path)
        if document is None:
            return None, None
        began = time.monotonic()
        entry, found = entry_from_document(document, shown_as, path, self.root, self.remote)
        self.validating += time.monotonic() - began
        if entry:
            self.entries.append(entry)
        elif excluded := self._tolerated(shown_as, document.data, found):
            self.invalid.append(excluded)
        else:
            self.problems += found
        return document, entry

    def translation(self, translation: Translation, original: YamlDocument | None) -> Entry | Excluded | None:
        """A translation as an Entry, or an invalid draft left out; None when it has
        problems, or its entry has (those are told; the translation is read for its
        YAML only)."""
        shown_as, document = self._document(translation.path)
        if document is None or original is None:
            return None
        began = time.monotonic()
        original_shown = _shown_name(translation.original.relative_to(self.root))
        entry, found, merged = translated_entry(original, document, translation, shown_as, original_shown,
                                                self.root, self.remote)
        self.validating += time.monotonic() - began
        if entry:
            return entry
        if excluded := self._tolerated(shown_as, merged.data, found):
            return excluded
        self.problems += found
        return None


def _shown_name(relative: Path) -> str:
    """A path as messages show it: with forward slashes, and any byte of the name that
    is not UTF-8 written as \\xNN (printing it raw would fail, or garble the terminal)."""
    return os.fsencode(relative.as_posix()).decode("utf-8", "backslashreplace")


def _not_an_entry_file(root: Path, path: Path, shown_as: str) -> Problem | None:
    """Why `path`, named like an entry, cannot be read as one, or None. Only its status
    is looked at: opening a named pipe would block the build for good."""
    def problem(message: str, hint: str) -> Problem:
        return Problem(shown_as, 0, 0, "", message, hint)

    if shown_as != path.relative_to(root).as_posix():
        return problem("the file name is not valid UTF-8 (\\xNN marks each byte that is not)",
                       "rename the file, typing its name anew")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return problem("is a symbolic link to a file that does not exist",
                       "remove the link, or point it at an entry file inside the project")
    except OSError as error:
        return problem(f"cannot be read: {error.strerror}", "remove it, or replace it with a plain file")
    if not is_inside(root, path):
        return problem("is a link to a file outside the project folder",
                       "copy the entry into the project instead of linking to it")
    if stat.S_ISDIR(mode):
        return problem("is a folder, not an entry file",
                       "rename the folder: names ending in .yaml or .yml are read as entries")
    if not stat.S_ISREG(mode):
        return problem("is not a regular file but a named pipe, a device or a socket",
                       "remove it, or replace it with a plain file")
    return None


def _named_picture(document: YamlDocument, path: Path, root: Path) -> list[Path]:
    """The picture an entry names, valid or not, when it is a file of the project."""
    image = document.data.get("image")
    source = image.get("src") if isinstance(image, dict) else None
    if not isinstance(source, str) or not source:
        return []
    picture, _ = resolve_inside(root, path.parent, source)
    return [picture] if picture else []


def catalogue(settings: Settings, selection: Selection, allow_remote_images: bool = False,
              every_translation: bool = False) -> Catalogue:
    """The selection in its order. For a language edition (selection.language), each
    item is its translation; an item without one is left out ("no translation") or
    kept as it is, as the settings' translations.missing says. `every_translation`
    reads and checks every translation file too (brochure check)."""
    settings = edition(settings, selection.language)
    language = settings.language if settings.translated_from else ""
    timings: dict[str, float] = {}
    found = read_entries(settings, allow_remote_images, not selection.drafts, timings,
                         "*" if every_translation else language)
    began = time.monotonic()
    entries, missing, left_out = (in_edition(found.entries, found.translations, settings.language,
                                             settings.translated_from) if language else (found.entries, set(), []))
    kept, excluded = select(entries, selection)
    if missing:  # as every reason to leave out, in the order of the files
        excluded += [(entry, "no translation") for entry in kept if entry.file in missing
                     and settings.translations_missing == "leave-out"]
    kept = in_order(kept, settings.order)
    untranslated = [entry for entry in kept if entry.file in missing]
    if missing and settings.translations_missing == "leave-out":
        kept = [entry for entry in kept if entry.file not in missing]
    timings["selecting"] = time.monotonic() - began
    return Catalogue(settings, kept, [_excluded(entry, reason) for entry, reason in excluded] + found.invalid_drafts
                     + left_out, timings, found.files, untranslated, found.translation_files)


def check(settings: Settings, allow_remote_images: bool = False) -> Catalogue:
    """Validate every entry, drafts included, every translation (brochure.LANG.yaml
    too) and every local image; renders nothing."""
    texts = settings_translations(settings.root)
    problems = [problem for path in texts.values() for problem in settings_translation(settings.root, path)[1]]
    try:
        found = catalogue(settings, Selection(drafts=True), allow_remote_images, every_translation=True)
    except ContentError as error:
        raise ContentError(error.problems + problems) from None
    if problems:
        raise ContentError(problems)
    found.translations += [path.name for path in texts.values()]
    return found


def document_date(entries: list[Entry]) -> dt.datetime:
    """The date written into the PDF: SOURCE_DATE_EPOCH when set, else the newest item's
    last day, so that the same content always gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ContentError([Problem("SOURCE_DATE_EPOCH", 0, 0, "", f"{epoch[:40]!r} is not a time stamp",
                                        "set it to whole seconds since 1970, "
                                        "e.g. $(git log -1 --format=%ct)")]) from None
    newest = max(entry.last_day for entry in entries)
    return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.UTC)


def selected(settings: Settings, selection: Selection, allow_remote_images: bool) -> Catalogue:
    """The catalogue of a build: it is an error when nothing is selected."""
    found = catalogue(settings, selection, allow_remote_images)
    if not found.entries:
        reasons = sorted({excluded.reason for excluded in found.excluded})
        remedy = "widen --since/--until or --tag"
        if "no translation" in reasons:
            remedy = (f"translate them (brochure list --untranslated {found.settings.language}), or set "
                      f"translations: {{missing: original}} in {SETTINGS_FILE}; or {remedy}")
        raise NothingSelected([Problem(SETTINGS_FILE, 0, 0, "", "no entry is selected, nothing to build",
                                       f"{len(found.excluded)} left out ({', '.join(reasons) or 'no entries'}); "
                                       f"{remedy}")], found.excluded)
    return found


def input_files(found: Catalogue, theme: Path) -> list[Path]:
    """Every file of the project a build could read, whatever the selection: what its
    output must never overwrite."""
    settings = found.settings
    cover = settings.cover_image.path if settings.cover_image else None
    return [settings.root / SETTINGS_FILE, *settings_translations(settings.root).values(), *found.files,
            *filter(None, [cover, settings.print_options.icc]), *settings.extra_files,
            *theme_files(theme)]
