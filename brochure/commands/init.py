"""brochure init, new and schema: the files a project starts from."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from pathlib import Path

from brochure.commands import scaffold
from brochure.content.schema import load_schema
from brochure.content.settings import SETTINGS_FILE, find_root, load_settings
from brochure.content.yaml_reader import entry_files
from brochure.errors import ContentError, Problem
from brochure.files import checked_output, create_new, make_folder, write_atomically
from brochure.model import Settings


def schema_text(which: str) -> str:
    """The JSON Schema of an entry or of brochure.yaml, as the file editors read."""
    return json.dumps(load_schema(which), indent=2, ensure_ascii=False) + "\n"


def write_schema(which: str, target: Path, start: Path) -> Path:
    """`brochure schema --output TARGET`: through the output guard like every output (a
    .json name, never a folder, a device or a pipe, never a file of the project found
    from `start`). Returns the file written."""
    target = checked_output(target, _project_inputs(start), (".json",), f"--output {scaffold.SCHEMA_FILE}")
    write_atomically(target, schema_text(which).encode())
    return target


def _project_inputs(start: Path) -> list[Path]:
    """The settings and entry files of the project found from `start`; none without one."""
    try:
        root = find_root(start)
    except ContentError:
        return []  # no project here: none of its files to overwrite
    try:
        entries = load_settings(root).entries_dir
    except ContentError:  # a broken brochure.yaml (which the settings schema helps mend): the usual folder
        entries = Settings.entries_dir
    return [root / SETTINGS_FILE, *entry_files(root / entries)]


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
    instead = f"make it a folder you can write to, or set entries: in {SETTINGS_FILE}"
    make_folder(folder, instead)  # first: an entries folder that cannot be, before the schema is written
    schema = settings.root / scaffold.SCHEMA_FILE
    if not schema.exists():
        write_atomically(schema, schema_text("entry").encode())
    relative_schema = Path(os.path.relpath(schema, folder)).as_posix()
    text = scaffold.new_entry(title, date, tags, relative_schema).encode()
    names = (f"{slug}.yaml" if number == 1 else f"{slug}-{number}.yaml" for number in itertools.count(1))
    return create_new(folder, names, text, instead)
