"""The project: where brochure.yaml is (upwards from a folder), and its settings."""

from __future__ import annotations

from pathlib import Path

from brochure.confine import is_inside
from brochure.errors import ContentError, Problem
from brochure.model import Settings, YamlDocument

SETTINGS_FILE = "brochure.yaml"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding brochure.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise ContentError([Problem(str(start), 0, 0, "", f"no {SETTINGS_FILE} found here or in any parent folder",
                                "run 'brochure init' to start a project, or pass -C DIR")])


def settings_from(document: YamlDocument, root: Path) -> tuple[Settings | None, list[Problem]]:
    """Settings from a schema-valid brochure.yaml, with defaults filled in; the folders
    it names must be inside the project."""
    data = document.data
    problems = []
    for key, default in (("entries", "entries"), ("output", "build/brochure.pdf")):
        value = data.get(key, default)
        if Path(value).is_absolute() or not is_inside(root, root / value) or (root / value).resolve() == root.resolve():
            line, column = document.where((key,))
            problems.append(Problem(SETTINGS_FILE, line, column, key, f"{value!r} is not inside the project folder",
                                    f"write a path relative to {SETTINGS_FILE}, such as {default}"))
    if problems:
        return None, problems
    page = data.get("page", {})
    return Settings(
        root=root,
        title=data["title"].strip(),
        subtitle=data.get("subtitle", "").strip(),
        publisher=data.get("publisher", "").strip(),
        intro=data.get("intro", "").strip(),
        period=data.get("period", "").strip(),
        language=data.get("language", "en"),
        order=data.get("order", "newest-first"),
        theme=data.get("theme", "default"),
        page_size=page.get("size", "A4"),
        entries_dir=data.get("entries", "entries"),
        output=data.get("output", "build/brochure.pdf"),
    ), []
