"""Any picture Pillow can open, made plain: upright (its EXIF orientation applied), in
8 bits, as grey (L), RGB or CMYK, with its transparency apart (an L mask, or None).

Cameras, scanners and editors write many modes WeasyPrint does not embed as they are:
16-bit grey comes out as striped noise, a palette with an alpha channel as garbage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

GREY_TOLERANCE = 2  # most difference between R, G and B (of 255) in a photo still taken as grey


def plain(picture: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    """The picture upright, in L, RGB or CMYK, and its alpha (None when opaque)."""
    from PIL import ImageOps

    picture = ImageOps.exif_transpose(picture)  # a copy, its orientation tag cleared
    picture, alpha = _split_alpha(_eight_bits(picture))
    if alpha is not None and alpha.getextrema() == (255, 255):
        alpha = None  # an alpha channel that hides nothing
    if picture.mode == "RGB" and _is_grey(picture):
        picture = picture.convert("L")  # a black and white photo saved as RGB prints on black only
    return picture, alpha


def transparent(picture: Image.Image) -> bool:
    """An alpha channel, a transparent colour, or a palette with alpha: the one test of
    transparency (plain() then drops an alpha that hides nothing)."""
    return picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in picture.info or \
        (picture.mode == "P" and picture.palette is not None and picture.palette.mode == "RGBA")


def _eight_bits(picture: Image.Image) -> Image.Image:
    """The picture in a mode of 8 bits per channel: L, LA, RGB, RGBA or CMYK."""
    mode = picture.mode
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return picture
    if mode == "1":
        return picture.convert("L")
    if mode in ("La", "RGBa"):  # premultiplied alpha
        return picture.convert(mode.upper())
    if mode in ("P", "PA"):
        return picture.convert("RGBA" if transparent(picture) else "RGB")
    if mode.startswith("I;16"):  # 16 bits by its mode: 0 to 65535, however dark the picture
        return picture.convert("I").point(lambda value: value * (255 / 65535)).convert("L")
    if mode == "I":
        return _scaled_to_eight_bits(picture)
    if mode == "F":
        return _scaled_to_eight_bits(picture)
    if mode == "LAB":
        return _lab_to_srgb(picture)
    return picture.convert("RGB")  # YCbCr, HSV, RGBX


def _scaled_to_eight_bits(picture: Image.Image) -> Image.Image:
    """32-bit integer or float grey to L, whose range the mode does not say: values
    above 255 are taken as 16-bit (0 to 65535), floats up to 1.0 as 0 to 1, the
    conventions picture files use."""
    _, high = picture.getextrema()  # one band: (low, high)
    assert isinstance(high, (int, float))
    if picture.mode == "F" and high <= 1.0:
        scale = 255.0
    elif high > 255:
        scale = 255 / 65535
    else:
        scale = 1.0
    return picture.point(lambda value: value * scale).convert("L")  # clipped to 0-255


def _lab_to_srgb(picture: Image.Image) -> Image.Image:
    from PIL import ImageCms

    transform = ImageCms.buildTransform(ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB")
    converted = ImageCms.applyTransform(picture, transform)
    assert converted is not None  # None only when converting in place
    return converted


def _split_alpha(picture: Image.Image) -> tuple[Image.Image, Image.Image | None]:
    if picture.mode in ("LA", "RGBA"):
        return picture.convert(picture.mode[:-1]), picture.getchannel("A")
    return picture, None


def _is_grey(picture: Image.Image) -> bool:
    """R, G and B within GREY_TOLERANCE of each other everywhere (on a thumbnail)."""
    from PIL import ImageChops

    small = picture.copy()
    small.thumbnail((96, 96))
    red, green, blue = small.split()
    return all(_highest(ImageChops.difference(a, b)) <= GREY_TOLERANCE for a, b in ((red, green), (green, blue)))


def _highest(band: Image.Image) -> float:
    _, high = band.getextrema()
    assert isinstance(high, (int, float))  # one band
    return high
