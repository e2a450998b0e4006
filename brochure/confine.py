"""The one rule of confinement: a file we read must really be inside a given folder.

Paths are resolved (symbolic links followed, `..` collapsed) before the comparison,
so neither a link nor a `..` can lead out. Every stage that touches a path asks here.
"""

from __future__ import annotations

import re
from pathlib import Path

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two letters at least: C:photo.jpg is no address


def relative_inside(folder: Path, path: Path) -> str | None:
    """`path` relative to `folder`, both resolved, with forward slashes ("." for the
    folder itself); None when it lies outside, or cannot be resolved."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except (OSError, RuntimeError, ValueError):  # outside; a link loop, a NUL byte …
        return None


def is_inside(folder: Path, path: Path) -> bool:
    """Whether `path`, resolved, is `folder` (resolved) or lies below it."""
    return relative_inside(folder, path) is not None


def resolve_inside(root: Path, base: Path, reference: str) -> tuple[Path | None, str]:
    """Resolve `reference`, written relative to folder `base`, and require it inside `root`.

    Returns (resolved path, "") or (None, why not).
    """
    if _SCHEME.match(reference) or reference.startswith("//"):
        return None, "is a web address; images must be files inside the project"
    if "\0" in reference:
        return None, "contains a NUL character"
    if Path(reference).is_absolute() or reference.startswith("\\"):
        return None, "is an absolute path; write it relative to the entry file"
    candidate = base / reference
    if not is_inside(root, candidate):
        return None, "leads outside the project folder"
    return candidate.resolve(), ""
