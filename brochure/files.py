"""The only module that writes or removes files of its own (the brochure's outputs, its
temporary and scratch files): atomically, and never over one of the inputs.

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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from brochure.errors import ContentError, Problem


def _cannot_write(target: Path, error: OSError, instead: str = "choose another output with -o") -> ContentError:
    if error.errno == errno.EFBIG:
        hint = "the file is larger than this process may write (ulimit -f)"
    elif error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        hint = f"free some space, or {instead}"
    else:
        hint = instead
    return ContentError([Problem(str(target), 0, 0, "", f"cannot write here: {error.strerror}", hint)])


@contextmanager
def _reported(target: Path, instead: str = "choose another output with -o") -> Iterator[None]:
    """An OSError inside becomes the problem "cannot write here", naming `target`."""
    try:
        yield
    except OSError as error:
        raise _cannot_write(target, error, instead) from None


def _write_whole(handle: int, temporary: str, data: bytes) -> None:
    """`data` into the new file `temporary`, open as `handle`, down to the disk; then
    readable as any new file (mkstemp makes it private: the umask decides, as for open)."""
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)


def _discard(temporary: str) -> None:
    with suppress(OSError):
        os.unlink(temporary)


def write_atomically(target: Path, data: bytes, verify: Callable[[Path], None] | None = None) -> None:
    """Write to a temporary file beside `target`, then rename it into place: readers
    and a later failure never see a half-written PDF, and the previous one survives
    any failure (the temporary file is removed, even on Ctrl-C). `verify` may inspect
    the written file first and refuse it by raising: what it raises goes on unchanged
    (only the write and the rename are "cannot write here")."""
    with _reported(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with _reported(target):
            _write_whole(handle, temporary, data)
        if verify:
            verify(Path(temporary))
        with _reported(target):
            os.replace(temporary, target)
    except BaseException:
        _discard(temporary)
        raise


def make_folder(folder: Path, instead: str = "choose a folder you can write to") -> Path:
    """Make `folder` (and its parents) unless it is there; "cannot write here", with
    `instead` as the hint, when it cannot be. Returns the folder as the user knows it."""
    shown = Path(_shown(folder))
    with _reported(shown, instead):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # there, but not a folder
            raise ContentError([Problem(str(shown), 0, 0, "", "cannot write here: is a file, not a folder",
                                        instead)]) from None
    return shown


def create_new(folder: Path, names: Iterable[str], data: bytes,
               instead: str = "choose a folder you can write to") -> Path:
    """Write `data` to the first of `names` that does not exist yet in `folder` (made if
    missing), whole or not at all: the text goes to a temporary file in `folder` first,
    which is then linked under the first free name (os.link never replaces a file, so
    two writers at once get two files) and removed. A failure is "cannot write here",
    naming the folder, with `instead` as the hint."""
    shown = make_folder(folder, instead)
    with _reported(shown, instead):
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".brochure-new.", suffix=".tmp")
    try:
        with _reported(shown, instead):
            _write_whole(handle, temporary, data)
            for name in names:
                try:
                    os.link(temporary, folder / name)
                except FileExistsError:
                    continue
                return folder / name
    finally:
        _discard(temporary)
    raise RuntimeError("no free file name")  # `names` is endless in practice


def _temporary_folder() -> tuple[str, bool]:
    """The folder for temporary files, and whether one can be written; when none can
    (tempfile tries TMPDIR, then the system's), the one TMPDIR asks for."""
    try:
        return tempfile.gettempdir(), True
    except OSError:
        return next((os.environ[name] for name in ("TMPDIR", "TEMP", "TMP") if os.environ.get(name)), "TMPDIR"), False


def _temporary_problem(folder: str, error: OSError) -> ContentError:
    hint = ("free some space there, or point TMPDIR at a folder that has room"
            if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
            else "point TMPDIR at a folder you can write to")
    return ContentError([Problem(folder, 0, 0, "", f"cannot make temporary files here: {error.strerror}", hint)])


def temporary_folder_problem(error: OSError) -> ContentError | None:
    """The problem to report when `error` came from the temporary folder: a file or
    folder in it could not be made, or no folder for temporary files can be written at
    all (tempfile's own FileNotFoundError, which names no file). None otherwise."""
    folder, usable = _temporary_folder()
    named = os.fsdecode(error.filename) if isinstance(error.filename, str | bytes) else None
    if (named is not None and _within(named, folder)) or (not usable and error.errno == errno.ENOENT):
        return _temporary_problem(folder, error)
    return None


def _within(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(folder)]) == os.path.abspath(folder)
    except ValueError:  # on another drive
        return False


def scratch_folder() -> Path:
    """A new private folder in the temporary folder, for files a child process makes
    on its way (WeasyPrint's fonts, what its import leaves): removed with remove_tree.
    A temporary folder that cannot take it is reported, naming the folder."""
    try:
        return Path(tempfile.mkdtemp(prefix="brochure-"))
    except OSError as error:
        raise _temporary_problem(_temporary_folder()[0], error) from None


def remove_tree(folder: Path) -> None:
    """Remove a scratch folder and whatever was left in it."""
    shutil.rmtree(folder, ignore_errors=True)


def remove(paths: Iterable[Path]) -> None:
    """Remove files this program wrote earlier and no longer needs."""
    for path in paths:
        path.unlink(missing_ok=True)


def touch(path: Path) -> None:
    """Mark a file this program wrote as used now (its modification time): what an
    eviction of the least recently used goes by (layout/cache.py)."""
    os.utime(path)


def checked_output(target: Path, inputs: Iterable[Path], suffixes: tuple[str, ...] = (".pdf",),
                   example: str = "") -> Path:
    """`target`, unless writing there would destroy something or mislead: a slip such as
    `-o entries/old.yaml` must not overwrite the project with a PDF, and `-o /dev/null`
    must not replace a device with a regular file (os.replace would, as root). Only
    the file's status is looked at: opening a named pipe would block. `example`: a good
    option for the hints (default: -o build/brochure and the first suffix)."""
    why, hint = _unfit_output(target, inputs, suffixes, example or f"-o build/brochure{suffixes[0]}")
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


def _unfit_output(target: Path, inputs: Iterable[Path], suffixes: tuple[str, ...], option: str) -> tuple[str, str]:
    """Why `target` must not be written, and what to do instead; ("", "") when it may."""
    example = f"e.g. {option}"
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
