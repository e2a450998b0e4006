"""An SVG picture (a logo, or an entry's picture) checked before anything is drawn:
confined like every other file, it may refer to nothing outside itself and run nothing.

Refused, with the line and column in the SVG: a DOCTYPE or ENTITY declaration (entities
are how XML reaches files and multiplies itself), an xml-stylesheet instruction, <script>,
<foreignObject> (HTML inside the picture), any on* attribute, an href or xlink:href to
anything but a #fragment of the same file, a CSS url() or @import to anything but a
#fragment, and embedded (data:) pictures, which the layout's fetcher would not read.

Parsed with expat and nothing else: no DOCTYPE means no entity is ever expanded.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
MAX_SVG_BYTES = 5 << 20  # a logo is a few kilobytes; a drawing a few hundred
MAX_ELEMENTS = 200_000
_FORBIDDEN = {"script": "a <script>", "foreignObject": "a <foreignObject> (HTML inside the picture)"}
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)|@import", re.I | re.S)
_HREF_NAMES = {"href", "http://www.w3.org/1999/xlink href"}


class UnsafeSvg(ValueError):
    """What is wrong with an SVG, and where in it (1-based line and column; 0 when the
    whole file)."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        super().__init__(message)
        self.line, self.column = line, column

    def __str__(self) -> str:
        where = f" at line {self.line}, column {self.column}" if self.line else ""
        return f"{self.args[0]}{where}"


def is_svg(path: Path) -> bool:
    """Whether the file is (meant to be) an SVG: by its ending, or by its first bytes."""
    if path.suffix.lower() in (".svg", ".svgz"):
        return True
    try:
        with path.open("rb") as stream:
            head = stream.read(512).lstrip()
    except OSError:
        return False
    return head.startswith(b"<?xml") or head.startswith(b"<svg")


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _check_css(text: str, line: int, column: int) -> None:
    for match in _URL.finditer(text):
        if match[0].lower() == "@import":
            raise UnsafeSvg("a CSS @import (another file)", line, column)
        if not match[2].strip().startswith("#"):
            raise UnsafeSvg(f"a CSS url({match[2].strip()[:60]!r}) outside the file", line, column)


def check_svg(path: Path) -> None:
    """Raise UnsafeSvg when the SVG at `path` is not a plain, self-contained drawing."""
    if path.suffix.lower() == ".svgz":
        raise UnsafeSvg("is compressed (.svgz); save it as a plain .svg")
    try:
        if path.stat().st_size > MAX_SVG_BYTES:
            raise UnsafeSvg(f"is larger than {MAX_SVG_BYTES >> 20} MB; simplify it or export it as PNG")
        data = path.read_bytes()
    except OSError as error:
        raise UnsafeSvg(f"cannot be read ({error.strerror})") from None
    check_svg_bytes(data)


def check_svg_bytes(data: bytes) -> None:
    """The checks of check_svg, on the bytes of an SVG."""
    parser = expat.ParserCreate(namespace_separator=" ")
    count = 0
    depth: list[str] = []
    found: list[UnsafeSvg] = []

    def here() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def refuse(message: str) -> None:
        raise UnsafeSvg(message, *here())

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_ELEMENTS:
            refuse(f"has more than {MAX_ELEMENTS:,} elements")
        local = _local(name)
        if not depth and name != f"{SVG_NS} svg":
            refuse(f"is not an SVG picture (its first element is <{local}>, not <svg> in the SVG namespace)")
        if local in _FORBIDDEN:
            refuse(f"has {_FORBIDDEN[local]}")
        depth.append(local)
        for key, value in attributes.items():
            attribute = _local(key)
            if attribute.lower().startswith("on"):
                refuse(f"has an event attribute {attribute}= (a script)")
            if key in _HREF_NAMES or attribute == "href":
                if value.strip().startswith("data:"):
                    refuse("embeds a picture (data:); the brochure draws none inside an SVG")
                if not value.strip().startswith("#"):
                    refuse(f"refers to {value.strip()[:60]!r} outside the file")
            _check_css(value, *here())

    def end(name: str) -> None:
        depth.pop()

    def text(data: str) -> None:
        if depth and depth[-1] == "style":
            _check_css(data, *here())

    def doctype(*_args) -> None:
        refuse("has a DOCTYPE declaration (entities can read files or grow without end)")

    def entity(*_args) -> None:
        refuse("declares an ENTITY (entities can read files or grow without end)")

    def instruction(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            refuse("has an xml-stylesheet instruction (another file)")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except UnsafeSvg as error:
        found.append(error)
    except expat.ExpatError as error:
        found.append(UnsafeSvg(f"is not well-formed XML ({expat.errors.messages[error.code]})", error.lineno,
                               error.offset + 1))
    if found:
        raise found[0]
    if count == 0:
        raise UnsafeSvg("is empty")


def svg_trouble(path: Path) -> str:
    """What makes the SVG at `path` unsafe to draw, or "" (also when it is no SVG)."""
    if not is_svg(path):
        return ""
    try:
        check_svg(path)
    except UnsafeSvg as error:
        return str(error)
    return ""
