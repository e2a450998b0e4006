"""What is really in a PDF, page by page: the colour operators of every content stream
(and of the forms, patterns, glyphs and annotations it draws), transparency, fonts,
and images at the size they are drawn. Facts only; the rules judge them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

_DEVICE = {"/DeviceRGB": "DeviceRGB", "/DeviceCMYK": "DeviceCMYK", "/DeviceGray": "DeviceGray",
           "/RGB": "DeviceRGB", "/CMYK": "DeviceCMYK", "/G": "DeviceGray"}


@dataclass
class PageFacts:
    colour_spaces: set[str] = field(default_factory=set)
    transparency: list[str] = field(default_factory=list)
    images: list[tuple[int, int, float]] = field(default_factory=list)  # width px, height px, ppi
    fonts: dict[str, bool] = field(default_factory=dict)  # name -> embedded


def _colour_space_name(space, resources) -> str:
    import pikepdf

    if isinstance(space, pikepdf.Name):
        if str(space) in _DEVICE:
            return _DEVICE[str(space)]
        named = resources.get("/ColorSpace", {}).get(str(space)) if resources is not None else None
        if named is not None:
            return _colour_space_name(named, None)
        return str(space)[1:]
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])[1:]
        if family == "ICCBased":
            return f"ICCBased({int(space[1].get('/N', 0))})"
        if family == "Indexed":
            return f"Indexed({_colour_space_name(space[1], resources)})"
        if family in ("Separation", "DeviceN"):
            # Where the ink is missing, the alternate is what prints: it counts too.
            alternate = _colour_space_name(space[2], resources)
            return family if alternate in ("DeviceCMYK", "DeviceGray", "ICCBased(4)") else f"{family}({alternate})"
        return family
    return "unknown"


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _scan(content, resources, facts: PageFacts, ctm=(1, 0, 0, 1, 0, 0), depth=0) -> None:
    """Walk a content stream (and the forms it draws) noting colour spaces, transparency,
    fonts and images with the size they are drawn at."""
    import pikepdf

    if depth > 12:
        return
    stack, matrix = [], ctm
    resources = resources if resources is not None else pikepdf.Dictionary()
    for font_name, font in resources.get("/Font", {}).items():
        facts.fonts[str(font.get("/BaseFont", font_name))] = _embedded(font)
        if font.get("/Subtype") == "/Type3":  # its glyphs are little content streams of their own
            for glyph in font.get("/CharProcs", {}).values():
                _scan(glyph, font.get("/Resources", resources), facts, matrix, depth + 1)
    for instruction in pikepdf.parse_content_stream(content):
        operands, operator = instruction.operands, instruction.operator
        op = str(operator)
        if op == "q":
            stack.append(matrix)
        elif op == "Q" and stack:
            matrix = stack.pop()
        elif op == "cm":
            matrix = _multiply(tuple(float(value) for value in operands), matrix)
        elif op in ("rg", "RG"):
            facts.colour_spaces.add("DeviceRGB")
        elif op in ("k", "K"):
            facts.colour_spaces.add("DeviceCMYK")
        elif op in ("g", "G"):
            facts.colour_spaces.add("DeviceGray")
        elif op in ("cs", "CS"):
            facts.colour_spaces.add(_colour_space_name(operands[0], resources))
        elif op in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
            pattern = resources.get("/Pattern", {}).get(str(operands[-1]))
            if pattern is not None and int(pattern.get("/PatternType", 0)) == 1:  # tiling: a content stream
                _scan(pattern, pattern.get("/Resources", resources), facts, matrix, depth + 1)
            elif pattern is not None and "/Shading" in pattern:
                facts.colour_spaces.add(_colour_space_name(pattern.Shading.ColorSpace, resources))
        elif op == "gs":
            state = resources.get("/ExtGState", {}).get(str(operands[0]))
            if state is not None:
                for key in ("/CA", "/ca"):
                    if key in state and float(state[key]) < 1:
                        facts.transparency.append(f"opacity {float(state[key])}")
                if state.get("/SMask", pikepdf.Name.None_) != pikepdf.Name.None_:
                    facts.transparency.append("soft mask")
                if str(state.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
                    facts.transparency.append(f"blend mode {state.BM}")
        elif op == "sh":
            shading = resources.get("/Shading", {}).get(str(operands[0]))
            if shading is not None:
                facts.colour_spaces.add(_colour_space_name(shading.ColorSpace, resources))
        elif op == "Do":
            xobject = resources.get("/XObject", {}).get(str(operands[0]))
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                _image(xobject, matrix, resources, facts)
            elif xobject.get("/Subtype") == "/Form":
                group = xobject.get("/Group")
                if group is not None and group.get("/S") == "/Transparency":
                    facts.transparency.append("transparency group")
                form_matrix = tuple(float(value) for value in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                _scan(xobject, xobject.get("/Resources", resources), facts, _multiply(form_matrix, matrix),
                      depth + 1)
        elif op == "INLINE IMAGE":
            image = operands[0].obj
            if not image.get("/ImageMask", False):
                facts.colour_spaces.add(_colour_space_name(image.get("/ColorSpace", pikepdf.Name.DeviceGray),
                                                           resources))


def _image(xobject, matrix, resources, facts: PageFacts) -> None:
    if xobject.get("/ImageMask") is True:
        return
    facts.colour_spaces.add(_colour_space_name(xobject.get("/ColorSpace"), resources))
    if "/SMask" in xobject or "/Mask" in xobject:
        facts.transparency.append("image with a soft mask")
    width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
    a, b, c, d, _, _ = matrix
    drawn_width, drawn_height = math.hypot(a, b) / 72, math.hypot(c, d) / 72  # inches
    if not (width and height):
        return
    if drawn_width and drawn_height:
        facts.images.append((width, height, min(width / drawn_width, height / drawn_height)))


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
        page_facts = PageFacts()
        _scan(page, page.get("/Resources"), page_facts)
        group = page.get("/Group")
        if group is not None and "/CS" in group:  # the page's blending space is a colour space too
            page_facts.colour_spaces.add(_colour_space_name(group.CS, page.get("/Resources")))
        for annotation in page.get("/Annots", []):
            appearance = annotation.get("/AP", {}).get("/N")
            if isinstance(appearance, pikepdf.Stream):
                _scan(appearance, appearance.get("/Resources"), page_facts)
        facts.append(page_facts)
    return facts
