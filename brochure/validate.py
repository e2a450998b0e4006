"""Check entries and settings: the JSON Schema first, then the rules a schema can't say.

Every problem is collected with its file, line and column; nothing stops at the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path

from jsonschema import Draft202012Validator

from brochure.confine import resolve_inside
from brochure.errors import Problem
from brochure.model import Entry, Image, Link, Source, YamlDocument

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp"}
_MONTHS = {name: number for number, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december"], 1)}


@cache
def load_schema(name: str) -> dict:
    """The JSON Schema shipped in brochure/schema/ ('entry' or 'settings')."""
    text = resources.files("brochure.schema").joinpath(f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_schema(name))


def schema_problems(document: YamlDocument, schema_name: str, shown_as: str) -> list[Problem]:
    """Every way `document` breaks the schema, as located, readable problems."""
    problems = []
    for error in _validator(schema_name).iter_errors(document.data):
        problems.extend(_explain(error, document, shown_as))
    # A misspelt key also makes its real name "missing": say it once, as the typo.
    suggested = {(problem.field.rpartition(".")[0], problem.hint.split("'")[1])
                 for problem in problems if problem.hint.startswith("did you mean")}
    return [problem for problem in problems
            if not (problem.message.startswith("required field")
                    and tuple(problem.field.rpartition(".")[::2]) in suggested)]


def _field_name(location) -> str:
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _explain(error, document: YamlDocument, shown_as: str) -> list[Problem]:
    location = tuple(error.absolute_path)
    line, column = document.where(location)
    field = _field_name(location)
    kind, value, schema = error.validator, error.instance, error.schema

    def at(message: str, hint: str = "", where=location, name=field) -> Problem:
        ln, col = document.where(where)
        return Problem(shown_as, ln, col, name, message, hint)

    if kind == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        extras = [key for key in value if key not in schema.get("properties", {})]
        result = []
        for key in extras:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "known fields: " + ", ".join(known)
            line, column = document.keys.get(location + (key,), (line, column))
            result.append(Problem(shown_as, line, column, _field_name(location + (key,)),
                                  f"unknown field '{key}'", hint))
        return result
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        name = missing[0] if missing else "?"
        where = f"in '{field}'" if field else "in the entry"
        return [Problem(shown_as, line, column, _field_name(location + (name,)),
                        f"required field '{name}' is missing {where}", f"add '{name}: ...'")]
    if location and location[-1] in ("date", "end_date") and kind in ("pattern", "type"):
        return [at(f"{_describe(value)} is not a date", _date_hint(value))]
    if "url" in location[-1:] and kind == "pattern":
        return [at(f"{_describe(value)} is not an accepted link",
                   "write a full http://, https:// or mailto: address")]
    if kind == "type":
        wanted = {"string": "text", "integer": "a whole number", "boolean": "true or false",
                  "object": "a mapping of fields", "array": "a list"}
        expected = schema["type"]
        text = wanted.get(expected, expected)
        hint = "put the text in quotes" if expected == "string" else ""
        if expected == "array":
            hint = "write it as [a, b] or as lines starting with '- '"
        return [at(f"must be {text}, not {_describe(value)}", hint)]
    if kind == "enum":
        allowed = ", ".join(str(option) for option in schema["enum"])
        return [at(f"{_describe(value)} is not allowed", f"use one of: {allowed}")]
    if kind == "minLength" or (kind == "pattern" and schema.get("pattern") == "\\S"):
        return [at("must not be empty", "write some text or remove the field")]
    if kind == "maxLength":
        return [at(f"is too long ({len(value)} characters, at most {schema['maxLength']})",
                   "shorten it")]
    if kind == "uniqueItems":
        return [at("lists the same value twice", "remove the repeated value")]
    if kind == "pattern" and location and location[0] == "tags":
        return [at(f"tag {_describe(value)} is not a simple lower-case word",
                   f"write it as '{_slug(str(value))}'")]
    if kind == "pattern" and location[-1:] in (("lang",), ("language",)):
        return [at(f"{_describe(value)} is not a language tag", "write e.g. en, fr or pt-BR")]
    return [at(error.message)]


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "tag"


def _date_hint(value) -> str:
    """Suggest the ISO form of a date written another way."""
    text = str(value).strip()
    match = (re.fullmatch(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", text)
             or re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", text))
    year_first = re.fullmatch(r"(\d{4})[./](\d{1,2})[./](\d{1,2})", text)
    try:
        if match:
            day, month, year = match.groups()
            month = _MONTHS.get(month.lower(), None) if not month.isdigit() else int(month)
            if month:
                return f"write {dt.date(int(year), month, int(day)).isoformat()}"
        if year_first:
            year, month, day = map(int, year_first.groups())
            return f"write {dt.date(year, month, day).isoformat()}"
    except ValueError:
        pass
    return "write the date as YYYY-MM-DD, e.g. 2019-04-11"


def _real_date(document: YamlDocument, key: str, shown_as: str, problems: list) -> dt.date | None:
    text = document.data.get(key)
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None  # the schema has already said what is wrong
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
    problems = schema_problems(document, "entry", shown_as)
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
