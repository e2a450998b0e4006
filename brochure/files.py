"""The only module that writes files: atomically, and never over one of the inputs.

A reader, or a later failure, never sees a half-written file: everything is written
to a temporary file beside the target and renamed into place, and the previous file
survives any failure. Every other module reads.

A full disk or the file size limit (ulimit -f) is an error like any other: the write
fails (ENOSPC, EFBIG), the temporary file is removed, the problem is reported. CPython
ignores SIGXFSZ from its start, so a file over the limit fails to grow instead of
killing the process (tests/commands/test_hardening_disk.py holds this).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from brochure.errors import ContentError, Problem


def _cannot_write(target: Path, error: OSError) -> ContentError:
    if error.errno == errno.EFBIG:
        hint = "the file is larger than this process may write (ulimit -f)"
    elif error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        hint = "free some space, or choose another output with -o"
    else:
        hint = "choose another output with -o"
    return ContentError([Problem(str(target), 0, 0, "", f"cannot write here: {error.strerror}", hint)])


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


def scratch_folder() -> Path:
    """A new private folder in the temporary folder, for files a child process makes
    on its way (WeasyPrint's fonts, what its import leaves): removed with remove_tree."""
    return Path(tempfile.mkdtemp(prefix="brochure-"))


def remove_tree(folder: Path) -> None:
    """Remove a scratch folder and whatever was left in it."""
    shutil.rmtree(folder, ignore_errors=True)


def remove(paths: Iterable[Path]) -> None:
    """Remove files this program wrote earlier and no longer needs."""
    for path in paths:
        path.unlink(missing_ok=True)


def checked_output(target: Path, inputs: Iterable[Path], suffixes: tuple[str, ...] = (".pdf",)) -> Path:
    """`target`, unless writing there would destroy something or mislead: a slip such as
    `-o entries/old.yaml` must not overwrite the project with a PDF, and `-o /dev/null`
    must not replace a device with a regular file (os.replace would, as root). Only
    the file's status is looked at: opening a named pipe would block."""
    why, hint = _unfit_output(target, inputs, suffixes)
    if why:
        raise ContentError([Problem(_shown(target), 0, 0, "", why, hint)])
    return target


def _shown(target: Path) -> str:
    """`target` as the user knows it: relative to the current folder when inside it (the
    output: of brochure.yaml arrives joined to the project's absolute path)."""
    try:
        return str(target.relative_to(Path.cwd())) if target.is_absolute() else str(target)
    except (ValueError, OSError):
        return str(target)


_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
            (stat.S_ISSOCK, "a socket"))


def _unfit_output(target: Path, inputs: Iterable[Path], suffixes: tuple[str, ...]) -> tuple[str, str]:
    """Why `target` must not be written, and what to do instead; ("", "") when it may."""
    example = f"e.g. -o build/brochure{suffixes[0]}"
    if str(target) in ("", "."):
        return "is a folder, not a file name", f"name the file, {example}"
    for folder in target.parents:  # the nearest one that exists must be a folder
        try:
            mode = os.stat(folder).st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            break  # unreadable: writing will say why
        if not stat.S_ISDIR(mode):
            return f"{_shown(folder)} is a file, not a folder", f"choose a path through folders only, {example}"
        break
    try:
        status = os.stat(target)  # follows a link: what it points at is what would be lost
    except OSError:
        status = None  # nothing there (or a dangling link, which is replaced)
    if status and stat.S_ISDIR(status.st_mode):
        return "is a folder, not a file name", f"name the file, {example}"
    if status and _same_file(status, inputs):
        return "is one of the brochure's own input files", "write the output somewhere else, e.g. build/"
    kind = next((name for test, name in _SPECIAL if status and test(status.st_mode)), "")
    if kind:
        return f"is {kind}, not a regular file: writing would replace it", f"write to a file, {example}"
    if target.suffix.lower() not in suffixes:
        return (f"does not end in {suffixes[0]}: the name's ending says what the file is",
                f"name it {target.stem}{suffixes[0]}, with -o or as output: in brochure.yaml")
    return "", ""


def _same_file(status: os.stat_result, inputs: Iterable[Path]) -> bool:
    """Whether one of `inputs` is the file `status` describes (by device and inode: a
    link, a `..` or another spelling of an input's name is still that input)."""
    for path in inputs:
        try:
            other = os.stat(path)
        except OSError:
            continue  # gone: it cannot be overwritten
        if (other.st_dev, other.st_ino) == (status.st_dev, status.st_ino):
            return True
    return False
