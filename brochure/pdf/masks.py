"""The transparency of CMYK pictures, given back in the PDF as soft masks.

WeasyPrint embeds a CMYK picture only as a JPEG, which has no alpha channel, and a
PNG, which could, cannot be CMYK. So a print picture with transparency reaches
WeasyPrint without it (pdf/pictures.py keeps the alpha apart), and its alpha is
attached here to the image it belongs to, found by WeasyPrint's resource name:
"i" + the picture's image id + one digit (weasyprint.pdf.stream.add_image).
"""

from __future__ import annotations

import io
import zlib

_NAME_LENGTH = 1 + 32 + 1  # "i", an MD5 in hex, the interpolation flag


def attach_soft_masks(pdf, masks: dict[str, bytes]) -> int:
    """Give each image whose id is in `masks` its alpha (an 8-bit grey PNG) as /SMask;
    returns how many images got one. `pdf` is an open pikepdf document."""
    if not masks:
        return 0
    import pikepdf

    attached: dict[tuple[int, int], pikepdf.Stream] = {}
    for xobject, name in _images(pdf):
        identifier = name[1:33]
        if identifier not in masks or len(name) != _NAME_LENGTH or xobject.objgen in attached:
            continue
        mask = _mask_stream(pdf, masks[identifier], int(xobject.Width), int(xobject.Height))
        mask.Interpolate = xobject.get("/Interpolate", False)
        xobject.SMask = mask
        attached[xobject.objgen] = mask
    return len(attached)


def _images(pdf):
    """Every image XObject with the name it is drawn by, in pages and nested forms."""
    seen = set()
    stack = [page.get("/Resources") for page in pdf.pages]
    while stack:
        resources = stack.pop()
        if resources is None:
            continue
        for name, xobject in resources.get("/XObject", {}).items():
            if xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            if xobject.get("/Subtype") == "/Image":
                yield xobject, str(name)[1:]
            elif xobject.get("/Subtype") == "/Form":
                stack.append(xobject.get("/Resources"))


def _mask_stream(pdf, png: bytes, width: int, height: int):
    import pikepdf
    from PIL import Image

    with Image.open(io.BytesIO(png)) as stored:
        alpha = stored.convert("L")
    if alpha.size != (width, height):  # the picture was scaled after its alpha was kept
        alpha = alpha.resize((width, height), Image.Resampling.LANCZOS)
    raw = alpha.tobytes()
    return pikepdf.Stream(pdf, zlib.compress(raw, 9), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                          Width=width, Height=height, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8,
                          Filter=pikepdf.Name.FlateDecode)
