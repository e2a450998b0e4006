"""An SVG (a logo, an entry's picture) made for the press: every colour it paints with
rewritten as `device-cmyk()`, which WeasyPrint 70's SVG renderer draws as DeviceCMYK
(svg/utils.color parses CSS Color 5; pdf/stream.set_color writes /DeviceCMYK), so the
logo stays vectors and prints in the press's inks (pdf/brand_colours.press_cmyk: through
the output intent, greys on black alone).

Rewritten: the paint attributes (fill, stroke, stop-color, flood-color, lighting-color,
color), the same properties in style="" and in <style> sheets, and the default black
fill (set on the root, since the default would be DeviceRGB).

Gradients are the exception: WeasyPrint 70 writes a gradient of several stops as a
shading of three-channel (RGB) stops whatever they say (it keeps three channels of a
CMYK stop), in a space named after the output intent in print (measured). So their
stops stay sRGB here, and press_shadings converts the shadings in the PDF the layout
wrote: DeviceCMYK, every stop colour through the same conversion (the blend between
stops is then made in CMYK rather than in RGB, as a press RIP would).

The SVG was checked by content/svg.py before; it is parsed here without a DOCTYPE, so
no entity is expanded.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from brochure.pdf.brand_colours import press_cmyk

SVG_NS = "http://www.w3.org/2000/svg"

PAINT = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")
_GRADIENTS = (f"{{{SVG_NS}}}linearGradient", f"{{{SVG_NS}}}radialGradient")


class UnprintableSvg(ValueError):
    """An SVG WeasyPrint 70 cannot draw in the press's inks."""


def press_svg(data: bytes, icc: Path) -> tuple[bytes, bool]:
    """The SVG with every colour in the press's CMYK, and whether it has gradients of
    several stops (left in sRGB for press_shadings)."""
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():  # content/svg.py refused it already
        raise UnprintableSvg("has a DOCTYPE or ENTITY declaration")
    for prefix, uri in (("", SVG_NS), ("xlink", "http://www.w3.org/1999/xlink")):
        ElementTree.register_namespace(prefix, uri)
    root = ElementTree.fromstring(data)
    shaded: set[int] = set()
    for gradient in root.iter():
        stops = [child for child in gradient if child.tag == f"{{{SVG_NS}}}stop"] if gradient.tag in _GRADIENTS else []
        shaded |= {id(stop) for stop in stops} if len(stops) > 1 else set()
    convert = _converter(icc)
    for element in root.iter():
        if id(element) in shaded:
            continue  # a stop of a shading: sRGB, converted in the PDF
        for name in PAINT:
            if name in element.attrib:
                element.set(name, _paint(element.get(name, ""), convert))
        if "style" in element.attrib:
            element.set("style", _declarations(element.get("style", ""), convert))
        if element.tag == f"{{{SVG_NS}}}style" and element.text:
            element.text = _sheet(element.text, convert, shaded=bool(shaded))
    if "fill" not in root.attrib:
        root.set("fill", convert((0.0, 0.0, 0.0)))  # SVG's default black, on the black plate
    if "color" not in root.attrib:
        root.set("color", convert((0.0, 0.0, 0.0)))  # what currentColor is when nothing says
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True), bool(shaded)


def press_shadings(data: bytes, icc: Path) -> bytes:
    """The PDF with every shading of RGB stops (an SVG gradient, see above) in
    DeviceCMYK: the colours of its functions converted as the SVG's other colours are."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for thing in pdf.objects:
            _shadings_in(thing, icc, 0)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _shadings_in(thing, icc: Path, depth: int) -> None:
    """Convert the shadings in an object and in what it holds directly (resources)."""
    import pikepdf

    if depth > 6:
        return
    if isinstance(thing, pikepdf.Stream):
        thing = thing.stream_dict
    if isinstance(thing, pikepdf.Array):
        for item in thing:
            if isinstance(item, (pikepdf.Dictionary, pikepdf.Array)) and not item.is_indirect:
                _shadings_in(item, icc, depth + 1)
        return
    if not isinstance(thing, pikepdf.Dictionary):
        return
    if "/ShadingType" in thing and "/Function" in thing:
        # In print WeasyPrint 70 names the output intent's CMYK space, with RGB stops.
        if _functions_to_cmyk(thing.Function, icc):
            thing.ColorSpace = pikepdf.Name.DeviceCMYK
        return
    for key in list(thing.keys()):
        value = thing[key]
        if isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
            _shadings_in(value, icc, depth + 1)


def _functions_to_cmyk(function, icc: Path) -> bool:
    """A type 2 function's C0 and C1 (RGB) as CMYK; a stitching function's parts.
    Whether there were RGB colours to convert."""
    import pikepdf

    if function.get("/FunctionType") == 3:
        return any([_functions_to_cmyk(part, icc) for part in function.Functions])
    if function.get("/FunctionType") != 2:
        return False
    converted = False
    for key, default in (("/C0", [0, 0, 0]), ("/C1", [1, 1, 1])):
        rgb = tuple(float(value) for value in function.get(key, pikepdf.Array(default)))
        if len(rgb) == 3:
            function[key] = pikepdf.Array(list(press_cmyk(rgb, icc)))
            converted = True
    return converted


def _converter(icc: Path):
    def convert(rgb: tuple[float, ...], alpha: float = 1.0) -> str:
        cyan, magenta, yellow, black = press_cmyk(rgb, icc)
        opacity = f" / {alpha:g}" if alpha < 1 else ""
        return f"device-cmyk({cyan:g} {magenta:g} {yellow:g} {black:g}{opacity})"
    return convert


def _paint(value: str, convert) -> str:
    """A paint value with its colours in CMYK: 'red', 'url(#g) #fff', 'currentColor'."""
    import tinycss2  # type: ignore[import-untyped]

    tokens = tinycss2.parse_component_value_list(value)
    return tinycss2.serialize(_tokens(tokens, convert)).strip()


def _tokens(tokens: list, convert) -> list:
    import tinycss2
    from tinycss2.color4 import parse_color  # type: ignore[import-untyped]

    result = []
    for token in tokens:
        colour = parse_color(token) if token.type in ("hash", "ident", "function") else None
        if colour == "currentcolor":
            colour = None  # inherits the colour property, itself rewritten
        if colour is not None and not isinstance(colour, str) and colour.space in ("srgb", "hsl", "hwb"):
            text = convert(tuple(colour.to("srgb").coordinates), colour.alpha)
            result += tinycss2.parse_component_value_list(text)
        else:
            result.append(token)
    return result


def _declarations(text: str, convert, skip: tuple[str, ...] = ()) -> str:
    import tinycss2

    out = []
    for declaration in tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True):
        if declaration.type != "declaration":
            continue
        value = declaration.value
        if declaration.lower_name in PAINT and declaration.lower_name not in skip:
            value = _tokens(value, convert)
        important = " !important" if declaration.important else ""
        out.append(f"{declaration.name}: {tinycss2.serialize(value).strip()}{important}")
    return "; ".join(out)


def _sheet(text: str, convert, shaded: bool = False) -> str:
    import tinycss2

    skip = ("stop-color",) if shaded else ()  # stops of shadings stay sRGB (press_shadings)
    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{ "
                       f"{_declarations(tinycss2.serialize(rule.content), convert, skip)} }}")
        elif rule.type == "at-rule":
            out.append(rule.serialize())
    return "\n".join(out)
