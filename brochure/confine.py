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


def default_theme() -> Path:
    """The built-in default theme, which every project theme inherits from."""
    from importlib import resources

    return Path(str(resources.files("brochure").joinpath("styles", "default")))


def theme_layers(theme: Path) -> list[Path]:
    """The folders a theme's files come from, in the order they are looked in: a project
    theme's own folder, then the default theme's; the default alone for the default."""
    default = default_theme()
    return [theme] if relative_inside(default, theme) == "." else [theme, default]


def theme_file(theme: Path, name: str) -> Path | None:
    """The file `name` (relative, with forward slashes) of a theme, resolved: the theme's
    own, else the default's; `default/NAME` is always the default's own NAME. The first
    folder where the name exists decides: a name that exists there but leads out of that
    folder (a link, `..`), or is not a regular file, is refused (None), never replaced by
    the default's."""
    layers = theme_layers(theme)
    if name.startswith("default/"):
        layers, name = layers[-1:], name.removeprefix("default/")
    if not name or "\0" in name or Path(name).is_absolute() or name.startswith("\\"):
        return None
    for layer in layers:
        candidate = layer / name
        try:
            present = candidate.is_symlink() or candidate.exists()
        except (OSError, ValueError):
            return None
        if present:
            return candidate.resolve() if is_inside(layer, candidate) and candidate.is_file() else None
    return None
