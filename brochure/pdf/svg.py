"""An SVG (a logo, an entry's picture) made for the press: every colour it paints with
rewritten as `device-cmyk()`, which WeasyPrint 70's SVG renderer draws as DeviceCMYK
(svg/utils.color parses CSS Color 5; pdf/stream.set_color writes /DeviceCMYK), so the
logo stays vectors and prints in the press's inks (pdf/brand_colours.press_cmyk: through
the output intent, greys on black alone).

Rewritten: the paint attributes (fill, stroke, stop-color, flood-color, lighting-color,
color), the same properties in style="" and in <style> sheets, and the default black
fill (set on the root, since the default would be DeviceRGB). A gradient of several
stops cannot be drawn in CMYK by WeasyPrint 70 (its shadings are DeviceRGB whatever the
stops say): such an SVG is refused for print with a message, rather than printed wrong.
The SVG was checked by content/svg.py before; it is parsed here the same safe way.
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


def press_svg(data: bytes, icc: Path) -> bytes:
    """The SVG with every colour in the press's CMYK."""
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():  # content/svg.py refused it already
        raise UnprintableSvg("has a DOCTYPE or ENTITY declaration")
    for prefix, uri in (("", SVG_NS), ("xlink", "http://www.w3.org/1999/xlink")):
        ElementTree.register_namespace(prefix, uri)
    root = ElementTree.fromstring(data)
    for gradient in root.iter():
        if gradient.tag in _GRADIENTS and len([stop for stop in gradient if stop.tag.endswith("stop")]) > 1:
            raise UnprintableSvg("has a gradient, which WeasyPrint 70 draws in RGB only; give the print logo "
                                 "solid colours, or use a PNG of it")
    convert = _converter(icc)
    for element in root.iter():
        for name in PAINT:
            if name in element.attrib:
                element.set(name, _paint(element.get(name, ""), convert))
        if "style" in element.attrib:
            element.set("style", _declarations(element.get("style", ""), convert))
        if element.tag == f"{{{SVG_NS}}}style" and element.text:
            element.text = _sheet(element.text, convert)
    if "fill" not in root.attrib:
        root.set("fill", convert((0.0, 0.0, 0.0)))  # SVG's default black, on the black plate
    if "color" not in root.attrib:
        root.set("color", convert((0.0, 0.0, 0.0)))  # what currentColor is when nothing says
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


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


def _declarations(text: str, convert) -> str:
    import tinycss2

    out = []
    for declaration in tinycss2.parse_blocks_contents(text, skip_comments=True, skip_whitespace=True):
        if declaration.type != "declaration":
            continue
        value = declaration.value
        if declaration.lower_name in PAINT:
            value = _tokens(value, convert)
        important = " !important" if declaration.important else ""
        out.append(f"{declaration.name}: {tinycss2.serialize(value).strip()}{important}")
    return "; ".join(out)


def _sheet(text: str, convert) -> str:
    import tinycss2

    out = []
    for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            out.append(f"{tinycss2.serialize(rule.prelude).strip()} {{ "
                       f"{_declarations(tinycss2.serialize(rule.content), convert)} }}")
        elif rule.type == "at-rule":
            out.append(rule.serialize())
    return "\n".join(out)
