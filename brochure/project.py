"""Find the project (brochure.yaml, upwards from a folder) and load its settings."""

from __future__ import annotations

from pathlib import Path

from brochure.errors import ContentError, Problem
from brochure.model import Settings
from brochure.source import read_yaml
from brochure.validate import schema_problems

SETTINGS_FILE = "brochure.yaml"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding brochure.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise ContentError([Problem(str(start), 0, 0, "", f"no {SETTINGS_FILE} found here or in any parent folder",
                                "run 'brochure init' to start a project, or pass -C DIR")])


def load_settings(start: Path) -> Settings:
    root = find_root(start)
    document, problems = read_yaml(root / SETTINGS_FILE, SETTINGS_FILE)
    if document is not None:
        problems = schema_problems(document, "settings", SETTINGS_FILE)
    if problems:
        raise ContentError(problems)
    data = document.data
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
    )
