"""An SVG picture (a logo, or an entry's picture) checked before anything is drawn:
confined like every other file, it may refer to nothing outside itself and run nothing.

Refused, with the line and column in the SVG: a DOCTYPE with an internal subset, or any
ENTITY declaration (entities are how XML reaches files and multiplies itself), an
xml-stylesheet instruction, <script>, <foreignObject> (HTML inside the picture), any on*
attribute, an href or xlink:href to anything but a #fragment of the same file, a CSS
url() or @import to anything but a #fragment (read from the CSS tokens, so that escapes
such as @im\\70ort change nothing), and embedded (data:) pictures, which the layout's
fetcher would not read. A DOCTYPE that only names its DTD (as Illustrator writes
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://…/svg11.dtd">) is allowed: expat
never reads the DTD (no handler for external entities, parameter entities never parsed),
and an entity the DTD alone would define is refused.

Too large to draw: more than MAX_ELEMENTS elements, counting each <use> as the copy of
what it refers to (nested <use>s multiply: ten of ten of ten … is the "billion laughs"
of SVG), and a <use> that refers to itself, directly or through what it copies.

Parsed with expat and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.parsers import expat

SVG_NS = "http://www.w3.org/2000/svg"
MAX_SVG_BYTES = 5 << 20  # a logo is a few kilobytes; a drawing a few hundred
MAX_ELEMENTS = 200_000
_FORBIDDEN = {"script": "a <script>", "foreignObject": "a <foreignObject> (HTML inside the picture)"}
_HREF_NAMES = {"href", "http://www.w3.org/1999/xlink href"}
# CSS functions whose string argument is an address: url("x"), and those of CSS Images
# and Values 4 (image("x.png"), image-set("x.png" 1x), src("x")).
_URL_FUNCTIONS = {"url", "src", "image", "image-set", "-webkit-image-set"}


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
    """Refuse an @import, and a url() (or an address given to image(), src() …) to
    anything but a #fragment, in CSS: a <style> sheet, a style="", a presentation
    attribute. Read from tinycss2's tokens, escapes decoded, as WeasyPrint reads them."""
    if "(" not in text and "@" not in text:
        return  # neither a function, a url nor an at-rule can be written without them
    import tinycss2  # type: ignore[import-untyped]

    def address(value: str) -> None:
        if not value.strip().startswith("#"):
            raise UnsafeSvg(f"has a CSS url({value.strip()[:60]!r}) outside the file", line, column)

    pending = list(tinycss2.parse_component_value_list(text))
    for token in pending:  # in order, the blocks' and functions' tokens appended as they come
        if token.type == "at-keyword" and token.lower_value == "import":
            raise UnsafeSvg("has a CSS @import (another file)", line, column)
        if token.type == "url":
            address(token.value)
        elif token.type == "error" and token.kind == "bad-url":
            raise UnsafeSvg("has a CSS url() that cannot be read", line, column)
        elif token.type == "function":
            if token.lower_name in _URL_FUNCTIONS:
                for argument in token.arguments:
                    if argument.type in ("string", "url"):
                        address(argument.value)
            pending += token.arguments
        elif token.type in ("() block", "[] block", "{} block"):
            pending += token.content


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
    depth: list[str] = []
    found: list[UnsafeSvg] = []
    drawing = _Drawing()
    style: list[str] = []  # the text of the <style> being read, checked whole at its end
    style_at = (0, 0)

    def here() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def refuse(message: str) -> None:
        raise UnsafeSvg(message, *here())

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal style_at
        if len(drawing.children) >= MAX_ELEMENTS:
            refuse(f"has more than {MAX_ELEMENTS:,} elements")
        local = _local(name)
        if not depth and name != f"{SVG_NS} svg":
            refuse(f"is not an SVG picture (its first element is <{local}>, not <svg> in the SVG namespace)")
        if local in _FORBIDDEN:
            refuse(f"has {_FORBIDDEN[local]}")
        depth.append(local)
        copied = []
        for key, value in attributes.items():
            attribute = _local(key)
            if attribute.lower().startswith("on"):
                refuse(f"has an event attribute {attribute}= (a script)")
            if key in _HREF_NAMES or attribute == "href":
                if value.strip().startswith("data:"):
                    refuse("embeds a picture (data:); the brochure draws none inside an SVG")
                if not value.strip().startswith("#"):
                    refuse(f"refers to {value.strip()[:60]!r} outside the file")
                copied.append(value.strip()[1:])
            _check_css(value, *here())
        drawing.start(attributes.get("id"), copied if local == "use" else [], here())
        if local == "style":
            style.clear()
            style_at = here()

    def end(name: str) -> None:
        if depth.pop() == "style":
            _check_css("".join(style), *style_at)
        drawing.end()

    def text(data: str) -> None:
        if depth and depth[-1] == "style":
            style.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    _refuse_declarations(parser, refuse)
    try:
        parser.Parse(data, True)
    except UnsafeSvg as error:
        found.append(error)
    except expat.ExpatError as error:
        found.append(UnsafeSvg(f"is not well-formed XML ({expat.errors.messages[error.code]})", error.lineno,
                               error.offset + 1))
    if found:
        raise found[0]
    if not drawing.children:
        raise UnsafeSvg("is empty")
    drawing.check_copies()


def _refuse_declarations(parser, refuse: Callable[[str], None]) -> None:
    """Refuse, by expat's handlers, what the prolog and instructions could bring in: a
    DOCTYPE's own declarations, an ENTITY, an entity only the DTD defines, another file's
    style sheet. The DTD a DOCTYPE names is never read."""
    def doctype(_name: str, _system: str | None, _public: str | None, internal_subset: int) -> None:
        if internal_subset:
            refuse("has a DOCTYPE with declarations of its own (entities can read files or grow without end)")

    def entity(*_args) -> None:
        refuse("declares an ENTITY (entities can read files or grow without end)")

    def skipped(name: str, _parameter: int) -> None:
        refuse(f"refers to the entity &{name}; of a DTD, which is never read")

    def external(*_args) -> int:  # never called: parameter entities are not parsed, and no ENTITY passes
        refuse("refers to an external entity")
        return 0

    def instruction(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            refuse("has an xml-stylesheet instruction (another file)")

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.SkippedEntityHandler = skipped
    parser.ExternalEntityRefHandler = external
    parser.ProcessingInstructionHandler = instruction
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)  # the DTD is never read


class _Drawing:
    """The SVG's elements as a tree, with the ids each <use> copies: how many elements
    drawing it makes, every <use> replaced by a copy of what it refers to."""

    def __init__(self) -> None:
        self.children: list[list[int]] = []  # by element, in the order they start
        self.copies: list[list[str]] = []  # by element: the ids a <use> refers to (href, xlink:href)
        self.where: list[tuple[int, int]] = []
        self.ids: dict[str, list[int]] = {}  # every element of an id (an id given twice: each counts)
        self.open: list[int] = []

    def start(self, id_: str | None, copies: list[str], where: tuple[int, int]) -> None:
        element = len(self.children)
        self.children.append([])
        self.copies.append(copies)
        self.where.append(where)
        if id_ is not None:
            self.ids.setdefault(id_, []).append(element)
        if self.open:
            self.children[self.open[-1]].append(element)
        self.open.append(element)

    def end(self) -> None:
        self.open.pop()

    def check_copies(self) -> None:
        """Raise UnsafeSvg when a <use> copies itself (directly, or through what it
        copies), or when the elements drawn, copies counted, are more than MAX_ELEMENTS.
        Each element's count is made once (memoised), depth first without recursion."""
        size = [0] * len(self.children)
        state = bytearray(len(self.children))  # 0: not seen; 1: on the path being counted; 2: counted
        pending: list[tuple[int, bool]] = [(0, False)]
        while pending:
            element, counted = pending.pop()
            if counted:
                copied = sum(max((size[target] for target in self.ids.get(id_, ())), default=0)
                             for id_ in self.copies[element])
                size[element] = min(MAX_ELEMENTS + 1, 1 + sum(size[child] for child in self.children[element]) + copied)
                state[element] = 2
                continue
            if state[element]:
                continue
            state[element] = 1
            pending.append((element, True))
            targets = [target for id_ in self.copies[element] for target in self.ids.get(id_, ())]
            for following in self.children[element] + targets:
                if state[following] == 1:  # an element on the path: a <use> copying itself
                    raise UnsafeSvg("has a <use> that copies itself (directly, or through what it copies)",
                                    *self.where[element])
                if not state[following]:
                    pending.append((following, False))
        if size[0] > MAX_ELEMENTS:
            raise UnsafeSvg(f"has more than {MAX_ELEMENTS:,} elements once each <use> is drawn as the copy of "
                            "what it refers to; simplify it or export it as PNG")


def svg_trouble(path: Path) -> str:
    """What makes the SVG at `path` unsafe to draw, or "" (also when it is no SVG)."""
    if not is_svg(path):
        return ""
    try:
        check_svg(path)
    except UnsafeSvg as error:
        return str(error)
    return ""
