"""Where a theme's templates run. Themes are untrusted (a colleague's download): a
template sees plain data only (text, numbers, dates, lists, mappings), never an object
with methods that reach files or processes; it runs in Jinja2's sandbox, may include
only files of its own theme and of the default theme it inherits (`default/NAME`), and
a runaway loop is stopped and told where it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from brochure.confine import relative_inside, theme_file, theme_layers
from brochure.errors import ContentError, Problem

TEMPLATE_SECONDS = 60.0  # a brochure of 2000 items renders in well under a second
MAX_OUTPUT = 200_000_000  # characters: far beyond any brochure, well before memory runs out


def plain(value: Any) -> Any:
    """`value` as plain data for a template: dataclasses become mappings of their fields,
    tuples lists; paths are left out (a template has no business with files)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: plain(getattr(value, field.name)) for field in dataclasses.fields(value)
                if not isinstance(getattr(value, field.name), Path)}
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items() if not isinstance(item, Path)}
    if isinstance(value, (list, tuple, frozenset, set)):
        return [plain(item) for item in value if not isinstance(item, Path)]
    if value is None or isinstance(value, (str, int, float, dt.date)):
        return value
    raise TypeError(f"not plain data for a template: {type(value).__name__}")


class _ThemeLoader(jinja2.BaseLoader):
    """A theme's templates and included files: its own, else the default theme's
    (`default/NAME` is the default's own, for `{% extends "default/brochure.html.j2" %}`).
    Each must really lie in its folder: Jinja2's own loader follows symbolic links."""

    def __init__(self, theme: Path):
        self.theme = theme

    def get_source(self, environment, template):
        path = theme_file(self.theme, template)
        if path is None:
            raise jinja2.TemplateNotFound(template)
        status = path.stat()
        source = path.read_text("utf-8")
        return source, str(path), lambda: _unchanged(path, status.st_mtime_ns)


def _unchanged(path: Path, modified: int) -> bool:
    try:
        return path.stat().st_mtime_ns == modified
    except OSError:
        return False


def _shown(theme: Path, shown_as: str, filename: str | None) -> str:
    """A template file as messages name it: styles/NAME/FILE for the theme's own,
    styles/default/FILE for the default's; "" for a file of neither."""
    if not filename:
        return ""
    for layer, prefix in zip(theme_layers(theme), (shown_as, "styles/default/"), strict=False):
        if (name := relative_inside(layer, Path(filename))) is not None:
            return prefix + name
    return ""


class _Sandbox(SandboxedEnvironment):
    """Jinja2's sandbox, with the arithmetic that runs away inside one call of C
    (9**9**9, 'x' * 10**12) refused: no time limit can interrupt those. Intercepting
    them also keeps Jinja2 from folding them while it compiles the template."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context, operator, left, right):
        if operator == "**" and _whole(left) and _whole(right) and abs(left) > 1 and \
                right * max(abs(left), 2).bit_length() > 100_000:
            raise SecurityError(f"{left} ** {right} is too large a number")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and _whole(times) and len(sequence) * times > MAX_OUTPUT:
                    raise SecurityError("a repetition longer than any brochure")
            if _whole(left) and _whole(right) and abs(left).bit_length() + abs(right).bit_length() > 100_000:
                raise SecurityError("too large a number")
        return super().call_binop(context, operator, left, right)


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _TooLong(Exception):
    """The template ran past TEMPLATE_SECONDS."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Stop the template after `seconds` (where the system has interval timers and we
    are the main thread; elsewhere the output limit still holds)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise _TooLong

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _suspended_at(generator: Any, theme: Path, shown_as: str) -> tuple[str, int]:
    """The theme template and line a suspended template generator stands at (the
    innermost, following `yield from` into included templates); Jinja2 keeps the
    template of compiled code in its globals as __jinja_template__."""
    found = ("", 0)
    while generator is not None and getattr(generator, "gi_frame", None) is not None:
        frame = generator.gi_frame
        compiled = frame.f_globals.get("__jinja_template__")
        if compiled is not None and (shown := _shown(theme, shown_as, compiled.filename)):
            found = (shown, compiled.get_corresponding_lineno(frame.f_lineno))
        generator = getattr(generator, "gi_yieldfrom", None)
    return found


def _line_in_theme(error: BaseException, theme: Path, shown_as: str) -> tuple[str, int]:
    """The template (as messages name it) and line an exception was raised in (Jinja2
    rewrites tracebacks so that template frames carry the template's own file and line)."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        if shown := _shown(theme, shown_as, frame.filename):
            return shown, frame.lineno or 0
    return "", 0


def render(theme: Path, shown_as: str, template: str, context: dict[str, Any],
           filters: dict[str, Callable] | None = None, functions: dict[str, Callable] | None = None,
           **options: Any) -> str:
    """The theme's `template` rendered with `context` (made plain first), with our
    `filters` and `functions`. `shown_as` names the theme in messages (styles/NAME/)."""
    environment = _Sandbox(loader=_ThemeLoader(theme), autoescape=True,
                                       undefined=jinja2.StrictUndefined, **options)
    environment.filters.update(filters or {})
    environment.globals.update(functions or {})  # ours, like the filters: _() and ngettext() of labels.py
    context = {name: plain(value) for name, value in context.items()}
    pieces, size, generator = [], 0, None
    try:
        with _time_limit(TEMPLATE_SECONDS):
            generator = environment.get_template(template).generate(**context)
            for piece in generator:
                pieces.append(piece)
                size += len(piece)
                if size > MAX_OUTPUT:
                    raise _TooLong
    except jinja2.TemplateError as error:
        raise ContentError([_template_problem(error, theme, shown_as)]) from None
    except (_TooLong, RecursionError, MemoryError) as error:
        # The alarm may land between two pieces, outside any frame of the template: then
        # the line is where the template's generator stands.
        name, line = _line_in_theme(error, theme, shown_as)
        if not line:
            name, line = _suspended_at(generator, theme, shown_as)
        raise ContentError([Problem(name or shown_as + template, line, 0, "",
                                    f"theme template runs away (over {TEMPLATE_SECONDS:.0f} s or "
                                    f"{MAX_OUTPUT // 1_000_000} MB of HTML)",
                                    "look for a loop that never ends or repeats too much")]) from None
    except OSError as error:  # a template file of the theme that cannot be read
        raise ContentError([Problem(shown_as + template, 0, 0, "", f"cannot read the theme's template: "
                                    f"{error.strerror}", "check the file's permissions")]) from None
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
        name, line = _line_in_theme(error, theme, shown_as)  # e.g. a filter given the wrong kind of value
        raise ContentError([Problem(name or shown_as + template, line, 0, "",
                                    f"theme template error: {type(error).__name__}: {error}",
                                    "fix the template, or use theme: default")]) from None
    return "".join(pieces)


def _template_problem(error: jinja2.TemplateError, theme: Path, shown_as: str) -> Problem:
    """A theme's template error, located in the theme's own file: where Jinja2 says
    (syntax errors), else where the traceback left the template (errors while running)."""
    if isinstance(error, jinja2.TemplateNotFound):  # located where it is included or extended, if it is
        where, line = _line_in_theme(error, theme, shown_as)
        return Problem(where or shown_as + (error.name or ""), line, 0, "",
                       f"template {error.name!r} not found in the theme",
                       "templates may only include files of the theme or of the default theme (default/NAME)")
    name = _shown(theme, shown_as, getattr(error, "filename", None)) or shown_as + (getattr(error, "name", None) or "")
    line = getattr(error, "lineno", 0) or 0
    if not line:
        found, line = _line_in_theme(error, theme, shown_as)
        name = found or name
    message = (error.message or str(error)).rstrip(".")
    return Problem(name, line, 0, "", f"theme template error: {message}",
                   "fix the template, or use theme: default")
