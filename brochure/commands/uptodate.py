"""Is the PDF up to date? A digest of every input, kept in a small file beside it.

The digest covers the brochure's version, the options, brochure.yaml, every entry
file, every file of the theme, every picture used and the ICC profile: change any
byte of them and the brochure is built again. Entries and settings are small and
read whole; pictures can be large, so their digest is reused while their size and
modification time are those it was computed for (as git does): timestamps only
ever save re-reading a picture, they never stand in for its content.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from brochure import __version__
from brochure.content.settings import SETTINGS_FILE, theme_files
from brochure.content.yaml_reader import entry_files
from brochure.files import write_atomically
from brochure.model import Selection, Settings
from brochure.pdf.profiles import Profile


def _stamp_path(output: Path) -> Path:
    return output.with_name(f".{output.name}.inputs")


def _read_stamp(output: Path) -> dict | None:
    """The stamp of the last build of `output`, when that output is still the one it
    wrote (same size and time), else None."""
    try:
        stamp = json.loads(_stamp_path(output).read_text("utf-8"))
        written = output.stat()
    except (OSError, ValueError):
        return None
    if stamp.get("output") != [written.st_size, written.st_mtime_ns]:
        return None
    return stamp


def _file_digest(path: Path, known: dict) -> str:
    status = path.stat()
    entry = known.get(str(path))
    if entry and entry[:2] == [status.st_size, status.st_mtime_ns]:
        return entry[2]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    known[str(path)] = [status.st_size, status.st_mtime_ns, digest]
    return digest


def _input_digest(options: str, whole: list[Path], pictures: list[Path], known: dict) -> str:
    """One digest of the options, of the files read whole (settings, entries, theme)
    and of the pictures (see the module's note). `known` is updated with the
    pictures' digests."""
    digest = hashlib.sha256(f"brochure {__version__}\n{options}\n".encode())
    for path in whole:
        digest.update(f"{path}\n".encode())
        digest.update(path.read_bytes())
    for path in pictures:
        digest.update(f"{path}\n{_file_digest(path, known)}\n".encode())
    return digest.hexdigest()


def _stamp_text(digest: str, output: Path, pictures: dict, report: dict) -> str:
    written = output.stat()
    return json.dumps({"digest": digest, "output": [written.st_size, written.st_mtime_ns],
                       "pictures": pictures, "report": report}, ensure_ascii=False)


def _digest(settings: Settings, theme: Path, profile: Profile, selection: Selection, output: Path,
            pictures: list[Path], known: dict) -> str:
    """The digest of everything the PDF is made from."""
    whole = [settings.root / SETTINGS_FILE, *entry_files(settings.root / settings.entries_dir), *theme_files(theme)]
    options = repr((selection, profile, str(output), os.environ.get("SOURCE_DATE_EPOCH", "")))
    extra = [profile.icc] if profile.icc else []
    return _input_digest(options, whole, sorted(set(pictures)) + extra, known)


def last_build(settings: Settings, output: Path) -> dict | None:
    """The stamp of the last build of `output`, or None when there is none or it no
    longer matches the output."""
    if not (settings.root / settings.entries_dir).is_dir():
        return None
    return _read_stamp(output)


def unchanged(previous: dict, settings: Settings, theme: Path, profile: Profile, selection: Selection,
              output: Path) -> dict | None:
    """The report of the last build when no input changed since it, else None."""
    known = previous.get("pictures", {})
    digest = _digest(settings, theme, profile, selection, output, [Path(path) for path in known], dict(known))
    return previous["report"] if digest == previous["digest"] else None


def write_stamp(settings: Settings, theme: Path, profile: Profile, selection: Selection, output: Path,
                pictures: list[Path], report: dict, previous: dict | None) -> None:
    """Keep the digest of this build's inputs and its report beside the output."""
    known = dict((previous or {}).get("pictures", {}))
    digest = _digest(settings, theme, profile, selection, output, pictures, known)  # fills `known`
    write_atomically(_stamp_path(output),
                     _stamp_text(digest, output, {str(path): known[str(path)] for path in pictures}, report).encode())
