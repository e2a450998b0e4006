"""Run functions in child processes (forked where the system can, see start_method).

Children: one child per call, a few at a time. A child does one task and exits, so the memory a WeasyPrint
layout leaves behind goes back to the system as soon as the task is done (a long-lived worker keeps it, and grew
by some 40 MB a part), and the parent chooses, call by call, what runs next. Forking starts each child with
everything the parent has loaded: a parent that imports WeasyPrint first spares its children the import.

StandBy: one child forked early, which prepares (imports WeasyPrint) beside the parent's own work and then runs
the calls it is sent. Exceptions raised in a child are raised again in the parent, the child's traceback their
cause; a child that dies without a word is a ChildDied.

A child never outlives its parent: on Linux the kernel kills it when the parent dies (even by SIGKILL, which
leaves the parent no chance to stop it), and a forked child closes the parent's ends of the pipes, so that one
waiting for a request sees the end of the pipe when the parent is gone. When the parent stops a child (an error,
Ctrl-C), it asks first (SIGTERM), so that the child's layout removes its temporary files on the way out, and
kills it only if it does not end soon.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import time
import traceback
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from brochure.files import remove_tree, scratch_folder

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext, SpawnContext

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_GRACE = 3.0  # seconds a stopped child has to end by itself (it unwinds, removing its temporary files)
# What stops a build: Ctrl-C, a scheduler, the terminal closing (Windows has no SIGHUP).
_STOPPING = {getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)}

# This process's ends of the pipes to its children. A forked child inherits every
# one of them and closes them first thing: while a child holds the parent's end of
# its own pipe, its reading never ends, even once the parent is dead.
_parent_ends: weakref.WeakSet[Connection] = weakref.WeakSet()


def start_method() -> str:
    """fork where the system has it: a child starts with everything the parent loaded,
    WeasyPrint included. spawn elsewhere (Windows; macOS, where fork is unsafe): each
    child imports what it needs, and what it is sent is pickled."""
    import multiprocessing

    return "fork" if sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _context() -> ForkContext | SpawnContext:
    """The multiprocessing context of start_method()."""
    import multiprocessing  # here: a build that needs no child does not pay for it

    return multiprocessing.get_context("fork" if start_method() == "fork" else "spawn")  # type: ignore[return-value]


class ChildTraceback(Exception):
    """Where an exception raised in a child process came from (`--debug` shows it)."""


def _failure(error: Exception) -> tuple:
    return "failed", error, traceback.format_exc()


def _send(connection, outcome: tuple) -> None:
    try:
        connection.send(outcome)
    except Exception:  # the result or the exception could not be pickled: say what it was
        error = outcome[1]
        text = outcome[2] if outcome[0] == "failed" else ""
        connection.send(("failed", RuntimeError(f"{type(error).__name__}: {error}"), text))


def _raise(error: Exception, text: str):
    error.__cause__ = ChildTraceback(text)
    raise error


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux; elsewhere the
    closed pipes end a waiting child), and end now if the parent is already gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            # prctl is variadic: each argument passed as the unsigned long the kernel reads.
            libc.prctl(ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGKILL), ctypes.c_ulong(0),
                       ctypes.c_ulong(0), ctypes.c_ulong(0))
        except (OSError, AttributeError):  # no prctl in this libc: the pipes still end the child
            pass
    # The parent may have died between the fork and the prctl, which then watches the
    # process that adopted this one: a parent other than the one that started us.
    if os.getppid() != parent:
        os._exit(1)


def _stop(signum, frame):
    # SystemExit unwinds the layout (its `finally` removes WeasyPrint's temporary fonts)
    # and ends the child quietly: multiprocessing prints no traceback for it.
    raise SystemExit(128 + signum)


def _exit_if_stopped(unraisable) -> None:
    """_stop's SystemExit inside a finaliser (a weakref callback during an import) cannot
    unwind: Python would print "Exception ignored" and go on. End here (the parent
    removes the scratch folder)."""
    if isinstance(unraisable.exc_value, SystemExit):
        os._exit(128 + signal.SIGTERM)
    sys.__unraisablehook__(unraisable)


@contextlib.contextmanager
def _stopping_held() -> Iterator[None]:
    """Hold the signals that stop a build while a child starts: the child gets them only
    once it has its own handlers (with the parent's, it would print a traceback), and
    the parent once it knows the child, which it then stops."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: a spawned child has no handlers to inherit
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _as_child(parent: int, scratch: Path) -> None:
    _die_with_parent(parent)  # first: the parent may die at any moment
    # Whatever this child writes to the temporary folder (WeasyPrint's fonts, the C
    # compiler its import may run) goes to the parent's scratch folder, which the parent
    # removes once the child has ended, however it ended.
    os.environ["TMPDIR"] = str(scratch)
    tempfile.tempdir = str(scratch)
    for connection in list(_parent_ends):
        connection.close()  # closed through the object, so that it is not closed again later
    # Ctrl-C and a closing terminal reach the whole process group: the parent handles
    # them and stops the children, which must not print tracebacks of their own;
    # SIGTERM (from the parent) ends a child, without the parent's handler.
    for stopping in _STOPPING - {signal.SIGTERM}:
        signal.signal(stopping, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    sys.unraisablehook = _exit_if_stopped
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPPING)  # held by the parent since the fork


def _end(processes: list) -> None:
    """Stop child processes: SIGTERM, then SIGKILL for those still there after _GRACE."""
    processes = [process for process in processes if process.pid is not None]  # started
    for process in filter(lambda process: process.is_alive(), processes):
        process.terminate()
    deadline = time.monotonic() + _GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.exitcode is None:
            process.kill()
            process.join()


class ChildDied(RuntimeError):
    """A child ended without an outcome (killed: out of memory, a signal); `key` is its call's."""

    def __init__(self, key, exitcode: int | None):
        super().__init__(f"a layout process died (exit code {exitcode})")
        self.key = key


def _run_in_child(parent: int, scratch: Path, connection, function, args) -> None:
    _as_child(parent, scratch)
    try:
        outcome = ("done", function(*args))
    except Exception as error:  # carried to the parent, raised there
        outcome = _failure(error)
    _send(connection, outcome)
    connection.close()


class Children:
    """Child processes, each running one call; `wait` hands back finished calls one
    at a time, in the order they finish. Use as a context manager: leaving it stops
    the children still running (an error elsewhere, Ctrl-C)."""

    def __init__(self):
        self._context = _context()
        self._running: dict = {}  # parent's end of the pipe -> (key, process)
        self._scratch = scratch_folder()  # the children's temporary files

    def __len__(self) -> int:
        return len(self._running)

    def __contains__(self, key) -> bool:
        return any(running == key for running, _ in self._running.values())

    def start(self, key, function, *args) -> None:
        receiving, sending = self._context.Pipe(duplex=False)
        _parent_ends.add(receiving)
        process = self._context.Process(target=_run_in_child,
                                        args=(os.getpid(), self._scratch, sending, function, args), daemon=True)
        with _stopping_held():
            process.start()
            sending.close()  # the child's end: once the child exits, reading ends instead of hanging
            self._running[receiving] = (key, process)  # known to __exit__ before a stop can arrive

    def wait(self):
        """(key, result) of the next call to finish; its exception if it failed."""
        if not self._running:
            raise RuntimeError("waiting for a child process, but none is running")
        import socket
        from multiprocessing.connection import wait

        connection = wait(list(self._running))[0]
        assert not isinstance(connection, socket.socket | int)  # one of the pipes it was given
        key, process = self._running[connection]
        try:
            outcome = connection.recv()
        except EOFError:
            outcome = ("died",)
        # Known to __exit__ until here, which stops it if the wait was interrupted.
        del self._running[connection]
        connection.close()
        process.join()
        if outcome[0] == "died":
            raise ChildDied(key, process.exitcode)
        if outcome[0] == "failed":
            _raise(*outcome[1:])
        return key, outcome[1]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        _end([process for _, process in self._running.values()])
        for connection in self._running:
            connection.close()
        self._running.clear()
        remove_tree(self._scratch)


def _stand_by(parent: int, scratch: Path, connection, prepare) -> None:
    _as_child(parent, scratch)
    unprepared = None
    try:
        prepare()
    except Exception as error:  # told to the parent when it asks for something
        unprepared = error

    def tell(message: str) -> None:
        connection.send(("progress", message))

    while True:
        try:
            request = connection.recv()
        except EOFError:
            break
        if request is None:
            break
        function, args, progress = request
        try:
            if unprepared:
                raise unprepared
            outcome = ("done", function(*args, **({"progress": tell} if progress else {})))
        except Exception as error:
            outcome = _failure(error)
        _send(connection, outcome)
    connection.close()


class StandBy:
    """A child forked now, which runs `prepare` (an import, say) at once and then waits
    for calls: the preparation goes on beside the parent's own work, on another core.
    Calls run one at a time; `progress`, if given, receives the messages the function
    sends to its own `progress` argument. Use as a context manager: leaving it ends the
    child."""

    def __init__(self, prepare):
        context = _context()
        self._connection, theirs = context.Pipe()
        _parent_ends.add(self._connection)
        self._busy = True  # preparing, then a call under way: it would not read a request to end
        self._scratch = scratch_folder()  # the child's temporary files
        self._process = context.Process(target=_stand_by, args=(os.getpid(), self._scratch, theirs, prepare),
                                        daemon=True)
        try:
            with _stopping_held():
                self._process.start()
                theirs.close()
        except BaseException:  # a stop held during the start: __exit__ will not run, end the child here
            self.close()
            raise

    def call(self, function, *args, progress=None):
        self._busy = True  # until its outcome is back
        self._connection.send((function, args, progress is not None))
        while True:
            try:
                outcome = self._connection.recv()
            except EOFError:
                self._process.join()
                raise ChildDied(None, self._process.exitcode) from None
            if outcome[0] == "progress":
                progress(outcome[1])
            elif outcome[0] == "failed":
                self._busy = False
                _raise(*outcome[1:])
            else:
                self._busy = False
                return outcome[1]

    def close(self) -> None:
        """End the child: asked to when it is idle, stopped when it is busy with a call
        (an error or Ctrl-C while it lays out), or does not end when asked."""
        if not self._busy and self._process.pid is not None:
            with contextlib.suppress(OSError, ValueError):  # the child is gone, or the pipe closed
                self._connection.send(None)
                self._process.join(_GRACE)
        _end([self._process])
        self._connection.close()
        remove_tree(self._scratch)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Here:
    """What StandBy does, in this process: for one core, or one job."""

    def call(self, function, *args, progress=None):
        return function(*args, **({"progress": progress} if progress else {}))

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass
