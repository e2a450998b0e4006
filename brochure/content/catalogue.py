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
from brochure.content.settings import SETTINGS_FILE, theme_files
from brochure.content.timeline import ordered, select
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
            "title": entry.title, "tags": list(entry.tags), "draft": entry.draft}


def _excluded(entry: Entry, reason: str) -> Excluded:
    return Excluded(entry.file, entry.title, entry.date.isoformat(),
                    entry.end_date.isoformat() if entry.end_date else None, entry.tags, reason)


def read_entries(settings: Settings, allow_remote_images: bool = False, tolerate_invalid_drafts: bool = False,
                 timings: dict[str, float] | None = None) -> tuple[list[Entry], list[Excluded], list[Path]]:
    """Parse and validate every entry file; raise one ContentError listing all problems.
    Returns the entries, the invalid drafts and every file the entries are made of
    (see Catalogue.files).

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
    entries, invalid_drafts, problems, pictures = [], [], [], []
    files = entry_files(folder)
    reading = validating = 0.0
    for path in files:
        shown_as = _shown_name(path.relative_to(settings.root))
        if trouble := _not_an_entry_file(settings.root, path, shown_as):
            problems.append(trouble)
            continue
        began = time.monotonic()
        document, found = read_yaml(path, shown_as)
        reading += time.monotonic() - began
        if document is not None:
            pictures += _named_picture(document, path, settings.root)
            began = time.monotonic()
            entry, found = entry_from_document(document, shown_as, path, settings.root, allow_remote_images)
            validating += time.monotonic() - began
            if entry:
                entries.append(entry)
            elif tolerate_invalid_drafts and document.data.get("draft") is True:
                title, date = document.data.get("title"), document.data.get("date")
                invalid_drafts.append(Excluded(shown_as, title if isinstance(title, str) else "",
                                               date if isinstance(date, str) else "", None, (),
                                               "invalid", tuple(found)))
                continue
        problems.extend(found)
    if not problems:
        began = time.monotonic()
        problems = image_problems(entries, settings.cover_image)
        validating += time.monotonic() - began
    timings["reading"], timings["validating"] = reading, validating
    if problems:
        raise ContentError(problems)
    return entries, invalid_drafts, files + pictures


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


def catalogue(settings: Settings, selection: Selection, allow_remote_images: bool = False) -> Catalogue:
    timings: dict[str, float] = {}
    entries, invalid_drafts, files = read_entries(settings, allow_remote_images, not selection.drafts, timings)
    began = time.monotonic()
    kept, excluded = select(entries, selection)
    kept = ordered(kept, settings.order)
    timings["selecting"] = time.monotonic() - began
    return Catalogue(settings, kept, [_excluded(entry, reason) for entry, reason in excluded] + invalid_drafts,
                     timings, files)


def check(settings: Settings, allow_remote_images: bool = False) -> Catalogue:
    """Validate every entry, drafts included, and every local image; renders nothing."""
    return catalogue(settings, Selection(drafts=True), allow_remote_images)


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
        raise NothingSelected([Problem("brochure.yaml", 0, 0, "", "no entry is selected, nothing to build",
                                       f"{len(found.excluded)} left out ({', '.join(reasons) or 'no entries'}); "
                                       "widen --since/--until or --tag")], found.excluded)
    return found


def input_files(found: Catalogue, theme: Path) -> list[Path]:
    """Every file of the project a build could read, whatever the selection: what its
    output must never overwrite."""
    settings = found.settings
    cover = settings.cover_image.path if settings.cover_image else None
    return [settings.root / SETTINGS_FILE, *found.files, *filter(None, [cover, settings.print_options.icc]),
            *theme_files(theme)]
