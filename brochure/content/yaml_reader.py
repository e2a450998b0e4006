"""Read YAML files safely, keeping the line and column of every key and value.

Only plain data is accepted: mappings, sequences and the standard scalar types.
Anchors and aliases are refused outright, so an "alias bomb" is rejected while it
is being parsed, before anything is expanded.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml
from yaml.events import AliasEvent

from brochure.errors import Problem
from brochure.model import Location, YamlDocument

MAX_FILE_BYTES = 1_000_000  # a news item is a few KB; anything this big is a mistake

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}

class _Refused(Exception):
    def __init__(self, mark, message: str, hint: str = ""):
        self.mark, self.message, self.hint = mark, message, hint


class _PlainLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases at parse time."""

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise _Refused(event.start_mark, "YAML aliases (*name) are not supported",
                           "write the value out in full")
        event = self.peek_event()
        if getattr(event, "anchor", None):
            raise _Refused(event.start_mark, "YAML anchors (&name) are not supported",
                           "write the value out in full")
        return super().compose_node(parent, index)


MAX_DEPTH = 20  # entries are shallow; deeper nesting is a mistake or an attack

_MERGE_TAG = "tag:yaml.org,2002:merge"


def read_yaml(path: Path, shown_as: str, kind: str = "entry") -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML file (an entry, or the settings). Returns the document, or None
    and the problems found."""
    empty_hint = "write the entry's fields, starting with title:" if kind == "entry" else \
        "write the brochure's settings, starting with title:"

    def problem(message: str, line: int = 0, column: int = 0, hint: str = "") -> list[Problem]:
        return [Problem(shown_as, line, column, "", message, hint)]

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, problem(f"file is too large ({size:,} bytes; the limit is "
                                 f"{MAX_FILE_BYTES:,})", hint="split it or remove pasted data")
        raw = path.read_bytes()
    except OSError as error:
        return None, problem(f"cannot read the file: {error.strerror}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, problem("the file is not UTF-8 text", line, 1,
                             "save it with UTF-8 encoding")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#")
                               for line in text.splitlines()):
        return None, problem("the file is empty", 1, 1, empty_hint)

    loader, node = _parsed_by_libyaml(text)
    if node is None:
        loader, node, problems = _parsed_by_pyyaml(text, problem)
        if problems:
            return None, problems
    if node is None:
        return None, problem("the file is empty", 1, 1, empty_hint)

    builder = _Builder(loader, shown_as, text.splitlines())
    data = builder.build(node, ())
    if builder.problems:
        return None, builder.problems
    if not isinstance(data, dict):
        return None, problem("the file must be a mapping of fields (key: value), not "
                             f"{_kind(data)}", node.start_mark.line + 1, node.start_mark.column + 1,
                             "start with a line such as 'title: ...'")
    return YamlDocument(data, builder.values, builder.keys), []


def _parsed_by_libyaml(text: str):
    """(loader, node) of a valid document without anchors or aliases, parsed by libyaml
    (fifteen times faster than PyYAML's own parser: 2 s of a 2000-item build); (None,
    None) for anything else, which _parsed_by_pyyaml reads again to say what is wrong."""
    if not yaml.__with_libyaml__ or "\t" in text:
        # libyaml accepts tabs in places PyYAML refuses: such files take the slow path,
        # so that what is accepted never depends on how PyYAML was installed.
        return None, None
    events = yaml.CSafeLoader(text)
    try:
        while events.check_event():
            event = events.get_event()
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
                return None, None
    except yaml.YAMLError:
        return None, None
    finally:
        events.dispose()
    loader = yaml.CSafeLoader(text)
    try:
        return loader, loader.get_single_node()
    except yaml.YAMLError:
        return None, None
    finally:
        loader.dispose()


def _parsed_by_pyyaml(text: str, problem):
    """(loader, node, problems): PyYAML's parser, refusing anchors and aliases where
    they stand and telling every syntax error in its place."""
    loader = None
    try:
        loader = _PlainLoader(text)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as error:  # a control character, before any parsing
        line = text.count("\n", 0, error.position) + 1
        column = error.position - text.rfind("\n", 0, error.position)
        character = error.character if isinstance(error.character, str) else chr(error.character)
        return None, None, problem(f"the character U+{ord(character):04X} is not allowed in YAML", line, column,
                                   "delete it: control characters often come in with pasted text")
    except _Refused as refused:
        return None, None, problem(refused.message, refused.mark.line + 1, refused.mark.column + 1,
                                   refused.hint)
    except RecursionError:
        return None, None, problem(f"nested too deeply (more than {MAX_DEPTH} levels)", 1, 1,
                                   "entries are flat: fields, lists and small mappings")
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if "'\\t'" in str(error.problem):
            assert mark is not None  # PyYAML marks where it found the tab
            before = text.splitlines()[mark.line][:mark.column] if mark.line < len(text.splitlines()) else ""
            if not before.strip():
                return None, None, problem("tab used for indentation", mark.line + 1, mark.column + 1,
                                           "indent with spaces only")
            return None, None, problem("a tab is not allowed here", mark.line + 1, mark.column + 1,
                                       "use spaces, or put the value in quotes")
        message = (error.problem or error.context or "invalid YAML").strip()
        hint = "check the indentation and quote values that contain ': ' or start with a special character"
        if error.context and error.problem and error.problem.startswith("but "):
            message = f"{error.context}, {error.problem}"
        elif error.context and error.context_mark and error.problem:
            message += f", {error.context} that starts on line {error.context_mark.line + 1}"
        if "another document" in message:
            hint = "one entry per file: remove the '---' line"
        return None, None, problem(f"invalid YAML: {message}", mark.line + 1 if mark else 0,
                                   mark.column + 1 if mark else 0, hint)
    except yaml.YAMLError as error:
        return None, None, problem(f"invalid YAML: {error}")
    finally:
        if loader is not None:
            loader.dispose()
    return loader, node, []


class _Builder:
    """Turns a composed node tree into plain data, recording positions."""

    def __init__(self, loader: yaml.SafeLoader, shown_as: str, lines: list[str]):
        self.loader = loader
        self.shown_as = shown_as
        self.lines = lines  # the file's text, to see what YAML took for a comment
        self.values: dict[Location, tuple[int, int]] = {}
        self.keys: dict[Location, tuple[int, int]] = {}
        self.problems: list[Problem] = []

    def _refuse(self, node, message: str, hint: str = "") -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.shown_as, mark.line + 1, mark.column + 1, "", message, hint))

    def _comment_cuts(self, node, location: Location, value: str) -> None:
        """An unquoted value followed by ' #word' on its line: YAML cut the value there
        and read the rest as a comment, which the writer almost never means (a comment
        is written after two spaces and '# ')."""
        end = node.end_mark
        rest = self.lines[end.line][end.column:] if end.line < len(self.lines) else ""
        cut = _CUT.match(rest)
        if cut and location:
            column = end.column + cut.start(1) + 1
            self.problems.append(Problem(
                self.shown_as, end.line + 1, column, ".".join(map(str, location)),
                f"the value stops before {cut[1]!r}: YAML reads ' #' as the start of a comment",
                f'put the whole value in quotes: "{value} {cut[1]}"'))

    def build(self, node, location: Location):
        self.values[location] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if len(location) > MAX_DEPTH:
            self._refuse(node, f"nested too deeply (more than {MAX_DEPTH} levels)",
                         "entries are flat: fields, lists and small mappings")
            return None
        if node.tag not in _STANDARD_TAGS:
            self._refuse(node, f"YAML tag {node.tag!r} is not allowed",
                         "remove the tag; entries hold plain text, numbers, dates, lists and mappings")
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict = {}
            first_line: dict = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    self._refuse(key_node, "YAML merge keys (<<) are not supported",
                                 "write the fields out in full")
                    continue
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _STANDARD_TAGS:
                    self._refuse(key_node, "a key must be a plain name, such as title",
                                 "remove the tag or the brackets before the colon")
                    continue
                key = key_node.value  # as written: 2019 or 2019-02-30 as a key is just a name
                line = key_node.start_mark.line + 1
                if key in result:
                    self._refuse(key_node, f"duplicate key {key!r} (first given on line {first_line[key]})",
                                 "keep one of them")
                    continue
                first_line[key] = line
                self.keys[(*location, key)] = (line, key_node.start_mark.column + 1)
                result[key] = self.build(value_node, (*location, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*location, index)) for index, item in enumerate(node.value)]
        try:
            value = self.loader.construct_object(node)
        except (ValueError, yaml.YAMLError):
            # e.g. 2019-02-30 looks like a date to YAML but is none: keep the text and
            # let validation say what is wrong with it, in its place.
            return node.value
        if isinstance(value, str) and not node.style:  # plain: None from PyYAML, "" from libyaml
            self._comment_cuts(node, location, value)
        # Dates are kept as ISO text so the JSON Schema sees what the user wrote.
        if isinstance(value, dt.datetime):
            return value.isoformat(sep=" ")
        if isinstance(value, dt.date):
            return value.isoformat()
        return value


_CUT = re.compile(r"[ \t]+(#\S.*)$")  # ' #1 in Europe', ' #MeToo': a comment to YAML, text to a person


def _kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"a single value ({value!r})"[:80]


def entry_files(folder: Path) -> list[Path]:
    """Every name under `folder` that ends in .yaml or .yml, any depth, in a stable order,
    whatever it is: a folder, a named pipe or a broken link so named is for the reader
    to report, since skipping it would leave an item out without a word.

    Hidden files and folders (editor backups, .git) are skipped.
    """
    found = [path for pattern in ("*.yaml", "*.yml") for path in folder.rglob(pattern)
             if not any(part.startswith(".") for part in path.relative_to(folder).parts)]
    return sorted(found, key=lambda path: path.relative_to(folder).as_posix())
