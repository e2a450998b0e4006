"""An SVG (a logo, an entry's picture) made for the press: every colour it paints with
rewritten as `device-cmyk()`, which WeasyPrint 70's SVG renderer draws as DeviceCMYK
(svg/utils.color parses CSS Color 5; pdf/stream.set_color writes /DeviceCMYK), so the
logo stays vectors and prints in the press's inks (pdf/brand_colours.press_cmyk: through
the output intent, greys on black alone).

Rewritten: the paint attributes (fill, stroke, stop-color, flood-color, lighting-color,
color), the same properties in style="" and in <style> sheets (inside their @media and
@supports blocks too), and the default black fill (set on the root, since the default
would be DeviceRGB). A colour of any CSS space (lab(), oklch(), color(display-p3 …),
which WeasyPrint would write as Lab or RGB) is taken to sRGB first (`srgb`).

Transparency: WeasyPrint draws an opacity, a colour's alpha or a mask as PDF
transparency, which PDF/X-1a, X-3 and PDF/A-1 forbid; `svg_transparency` names it, so
that such a picture is refused for those variants (commands/pictures.py).

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

import re
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
    root = _parsed(data)
    shaded: set[int] = set()
    for gradient in root.iter():
        stops = [child for child in gradient if child.tag == f"{{{SVG_NS}}}stop"] if gradient.tag in _GRADIENTS else []
        shaded |= {id(stop) for stop in stops} if len(stops) > 1 else set()
    convert = _converter(icc)
    for element in root.iter():
        # A stop of a shading stays sRGB (written as rgb(), whatever space it was given
        # in), converted in the PDF by press_shadings.
        paint = _as_srgb if id(element) in shaded else convert
        for name in PAINT:
            if name in element.attrib:
                element.set(name, _paint(element.get(name, ""), paint))
        if "style" in element.attrib:
            element.set("style", _declarations(element.get("style", ""), paint))
        if element.tag == f"{{{SVG_NS}}}style" and element.text:
            element.text = _sheet(element.text, convert, shaded=bool(shaded))
    if "fill" not in root.attrib:
        root.set("fill", convert((0.0, 0.0, 0.0)))  # SVG's default black, on the black plate
    if "color" not in root.attrib:
        root.set("color", convert((0.0, 0.0, 0.0)))  # what currentColor is when nothing says
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True), bool(shaded)


def _parsed(data: bytes) -> ElementTree.Element:
    """The SVG's tree. A DOCTYPE that only names its DTD (as Illustrator writes) is
    allowed: ElementTree never reads the DTD. No entity is declared (content/svg.py
    refused those already)."""
    doctype = re.search(rb"<!doctype[^>\[]*(\[?)", data, re.I)
    if b"<!entity" in data.lower() or (doctype and doctype[1]):
        raise UnprintableSvg("has a DOCTYPE with declarations of its own, or an ENTITY")
    for prefix, uri in (("", SVG_NS), ("xlink", "http://www.w3.org/1999/xlink")):
        ElementTree.register_namespace(prefix, uri)
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise UnprintableSvg(f"is not well-formed XML ({error})") from None


def svg_transparency(data: bytes) -> str:
    """What in the SVG is transparent, in words for a message ('fill="rgba(…)" on
    <rect>'), or "" when nothing is: an opacity below 1, a colour with an alpha below
    1 (rgba(), hsla(), #rrggbbaa, `transparent`) or a mask, in an attribute, a style=""
    or a <style> sheet (its @media blocks too). WeasyPrint draws each as transparency
    (/ca, /CA, a soft mask), which PDF/X-1a, X-3 and PDF/A-1 forbid."""
    root = _parsed(data)
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local == "mask":
            return "a <mask>"
        pairs = [(name.rsplit("}", 1)[-1], value) for name, value in element.attrib.items()]
        for name, value in pairs + _pairs(element.get("style", "")):
            if _transparent(name, value):
                return f'{name}="{value.strip()}" on <{local}>'
        if local == "style" and element.text:
            for name, value in _sheet_pairs(element.text):
                if _transparent(name, value):
                    return f"{name}: {value.strip()} in its <style>"
    return ""


OPACITY = ("opacity", "fill-opacity", "stroke-opacity", "stop-opacity", "flood-opacity")


def _transparent(name: str, value: str) -> bool:
    import tinycss2  # type: ignore[import-untyped]
    from tinycss2.color4 import parse_color  # type: ignore[import-untyped]

    name = name.lower()
    if name == "mask":
        return value.strip().lower() not in ("", "none")
    tokens = [token for token in tinycss2.parse_component_value_list(value)
              if token.type not in ("whitespace", "comment")]
    if name in OPACITY:
        return any((token.type == "number" and token.value < 1) or (token.type == "percentage" and token.value < 100)
                   for token in tokens)
    if name in PAINT:
        colours = [parse_color(token) for token in tokens if token.type in ("hash", "ident", "function")]
        return any(colour is not None and not isinstance(colour, str) and colour.alpha < 1 for colour in colours)
    return False


def _pairs(text: str) -> list[tuple[str, str]]:
    import tinycss2

    return [(declaration.lower_name, tinycss2.serialize(declaration.value))
            for declaration in tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True)
            if declaration.type == "declaration"]


def _sheet_pairs(text: str) -> list[tuple[str, str]]:
    """Every declaration of a sheet, also those inside @media or @supports."""
    import tinycss2

    found: list[tuple[str, str]] = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type in ("qualified-rule", "at-rule") and rule.content is not None:
            inner = tinycss2.serialize(rule.content)
            found += _pairs(inner) if rule.type == "qualified-rule" else _sheet_pairs(inner)
    return found


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
    import tinycss2

    tokens = tinycss2.parse_component_value_list(value)
    return tinycss2.serialize(_tokens(tokens, convert)).strip()


def _tokens(tokens: list, convert) -> list:
    import tinycss2
    from tinycss2.color4 import parse_color

    result = []
    for token in tokens:
        colour = parse_color(token) if token.type in ("hash", "ident", "function") else None
        if colour == "currentcolor":
            colour = None  # inherits the colour property, itself rewritten
        if colour is not None and not isinstance(colour, str):  # in any space: lab(), oklch(), color(p3 …)
            text = convert(srgb(colour), colour.alpha)
            result += tinycss2.parse_component_value_list(text)
        else:
            result.append(token)
    return result


def _declarations(text: str, convert, stops=None) -> str:
    """The declarations with their colours converted; stop-color's by `stops` if given."""
    import tinycss2

    out = []
    for declaration in tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True):
        if declaration.type != "declaration":
            continue
        value = declaration.value
        if declaration.lower_name in PAINT:
            value = _tokens(value, stops if stops and declaration.lower_name == "stop-color" else convert)
        important = " !important" if declaration.important else ""
        out.append(f"{declaration.name}: {tinycss2.serialize(value).strip()}{important}")
    return "; ".join(out)


def _sheet(text: str, convert, shaded: bool = False) -> str:
    import tinycss2

    stops = _as_srgb if shaded else None  # stops of shadings stay sRGB (press_shadings)
    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{ "
                       f"{_declarations(tinycss2.serialize(rule.content), convert, stops)} }}")
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
            # Rules inside a condition: their colours as every other's (WeasyPrint 70 may apply them).
            out.append(f"@{rule.at_keyword} {tinycss2.serialize(rule.prelude).strip()} {{\n"
                       f"{_sheet(tinycss2.serialize(rule.content), convert, shaded)}\n}}")
        elif rule.type == "at-rule":
            out.append(rule.serialize())
    return "\n".join(out)


def _as_srgb(rgb: tuple[float, ...], alpha: float = 1.0) -> str:
    """A colour as CSS rgb(), for what must stay sRGB (a shading's stops)."""
    red, green, blue = (round(value * 255, 3) for value in rgb)
    return f"rgb({red:g}, {green:g}, {blue:g}, {alpha:g})" if alpha < 1 else f"rgb({red:g}, {green:g}, {blue:g})"


# Linear RGB of CSS Color 4's predefined spaces -> CIE XYZ (their white: D65, ProPhoto D50).
_TO_XYZ = {
    "display-p3": ((608311 / 1250200, 189793 / 714400, 198249 / 1000160),
                   (35783 / 156275, 247089 / 357200, 198249 / 2500400), (0, 32229 / 714400, 5220557 / 5000800)),
    "a98-rgb": ((573536 / 994567, 263643 / 1420810, 187206 / 994567),
                (591459 / 1989134, 6239551 / 9945670, 374412 / 4972835),
                (53769 / 1989134, 351524 / 4972835, 4929758 / 4972835)),
    "prophoto-rgb": ((0.7977666449006423, 0.13518129740053308, 0.0313477341283922),
                     (0.2880748288194013, 0.711835234241873, 0.00008993693872564), (0.0, 0.0, 0.8251046025104602)),
    "rec2020": ((63426534 / 99577255, 20160776 / 139408157, 47086771 / 278816314),
                (26158966 / 99577255, 472592308 / 697040785, 8267143 / 139408157),
                (0, 19567812 / 697040785, 295819943 / 278816314)),
}
_XYZ_TO_SRGB = ((12831 / 3959, -329 / 214, -1974 / 3959), (-851781 / 878810, 1648619 / 878810, 36519 / 878810),
                (705 / 12673, -2585 / 12673, 705 / 667))
_D50_TO_D65 = ((0.955473421488075, -0.02309845494876471, 0.06325924320057072),
               (-0.0283697093338637, 1.0099953980813041, 0.021041441191917323),
               (0.012314014864481998, -0.020507649298898964, 1.330365926242124))


def _times(matrix, vector) -> tuple[float, ...]:
    return tuple(sum(factor * value for factor, value in zip(row, vector, strict=True)) for row in matrix)


def _linear(space: str, value: float) -> float:
    """A channel of `space` without its transfer curve."""
    size, sign = abs(value), -1.0 if value < 0 else 1.0
    if space == "a98-rgb":
        return sign * size ** (563 / 256)
    if space == "prophoto-rgb":
        return value / 16 if size <= 16 / 512 else sign * size ** 1.8
    if space == "rec2020":
        alpha, beta = 1.09929682680944, 0.018053968510807
        return value / 4.5 if size < beta * 4.5 else sign * ((size + alpha - 1) / alpha) ** (1 / 0.45)
    return value / 12.92 if size <= 0.04045 else sign * ((size + 0.055) / 1.055) ** 2.4  # sRGB, display-p3


def srgb(colour) -> tuple[float, float, float]:
    """A colour tinycss2 parsed, in any CSS Color 4 space, as sRGB (0..1, clipped to
    the gamut): what the press's conversion starts from. (tinycss2 itself converts
    only hsl() and hwb() to sRGB.)"""
    space = colour.space
    if space in ("srgb", "hsl", "hwb"):
        rgb = colour.to("srgb").coordinates
    else:
        values = tuple(value or 0.0 for value in colour.coordinates)
        if space in ("lab", "lch", "oklab", "oklch"):
            space, values = ("xyz-d50" if space in ("lab", "lch") else "xyz-d65"), colour.to(
                "xyz-d50" if space in ("lab", "lch") else "xyz-d65").coordinates
        elif space in _TO_XYZ:
            values = _times(_TO_XYZ[space], [_linear(space, value) for value in values])
            space = "xyz-d50" if space == "prophoto-rgb" else "xyz-d65"
        if space == "xyz-d50":
            values = _times(_D50_TO_D65, values)
        linear = values if space == "srgb-linear" else _times(_XYZ_TO_SRGB, values)
        rgb = tuple(12.92 * value if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055
                    for value in linear)
    red, green, blue = (min(1.0, max(0.0, value)) for value in rgb)
    return red, green, blue
