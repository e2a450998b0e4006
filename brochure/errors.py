"""The one error type that carries content problems up to the command line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: str  # relative to the project root, as the user sees it
    line: int = 0  # 1-based; 0 when the problem concerns the whole file
    column: int = 0
    field: str = ""  # dotted name of the entry field, e.g. "image.src"
    message: str = ""
    hint: str = ""

    @property
    def where(self) -> str:
        """file:line:column, or the file alone when the problem concerns all of it."""
        return f"{self.path}:{self.line}:{self.column or 1}" if self.line else self.path

    def __str__(self) -> str:
        where = self.where
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


class ContentError(Exception):
    """The content is wrong: carries every problem found, sorted by file and line."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(f"{len(self.problems)} problem(s)")

    def __reduce__(self):  # raised in a child process, raised again in the parent
        return ContentError, (self.problems,)
