"""The orchestrator: one plain function per command, called by the CLI.

Everything is read and checked before anything is written; build() is the only
place that writes files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from brochure import __version__
from brochure.errors import ContentError, Problem
from brochure.model import Entry, Selection, Settings
from brochure.project import load_settings
from brochure.source import entry_files, read_yaml
from brochure.timeline import ordered, select
from brochure.validate import entry_from_document


@dataclass
class Catalogue:
    """A project's settings and the selected entries, in order."""

    settings: Settings
    entries: list[Entry]  # selected, ordered
    excluded: list[tuple[Entry, str]]  # (entry, reason it was left out)


@dataclass
class BuildReport:
    output: Path
    entries: list[Entry]
    excluded: list[tuple[Entry, str]]
    pages: int
    size: int
    seconds: float
    first_pages: dict[str, int] = field(default_factory=dict)  # entry file -> first page
    warnings: list[str] = field(default_factory=list)


def read_entries(settings: Settings, allow_remote_images: bool = False) -> list[Entry]:
    """Parse and validate every entry file; raise one ContentError listing all problems."""
    folder = settings.root / settings.entries_dir
    if not folder.is_dir():
        raise ContentError([Problem("brochure.yaml", 0, 0, "entries",
                                    f"the entries folder '{settings.entries_dir}' does not exist",
                                    "create it, or set entries: in brochure.yaml")])
    entries, problems = [], []
    root = settings.root.resolve()
    for path in entry_files(folder):
        shown_as = path.relative_to(settings.root).as_posix()
        if root not in path.resolve().parents:
            problems.append(Problem(shown_as, 0, 0, "", "is a link to a file outside the project folder",
                                    "copy the entry into the project instead of linking to it"))
            continue
        document, found = read_yaml(path, shown_as)
        if document is not None:
            entry, found = entry_from_document(document, shown_as, path, settings.root, allow_remote_images)
            if entry:
                entries.append(entry)
        problems.extend(found)
    if problems:
        raise ContentError(problems)
    return entries


def catalogue(start: Path, selection: Selection, allow_remote_images: bool = False) -> Catalogue:
    settings = load_settings(start)
    kept, excluded = select(read_entries(settings, allow_remote_images), selection)
    return Catalogue(settings, ordered(kept, settings.order), excluded)


def check(start: Path, allow_remote_images: bool = False) -> Catalogue:
    """Validate every entry, drafts included, and every local image; renders nothing."""
    return catalogue(start, Selection(drafts=True), allow_remote_images)


def document_date(entries: list[Entry]) -> dt.datetime:
    """The date written into the PDF: SOURCE_DATE_EPOCH when set, else the newest item's
    last day, so that the same content always gives the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
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
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def build(start: Path, selection: Selection, output: Path | None = None,
          allow_remote_images: bool = False) -> BuildReport:
    from brochure.pdf import write_pdf  # WeasyPrint is heavy: only builds pay for it
    from brochure.render import render_html, theme_folder

    began = time.monotonic()
    found = catalogue(start, selection, allow_remote_images)
    settings, entries = found.settings, found.entries
    if not entries:
        reasons = sorted({reason for _, reason in found.excluded})
        raise ContentError([Problem("brochure.yaml", 0, 0, "", "no entry is selected, nothing to build",
                                    f"{len(found.excluded)} left out ({', '.join(reasons) or 'no entries'}); "
                                    "widen --since/--until or --tag")])
    theme = theme_folder(settings)
    html, item_ids = render_html(settings, entries, theme, document_date(entries))
    theme_files = sorted(path for path in theme.rglob("*") if path.is_file())
    images = [entry.image.path for entry in entries if entry.image and entry.image.path]
    remote = frozenset(entry.image.src for entry in entries if entry.image and not entry.image.path)
    result = write_pdf(html, settings.root, theme, _inputs_fingerprint(html, theme_files + images), remote)
    problems = [Problem(f"styles/{settings.theme}", 0, 0, "", f"refused to read {url}",
                        "a theme may only use files inside the project or the theme")
                for url in result.refused]
    owners = {entry.image.src: entry.file for entry in entries if entry.image}
    problems += [Problem(next((file for src, file in owners.items() if src in message), "(render)"),
                         0, 0, "", message, "") for message in result.errors
                 if not any(url in message for url in result.refused)]
    if problems:
        raise ContentError(problems)
    target = output if output is not None else settings.root / settings.output
    write_atomically(target, result.data)
    first_pages = {entry.file: result.first_pages.get(item_id, 0)
                   for entry, item_id in zip(entries, item_ids)}
    return BuildReport(target, entries, found.excluded, result.pages, len(result.data),
                       time.monotonic() - began, first_pages, result.warnings)
