"""Check the pictures that valid entries (and brochure.yaml's cover) point at, before
anything is rendered.

Validation has made sure each image path is inside the project and exists; here each
image is opened, so that a damaged file is reported against its entry rather than
failing in the middle of a render.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from brochure.content.settings import SETTINGS_FILE
from brochure.content.svg import is_svg, svg_trouble
from brochure.errors import Problem
from brochure.model import Entry, Image

PILLOW_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "MPO"}  # what WeasyPrint embeds as pictures


def image_problems(entries: list[Entry], named_in_settings: Sequence[tuple[str, Image]] = ()) -> list[Problem]:
    """Every local picture Pillow cannot read in full, or SVG that is not a safe,
    self-contained drawing (content/svg.py): those of the entries, and those brochure.yaml
    names (the cover picture, the partners' logos), which are printed the same way and so
    pass the same checks (located at their line there)."""
    named = [(entry.file, "image.src", entry.image) for entry in entries if entry.image]
    named += [(SETTINGS_FILE, field, image) for field, image in named_in_settings]
    problems = []
    for file, field, image in named:
        if image.path and (trouble := svg_trouble(image.path)):
            line, column = image.where
            problems.append(Problem(file, line, column, field, f"image {image.src!r} {trouble}",
                                    "remove it from the SVG, or export the picture as PNG"))
        elif image.path and not is_svg(image.path) and (trouble := _unreadable(image.path)):
            line, column = image.where
            problems.append(Problem(file, line, column, field, f"image {image.src!r} {trouble}",
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
