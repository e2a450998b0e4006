"""Check the files that valid entries point at, before anything is rendered.

Validation has made sure each image path is inside the project and exists; here each
image is opened, so that a damaged file is reported against its entry rather than
failing in the middle of a render.
"""

from __future__ import annotations

from pathlib import Path

from brochure.errors import Problem
from brochure.model import Entry

PILLOW_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "MPO"}  # what WeasyPrint embeds as pictures


def image_problems(entries: list[Entry]) -> list[Problem]:
    problems = []
    for entry in entries:
        if entry.image and entry.image.path and (trouble := _unreadable(entry.image.path)):
            line, column = entry.image.where
            problems.append(Problem(entry.file, line, column, "image.src", f"image {entry.image.src!r} {trouble}",
                                    "export it again as JPEG or PNG"))
    return problems


def _unreadable(path: Path) -> str:
    """Why Pillow cannot read the image at `path` in full, or "" when it can.

    JPEGs are decoded at 1/8 scale: as thorough against truncation, far cheaper.
    """
    from PIL import Image as Pillow  # only projects with images pay for the import
    from PIL import ImageFile

    # WeasyPrint, once imported, tells Pillow to accept truncated files; here we want to
    # know about them, so the setting is held off for the duration of the check.
    accepting = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Pillow.open(path) as picture:
            if picture.format not in PILLOW_FORMATS:
                return f"is a {picture.format} image; use JPEG, PNG, GIF or WebP"
            picture.draft("RGB", (max(1, picture.width // 8), max(1, picture.height // 8)))
            picture.load()
    except Pillow.UnidentifiedImageError:
        return "is not a readable image (unknown or damaged format)"
    except Pillow.DecompressionBombError:
        return "has too many pixels to be a photograph (a decompression bomb?)"
    except (OSError, SyntaxError, ValueError) as error:
        return f"is not a readable image ({error})"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = accepting
    return ""
