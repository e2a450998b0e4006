"""Solid black overprints in print, and nothing else does (WeasyPrint has no control
for it, so it is added to the finished PDF with pikepdf).

Black text and rules printed over a tint or a picture would otherwise leave a hole
in the other plates, and a white halo shows round every letter when the plates are
slightly off register. Overprinting 100 % K (with overprint mode 1, so that the zero
cyan, magenta and yellow of the black leave the other plates alone) closes the hole.
Anything else must knock out as drawn: a white or a tint that overprinted would
vanish or mix on paper, and a print shop's preflight refuses white overprint.

Every content stream is walked (pages, forms, tiling patterns, Type3 glyphs; not
annotation appearances: a print file has no annotations inside the trim) with the
fill and stroke colour and the overprint state in force, saved by q and restored by
Q; just before anything is painted, an ExtGState sets overprint on for a 100 % K
(DeviceCMYK 0 0 0 1, by k/K or by cs/scn) and off for any other colour, when the
state in force is not already right. A form, pattern or glyph starts with what its
caller had: its first painting in a colour of its own sets the state explicitly.
"""

from __future__ import annotations

from decimal import Decimal

# The state of a content stream, one list per q level (copied by q, restored by Q):
FILL, STROKE = 0, 1  # colour kinds: True 100 % K, False anything else, None inherited
FILL_CMYK, STROKE_CMYK = 2, 3  # colour space is DeviceCMYK: True, False, None inherited
MODE = 4  # text rendering mode (Tr); None inherited
OP_STROKE, OP_FILL, OPM = 5, 6, 7  # overprint for stroking, for filling, the mode; None inherited
PAGE_START = [False, False, False, False, 0, False, False, 0]  # DeviceGray black, no overprint
CALLED_START = [None] * 8  # a form, pattern or glyph: whatever its caller had

_PARTS = {"f": (True, False), "F": (True, False), "f*": (True, False), "S": (False, True), "s": (False, True),
          "B": (True, True), "B*": (True, True), "b": (True, True), "b*": (True, True)}
_SHOW = frozenset(("Tj", "TJ", "'", '"'))
_SPACE_OPERATORS = {"cs": FILL_CMYK, "CS": STROKE_CMYK}
_COLOUR_OPERATORS = {"sc": FILL, "scn": FILL, "SC": STROKE, "SCN": STROKE}
_BLACK = (0, 0, 0, 1)
_TRACKED = frozenset(("k", "K", "g", "G", "rg", "RG", "Tr", "gs", *_SPACE_OPERATORS, *_COLOUR_OPERATORS))


class _Overprints:
    """The ExtGStates this step adds, one per (stroke, fill) pair, made once and shared,
    under names no other writer uses."""

    def __init__(self, pdf):
        self.pdf, self.made = pdf, {}

    def name(self, resources, stroke: bool, fill: bool) -> str:
        import pikepdf

        key = (stroke, fill)
        if key not in self.made:
            self.made[key] = self.pdf.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.ExtGState, OP=stroke, op=fill, OPM=1))
        if "/ExtGState" not in resources:
            resources.ExtGState = pikepdf.Dictionary()
        states, base = resources.ExtGState, f"/BrochureOP{int(stroke)}{int(fill)}"
        name, number = base, 0
        while name in states and states[name].objgen != self.made[key].objgen:
            number += 1  # taken by something else: never overwrite a resource
            name = f"{base}.{number}"
        states[name] = self.made[key]
        return name


def overprint_black(pdf) -> int:
    """Set 100 % K to overprint and everything else to knock out, in every content
    stream of `pdf` (a pikepdf.Pdf, changed in place); returns how many streams changed."""
    import pikepdf

    overprints, changed = _Overprints(pdf), 0
    seen: set[tuple[int, int]] = set()  # streams and shared resources already read
    pending: list = []  # (stream, its resources): forms, patterns and glyphs, each once
    for page in pdf.pages:
        resources = _inherited(page.obj, "/Resources")
        if resources is None or "/Contents" not in page.obj:
            continue
        data = _rewritten(pikepdf.parse_content_stream(page), resources, PAGE_START, overprints)
        if data is not None:
            page.obj.Contents = pdf.make_stream(data)
            changed += 1
        pending.extend(_called_streams(resources, seen))
    while pending:
        stream, resources = pending.pop()
        if stream.objgen in seen:
            continue
        seen.add(stream.objgen)
        data = _rewritten(pikepdf.parse_content_stream(stream), resources, CALLED_START, overprints)
        if data is not None:
            stream.write(data)
            changed += 1
        pending.extend(_called_streams(resources, seen))
    return changed


def _inherited(node, key: str):
    """A page's entry, or its nearest ancestor's in the page tree (resources may be given
    once for many pages)."""
    for _ in range(64):  # a page tree is never that deep; a loop in a broken file ends here
        if node is None or key in node:
            return None if node is None else node[key]
        node = node.get("/Parent")
    return None


def _called_streams(resources, seen: set) -> list:
    """The content streams that `resources` lets a stream call, with their own resources.
    One without resources of its own is left as it is: adding some would hide what it
    inherits (a Type3 glyph without them cannot set a colour of its own anyway).
    Resources shared by many pages (WeasyPrint shares one dictionary) are read once."""
    if resources.is_indirect:
        if resources.objgen in seen:
            return []
        seen.add(resources.objgen)
    found = []
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            found.append((xobject, xobject.Resources))
    for pattern in resources.get("/Pattern", {}).values():
        if pattern.get("/PatternType") == 1 and "/Resources" in pattern:
            found.append((pattern, pattern.Resources))
    for font in resources.get("/Font", {}).values():
        if font.get("/Subtype") == "/Type3" and "/Resources" in font:
            found.extend((glyph, font.Resources) for glyph in font.get("/CharProcs", {}).values())
    return found


def _rewritten(instructions, resources, start: list, overprints: _Overprints) -> bytes | None:
    """The stream with an ExtGState before each painting whose overprint state is wrong
    for its colour, or None when every one is right already."""
    import pikepdf

    state, stack, out, inserted = list(start), [], [], False
    spaces, extgstates = resources.get("/ColorSpace", {}), resources.get("/ExtGState", {})
    for instruction in instructions:
        operator = str(instruction.operator)
        if operator in _PARTS or operator in _SHOW or operator in ("Do", "sh", "INLINE IMAGE"):
            wanted = _wanted(operator, instruction.operands, state, resources)
            if wanted is not None:
                stroke, fill = wanted
                name = overprints.name(resources, stroke, fill)
                out.append(pikepdf.ContentStreamInstruction([pikepdf.Name(name)], pikepdf.Operator("gs")))
                state[OP_STROKE], state[OP_FILL], state[OPM] = stroke, fill, 1
                inserted = True
        elif operator == "q":
            stack.append(list(state))
        elif operator == "Q":
            if stack:
                state = stack.pop()
        elif operator in _TRACKED:
            _track(operator, instruction.operands, state, spaces, extgstates)
        out.append(instruction)
    return pikepdf.unparse_content_stream(out) if inserted else None


def _track(operator: str, operands, state: list, spaces, extgstates) -> None:
    """Follow the colours, the text rendering mode and the overprint an ExtGState sets."""
    if operator in ("k", "K"):
        state[FILL if operator == "k" else STROKE] = _is_black(operands)
        state[FILL_CMYK if operator == "k" else STROKE_CMYK] = True
    elif operator in _COLOUR_OPERATORS:
        kind = _COLOUR_OPERATORS[operator]
        # A colour in a space not known to be DeviceCMYK never counts as black.
        state[kind] = state[kind + 2] is True and _is_black(operands)
    elif operator in _SPACE_OPERATORS:
        space = _SPACE_OPERATORS[operator]
        cmyk = _is_device_cmyk(operands[0], spaces)
        # Choosing a space sets its initial colour, which for DeviceCMYK is 0 0 0 1.
        state[space], state[space - 2] = cmyk, cmyk
    elif operator in ("g", "G", "rg", "RG"):
        state[FILL if operator in ("g", "rg") else STROKE] = False
        state[FILL_CMYK if operator in ("g", "rg") else STROKE_CMYK] = False
    elif operator == "Tr":
        state[MODE] = int(operands[0])
    elif operator == "gs":
        extgstate = extgstates.get(str(operands[0]))
        if extgstate is not None and "/OP" in extgstate:
            state[OP_STROKE] = bool(extgstate.OP)
            state[OP_FILL] = bool(extgstate.get("/op", extgstate.OP))  # absent: OP's value
        if extgstate is not None and "/op" in extgstate:
            state[OP_FILL] = bool(extgstate.op)
        if extgstate is not None and "/OPM" in extgstate:
            state[OPM] = int(extgstate.OPM)


def _wanted(operator: str, operands, state: list, resources) -> tuple[bool, bool] | None:
    """The overprint (stroke, fill) to set before this painting, or None when the state
    in force is right for it."""
    fill_kind, stroke_kind = state[FILL], state[STROKE]
    if operator in _PARTS:
        fills, strokes = _PARTS[operator]
    elif operator in _SHOW:
        mode = state[MODE]
        fills = mode is None or mode in (0, 2, 4, 6)  # not known: as if both
        strokes = mode is None or mode in (1, 2, 5, 6)
    elif operator == "Do" and _is_form(operands[0], resources):
        fills = strokes = True  # a form starts with its caller's colours: match both
    else:  # a picture or a shading paints colours of its own: never overprinted
        fills, strokes, fill_kind = True, False, _is_stencil(operator, operands[0], resources) and fill_kind
    needed = [(state[OP_FILL], fill_kind)] if fills else []
    if strokes:
        needed.append((state[OP_STROKE], stroke_kind))
    # Inherited colour with inherited overprint: the caller made them agree.
    if all(kind is None or (now is kind and (not kind or state[OPM] == 1)) for now, kind in needed):
        return None
    return _setting(stroke_kind, state[OP_STROKE]), _setting(fill_kind, state[OP_FILL])


def _setting(kind: bool | None, now: bool | None) -> bool:
    """Overprint for a colour kind: on for black, off for any other, as it is for an
    inherited colour (off when that is not known either: knocking out is always safe)."""
    return bool(kind) if kind is not None else bool(now)


def _is_black(operands) -> bool:
    return len(operands) == 4 and all(isinstance(value, (int, Decimal)) for value in operands) and \
        tuple(operands) == _BLACK


def _is_device_cmyk(name, spaces) -> bool:
    if name == "/DeviceCMYK":
        return True
    return str(spaces.get(str(name), "")) == "/DeviceCMYK"  # a named space that is DeviceCMYK


def _is_form(name, resources) -> bool:
    xobject = resources.get("/XObject", {}).get(str(name))
    return xobject is not None and xobject.get("/Subtype") == "/Form"


def _is_stencil(operator: str, operand, resources) -> bool:
    """An image mask paints the fill colour through its shape, like text."""
    if operator != "Do":
        return False
    xobject = resources.get("/XObject", {}).get(str(operand))
    return xobject is not None and bool(xobject.get("/ImageMask", False))
