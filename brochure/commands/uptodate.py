"""Is the PDF up to date? A digest of every input, kept in a small file beside it.

The digest covers the brochure's version, the options (the language of a language
edition among them), brochure.yaml and its translations (brochure.LANG.yaml), every
entry file (translations too, of every language: their names alone decide whether a
build may go on), every file of the theme (a project theme's and what it inherits of the
default theme), every picture used and the ICC profile:
change any byte of them and the brochure is built again. Entries and settings are
small and read whole; pictures can be large, so their digest is reused while their
size and modification time are those it was computed for (as git does): timestamps only
ever save re-reading a picture, they never stand in for its content.

The check runs before the entries are read and checked, so it trusts nothing: it
reads only regular files inside the project (an entry only within the size limit
the reader sets), and any doubt (a file gone, unreadable, too large or leading out
of the project; a stamp damaged or of another version) means "build again", which
then reports what is wrong. Paths are kept relative to the project root, so a
moved project is still up to date.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from pathlib import Path

from brochure import __version__
from brochure.confine import is_inside, relative_inside
from brochure.content.brand import brand_file
from brochure.content.settings import SETTINGS_FILE, settings_translations, theme_entries
from brochure.content.yaml_reader import MAX_FILE_BYTES, entry_files
from brochure.errors import ContentError
from brochure.files import write_atomically
from brochure.model import Selection, Settings
from brochure.pdf.profiles import Profile

STAMP_VERSION = 2  # 2: paths relative to the project root; a stamp of another version is ignored
_MAX_STAMP_BYTES = 64 << 20  # a line of report per item: a few megabytes for the largest brochure
_REPORT_FIELDS = {"included": list, "excluded": list, "pages": int, "size": int, "profile": str, "preflight": list}
# What Excluded.from_dict reads, and its type.
_EXCLUDED_FIELDS: dict[str, type | tuple[type, ...]] = {"file": str, "title": str, "date": str,
                                                        "end_date": (str, type(None)), "tags": list, "reason": str}


class _Doubt(Exception):
    """An input is not what a build would accept, or not where the stamp says: build again."""


def _stamp_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.inputs")


def _read(path: Path, limit: int | None = None) -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes; else _Doubt. Its
    status is looked at first: a named pipe would block, a huge file would be read whole."""
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode) or (limit is not None and status.st_size > limit):
        raise _Doubt(path)
    with path.open("rb") as stream:
        data = stream.read(limit + 1 if limit is not None else -1)
    if limit is not None and len(data) > limit:  # it grew since
        raise _Doubt(path)
    return data


def _well_formed(stamp) -> bool:
    """Whether `stamp` has this version's shape, down to what a no-op build reports."""
    if not isinstance(stamp, dict) or stamp.get("version") != STAMP_VERSION:
        return False
    report, pictures = stamp.get("report"), stamp.get("pictures")
    if not (isinstance(stamp.get("digest"), str) and isinstance(pictures, dict) and isinstance(report, dict)):
        return False
    return (all(isinstance(report.get(name), kind) for name, kind in _REPORT_FIELDS.items())
            and all(isinstance(item, dict) for item in report["included"])
            and all(isinstance(item, dict) and all(isinstance(item.get(name), kind) for name, kind in
                                                   _EXCLUDED_FIELDS.items()) for item in report["excluded"])
            and all(isinstance(known, list) and len(known) == 3 for known in pictures.values()))


def _read_stamp(output: Path) -> dict | None:
    """The stamp of the last build of `output`, when that output is still the one it
    wrote (same size and time), else None."""
    try:
        stamp = json.loads(_read(_stamp_path(output), _MAX_STAMP_BYTES))
        written = output.stat()
    except (OSError, ValueError, RecursionError, _Doubt):  # ValueError: not JSON, or not UTF-8
        return None
    if not _well_formed(stamp) or stamp.get("output") != [written.st_size, written.st_mtime_ns]:
        return None
    return stamp


def _key(root: Path, path: Path) -> str:
    """`path` as the stamp names it: relative to the project root (links followed),
    with forward slashes; _Doubt when it lies outside."""
    key = relative_inside(root, path)
    if key is None:
        raise _Doubt(path)
    return key


def _picture_digest(root: Path, key: str, known: dict) -> str:
    """The digest of the picture `key` names, reused from `known` while its size and
    time are unchanged; `known` is updated."""
    path = root / key
    if not is_inside(root, path):  # a stamp naming ../ or /etc/...: not ours
        raise _Doubt(path)
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise _Doubt(path)
    cached = known.get(key)
    if cached and cached[:2] == [status.st_size, status.st_mtime_ns]:
        return str(cached[2])
    digest = hashlib.sha256(_read(path)).hexdigest()
    known[key] = [status.st_size, status.st_mtime_ns, digest]
    return digest


def _named(digest, name: str, data: bytes) -> None:
    # Surrogates of a file name that is not UTF-8 go in as their bytes: no crash here,
    # the build that follows reports the name.
    digest.update(name.encode("utf-8", "surrogateescape") + b"\n")
    digest.update(data)


def _digest(settings: Settings, theme: Path, profile: Profile, selection: Selection, output: Path,
            pictures: list[str], known: dict, read_from: int = 0) -> str:
    """The digest of everything the PDF is made from. Raises OSError or _Doubt when an
    input cannot be vouched for, or was changed at `read_from` (ns since the epoch) or
    later: saved while the build read it, the PDF may hold the old bytes or the new."""
    root = settings.root
    shown_output = _key(root, output) if is_inside(root, output) else str(output)
    # The selection holds the language of an edition (build --language), the settings
    # the language it makes: the same -o for another language is another PDF.
    # A language edition's foreword is foreword.LANG.md once there is one: which one it chose.
    foreword = _key(root, settings.foreword_file) if settings.foreword_file else ""
    options = repr((selection, settings.language, profile, shown_output, foreword,
                    os.environ.get("SOURCE_DATE_EPOCH", "")))
    digest = hashlib.sha256(f"brochure {__version__}\n{options}\n".encode("utf-8", "surrogateescape"))
    whole: list[tuple[str, Path, int | None]] = [(_key(root, path), path, MAX_FILE_BYTES)
             for path in [root / SETTINGS_FILE, *settings_translations(root).values(),
                          *entry_files(root / settings.entries_dir)]]
    # A project theme's own files and those it inherits from the default, by name.
    whole += [(f"theme/{name}", path, None) for name, path in theme_entries(theme)]
    whole += [("icc", profile.icc, None)] if profile.icc else []
    # A _brand.yml that appears (or goes) changes the brochure; its bytes, and those of the
    # files it names, are among the pictures. Looked up as the build does: one that leads
    # out of the project (or is no regular file) is never read, and the build says so.
    brand_name, brand = brand_file(root)
    if brand_name and brand is None:
        raise _Doubt(root / brand_name)
    whole += [(brand_name, brand, MAX_FILE_BYTES)] if brand is not None else []
    for name, path, limit in whole:
        _named(digest, name, _read(path, limit))
    for key in sorted(set(pictures)):
        _named(digest, key, _picture_digest(root, key, known).encode())
    if read_from and any(os.stat(path).st_mtime_ns >= read_from
                         for path in [path for _, path, _ in whole] + [root / key for key in pictures]):
        raise _Doubt("changed during the build")
    return digest.hexdigest()


def last_build(settings: Settings, output: Path) -> dict | None:
    """The stamp of the last build of `output`, or None when there is none or it no
    longer matches the output."""
    if not (settings.root / settings.entries_dir).is_dir():
        return None
    return _read_stamp(output)


def unchanged(previous: dict, settings: Settings, theme: Path, profile: Profile, selection: Selection,
              output: Path) -> dict | None:
    """The report of the last build when no input changed since it, else None."""
    known = dict(previous["pictures"])
    try:
        digest = _digest(settings, theme, profile, selection, output, list(known), known)
    except (OSError, _Doubt):
        return None
    return previous["report"] if digest == previous["digest"] else None


def write_stamp(settings: Settings, theme: Path, profile: Profile, selection: Selection, output: Path,
                pictures: list[Path], report: dict, previous: dict | None, read_from: int) -> None:
    """Keep the digest of this build's inputs and its report beside the output. When an
    input cannot be vouched for, was saved since the build began reading (`read_from`,
    ns since the epoch), or the stamp cannot be written, there is none: the stamp only
    ever saves work, and the next build simply renders again."""
    known = dict((previous or {}).get("pictures", {}))
    try:
        keys = sorted({_key(settings.root, path) for path in pictures})
        digest = _digest(settings, theme, profile, selection, output, keys, known, read_from)  # fills `known`
        written = output.stat()
    except (OSError, _Doubt):
        return
    text = json.dumps({"version": STAMP_VERSION, "digest": digest, "output": [written.st_size, written.st_mtime_ns],
                       "pictures": {key: known[key] for key in keys}, "report": report})
    with contextlib.suppress(ContentError):  # e.g. a folder in its place: no stamp, no harm
        write_atomically(_stamp_path(output), text.encode("ascii"))
