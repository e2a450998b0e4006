"""Run functions in child processes (forked where the system can, see start_method).

Children: one child per call, a few at a time. A child does one task and exits, so
the memory a WeasyPrint layout leaves behind goes back to the system as soon as the
task is done (a long-lived worker keeps it, and grew by some 40 MB a part), and the
parent chooses, call by call, what runs next. Forking starts each child with
everything the parent has loaded: a parent that imports WeasyPrint first spares its
children the import.

StandBy: one child forked early, which prepares (imports WeasyPrint) beside the
parent's own work and then runs the calls it is sent.

Exceptions raised in a child are raised again in the parent, with the child's
traceback as their cause.
"""

from __future__ import annotations

import signal
import traceback
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, SpawnContext


def start_method() -> str:
    """fork where the system has it: a child starts with everything the parent loaded,
    WeasyPrint included. spawn elsewhere (Windows; macOS, where fork is unsafe): each
    child imports what it needs, and what it is sent is pickled."""
    import multiprocessing
    import sys

    return "fork" if sys.platform != "darwin" and "fork" in multiprocessing.get_all_start_methods() else "spawn"


def _context() -> ForkContext | SpawnContext:
    """The multiprocessing context of start_method()."""
    import multiprocessing  # here: a build that needs no child does not pay for it

    if start_method() == "fork":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class ChildTraceback(Exception):
    """Where an exception raised in a child process came from (`--debug` shows it)."""


def _failure(error: Exception) -> tuple:
    return ("failed", error, traceback.format_exc())


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


def _as_child() -> None:
    # Ctrl-C reaches the whole process group: the parent handles it and stops the
    # children, which must not print tracebacks of their own; SIGTERM (from the parent)
    # ends a child at once, without the parent's handler.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _died(process) -> RuntimeError:
    return RuntimeError(f"a layout process died (exit code {process.exitcode})")


def _run_in_child(connection, function, args) -> None:
    _as_child()
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

    def __len__(self) -> int:
        return len(self._running)

    def __contains__(self, key) -> bool:
        return any(running == key for running, _ in self._running.values())

    def start(self, key, function, *args) -> None:
        receiving, sending = self._context.Pipe(duplex=False)
        process = self._context.Process(target=_run_in_child, args=(sending, function, args), daemon=True)
        process.start()
        sending.close()  # the child's end: once the child exits, reading ends instead of hanging
        self._running[receiving] = (key, process)

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
            raise _died(process)
        if outcome[0] == "failed":
            _raise(*outcome[1:])
        return key, outcome[1]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        for connection, (_, process) in self._running.items():
            process.kill()
            process.join()
            connection.close()
        self._running.clear()


def _stand_by(connection, prepare) -> None:
    _as_child()
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
        self._process = context.Process(target=_stand_by, args=(theirs, prepare), daemon=True)
        self._process.start()
        theirs.close()

    def call(self, function, *args, progress=None):
        self._connection.send((function, args, progress is not None))
        while True:
            try:
                outcome = self._connection.recv()
            except EOFError:
                self._process.join()
                raise _died(self._process) from None
            if outcome[0] == "progress":
                progress(outcome[1])
            elif outcome[0] == "failed":
                _raise(*outcome[1:])
            else:
                return outcome[1]

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._connection.close()

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
