"""What is really in a PDF, page by page: the colour operators of every content stream
(and of the forms, patterns, glyphs and annotations it draws), transparency and the
blending space of every group and soft mask, fonts, text (size, inks, overprint), lines
(width, inks), overprinted fills and images at the size and place they are drawn.
Facts only (facts.py); the rules judge them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from brochure.pdf.preflight import facts as plane
from brochure.pdf.preflight.facts import IDENTITY, Colour, Fill, Matrix, PageFacts, Placed, Stroke, Text

_DEVICE = {"/DeviceRGB": "DeviceRGB", "/DeviceCMYK": "DeviceCMYK", "/DeviceGray": "DeviceGray",
           "/RGB": "DeviceRGB", "/CMYK": "DeviceCMYK", "/G": "DeviceGray"}
_START = {"DeviceCMYK": (0.0, 0.0, 0.0, 1.0), "ICCBased(4)": (0.0, 0.0, 0.0, 1.0), "DeviceGray": (0.0,),
          "ICCBased(1)": (0.0,), "Separation": (1.0,)}
_PAINT = {"f": "f", "F": "f", "f*": "f", "S": "s", "s": "s", "B": "fs", "B*": "fs", "b": "fs", "b*": "fs", "n": ""}


def colour_space_name(space, resources) -> str:
    import pikepdf

    if isinstance(space, pikepdf.Name):
        if str(space) in _DEVICE:
            return _DEVICE[str(space)]
        named = resources.get("/ColorSpace", {}).get(str(space)) if resources is not None else None
        if named is not None:
            return colour_space_name(named, None)
        return str(space)[1:]
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])[1:]
        if family == "ICCBased":
            return f"ICCBased({int(space[1].get('/N', 0))})"
        if family == "Indexed":
            return f"Indexed({colour_space_name(space[1], resources)})"
        if family in ("Separation", "DeviceN"):
            # Where the ink is missing, the alternate is what prints: it counts too.
            alternate = colour_space_name(space[2], resources)
            return family if alternate in ("DeviceCMYK", "DeviceGray", "ICCBased(4)") else f"{family}({alternate})"
        return family
    return "unknown"


_BLACK = Colour("DeviceGray", (0.0,))


@dataclass(frozen=True)
class _State:
    ctm: Matrix = IDENTITY
    fill: Colour = _BLACK
    stroke: Colour = _BLACK
    fill_overprint: bool = False
    stroke_overprint: bool = False
    width: float = 1.0
    font: str = ""
    size: float = 0.0
    leading: float = 0.0
    render: int = 0


class _Walker:
    """Walks one content stream (and the forms, patterns and glyphs it draws)."""

    def __init__(self, facts: PageFacts, resources, state: _State, depth: int = 0):
        import pikepdf

        self.facts, self.depth = facts, depth
        self.resources: Any = resources if resources is not None else pikepdf.Dictionary()
        self.state, self.stack, self.path = state, list[_State](), list[tuple[float, float]]()
        self.text_matrix = self.line_matrix = IDENTITY

    def walk(self, content) -> None:
        import pikepdf

        if self.depth > 12:
            return
        self._fonts()
        try:
            instructions = pikepdf.parse_content_stream(content)
        except Exception as error:  # qpdf cannot parse it: a damaged stream, not a crash
            self.facts.damaged.append(f"a content stream cannot be read ({str(error)[:120]})")
            return
        for instruction in instructions:
            operands, op = instruction.operands, str(instruction.operator)
            handler = _HANDLERS.get(op)
            if handler is not None:
                try:
                    handler(self, operands)
                except (TypeError, ValueError, IndexError, AttributeError, pikepdf.PdfError):
                    self.facts.damaged.append(f"the operator {op} has wrong operands")

    def _fonts(self) -> None:
        for font_name, font in self.resources.get("/Font", {}).items():
            self.facts.fonts[str(font.get("/BaseFont", font_name))] = _embedded(font)
            if font.get("/Subtype") == "/Type3":  # its glyphs are little content streams of their own
                for glyph in font.get("/CharProcs", {}).values():
                    self.child(glyph, font.get("/Resources", self.resources), self.state.ctm)

    def set(self, **changes) -> None:
        self.state = replace(self.state, **changes)

    def child(self, content, resources, ctm: Matrix) -> None:
        _Walker(self.facts, resources, replace(self.state, ctm=ctm), self.depth + 1).walk(content)

    # the graphics state
    def pop(self, _):
        if self.stack:
            self.state = self.stack.pop()

    def extgstate(self, operands):
        import pikepdf

        name = str(operands[0])
        state = self.resources.get("/ExtGState", {}).get(name)
        if state is None:
            return
        for key in ("/CA", "/ca"):
            if key in state and float(state[key]) < 1:
                self.facts.transparent(f"opacity {float(state[key])}", f"graphics state {name}")
        mask = state.get("/SMask", pikepdf.Name.None_)
        if mask != pikepdf.Name.None_:
            self.facts.transparent("soft mask", f"graphics state {name}")
            group = mask.get("/G") if hasattr(mask, "get") else None
            if group is not None and "/CS" in group.get("/Group", {}):
                self.facts.groups.append((f"soft mask of {name}", colour_space_name(group.Group.CS, self.resources)))
        if str(state.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
            self.facts.transparent(f"blend mode {state.BM}", f"graphics state {name}")
        if "/LW" in state:
            self.set(width=float(state.LW))
        if "/OP" in state:
            stroke = bool(state.OP)
            self.set(stroke_overprint=stroke, fill_overprint=bool(state.get("/op", stroke)))
        elif "/op" in state:
            self.set(fill_overprint=bool(state.op))

    # colour
    def set_colour(self, stroke: bool, colour: Colour, where: str) -> None:
        self.facts.uses(colour.space, where)
        self.set(**{"stroke" if stroke else "fill": colour})

    @staticmethod
    def device(space: str, stroke: bool):
        op = {"DeviceRGB": "rg", "DeviceCMYK": "k", "DeviceGray": "g"}[space]
        where = f"line colour ({op.upper()})" if stroke else f"text or fill colour ({op})"
        return lambda self_, operands: self_.set_colour(stroke, Colour(space, tuple(float(v) for v in operands)), where)

    @staticmethod
    def space(stroke: bool):
        def handler(self_, operands):
            space = colour_space_name(operands[0], self_.resources)
            named = self_.resources.get("/ColorSpace", {}).get(str(operands[0]))
            spot = str(named[1])[1:] if space == "Separation" and named is not None else ""
            self_.set_colour(stroke, Colour(space, _START.get(space, ()), spot),
                             f"{'line' if stroke else 'text or fill'} colour space {operands[0]}")
        return handler

    @staticmethod
    def components(stroke: bool):
        def handler(self_, operands):
            import pikepdf

            if operands and isinstance(operands[-1], pikepdf.Name):
                return self_.pattern(operands[-1])
            current = self_.state.stroke if stroke else self_.state.fill
            self_.set(**{"stroke" if stroke else "fill": replace(current, values=tuple(float(v) for v in operands))})
        return handler

    def pattern(self, name) -> None:
        pattern = self.resources.get("/Pattern", {}).get(str(name))
        if pattern is not None and int(pattern.get("/PatternType", 0)) == 1:  # tiling: a content stream
            self.child(pattern, pattern.get("/Resources", self.resources), self.state.ctm)
        elif pattern is not None and "/Shading" in pattern:
            self.facts.uses(colour_space_name(pattern.Shading.ColorSpace, self.resources), f"pattern {name}")

    def shading(self, operands):
        shading = self.resources.get("/Shading", {}).get(str(operands[0]))
        if shading is not None:
            self.facts.uses(colour_space_name(shading.ColorSpace, self.resources), f"shading {operands[0]}")

    # paths
    def point(self, operands):
        values = [float(v) for v in operands]
        self.path.extend(plane.apply(self.state.ctm, values[i], values[i + 1]) for i in range(0, len(values) - 1, 2))

    def rectangle(self, operands):
        x, y, w, h = (float(v) for v in operands)
        corners = ((x, y), (x + w, y), (x, y + h), (x + w, y + h))
        self.path.extend(plane.apply(self.state.ctm, px, py) for px, py in corners)

    @staticmethod
    def paint(op: str):
        def handler(self_, _):
            box, state = plane.bounds(self_.path), self_.state
            if "s" in _PAINT[op]:
                width = state.width * min(plane.scales(state.ctm))
                self_.facts.strokes.add(Stroke(round(width, 3), state.stroke, state.stroke_overprint, box))
            if "f" in _PAINT[op] and state.fill_overprint:
                self_.facts.fills.add(Fill(state.fill, True, box, "fill"))
            self_.path = []
        return handler

    # text
    def begin_text(self, _):
        self.text_matrix = self.line_matrix = IDENTITY

    def font(self, operands):
        self.set(font=str(operands[0]), size=float(operands[1]))

    @staticmethod
    def text_state(op: str):
        def handler(self_, operands):
            if op == "Tr":
                self_.set(render=int(operands[0]))
            elif op == "TL":
                self_.set(leading=float(operands[0]))
            elif op in ("Td", "TD"):
                x, y = float(operands[0]), float(operands[1])
                if op == "TD":
                    self_.set(leading=-y)
                self_.line_matrix = self_.text_matrix = plane.multiply((1, 0, 0, 1, x, y), self_.line_matrix)
            elif op == "Tm":
                self_.line_matrix = self_.text_matrix = tuple(float(v) for v in operands)
            elif op in ("T*", "'", '"'):
                self_.line_matrix = self_.text_matrix = plane.multiply((1, 0, 0, 1, 0, -self_.state.leading),
                                                                 self_.line_matrix)
            if op in ("'", '"'):
                self_.show(operands)
        return handler

    def show(self, _):
        state = self.state
        matrix = plane.multiply(self.text_matrix, state.ctm)
        size = round(state.size * plane.scales(matrix)[1], 2)
        at = plane.apply(matrix, 0, 0)
        font = self.resources.get("/Font", {}).get(state.font)
        name = str(font.get("/BaseFont", state.font))[1:] if font is not None else state.font[1:]
        if state.render in (3, 7):  # invisible text (e.g. OCR layers) prints nothing
            return
        key = (name, size, state.fill, state.fill_overprint)
        if key not in self.facts.texts:
            self.facts.texts[key] = Text(name, size, state.fill, state.fill_overprint, (at[0], at[1]))
        if state.fill_overprint and state.render in (0, 2, 4, 6):
            self.facts.fills.add(Fill(state.fill, True, (at[0], at[1], at[0] + size, at[1] + size), f"text in {name}"))
        if state.render in (1, 2, 5, 6):
            width = state.width * min(plane.scales(matrix))
            self.facts.strokes.add(Stroke(round(width, 3), state.stroke, state.stroke_overprint,
                                          (at[0], at[1], at[0] + size, at[1] + size)))

    # images and forms
    def xobject(self, operands):
        name = str(operands[0])
        xobject = self.resources.get("/XObject", {}).get(name)
        if xobject is None:
            return
        if xobject.get("/Subtype") == "/Image":
            self.image(xobject, name)
        elif xobject.get("/Subtype") == "/Form":
            group = xobject.get("/Group")
            if group is not None and group.get("/S") == "/Transparency":
                self.facts.transparent("transparency group", f"form {name}")
                if "/CS" in group:
                    self.facts.groups.append((f"group of form {name}", colour_space_name(group.CS, self.resources)))
            matrix = plane.matrix(xobject.get("/Matrix", IDENTITY))
            self.child(xobject, xobject.get("/Resources", self.resources), plane.multiply(matrix, self.state.ctm))

    def inline(self, operands):
        self.image(operands[0].obj, "inline image")

    def image(self, image, name: str) -> None:
        mask = bool(image.get("/ImageMask", False))
        if not mask:
            space = colour_space_name(image.get("/ColorSpace", "/DeviceGray"), self.resources)
            self.facts.uses(space, f"image {name}")
        if "/SMask" in image or ("/Mask" in image and not mask):
            self.facts.transparent("image with a soft mask", f"image {name}")
        width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
        bits = 1 if mask else int(image.get("/BitsPerComponent", 8))
        drawn_width, drawn_height = (scale / 72 for scale in plane.scales(self.state.ctm))  # inches
        if width and height and drawn_width and drawn_height:
            corners = [plane.apply(self.state.ctm, x, y) for x in (0, 1) for y in (0, 1)]
            ppi = min(width / drawn_width, height / drawn_height)
            self.facts.placed.append(Placed(name, width, height, bits, ppi, plane.bounds(corners)))


def _op(name):
    return lambda walker, operands: getattr(walker, name)(operands)


_HANDLERS = {
    "q": lambda walker, _: walker.stack.append(walker.state), "Q": _op("pop"), "gs": _op("extgstate"),
    "cm": lambda walker, operands: walker.set(ctm=plane.multiply(plane.matrix(operands), walker.state.ctm)),
    "w": lambda walker, operands: walker.set(width=float(operands[0])),
    "rg": _Walker.device("DeviceRGB", False), "RG": _Walker.device("DeviceRGB", True),
    "k": _Walker.device("DeviceCMYK", False), "K": _Walker.device("DeviceCMYK", True),
    "g": _Walker.device("DeviceGray", False), "G": _Walker.device("DeviceGray", True),
    "cs": _Walker.space(False), "CS": _Walker.space(True),
    "sc": _Walker.components(False), "scn": _Walker.components(False),
    "SC": _Walker.components(True), "SCN": _Walker.components(True),
    "sh": _op("shading"), "m": _op("point"), "l": _op("point"), "c": _op("point"), "v": _op("point"),
    "y": _op("point"), "re": _op("rectangle"),
    **{op: _Walker.paint(op) for op in _PAINT},
    "BT": _op("begin_text"), "Tf": _op("font"), "Tj": _op("show"), "TJ": _op("show"),
    **{op: _Walker.text_state(op) for op in ("Tr", "TL", "Td", "TD", "Tm", "T*", "'", '"')},
    "Do": _op("xobject"), "INLINE IMAGE": _op("inline"),
}


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by the file's own procedures
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def page_facts(pdf) -> list[PageFacts]:
    """The facts of every page of an open pikepdf document, in order."""
    import pikepdf

    facts = []
    for page in pdf.pages:
        found = PageFacts()
        _Walker(found, page.get("/Resources"), _State()).walk(page)
        group = page.get("/Group")
        if group is not None and "/CS" in group:  # the page's own blending space
            found.groups.append(("page group", colour_space_name(group.CS, page.get("/Resources"))))
        for annotation in page.get("/Annots", []):
            appearance = annotation.get("/AP", {}).get("/N")
            if isinstance(appearance, pikepdf.Stream):  # drawn where the annotation lies
                ctm = plane.appearance(annotation.get("/Rect", [0, 0, 0, 0]), appearance.get("/BBox", [0, 0, 0, 0]),
                                       appearance.get("/Matrix", IDENTITY))
                _Walker(found, appearance.get("/Resources"), _State(ctm=ctm)).walk(appearance)
        facts.append(found)
    return facts


def kind(obj) -> str:
    """'dictionary' (a stream too), 'array', 'name' or 'other', for rules without pikepdf."""
    import pikepdf

    for name, cls in (("dictionary", pikepdf.Dictionary), ("dictionary", pikepdf.Stream), ("array", pikepdf.Array),
                      ("name", pikepdf.Name)):
        if isinstance(obj, cls):
            return name
    return "other"
