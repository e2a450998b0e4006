"""The only module that writes files: atomically, and never over one of the inputs.

A reader, or a later failure, never sees a half-written file: everything is written
to a temporary file beside the target and renamed into place, and the previous file
survives any failure. Every other module reads.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from brochure.errors import ContentError, Problem


def _cannot_write(target: Path, error: OSError) -> ContentError:
    return ContentError([Problem(str(target), 0, 0, "", f"cannot write here: {error.strerror}",
                                 "choose another output with -o")])


def write_atomically(target: Path, data: bytes, verify: Callable[[Path], None] | None = None) -> None:
    """Write to a temporary file beside `target`, then rename it into place: readers
    and a later failure never see a half-written PDF, and the previous one survives
    any failure (the temporary file is removed, even on Ctrl-C). `verify` may inspect
    the written file first and refuse it by raising."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _cannot_write(target, error) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        if verify:
            verify(Path(temporary))
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise _cannot_write(target, error) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def create_new(folder: Path, names: Iterable[str], data: bytes) -> Path:
    """Write `data` to the first of `names` that does not exist yet in `folder` (made if
    missing). Exclusive creation: two writers at once still get two files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        target = folder / name
        try:
            with open(target, "xb") as stream:
                stream.write(data)
            return target
        except FileExistsError:
            continue
    raise RuntimeError("no free file name")  # `names` is endless in practice


def remove(paths: Iterable[Path]) -> None:
    """Remove files this program wrote earlier and no longer needs."""
    for path in paths:
        path.unlink(missing_ok=True)


def checked_output(target: Path, inputs: Iterable[Path]) -> Path:
    """`target`, unless it is a folder or one of the brochure's inputs: a slip such as
    `-o brochure.yaml` must not overwrite the project with a PDF."""
    if str(target) in ("", ".") or target.is_dir():
        raise ContentError([Problem(str(target), 0, 0, "", "is a folder, not a file name",
                                    "name the file, e.g. -o build/brochure.pdf")])
    if target.resolve() in {path.resolve() for path in inputs}:
        raise ContentError([Problem(str(target), 0, 0, "", "is one of the brochure's own input files",
                                    "write the output somewhere else, e.g. build/")])
    return target
