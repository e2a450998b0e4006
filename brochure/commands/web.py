"""brochure build --format html: the web edition, one HTML file and its pictures."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from brochure.commands.build import WEB_SUFFIXES, default_output
from brochure.content.catalogue import Excluded, document_date, input_files, selected
from brochure.content.settings import edition, load_settings, theme_folder
from brochure.files import checked_output, remove, write_atomically
from brochure.model import Entry, Image, Selection


@dataclass
class WebReport:
    output: Path
    entries: list[Entry]
    excluded: list[Excluded]
    files: list[Path]  # the HTML file first, then the images written beside it
    size: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


_OUR_PICTURE = re.compile(r"[0-9a-f]{12}-.+")  # the names build_web gives the pictures it copies


def build_web(start: Path, selection: Selection, output: Path | None = None, self_contained: bool = False,
              allow_remote_images: bool = False) -> WebReport:
    """The web edition: the same entries, order and theme content as one HTML file,
    with its images in a folder beside it, or inside it as data: addresses."""
    from brochure.html.theme import render_html

    began = time.monotonic()
    settings = edition(load_settings(start), selection.language)  # a language edition's, with --language
    found = selected(settings, selection, allow_remote_images)
    entries, timings = found.entries, found.timings
    theme = theme_folder(settings)
    target = checked_output(output or default_output(settings).with_suffix(".html"),
                            input_files(found, theme), WEB_SUFFIXES)
    folder_name = f"{target.stem}_files"
    pictures: dict[str, Path] = {}  # name beside the HTML -> source image

    def image_url(image: Image) -> str:
        if image.path is None:
            return image.src  # allowed web address: the reader's browser fetches it
        if self_contained:
            return _data_url(image.path)
        # Named by content, so images of the same name from two folders cannot collide.
        name = f"{hashlib.sha256(image.path.read_bytes()).hexdigest()[:12]}-{image.path.name}"
        pictures[name] = image.path
        return f"{folder_name}/{name}"

    stage = time.monotonic()
    html, _ = render_html(settings, entries, theme, document_date(entries), "web.html.j2", image_url)
    timings["rendering"] = time.monotonic() - stage
    stage = time.monotonic()
    folder = target.parent / folder_name
    written = []
    for name, source in sorted(pictures.items()):
        written.append(folder / name)
        write_atomically(written[-1], source.read_bytes())
    data = html.encode("utf-8")
    write_atomically(target, data)
    # Pictures of an earlier edition that this one no longer shows (only our own names).
    if folder.is_dir():
        remove(stale for stale in folder.iterdir() if _OUR_PICTURE.fullmatch(stale.name) and stale.name not in pictures)
    timings["writing"] = time.monotonic() - stage
    size = len(data) + sum(path.stat().st_size for path in written)
    return WebReport(target, entries, found.excluded, [target, *written], size, time.monotonic() - began, timings)


def _data_url(path: Path) -> str:
    import base64
    import mimetypes

    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"
