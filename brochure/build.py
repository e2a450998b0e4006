"""The orchestrator: one plain function per command, called by the CLI.

Everything is read and checked before anything is written; build() is the only
place that writes files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Callable

from brochure import __version__
from brochure.errors import ContentError, Problem
from brochure.model import Entry, Profile, Selection, Settings
from brochure.catalogue import Excluded, document_date, entry_summary, load_settings
from brochure.catalogue import selected as _selected
from brochure.confine import is_inside
from brochure.project import SETTINGS_FILE, find_root, theme_folder
from brochure.source import entry_files


Progress = Callable[[str], None]
CACHE_DIR = Path("build") / ".cache"  # prepared images, under the project


def _quiet(message: str) -> None:
    pass


@dataclass
class BuildReport:
    output: Path
    included: list[dict]  # file, date, end_date, title, tags, draft, first_page of each item, in order
    excluded: list[Excluded]
    pages: int
    size: int
    seconds: float
    profile: str = "screen"
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    preflight: list[dict] = field(default_factory=list)  # the rules checked, for print and archive
    up_to_date: bool = False  # nothing changed since the last build: nothing was rendered

    def summary(self) -> dict:
        """What a later build that finds nothing changed reports again."""
        return {"included": self.included, "excluded": [item.as_dict() for item in self.excluded],
                "pages": self.pages, "size": self.size, "profile": self.profile, "preflight": self.preflight}


def watched_inputs(start: Path, output: Path | None) -> tuple[list[Path], list[Path]]:
    """The folders whose changes can change the output (the project and its theme), and
    what in them a build writes itself, which must not set off another build."""

    settings = load_settings(start)
    folders = [settings.root]
    theme = theme_folder(settings).resolve()
    if not is_inside(settings.root, theme):
        folders.append(theme)  # the built-in theme, edited in a development install
    written = [settings.root / "build"]
    for target in filter(None, (output, settings.root / settings.output)):
        written += [target, target.with_suffix(".html"), target.with_name(f"{target.with_suffix('').name}_files")]
    return folders, written


def _inputs_fingerprint(html: str, files: list[Path]) -> bytes:
    digest = hashlib.sha256(f"brochure {__version__}\n".encode())
    digest.update(html.encode("utf-8"))
    for path in files:
        digest.update(path.read_bytes())
    return digest.digest()


def write_atomically(target: Path, data: bytes, verify: Callable[[Path], None] | None = None) -> None:
    """Write to a temporary file beside `target`, then rename it into place: readers
    and a later failure never see a half-written PDF, and the previous one survives
    any failure (the temporary file is removed, even on Ctrl-C). `verify` may inspect
    the written file first and refuse it by raising."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise ContentError([Problem(str(target), 0, 0, "", f"cannot write here: {error.strerror}",
                                    "choose another output with -o")]) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        if verify:
            verify(Path(temporary))
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ContentError([Problem(str(target), 0, 0, "", f"cannot write here: {error.strerror}",
                                    "choose another output with -o")]) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _theme_files(theme: Path) -> list[Path]:
    return sorted(path for path in theme.rglob("*") if path.is_file() and is_inside(theme, path))


def _output(settings: Settings, entries: list[Entry], theme: Path, chosen: Path | None, default: str) -> Path:
    """Where to write: -o as given, else the settings' output. Never one of the inputs:
    a slip such as `-o brochure.yaml` must not overwrite the project with a PDF."""
    target = chosen if chosen is not None else settings.root / default
    if str(chosen) == "" or target.is_dir():
        raise ContentError([Problem(str(target), 0, 0, "", "is a folder, not a file name",
                                    "name the file, e.g. -o build/brochure.pdf")])
    inputs = {settings.root / SETTINGS_FILE, *(settings.root / entry.file for entry in entries),
              *(entry.image.path for entry in entries if entry.image and entry.image.path), *_theme_files(theme)}
    if target.resolve() in {path.resolve() for path in inputs}:
        raise ContentError([Problem(str(target), 0, 0, "", "is one of the brochure's own input files",
                                    "write the output somewhere else, e.g. build/")])
    return target


@dataclass(frozen=True)
class _Picture:
    """A local image of the brochure and where it is named (for messages)."""

    path: Path
    url: str  # its address in the HTML
    file: str  # the entry (or brochure.yaml) naming it
    src: str
    where: tuple[int, int]


def _pictures(settings: Settings, entries: list[Entry]) -> list[_Picture]:
    from brochure.render import asset_url

    named = [(entry.file, entry.image) for entry in entries if entry.image and entry.image.path]
    if settings.cover_image:
        named.append((SETTINGS_FILE, settings.cover_image))
    return [_Picture(image.path, asset_url(settings, image.path), file, image.src, image.where)
            for file, image in named]


def _prepared(settings: Settings, picture: _Picture, profile: Profile, scale: float) -> bytes:
    """The picture in the printer's CMYK (scaled down when `scale` < 1), made once and
    kept under build/.cache, keyed by the content of the picture and of the profile."""
    from brochure.images import to_cmyk

    data = picture.path.read_bytes()
    key = hashlib.sha256(data + _file_digest(profile.icc) + f"{scale:.4f} {__version__}".encode()).hexdigest()
    cached = settings.root / CACHE_DIR / "images" / f"{key[:32]}.jpg"
    if cached.is_file():
        return cached.read_bytes()
    converted = to_cmyk(data, profile.icc, scale)
    write_atomically(cached, converted)
    return converted


@cache
def _file_digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def _resolution_problems(pictures: list[_Picture], placed, profile: Profile) -> tuple[list[Problem], dict]:
    """Pictures printed below the floor are errors; above the ceiling, the factor to
    scale them down by."""
    from brochure.pdf import image_id

    by_id = {image_id(picture.url): picture for picture in pictures}
    lowest: dict[str, tuple[float, int]] = {}
    for image in placed:
        if image.image_id in by_id and (image.image_id not in lowest or image.ppi < lowest[image.image_id][0]):
            lowest[image.image_id] = (image.ppi, image.page)
    problems, scales = [], {}
    for identifier, (ppi, page) in sorted(lowest.items(), key=lambda item: by_id[item[0]].file):
        picture = by_id[identifier]
        if ppi < profile.min_ppi - 0.5:
            problems.append(Problem(picture.file, *picture.where, "image.src" if picture.file != SETTINGS_FILE
                                    else "cover.image",
                                    f"image {picture.src!r} prints at {ppi:.0f} ppi (page {page}); print needs "
                                    f"at least {profile.min_ppi} ppi",
                                    f"use a larger original, about {profile.min_ppi / ppi:.1f} times as wide"))
        elif ppi > profile.max_ppi + 0.5:
            scales[picture.url] = profile.max_ppi / ppi
    return problems, scales


def _digest(settings: Settings, theme: Path, profile: Profile, selection: Selection, output: Path,
            pictures: list[Path], known: dict) -> str:
    """The digest of everything the PDF is made from (see stamp.py)."""
    from brochure.stamp import input_digest

    folder = settings.root / settings.entries_dir
    whole = [settings.root / SETTINGS_FILE, *entry_files(folder), *_theme_files(theme)]
    options = repr((selection, profile, str(output), os.environ.get("SOURCE_DATE_EPOCH", "")))
    extra = [profile.icc] if profile.icc else []
    return input_digest(options, whole, sorted(set(pictures)) + extra, known)


def build(start: Path, selection: Selection, output: Path | None = None, allow_remote_images: bool = False,
          progress: Progress = _quiet, profile_name: str | None = None, force: bool = False,
          jobs: int | None = None, part_from: int | None = None) -> BuildReport:
    """Build the PDF. A large brochure over several years is laid out in parts by `jobs`
    processes (default: one per core) from `part_from` items on (see parts.py)."""
    from brochure.forked import Here, StandBy
    from brochure.pdf import load_weasyprint

    began = time.monotonic()
    jobs = jobs or os.cpu_count() or 1
    # WeasyPrint's import (a third of a second) goes on in a child, on another core,
    # while this process reads the entries; the child then lays out the brochure. It
    # starts before the up-to-date check, which it would otherwise wait for: a build
    # with nothing to do pays some 10 ms for it.
    with StandBy(load_weasyprint) if jobs > 1 else Here() as layout:
        return _build(start, selection, output, allow_remote_images, progress, profile_name, force, jobs,
                      part_from, began, layout)


def _build(start: Path, selection: Selection, output: Path | None, allow_remote_images: bool, progress: Progress,
           profile_name: str | None, force: bool, jobs: int, part_from: int | None, began: float,
           layout) -> BuildReport:
    from brochure.stamp import read_stamp

    settings = load_settings(start)
    profile = settings.profiles[profile_name or settings.profile]
    theme = theme_folder(settings)
    planned = output if output is not None else settings.root / settings.output
    # Nothing changed since the last build of this output: say so instead of rendering.
    # (Remote pictures cannot be vouched for, so they always build.)
    previous = None if force or allow_remote_images else read_stamp(planned)
    if previous and (settings.root / settings.entries_dir).is_dir():
        known = previous.get("pictures", {})
        if _digest(settings, theme, profile, selection, planned, [Path(p) for p in known], dict(known)) == \
                previous["digest"]:
            summary = previous["report"]
            return BuildReport(planned, summary["included"], [Excluded.from_dict(item) for item in summary["excluded"]],
                               summary["pages"], summary["size"], time.monotonic() - began, summary["profile"],
                               preflight=summary["preflight"], up_to_date=True)
    report = _render_and_write(start, selection, output, allow_remote_images, progress, profile_name, began,
                               jobs, part_from, layout)
    if not allow_remote_images:
        _write_stamp(settings, theme, profile, selection, report, previous)
    return report


def _write_stamp(settings: Settings, theme: Path, profile: Profile, selection: Selection, report: BuildReport,
                 previous: dict | None) -> None:
    from brochure.stamp import stamp_path, stamp_text

    pictures = [settings.root / item["picture"] for item in report.included if item.get("picture")]
    if settings.cover_image:
        pictures.append(settings.cover_image.path)
    known = dict((previous or {}).get("pictures", {}))
    digest = _digest(settings, theme, profile, selection, report.output, pictures, known)  # fills `known`
    write_atomically(stamp_path(report.output),
                     stamp_text(digest, report.output, {str(path): known[str(path)] for path in pictures},
                                report.summary()).encode())


def _render_and_write(start: Path, selection: Selection, output: Path | None, allow_remote_images: bool,
                      progress: Progress, profile_name: str | None, began: float, jobs: int,
                      part_from: int | None, layout) -> BuildReport:
    from brochure import parts  # WeasyPrint is heavy: only builds pay for it
    from brochure.finish import finish
    from brochure.pdf import write_pdf
    from brochure.render import render_html

    progress("Reading and validating entries")
    found = _selected(start, selection, allow_remote_images)
    settings, entries, timings = found.settings, found.entries, found.timings
    profile = settings.profiles[profile_name or settings.profile]
    progress("Rendering HTML")
    stage = time.monotonic()
    theme = theme_folder(settings)
    target = _output(settings, entries, theme, output, settings.output)
    date = document_date(entries)
    html, item_ids = render_html(settings, entries, theme, date, profile=profile.name, bleed_mm=profile.bleed_mm)
    pictures = _pictures(settings, entries)
    substitutes = {}
    if profile.name == "print":
        progress("Converting images to CMYK")
        substitutes = {picture.url: _prepared(settings, picture, profile, 1.0) for picture in pictures}
    timings["rendering"] = time.monotonic() - stage
    remote = frozenset(entry.image.src for entry in entries if entry.image and not entry.image.path)
    fingerprint = _inputs_fingerprint(html + repr(profile), _theme_files(theme) + [p.path for p in pictures])
    in_parts = parts.worth_it(entries, theme, jobs, parts.PART_FROM if part_from is None else part_from)

    if in_parts:
        layout.close()  # the parts are laid out in children of their own

    def lay_out():
        if in_parts:
            return parts.render_in_parts(settings, entries, theme, date, profile, fingerprint, remote, substitutes,
                                         jobs, item_ids, progress)
        return layout.call(write_pdf, html, settings.root, theme, fingerprint, profile, remote, substitutes,
                           progress=progress)

    result = lay_out()
    _raise_render_problems(result, settings, theme, pictures, entries)
    warnings = list(result.warnings)
    if profile.name == "print":
        problems, scales = _resolution_problems(pictures, result.images, profile)
        if problems:
            raise ContentError(problems)
        if scales:
            # Pictures far sharper than print can show: scale them down and lay out again
            # (the layout does not change: the theme gives pictures their size).
            progress("Downsampling images")
            for picture in pictures:
                if picture.url in scales:
                    substitutes[picture.url] = _prepared(settings, picture, profile, scales[picture.url])
            result = lay_out()
            _raise_render_problems(result, settings, theme, pictures, entries)
            warnings.append(f"{len(scales)} image(s) above {profile.max_ppi} ppi were downsampled")
    layout.close()  # laid out: its memory is not needed for the rest
    stage = time.monotonic()
    finished = finish(result.data, profile)
    if finished.blank_pages:
        warnings.append(f"added {finished.blank_pages} blank page(s) at the end: saddle stitching needs "
                        "a multiple of 4 pages")
    rules = []

    def preflight_or_refuse(written: Path) -> None:
        from brochure.pdfcheck import preflight

        rules.extend(preflight(written, profile))
        failed = [rule for rule in rules if rule.status == "fail"]
        if failed:
            raise ContentError([problem for rule in failed for problem in _preflight_problems(
                rule, entries, item_ids, result.first_pages, settings.root, target)])

    write_atomically(target, finished.data, preflight_or_refuse if profile.name != "screen" else None)
    warnings += [f"preflight: {rule.name}: {rule.message}" for rule in rules if rule.status == "skip"]
    timings.update(result.timings)
    timings["writing"] += time.monotonic() - stage
    included = [entry_summary(entry) | {"first_page": result.first_pages.get(item_id, 0)}
                | ({"picture": entry.image.path.relative_to(settings.root.resolve()).as_posix()}
                   if entry.image and entry.image.path else {})
                for entry, item_id in zip(entries, item_ids)]
    return BuildReport(target, included, found.excluded, result.pages + finished.blank_pages, len(finished.data),
                       time.monotonic() - began, profile.name, warnings, timings,
                       [rule.as_dict() for rule in rules])


def _preflight_problems(rule, entries: list[Entry], item_ids: list[str], first_pages: dict[str, int],
                        root: Path, target: Path) -> list[Problem]:
    """A failed preflight rule, told against the entries on the pages it names (the
    contents and the cover belong to brochure.yaml and the theme)."""
    from brochure.pdfcheck import pages_text

    hint = {"colour spaces": "a colour the theme's print.css does not give in CMYK; see the theme",
            "image resolution": "use a larger original",
            "transparency": "PDF/X-1a allows no transparency: use pdf/x-4, or remove it from the theme"}.get(
        rule.name, "")
    starts = sorted((first_pages.get(item_id, 0), entry.file) for entry, item_id in zip(entries, item_ids))
    owners: dict[str, list[int]] = {}
    for page in rule.pages:
        earlier = [file for start, file in starts if start and start <= page]
        owners.setdefault(earlier[-1] if earlier else SETTINGS_FILE, []).append(page)
    if not owners:
        shown = target.relative_to(root).as_posix() if is_inside(root, target) else str(target)
        return [Problem(shown, 0, 0, "", f"preflight: {rule.name}: {rule.message}", hint)]
    return [Problem(file, 0, 0, "", f"preflight: {rule.name}: {rule.message} (page {pages_text(pages)})", hint)
            for file, pages in owners.items()]


def _raise_render_problems(result, settings: Settings, theme: Path, pictures: list[_Picture],
                           entries: list[Entry]) -> None:
    theme_name = f"styles/{settings.theme}" if is_inside(settings.root, theme) else f"theme '{settings.theme}'"
    problems = [Problem(theme_name, 0, 0, "", f"refused to read {url}",
                        "a theme may only use files inside the project or the theme")
                for url in result.refused]
    # WeasyPrint names the address that failed: find the entry whose image it is.
    owners = {picture.url: picture.file for picture in pictures}
    owners.update({entry.image.src: entry.file for entry in entries if entry.image and not entry.image.path})
    problems += [Problem(next((file for url, file in owners.items() if url in message), theme_name),
                         0, 0, "", message, "") for message in result.errors
                 if not any(url in message for url in result.refused)]
    if problems:
        raise ContentError(problems)


@dataclass
class WebReport:
    output: Path
    entries: list[Entry]
    excluded: list[Excluded]
    files: list[Path]  # the HTML file first, then the images written beside it
    size: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def build_web(start: Path, selection: Selection, output: Path | None = None, self_contained: bool = False,
              allow_remote_images: bool = False) -> WebReport:
    """The web edition: the same entries, order and theme content as one HTML file,
    with its images in a folder beside it, or inside it as data: addresses."""
    import base64
    import mimetypes

    from brochure.render import render_html

    began = time.monotonic()
    found = _selected(start, selection, allow_remote_images)
    settings, entries, timings = found.settings, found.entries, found.timings
    theme = theme_folder(settings)
    target = _output(settings, entries, theme, output, str(Path(settings.output).with_suffix(".html")))
    folder_name = f"{target.stem}_files"
    pictures: dict[str, Path] = {}  # name beside the HTML -> source image

    def image_url(image) -> str:
        if image.path is None:
            return image.src  # allowed web address: the reader's browser fetches it
        data = image.path.read_bytes()
        if self_contained:
            mime = mimetypes.guess_type(image.path.name)[0] or "application/octet-stream"
            return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        # Named by content, so images of the same name from two folders cannot collide.
        name = f"{hashlib.sha256(data).hexdigest()[:12]}-{image.path.name}"
        pictures[name] = image.path
        return f"{folder_name}/{name}"

    stage = time.monotonic()
    html, _ = render_html(settings, entries, theme, document_date(entries), "web.html.j2", image_url)
    timings["rendering"] = time.monotonic() - stage
    stage = time.monotonic()
    written = []
    for name, source in sorted(pictures.items()):
        written.append(target.parent / folder_name / name)
        write_atomically(written[-1], source.read_bytes())
    data = html.encode("utf-8")
    write_atomically(target, data)
    # Pictures of an earlier edition that this one no longer shows (only our own names).
    folder = target.parent / folder_name
    if folder.is_dir():
        for stale in folder.iterdir():
            if re.fullmatch(r"[0-9a-f]{12}-.+", stale.name) and stale.name not in pictures:
                stale.unlink()
    timings["writing"] = time.monotonic() - stage
    size = len(data) + sum(path.stat().st_size for path in written)
    return WebReport(target, entries, found.excluded, [target, *written], size, time.monotonic() - began,
                     timings)


def schema_text(which: str) -> str:
    """The JSON Schema of an entry or of brochure.yaml, as the file editors read."""
    import json

    from brochure.validate import load_schema

    return json.dumps(load_schema(which), indent=2, ensure_ascii=False) + "\n"


def write_schema(which: str, target: Path) -> None:
    write_atomically(target, schema_text(which).encode())


def init_project(folder: Path, today: dt.date) -> list[Path]:
    """A new, working project in `folder`: settings, a sample entry and its image, the
    entry schema for editors, a .gitignore. Refuses to touch an existing project."""
    from brochure import scaffold

    if (folder / "brochure.yaml").exists() or (folder / "entries").exists():
        raise ContentError([Problem(str(folder / "brochure.yaml"), 0, 0, "",
                                    "a brochure project is already here; nothing was changed",
                                    "choose an empty folder: brochure init NEW-FOLDER")])
    title = folder.resolve().name.replace("-", " ").replace("_", " ").strip().capitalize() or "Brochure"
    entry = folder / "entries" / f"{today.isoformat()}-welcome.yaml"
    files = {
        folder / "brochure.yaml": scaffold.settings(title).encode(),
        folder / scaffold.SCHEMA_FILE: None,
        entry: scaffold.sample_entry(today, f"../{scaffold.SCHEMA_FILE}").encode(),
        folder / "entries" / scaffold.SAMPLE_IMAGE: scaffold.sample_image(),
        folder / ".gitignore": scaffold.GITIGNORE.encode(),
    }
    for path, data in files.items():
        if data is None:
            write_schema("entry", path)
        elif not path.exists():  # an existing .gitignore is the user's: leave it
            write_atomically(path, data)
    return list(files)


def new_entry(start: Path, title: str, date: dt.date, tags: tuple[str, ...]) -> Path:
    """A new entry file named DATE-slug.yaml (never overwriting: -2, -3 … when taken),
    every optional field present as a comment. Writes the schema file it points at
    when the project has none yet."""
    from brochure import scaffold

    settings = load_settings(start)
    folder = settings.root / settings.entries_dir
    slug = f"{date.isoformat()}-{scaffold.slugify(title)}"
    schema = settings.root / scaffold.SCHEMA_FILE
    if not schema.exists():
        write_schema("entry", schema)
    folder.mkdir(parents=True, exist_ok=True)
    relative_schema = Path(os.path.relpath(schema, folder)).as_posix()
    text = scaffold.new_entry(title, date, tags, relative_schema).encode()
    number = 1
    while True:
        target = folder / (f"{slug}.yaml" if number == 1 else f"{slug}-{number}.yaml")
        try:
            # Exclusive creation: two `brochure new` at once still get two files.
            with open(target, "xb") as stream:
                stream.write(text)
            return target
        except FileExistsError:
            number += 1


def check_pdf(start: Path, pdf: Path, profile_name: str):
    """Preflight any PDF against a profile: the project's settings of that profile when
    there is a project here, the defaults when there is none."""
    from brochure.pdfcheck import preflight
    from brochure.project import default_profiles

    try:
        root = find_root(start)
    except ContentError:  # no project here: any PDF, against the default profiles
        profile = default_profiles()[profile_name]
    else:
        profile = load_settings(root).profiles[profile_name]  # a broken brochure.yaml is reported
    if not pdf.is_file():
        raise ContentError([Problem(str(pdf), 0, 0, "", "no such file", "check the path")])
    try:
        return preflight(pdf, profile)
    except Exception as error:  # not a PDF, or one too broken to read rule by rule
        raise ContentError([Problem(str(pdf), 0, 0, "", f"not a readable PDF ({type(error).__name__}: "
                                    f"{str(error)[:200]})", "")]) from None
