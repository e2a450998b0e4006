"""Write the pictures real offices send, made on purpose, into a folder:

    python scripts/make-camera-pictures.py OUTDIR

Each is a 2400 x 1600 scene (359 ppi across the default theme's column): a sky-blue
top, a green and an orange band, a dark foot, so that a test can tell up from down and
compare colours between editions:

- exif-rotated.jpg   stored on its side, with EXIF orientation 6 (a phone held upright)
- grey-16bit.png     16-bit greyscale (I;16), as scanners and raw converters write it
- grey-8bit.jpg      8-bit greyscale
- grey-as-rgb.jpg    a black and white photo saved as RGB
- cmyk-swop.jpg      CMYK separated for another press (SWOP), its profile embedded
- prophoto.jpg       ROMM (ProPhoto) RGB, its profile embedded
- adobe-rgb.png      Adobe RGB (1998), its profile embedded
- alpha-fade.png     RGBA that fades to transparent at the bottom
- palette-alpha.png  a palette picture with a transparent colour
- bilevel.png        1-bit line art

The ICC profiles come from Ghostscript's own set (/usr/share/color/icc/ghostscript):
they are read here, at test time, and never committed (they are AGPL).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw

GHOSTSCRIPT_ICC = Path("/usr/share/color/icc/ghostscript")
SIZE = (2400, 1600)


def scene() -> Image.Image:
    """Sky above, two colour bands, a dark foot: upright only one way."""
    picture = Image.new("RGB", SIZE, (110, 160, 210))
    draw = ImageDraw.Draw(picture)
    width, height = SIZE
    for y in range(height // 2):  # a soft gradient, like a real sky
        shade = round(60 * y / (height / 2))
        draw.line([(0, y), (width, y)], fill=(110 + shade, 160 + shade // 2, 210))
    draw.rectangle([0, height // 2, width // 2, height * 3 // 4], fill=(70, 140, 60))
    draw.rectangle([width // 2, height // 2, width, height * 3 // 4], fill=(225, 130, 50))
    draw.rectangle([0, height * 3 // 4, width, height], fill=(45, 40, 50))
    return picture


def _profile(name: str) -> ImageCms.ImageCmsProfile:
    path = GHOSTSCRIPT_ICC / name
    if not path.is_file():
        sys.exit(f"{path} is missing: install Debian's ghostscript package")
    return ImageCms.ImageCmsProfile(str(path))


def _icc_bytes(name: str) -> bytes:
    return (GHOSTSCRIPT_ICC / name).read_bytes()


def _converted(picture: Image.Image, profile: str, mode: str) -> Image.Image:
    return ImageCms.profileToProfile(picture, ImageCms.createProfile("sRGB"), _profile(profile), outputMode=mode,
                                     renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


def make(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    picture = scene()
    made = []

    def save(name: str, image: Image.Image, **options) -> None:
        buffer = io.BytesIO()
        image.save(buffer, Path(name).suffix[1:].upper().replace("JPG", "JPEG"), **options)
        (folder / name).write_bytes(buffer.getvalue())
        made.append(folder / name)

    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    save("exif-rotated.jpg", picture.transpose(Image.Transpose.ROTATE_90), quality=92, exif=exif.tobytes())
    grey = picture.convert("L")
    save("grey-16bit.png", grey.point(lambda value: value * 257, "I").convert("I;16"))
    save("grey-8bit.jpg", grey, quality=92)
    save("grey-as-rgb.jpg", grey.convert("RGB"), quality=92)
    save("cmyk-swop.jpg", _converted(picture, "default_cmyk.icc", "CMYK"), quality=92,
         icc_profile=_icc_bytes("default_cmyk.icc"))
    save("prophoto.jpg", _converted(picture, "rommrgb.icc", "RGB"), quality=92, icc_profile=_icc_bytes("rommrgb.icc"))
    save("adobe-rgb.png", _converted(picture, "a98.icc", "RGB"), icc_profile=_icc_bytes("a98.icc"))
    faded = picture.convert("RGBA")
    faded.putalpha(Image.linear_gradient("L").rotate(180).resize(SIZE))  # opaque at the top, clear at the foot
    save("alpha-fade.png", faded)
    palette = picture.quantize(16)
    save("palette-alpha.png", palette, transparency=0)
    save("bilevel.png", grey.point(lambda value: 255 if value > 100 else 0).convert("1"))
    return made


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for path in make(Path(sys.argv[1])):
        print(path)
