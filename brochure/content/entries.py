"""One entry: the schema first, then the rules a schema can't say (real dates, an end
after the start, an image that is a file inside the project); the Entry when all hold.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from brochure.confine import resolve_inside
from brochure.content.schema import schema_problems
from brochure.content.text import text_problems
from brochure.errors import Problem
from brochure.model import Entry, Image, Link, Source, YamlDocument

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg"}  # SVG: checked by content/svg.py

def _real_date(document: YamlDocument, key: str, shown_as: str, problems: list[Problem]) -> dt.date | None:
    text = document.data.get(key)
    if not isinstance(text, str):
        return None  # the schema has already said what is wrong
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\n", text):  # passes the schema's pattern: say it here
            line, column = document.where((key,))
            problems.append(Problem(shown_as, line, column, key, f"{text!r} has a line break after the date",
                                    "write the date alone, e.g. 2019-04-11, without quotes"))
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        line, column = document.where((key,))
        problems.append(Problem(shown_as, line, column, key, f"{text!r} is not a day of the calendar",
                                "check the month and the day"))
        return None


def _image(image_data: dict, document: YamlDocument, shown_as: str, base: Path, root: Path,
           allow_remote: bool) -> tuple[Image | None, list[Problem]]:
    src = image_data["src"]
    line, column = document.where(("image", "src"))

    def problem(message: str, hint: str) -> tuple[None, list[Problem]]:
        return None, [Problem(shown_as, line, column, "image.src", message, hint)]

    def image(path: Path | None) -> tuple[Image, list[Problem]]:
        return Image(src=src, path=path, alt=image_data.get("alt", ""), credit=image_data.get("credit", ""),
                     caption=image_data.get("caption", ""), where=(line, column)), []

    if allow_remote and re.match(r"^https?://", src):
        return image(None)  # fetched by the build, which reports a failure
    path, reason = resolve_inside(root, base, src)
    if path is None:
        hint = "put the image in the project (e.g. entries/images/)"
        if reason.startswith("is a web address"):
            hint = "download it into the project, or build with --allow-remote-images"
        return problem(f"{src!r} {reason}", hint)
    if not path.is_file():
        return problem(f"image file {src!r} not found", "check the file name; paths are relative to the entry file")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return problem(f"{src!r} is not a supported image type", "use " + ", ".join(sorted(IMAGE_SUFFIXES)))
    return image(path)  # its content is checked by preflight, once every entry is valid


def entry_from_document(document: YamlDocument, shown_as: str, file_path: Path, root: Path,
                        allow_remote_images: bool = False) -> tuple[Entry | None, list[Problem]]:
    """Validate one parsed entry file; build the Entry when it has no problem."""
    problems = schema_problems(document, "entry", shown_as) + text_problems(document, shown_as)
    data = document.data
    date = _real_date(document, "date", shown_as, problems)
    end_date = _real_date(document, "end_date", shown_as, problems)
    if date and end_date and end_date < date:
        line, column = document.where(("end_date",))
        problems.append(Problem(shown_as, line, column, "end_date",
                                f"ends ({end_date}) before it starts ({date})",
                                "end_date must be the same day as date or later"))
    image = None
    image_data = data.get("image")
    if isinstance(image_data, dict) and isinstance(image_data.get("src"), str) and image_data["src"]:
        image, found = _image(image_data, document, shown_as, file_path.parent, root, allow_remote_images)
        problems.extend(found)
    if problems:
        return None, problems
    assert date is not None  # the schema requires a date, and _real_date found none wrong
    source = data.get("source")
    entry = Entry(
        file=shown_as,
        title=data["title"].strip(),
        date=date,
        end_date=end_date if end_date and end_date != date else None,
        body=data["body"],
        summary=data.get("summary", "").strip(),
        image=image,
        source=Source(source["name"], source.get("url", "")) if source else None,
        links=tuple(Link(link["title"], link["url"]) for link in data.get("links", [])),
        tags=tuple(data.get("tags", [])),
        draft=bool(data.get("draft", False)),
        weight=int(data.get("weight", 0)),
        lang=data.get("lang", ""),
        extra=data.get("extra", {}),
    )
    return entry, []
