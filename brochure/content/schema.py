"""The JSON Schema of entries and settings, and its errors told as located, readable problems.

Every problem is collected with its file, line and column; nothing stops at the first.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator

from brochure.errors import Problem
from brochure.model import YamlDocument

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


def field_name(location) -> str:
    name = ""
    for part in location:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name


def _explain(error, document: YamlDocument, shown_as: str) -> list[Problem]:
    location = tuple(error.absolute_path)
    line, column = document.where(location)
    field = field_name(location)
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
            line, column = document.keys.get((*location, key), (line, column))
            result.append(Problem(shown_as, line, column, field_name((*location, key)),
                                  f"unknown field {key!r}", hint))  # repr: a key may hold controls
        return result
    if kind == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        name = missing[0] if missing else "?"
        where = f"in '{field}'" if field else "in the entry"
        return [Problem(shown_as, line, column, field_name((*location, name)),
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
        if expected == "string" and isinstance(value, bool):
            hint = "YAML reads yes, no, on, off, true and false as true or false: put the text in quotes"
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
    if kind == "maxItems":
        return [at(f"lists {len(value)}, at most {schema['maxItems']}", "leave some out")]
    if kind == "pattern" and location[-1:] in (("isbn",), ("issn",)):
        return [at(f"{_describe(value)} is not an {location[-1].upper()}",
                   f"write the number alone, e.g. {'978-92-1-148351-2' if location[-1] == 'isbn' else '2411-9393'}: "
                   f"'{location[-1].upper()}' is printed before it")]
    if kind == "pattern" and location[-1:] in (("email",), ("phone",)):
        return [at(f"{_describe(value)} is not {'an e-mail address' if location[-1] == 'email' else 'a phone number'}",
                   "write e.g. press@example.org" if location[-1] == "email" else "write e.g. +43 1 26060 0")]
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


def _real(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _date_hint(value) -> str:
    """Suggest the ISO form of a date written another way."""
    text = str(value).strip()
    match = (re.fullmatch(r"(\d{1,2})([./])(\d{1,2})[./](\d{4})", text)
             or re.fullmatch(r"(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})", text))
    year_first = re.fullmatch(r"(\d{4})[./](\d{1,2})[./](\d{1,2})", text)
    try:
        if match and match.lastindex == 4:
            # 11.04.2019 is day first; 04/11/2019 is 4 November in most of the world and
            # April 11 in the US: offer both readings.
            first, separator, second, year = int(match[1]), match[2], int(match[3]), int(match[4])
            orders = ((first, second), (second, first)) if separator == "/" else ((first, second),)
            readings = [dt.date(year, month, day).isoformat() for day, month in orders if _real(year, month, day)]
            if readings:
                return "write " + " or ".join(dict.fromkeys(readings))
        elif match:
            month = _MONTHS.get(match[2].lower())
            if month:
                return f"write {dt.date(int(match[3]), month, int(match[1])).isoformat()}"
        if year_first:
            year, month, day = map(int, year_first.groups())
            return f"write {dt.date(year, month, day).isoformat()}"
    except ValueError:
        pass
    return "write the date as YYYY-MM-DD, e.g. 2019-04-11"
