"""Pictures prepared for the PDF a profile makes, from whatever a camera, a scanner or
an editor wrote (picture_modes.py makes them plain first):

- in the output's colours: the press's CMYK through its ICC profile for print, sRGB for
  screen and archive (whose output intent is sRGB), each converted from the picture's
  own embedded profile (Adobe RGB, ProPhoto, a CMYK made for another press); untagged
  RGB is taken as sRGB, as browsers do, untagged CMYK as made for this press;
- grey stays grey: DeviceGray, which prints on the black plate only;
- transparency kept where the variant allows it (for print, the alpha travels apart
  and pdf/masks.py attaches it as a soft mask), else flattened onto the colour that
  lies behind the picture on the page;
- refused when the result is blank while its source was not.

Kept under build/.cache keyed by content and target, so a rebuild converts nothing again.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from brochure import __version__
from brochure.files import write_atomically
from brochure.pdf.picture_modes import plain, transparent
from brochure.pdf.profiles import DEFAULT_ICC

CACHE_DIR = Path("build") / ".cache"  # prepared images, under the project

JPEG_QUALITY = 92  # high enough that a re-encoded photograph looks the same in print

# Relative colorimetric with black point compensation: what Acrobat and Photoshop use
# by default for photographs into a press profile. In-gamut colours stay exact, the
# darkest shadow maps to the press's darkest instead of clipping. (Perceptual would
# compress every colour to fit, and many press profiles' perceptual tables differ.)
RENDERING_INTENT = "relative colorimetric"
_INTENT_FLAGS = {"relative colorimetric": ("RELATIVE_COLORIMETRIC", "BLACKPOINTCOMPENSATION"),
                 "perceptual": ("PERCEPTUAL", "NONE")}

WHITE = ("srgb", (1.0, 1.0, 1.0))  # the paper, behind a picture with nothing else behind it


class BlankPicture(ValueError):
    """A picture that came out of its conversion empty (a single colour) although its
    source was not."""


@dataclass(frozen=True)
class Target:
    """What the PDF of a profile wants of a picture."""

    icc: Path | None  # the press's CMYK profile; None: sRGB (screen, archive)
    keep_alpha: bool  # the variant allows transparency
    backdrop: tuple[str, tuple[float, ...]] = WHITE  # what lies behind: ("srgb", rgb) or ("device-cmyk", cmyk)
    scale: float = 1.0  # < 1: scaled down (pictures far sharper than print shows)


@dataclass(frozen=True)
class Prepared:
    data: bytes  # a JPEG or PNG WeasyPrint embeds as it is
    alpha: bytes | None = None  # for a CMYK picture with transparency: its alpha, an 8-bit grey PNG


def needs_preparing(path: Path, target: Target) -> bool:
    """Whether WeasyPrint would get the picture wrong as it is. Print always converts;
    for sRGB, an 8-bit sRGB picture (EXIF orientation WeasyPrint applies itself) is
    embedded untouched, byte for byte."""
    if target.icc is not None or target.scale < 1:
        return True
    from PIL import Image

    with Image.open(path) as picture:
        if picture.mode not in ("RGB", "L", "RGBA", "LA", "P", "1"):
            return True
        if not _is_srgb(picture.info.get("icc_profile")):
            return True
        return transparent(picture) and not target.keep_alpha


def has_transparency(path: Path) -> bool:
    """Whether the picture has an alpha channel or a transparent colour (header only)."""
    from PIL import Image

    with Image.open(path) as picture:
        return transparent(picture)



def prepared(root: Path, picture: Path, target: Target) -> Prepared:
    """The picture made for `target`, once: kept under the project's build/.cache."""
    data = picture.read_bytes()
    key = hashlib.sha256(data + (_file_digest(target.icc) if target.icc else b"")
                         + f"{target.keep_alpha} {target.backdrop} {target.scale:.4f} {RENDERING_INTENT} "
                           f"{__version__}".encode()).hexdigest()[:32]
    folder = root / CACHE_DIR / "images"
    main, mask = folder / f"{key}.pic", folder / f"{key}.alpha.png"
    if main.is_file():  # written last: its alpha, if it has one, is there
        return Prepared(main.read_bytes(), mask.read_bytes() if mask.is_file() else None)
    result = prepare(data, target)
    if result.alpha is not None:
        write_atomically(mask, result.alpha)
    write_atomically(main, result.data)
    return result


def prepare(data: bytes, target: Target) -> Prepared:
    """The picture in `data` made for `target` (see the module's description)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as source:
        source.load()
        lossless = source.format != "JPEG" and source.format != "MPO"
        picture, alpha = plain(source)
        # Whether there was anything to see: in 8 bits where the mode says the range,
        # in the raw values where it does not (32-bit integer and float grey).
        varied = _varied(source if source.mode in ("I", "F") else picture)
    embedded = source.info.get("icc_profile")
    if target.scale < 1:
        size = (max(1, round(picture.width * target.scale)), max(1, round(picture.height * target.scale)))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
        alpha = alpha.resize(size, Image.Resampling.LANCZOS) if alpha else None
    picture = _converted(picture, embedded, target.icc)
    if alpha is not None and not target.keep_alpha:
        picture, alpha = _flattened(picture, alpha, target), None
    if varied and not _varied(picture):
        raise BlankPicture("comes out as a single colour once converted for this profile")
    if alpha is not None and target.icc is None:  # sRGB with transparency: WeasyPrint makes the soft mask
        picture.putalpha(alpha)
        return Prepared(_encoded(picture, "PNG"))
    format = "PNG" if lossless and target.icc is None else "JPEG"
    return Prepared(_encoded(picture, format), _encoded(alpha, "PNG") if alpha is not None else None)


def _converted(picture, embedded: bytes | None, icc: Path | None):
    """An L, RGB or CMYK picture in the output's colours; grey stays grey."""
    if picture.mode == "L":
        return picture
    wanted = "CMYK" if icc is not None else "RGB"
    source = _profile(embedded, picture.mode)
    destination = _open_profile(str(icc)) if icc is not None else _srgb()
    if picture.mode == wanted and (source is None or _same_profile(source, destination)):
        return picture  # already in the output's colours
    from PIL import ImageCms

    intent, flags = rendering_intent()
    for origin in (source, _default_profile(picture.mode)):
        if origin is None:
            continue
        try:
            transform = ImageCms.buildTransform(origin, destination, picture.mode, wanted, intent, flags)
            return ImageCms.applyTransform(picture, transform)
        except (OSError, ImageCms.PyCMSError):
            continue  # an embedded profile LittleCMS cannot use (damaged, or not of this kind): as untagged
    raise BlankPicture("cannot be converted to this profile's colours")


def rendering_intent():
    """The LittleCMS intent and flags of RENDERING_INTENT: every conversion to the
    press's or the screen's colours uses them (pictures here, brand and SVG colours in
    brand_colours.py), so that a colour and a photograph of it print alike."""
    from PIL import ImageCms

    intent, flags = _INTENT_FLAGS[RENDERING_INTENT]
    return ImageCms.Intent[intent], ImageCms.Flags[flags]


def _flattened(picture, alpha, target: Target):
    """The picture composited onto what lies behind it, in the output's colours."""
    from PIL import Image

    space, values = target.backdrop
    colour = Image.new("CMYK" if space == "device-cmyk" else "RGB", (1, 1),
                       tuple(round(value * 255) for value in values))
    colour = _converted(colour, None, target.icc)
    if picture.mode != colour.mode:
        picture = picture.convert(colour.mode) if picture.mode == "L" else picture
        colour = colour.convert(picture.mode) if colour.mode == "L" else colour
    return Image.composite(picture, Image.new(picture.mode, picture.size, colour.getpixel((0, 0))), alpha)


def _encoded(picture, format: str) -> bytes:
    buffer = io.BytesIO()
    if format == "JPEG":
        picture.save(buffer, "JPEG", quality=JPEG_QUALITY, dpi=(300, 300))
    else:
        picture.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def _varied(picture) -> bool:
    """More than one colour, judged on 64 x 64 samples (a blank result is blank there too)."""
    small = picture.resize((64, 64), resample=0)  # nearest: works in every mode
    extrema = small.getextrema()
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    return any(high - low > 2 for low, high in bands)


def _profile(embedded: bytes | None, mode: str):
    """The picture's own ICC profile when it has a usable one of its colour space."""
    if not embedded:
        return None
    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(embedded))
    except (OSError, ImageCms.PyCMSError):
        return None  # a damaged embedded profile: treat the picture as untagged
    return profile if profile.profile.xcolor_space.strip() == mode else None


def _same_profile(one, other) -> bool:
    return one.tobytes() == other.tobytes()


def _default_profile(mode: str):
    """Untagged RGB is sRGB (as browsers take it); untagged CMYK is taken as made for
    the press brochure ships the profile of."""
    return _srgb() if mode == "RGB" else _open_profile(str(DEFAULT_ICC))


def _is_srgb(embedded: bytes | None) -> bool:
    if not embedded:
        return True
    from PIL import ImageCms

    try:
        description = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(embedded)))
    except (OSError, ImageCms.PyCMSError):
        return True  # unreadable: WeasyPrint ignores it as it ignores every profile
    name = description.lower().replace(" ", "")
    return name.startswith("srgb") and "linear" not in name  # sRGB IEC61966-2.1, sRGB v4 …; not linear-light


@cache
def _srgb():
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@cache
def _open_profile(path: str):
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(path)


@cache
def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()
