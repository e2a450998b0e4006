"""The facts the scanner finds on a page, and the plain arithmetic it needs (matrices,
inks, positions). Nothing here reads a PDF: scanner.py does, rules judge the facts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from brochure.model import MM

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
INKS = ("C", "M", "Y", "K")


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF order: a point is transformed by m first)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def matrix(values) -> Matrix:
    a, b, c, d, e, f = (float(value) for value in values)
    return (a, b, c, d, e, f)


def appearance(rect, box, form_matrix) -> Matrix:
    """Where an annotation's appearance is drawn: its form's BBox (through its Matrix)
    fitted into the annotation's Rect (PDF 1.7, 12.5.5)."""
    x0, y0, x1, y1 = (float(value) for value in rect)
    inner = matrix(form_matrix)
    bx0, by0, bx1, by1 = bounds([apply(inner, float(x), float(y)) for x in (box[0], box[2]) for y in (box[1], box[3])])
    sx = (x1 - x0) / (bx1 - bx0) if bx1 > bx0 else 1.0
    sy = (y1 - y0) / (by1 - by0) if by1 > by0 else 1.0
    return multiply(inner, (sx, 0.0, 0.0, sy, x0 - bx0 * sx, y0 - by0 * sy))


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def scales(m: Matrix) -> tuple[float, float]:
    """How much a matrix stretches along x and along y (lengths of its axes)."""
    return math.hypot(m[0], m[1]), math.hypot(m[2], m[3])


@dataclass(frozen=True)
class Colour:
    space: str  # DeviceCMYK, DeviceGray, ICCBased(4), Separation, DeviceRGB, Pattern, …
    values: tuple[float, ...] = ()
    spot: str = ""  # the ink of a Separation

    def inks(self) -> frozenset[str] | None:
        """The inks this colour prints with (empty: white, paper only); None when it cannot
        be told (RGB, Lab, patterns: the colour-space rule deals with those)."""
        if self.space in ("DeviceCMYK", "ICCBased(4)") and len(self.values) == 4:
            return frozenset(ink for ink, value in zip(INKS, self.values, strict=True) if value > 0.002)
        if self.space in ("DeviceGray", "ICCBased(1)") and len(self.values) == 1:
            return frozenset({"K"}) if self.values[0] < 0.998 else frozenset()
        if self.space == "Separation" and self.spot and len(self.values) == 1:
            return frozenset({self.spot}) if self.values[0] > 0.002 else frozenset()
        return None

    def black(self) -> float:
        """The share of K (0 to 1) in a CMYK or grey colour, else 0."""
        if self.space in ("DeviceCMYK", "ICCBased(4)") and len(self.values) == 4:
            return self.values[3]
        if self.space in ("DeviceGray", "ICCBased(1)") and len(self.values) == 1:
            return 1 - self.values[0]
        return 0.0

    def __str__(self) -> str:
        if self.space in ("DeviceCMYK", "ICCBased(4)") and len(self.values) == 4:
            return "C{:.0f} M{:.0f} Y{:.0f} K{:.0f}".format(*(value * 100 for value in self.values))
        if self.space in ("DeviceGray", "ICCBased(1)") and self.values:
            return f"grey {self.values[0] * 100:.0f} % (K{(1 - self.values[0]) * 100:.0f})"
        return self.space


@dataclass(frozen=True)
class Text:
    font: str
    size: float  # effective size on the page, in points
    colour: Colour
    overprint: bool
    at: tuple[float, float]  # page coordinates (points) of the first glyph run


@dataclass(frozen=True)
class Stroke:
    width: float  # effective width on the page, in points (0: a device hairline)
    colour: Colour
    overprint: bool
    box: tuple[float, float, float, float]  # page coordinates of the path


@dataclass(frozen=True)
class Fill:
    colour: Colour
    overprint: bool
    box: tuple[float, float, float, float]
    what: str  # "fill", "text"


@dataclass(frozen=True)
class Placed:
    """An image as drawn: its name, pixels, effective resolution and where it lies."""

    name: str  # the resource name (/Im1) or "inline image"
    width: int
    height: int
    bits: int  # bits per component; 1 for image masks
    ppi: float
    box: tuple[float, float, float, float]  # page coordinates


@dataclass
class PageFacts:
    colour_spaces: set[str] = field(default_factory=set)
    where_spaces: dict[str, str] = field(default_factory=dict)  # colour space -> the first object using it
    transparency: list[str] = field(default_factory=list)
    where_transparency: dict[str, str] = field(default_factory=dict)  # kind -> the first object showing it
    placed: list[Placed] = field(default_factory=list)
    fonts: dict[str, bool] = field(default_factory=dict)  # name -> embedded
    texts: dict[tuple, Text] = field(default_factory=dict)  # one per font, size, colour and overprint
    strokes: set[Stroke] = field(default_factory=set)
    fills: set[Fill] = field(default_factory=set)  # only what overprints: white overprint is judged on them
    groups: list[tuple[str, str]] = field(default_factory=list)  # (which group, its blending colour space)
    damaged: list[str] = field(default_factory=list)  # content that could not be read

    @property
    def images(self) -> list[tuple[int, int, float]]:
        """Continuous-tone images: width px, height px, ppi (the older form of `placed`)."""
        return [(image.width, image.height, image.ppi) for image in self.placed if image.bits != 1]

    def transparent(self, kind: str, where: str) -> None:
        self.transparency.append(kind)
        self.where_transparency.setdefault(kind, where)

    def uses(self, space: str, where: str) -> None:
        self.colour_spaces.add(space)
        self.where_spaces.setdefault(space, where)


def bounds(points) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)


def overlaps(box, frame) -> bool:
    """Whether `box` (x0, y0, x1, y1) reaches into `frame` at all."""
    return box[2] > frame[0] and box[0] < frame[2] and box[3] > frame[1] and box[1] < frame[3]


def position(box, trim) -> str:
    """Where an object lies, for a print operator: mm from the trim's left and top edges."""
    left, top = (box[0] - trim[0]) / MM, (trim[3] - box[3]) / MM
    return f"{left:.1f} mm from the left, {top:.1f} mm from the top of the trim"
