"""brochure init, new and schema: the files a project starts from."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from pathlib import Path

from brochure.commands import scaffold
from brochure.content.schema import load_schema
from brochure.content.settings import SETTINGS_FILE, load_settings
from brochure.errors import ContentError, Problem
from brochure.files import create_new, write_atomically


def schema_text(which: str) -> str:
    """The JSON Schema of an entry or of brochure.yaml, as the file editors read."""
    return json.dumps(load_schema(which), indent=2, ensure_ascii=False) + "\n"


def write_schema(which: str, target: Path) -> None:
    write_atomically(target, schema_text(which).encode())


def init_project(folder: Path, today: dt.date) -> list[Path]:
    """A new, working project in `folder`: settings, a sample entry and its image, the
    entry schema for editors, a .gitignore. Refuses to touch an existing project."""
    if (folder / SETTINGS_FILE).exists() or (folder / "entries").exists():
        raise ContentError([Problem(str(folder / SETTINGS_FILE), 0, 0, "",
                                    "a brochure project is already here; nothing was changed",
                                    "choose an empty folder: brochure init NEW-FOLDER")])
    title = folder.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "Brochure"
    entry = folder / "entries" / f"{today.isoformat()}-welcome.yaml"
    files = {
        folder / SETTINGS_FILE: scaffold.settings(title).encode(),
        folder / scaffold.SCHEMA_FILE: schema_text("entry").encode(),
        entry: scaffold.sample_entry(today, f"../{scaffold.SCHEMA_FILE}").encode(),
        folder / "entries" / scaffold.SAMPLE_IMAGE: scaffold.sample_image(),
        folder / ".gitignore": scaffold.GITIGNORE.encode(),
    }
    for path, data in files.items():
        if path.name != ".gitignore" or not path.exists():  # an existing .gitignore is the user's: leave it
            write_atomically(path, data)
    return list(files)


def new_entry(start: Path, title: str, date: dt.date, tags: tuple[str, ...]) -> Path:
    """A new entry file named DATE-slug.yaml (never overwriting: -2, -3 … when taken),
    every optional field present as a comment. Writes the schema file it points at
    when the project has none yet."""
    settings = load_settings(start)
    folder = settings.root / settings.entries_dir
    slug = f"{date.isoformat()}-{scaffold.slugify(title)}"
    schema = settings.root / scaffold.SCHEMA_FILE
    if not schema.exists():
        write_schema("entry", schema)
    relative_schema = Path(os.path.relpath(schema, folder)).as_posix()
    text = scaffold.new_entry(title, date, tags, relative_schema).encode()
    names = (f"{slug}.yaml" if number == 1 else f"{slug}-{number}.yaml" for number in itertools.count(1))
    return create_new(folder, names, text)
