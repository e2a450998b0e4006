"""Pictures prepared for print: converted to the printer's CMYK, or scaled down, and
kept under build/.cache keyed by their content, so a rebuild converts nothing again.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path

from brochure import __version__
from brochure.files import write_atomically

CACHE_DIR = Path("build") / ".cache"  # prepared images, under the project

JPEG_QUALITY = 92  # high enough that a re-encoded photograph looks the same in print


@cache
def _transform(icc: Path, mode: str):
    from PIL import ImageCms

    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(icc)), mode,
                                   "CMYK", ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                   ImageCms.Flags.BLACKPOINTCOMPENSATION)


def to_cmyk(data: bytes, icc: Path, scale: float = 1.0) -> bytes:
    """The picture as a CMYK JPEG in the colours of the printer's profile (untagged
    pictures are taken to be sRGB, as browsers do), optionally scaled by `scale` < 1.
    Transparency is flattened onto white: PDF/X-1a allows none."""
    from PIL import Image

    picture: Image.Image  # opened from a file, then converted in memory
    with Image.open(io.BytesIO(data)) as picture:
        picture.load()
        if picture.mode in ("RGBA", "LA", "P", "PA") or "transparency" in picture.info:
            picture = picture.convert("RGBA")
            white = Image.new("RGBA", picture.size, (255, 255, 255, 255))
            picture = Image.alpha_composite(white, picture)
        if scale < 1:
            size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
            picture = picture.resize(size, Image.Resampling.LANCZOS)
        if picture.mode != "CMYK":
            embedded = picture.info.get("icc_profile")
            picture = _apply(picture.convert("RGB"), icc, embedded)
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=JPEG_QUALITY, dpi=(300, 300))
        return buffer.getvalue()


def _apply(picture, icc: Path, embedded: bytes | None):
    """Convert with the picture's own profile when it has one (Adobe RGB, Display P3 …)."""
    from PIL import ImageCms

    if embedded:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(embedded))
            return ImageCms.profileToProfile(picture, source, str(icc), outputMode="CMYK",
                                             renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                             flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
        except (OSError, ImageCms.PyCMSError):
            pass  # a damaged embedded profile: treat the picture as sRGB
    return ImageCms.applyTransform(picture, _transform(icc, "RGB"))


def prepared(root: Path, picture: Path, icc: Path, scale: float) -> bytes:
    """The picture in the printer's CMYK (scaled down when `scale` < 1), made once and
    kept under the project's build/.cache, keyed by the content of the picture and of
    the profile."""
    data = picture.read_bytes()
    key = hashlib.sha256(data + _file_digest(icc) + f"{scale:.4f} {__version__}".encode()).hexdigest()
    cached = root / CACHE_DIR / "images" / f"{key[:32]}.jpg"
    if cached.is_file():
        return cached.read_bytes()
    converted = to_cmyk(data, icc, scale)
    write_atomically(cached, converted)
    return converted


@cache
def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()
