"""The orchestrator: one plain function per command, called by the CLI.

Everything is read and checked before anything is written; build() is the only
place that writes files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from brochure import __version__
from brochure.errors import ContentError, Problem
from brochure.model import Entry, Selection, Settings
from brochure.confine import is_inside
from brochure.preflight import image_problems
from brochure.project import SETTINGS_FILE, find_root, settings_from
from brochure.source import entry_files, read_yaml
from brochure.timeline import ordered, select
from brochure.validate import entry_from_document, schema_problems


Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


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


@dataclass
class Catalogue:
    """A project's settings and the selected entries, in order."""

    settings: Settings
    entries: list[Entry]  # selected, ordered
    excluded: list[Excluded]
    timings: dict[str, float] = field(default_factory=dict)


class NothingSelected(ContentError):
    """Every entry was left out: nothing to build. Carries the reasons for the report."""

    def __init__(self, problems: list[Problem], excluded: list[Excluded]):
        super().__init__(problems)
        self.excluded = excluded


@dataclass
class BuildReport:
    output: Path
    entries: list[Entry]
    excluded: list[Excluded]
    pages: int
    size: int
    seconds: float
    profile: str = "screen"
    first_pages: dict[str, int] = field(default_factory=dict)  # entry file -> first page
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds


def load_settings(start: Path) -> Settings:
    """Find the project from `start` and read brochure.yaml as safely as any entry."""
    root = find_root(start)
    document, problems = read_yaml(root / SETTINGS_FILE, SETTINGS_FILE, kind="settings")
    if document is not None:
        problems = schema_problems(document, "settings", SETTINGS_FILE)
        if not problems:
            settings, problems = settings_from(document, root)
    if problems:
        raise ContentError(problems)
    return settings


def _excluded(entry: Entry, reason: str) -> Excluded:
    return Excluded(entry.file, entry.title, entry.date.isoformat(),
                    entry.end_date.isoformat() if entry.end_date else None, entry.tags, reason)


def read_entries(settings: Settings, allow_remote_images: bool = False, tolerate_invalid_drafts: bool = False,
                 timings: dict[str, float] | None = None) -> tuple[list[Entry], list[Excluded]]:
    """Parse and validate every entry file; raise one ContentError listing all problems.

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
    entries, invalid_drafts, problems = [], [], []
    reading = validating = 0.0
    for path in entry_files(folder):
        shown_as = path.relative_to(settings.root).as_posix()
        if not is_inside(settings.root, path):
            problems.append(Problem(shown_as, 0, 0, "", "is a link to a file outside the project folder",
                                    "copy the entry into the project instead of linking to it"))
            continue
        began = time.monotonic()
        document, found = read_yaml(path, shown_as)
        reading += time.monotonic() - began
        if document is not None:
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
        problems = image_problems(entries)
        validating += time.monotonic() - began
    timings["reading"], timings["validating"] = reading, validating
    if problems:
        raise ContentError(problems)
    return entries, invalid_drafts


def catalogue(start: Path, selection: Selection, allow_remote_images: bool = False) -> Catalogue:
    timings: dict[str, float] = {}
    settings = load_settings(start)
    entries, invalid_drafts = read_entries(settings, allow_remote_images, not selection.drafts, timings)
    began = time.monotonic()
    kept, excluded = select(entries, selection)
    kept = ordered(kept, settings.order)
    timings["selecting"] = time.monotonic() - began
    return Catalogue(settings, kept, [_excluded(entry, reason) for entry, reason in excluded] + invalid_drafts,
                     timings)


def watched_inputs(start: Path) -> list[Path]:
    """The folders whose changes can change the output: the project and its theme."""
    from brochure.render import theme_folder

    settings = load_settings(start)
    folders = [settings.root]
    theme = theme_folder(settings).resolve()
    if settings.root.resolve() not in theme.parents:
        folders.append(theme)  # the built-in theme, edited in a development install
    return folders


def check(start: Path, allow_remote_images: bool = False) -> Catalogue:
    """Validate every entry, drafts included, and every local image; renders nothing."""
    return catalogue(start, Selection(drafts=True), allow_remote_images)


def document_date(entries: list[Entry]) -> dt.datetime:
    """The date written into the PDF: SOURCE_DATE_EPOCH when set, else the newest item's
    last day, so that the same content always gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise ContentError([Problem("SOURCE_DATE_EPOCH", 0, 0, "", f"{epoch[:40]!r} is not a time stamp",
                                        "set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct)")])
    newest = max(entry.last_day for entry in entries)
    return dt.datetime(newest.year, newest.month, newest.day, tzinfo=dt.timezone.utc)


def _inputs_fingerprint(html: str, files: list[Path]) -> bytes:
    digest = hashlib.sha256(f"brochure {__version__}\n".encode())
    digest.update(html.encode("utf-8"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.digest()


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, then rename it into place: readers
    and a later failure never see a half-written PDF, and the previous one survives
    any failure (the temporary file is removed, even on Ctrl-C)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise ContentError([Problem(str(target), 0, 0, "", f"cannot write here: {error.strerror}",
                                    "choose another output with -o")]) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ContentError([Problem(str(target), 0, 0, "", f"cannot write here: {error.strerror}",
                                    "choose another output with -o")]) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _theme_files(theme: Path) -> list[Path]:
    return sorted(path for path in theme.rglob("*") if path.is_file() and is_inside(theme, path))


def _output(settings: Settings, entries: list[Entry], theme: Path, chosen: Path | None, default: str) -> Path:
    """Where to write: -o as given, else the settings' output. Never one of the inputs:
    a slip such as `-o brochure.yaml` must not overwrite the project with a PDF."""
    target = chosen if chosen is not None else settings.root / default
    if str(chosen) == "" or target.is_dir():
        raise ContentError([Problem(str(target), 0, 0, "", "is a folder, not a file name",
                                    "name the file, e.g. -o build/brochure.pdf")])
    inputs = {settings.root / SETTINGS_FILE, *(settings.root / entry.file for entry in entries),
              *(entry.image.path for entry in entries if entry.image and entry.image.path), *_theme_files(theme)}
    if target.resolve() in {path.resolve() for path in inputs}:
        raise ContentError([Problem(str(target), 0, 0, "", "is one of the brochure's own input files",
                                    "write the output somewhere else, e.g. build/")])
    return target


def _selected(start: Path, selection: Selection, allow_remote_images: bool) -> Catalogue:
    found = catalogue(start, selection, allow_remote_images)
    if not found.entries:
        reasons = sorted({excluded.reason for excluded in found.excluded})
        raise NothingSelected([Problem("brochure.yaml", 0, 0, "", "no entry is selected, nothing to build",
                                       f"{len(found.excluded)} left out ({', '.join(reasons) or 'no entries'}); "
                                       "widen --since/--until or --tag")], found.excluded)
    return found


def build(start: Path, selection: Selection, output: Path | None = None,
          allow_remote_images: bool = False, progress: Progress = _quiet) -> BuildReport:
    from brochure.pdf import write_pdf  # WeasyPrint is heavy: only builds pay for it
    from brochure.render import asset_url, render_html, theme_folder

    began = time.monotonic()
    progress("Reading and validating entries")
    found = _selected(start, selection, allow_remote_images)
    settings, entries, timings = found.settings, found.entries, found.timings
    progress("Rendering HTML")
    stage = time.monotonic()
    theme = theme_folder(settings)
    html, item_ids = render_html(settings, entries, theme, document_date(entries))
    timings["rendering"] = time.monotonic() - stage
    target = _output(settings, entries, theme, output, settings.output)
    images = [entry.image.path for entry in entries if entry.image and entry.image.path]
    remote = frozenset(entry.image.src for entry in entries if entry.image and not entry.image.path)
    result = write_pdf(html, settings.root, theme, _inputs_fingerprint(html, _theme_files(theme) + images),
                       remote, progress)
    theme_name = f"styles/{settings.theme}" if is_inside(settings.root, theme) else f"theme '{settings.theme}'"
    problems = [Problem(theme_name, 0, 0, "", f"refused to read {url}",
                        "a theme may only use files inside the project or the theme")
                for url in result.refused]
    # WeasyPrint names the address that failed: find the entry whose image it is.
    owners = {(asset_url(settings, entry.image.path) if entry.image.path else entry.image.src): entry.file
              for entry in entries if entry.image}
    problems += [Problem(next((file for url, file in owners.items() if url in message), theme_name),
                         0, 0, "", message, "") for message in result.errors
                 if not any(url in message for url in result.refused)]
    if problems:
        raise ContentError(problems)
    stage = time.monotonic()
    write_atomically(target, result.data)
    timings.update(result.timings)
    timings["writing"] += time.monotonic() - stage
    first_pages = {entry.file: result.first_pages.get(item_id, 0)
                   for entry, item_id in zip(entries, item_ids)}
    return BuildReport(target, entries, found.excluded, result.pages, len(result.data),
                       time.monotonic() - began, "screen", first_pages, result.warnings, timings)


@dataclass
class WebReport:
    output: Path
    entries: list[Entry]
    excluded: list[Excluded]
    files: list[Path]  # the HTML file first, then the images written beside it
    size: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def build_web(start: Path, selection: Selection, output: Path | None = None, self_contained: bool = False,
              allow_remote_images: bool = False) -> WebReport:
    """The web edition: the same entries, order and theme content as one HTML file,
    with its images in a folder beside it, or inside it as data: addresses."""
    import base64
    import mimetypes

    from brochure.render import render_html, theme_folder

    began = time.monotonic()
    found = _selected(start, selection, allow_remote_images)
    settings, entries, timings = found.settings, found.entries, found.timings
    theme = theme_folder(settings)
    target = _output(settings, entries, theme, output, str(Path(settings.output).with_suffix(".html")))
    folder_name = f"{target.stem}_files"
    pictures: dict[str, Path] = {}  # name beside the HTML -> source image

    def image_url(image) -> str:
        if image.path is None:
            return image.src  # allowed web address: the reader's browser fetches it
        data = image.path.read_bytes()
        if self_contained:
            mime = mimetypes.guess_type(image.path.name)[0] or "application/octet-stream"
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        # Named by content, so images of the same name from two folders cannot collide.
        name = f"{hashlib.sha256(data).hexdigest()[:12]}-{image.path.name}"
        pictures[name] = image.path
        return f"{folder_name}/{name}"

    stage = time.monotonic()
    html, _ = render_html(settings, entries, theme, document_date(entries), "web.html.j2", image_url)
    timings["rendering"] = time.monotonic() - stage
    stage = time.monotonic()
    written = []
    for name, source in sorted(pictures.items()):
        written.append(target.parent / folder_name / name)
        write_atomically(written[-1], source.read_bytes())
    data = html.encode("utf-8")
    write_atomically(target, data)
    # Pictures of an earlier edition that this one no longer shows (only our own names).
    folder = target.parent / folder_name
    if folder.is_dir():
        for stale in folder.iterdir():
            if re.fullmatch(r"[0-9a-f]{12}-.+", stale.name) and stale.name not in pictures:
                stale.unlink()
    timings["writing"] = time.monotonic() - stage
    size = len(data) + sum(path.stat().st_size for path in written)
    return WebReport(target, entries, found.excluded, [target, *written], size, time.monotonic() - began,
                     timings)


def schema_text(which: str) -> str:
    """The JSON Schema of an entry or of brochure.yaml, as the file editors read."""
    import json

    from brochure.validate import load_schema

    return json.dumps(load_schema(which), indent=2, ensure_ascii=False) + "\n"


def write_schema(which: str, target: Path) -> None:
    write_atomically(target, schema_text(which).encode())


def init_project(folder: Path, today: dt.date) -> list[Path]:
    """A new, working project in `folder`: settings, a sample entry and its image, the
    entry schema for editors, a .gitignore. Refuses to touch an existing project."""
    from brochure import scaffold

    if (folder / "brochure.yaml").exists() or (folder / "entries").exists():
        raise ContentError([Problem(str(folder / "brochure.yaml"), 0, 0, "",
                                    "a brochure project is already here; nothing was changed",
                                    "choose an empty folder: brochure init NEW-FOLDER")])
    title = folder.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "Brochure"
    entry = folder / "entries" / f"{today.isoformat()}-welcome.yaml"
    files = {
        folder / "brochure.yaml": scaffold.settings(title).encode(),
        folder / scaffold.SCHEMA_FILE: None,
        entry: scaffold.sample_entry(today, f"../{scaffold.SCHEMA_FILE}").encode(),
        folder / "entries" / scaffold.SAMPLE_IMAGE: scaffold.sample_image(),
        folder / ".gitignore": scaffold.GITIGNORE.encode(),
    }
    for path, data in files.items():
        if data is None:
            write_schema("entry", path)
        elif not path.exists():  # an existing .gitignore is the user's: leave it
            write_atomically(path, data)
    return list(files)


def new_entry(start: Path, title: str, date: dt.date, tags: tuple[str, ...]) -> Path:
    """A new entry file named DATE-slug.yaml (never overwriting: -2, -3 … when taken),
    every optional field present as a comment. Writes the schema file it points at
    when the project has none yet."""
    from brochure import scaffold

    settings = load_settings(start)
    folder = settings.root / settings.entries_dir
    slug = f"{date.isoformat()}-{scaffold.slugify(title)}"
    schema = settings.root / scaffold.SCHEMA_FILE
    if not schema.exists():
        write_schema("entry", schema)
    folder.mkdir(parents=True, exist_ok=True)
    relative_schema = Path(os.path.relpath(schema, folder)).as_posix()
    text = scaffold.new_entry(title, date, tags, relative_schema).encode()
    number = 1
    while True:
        target = folder / (f"{slug}.yaml" if number == 1 else f"{slug}-{number}.yaml")
        try:
            # Exclusive creation: two `brochure new` at once still get two files.
            with open(target, "xb") as stream:
                stream.write(text)
            return target
        except FileExistsError:
            number += 1
