"""brochure build: from brochure.yaml and the entries to the PDF, in named stages.

Everything is read and checked before anything is written; the PDF is written once,
atomically, and only after the preflight of its profile passed.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from brochure.commands.stages import Stages, layout_decision, plan_decisions, rebuild_decision, selection_decision
from brochure.content.catalogue import (
    Catalogue,
    Excluded,
    document_date,
    entry_summary,
    input_files,
    selected,
)
from brochure.content.settings import SETTINGS_FILE, edition, load_settings, theme_folder
from brochure.errors import ContentError, Problem
from brochure.files import checked_output, write_atomically
from brochure.model import Selection, Settings
from brochure.pdf.profiles import Profile, resolve

Progress = Callable[[str], None]

WEB_SUFFIXES = (".html", ".htm")
_EVERY_ENTRY = Selection()  # no dates, no tags, no drafts: what a build takes by default


def _quiet(message: str) -> None:
    pass


@dataclass(frozen=True)
class BuildOptions:
    """What the command line asked of one build."""

    selection: Selection = _EVERY_ENTRY  # its language: the language edition to make
    output: Path | None = None  # None: the settings' output (default_output)
    profile: str | None = None  # None: the settings' profile
    allow_remote_images: bool = False
    force: bool = False  # render even when no input changed
    jobs: int | None = None  # layout processes; None: one per core, 1: all in this process
    # Items from which a brochure over several years is laid out in parts; None: the
    # layout's own threshold (layout/parts.py, not imported here: a no-op build is fast).
    part_from: int | None = None


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
                "pages": self.pages, "size": self.size, "profile": self.profile, "preflight": self.preflight,
                "warnings": self.warnings}


@dataclass(frozen=True)
class _Plan:
    """A build's settings, profile, theme and output, resolved once."""

    settings: Settings
    profile: Profile
    theme: Path
    output: Path


def build(start: Path, options: BuildOptions, progress: Progress = _quiet) -> BuildReport:
    """Build the PDF. A large brochure over several years is laid out in parts by
    `options.jobs` processes (see layout/parts.py). `progress` is told each stage and
    step; a Stages (stages.py) is also told the stages' seconds and the decisions."""
    from brochure.commands import uptodate
    from brochure.layout.engine import load_weasyprint
    from brochure.layout.processes import Here, StandBy
    from brochure.pdf.brand_colours import branded

    began = time.monotonic()
    stages = progress if isinstance(progress, Stages) else Stages(progress)
    stages.start()
    jobs = options.jobs or os.cpu_count() or 1
    # WeasyPrint's import (a third of a second) goes on in a child, on another core,
    # while this process reads the entries; the child then lays out the brochure. It
    # starts before the up-to-date check, which it would otherwise wait for: a build
    # with nothing to do pays some 10 ms for it.
    with StandBy(load_weasyprint) if jobs > 1 else Here() as layout:
        read_from = time.time_ns()  # an input saved from now on may not be in this PDF: no stamp then
        settings = edition(load_settings(start), options.selection.language)
        profile = resolve(options.profile or settings.profile, settings)
        settings = branded(settings, profile)  # the brand's colours for this profile's press
        plan = _Plan(settings, profile, theme_folder(settings), options.output or default_output(settings))
        stages.decided(*plan_decisions(settings, plan.theme, profile, plan.output))
        # Remote pictures cannot be vouched for, so they always build.
        vouched = not options.allow_remote_images
        previous = uptodate.last_build(settings, plan.output) if vouched else None
        if previous and not options.force:
            with stages.stage("checking", "Checking for changes"):
                summary = uptodate.unchanged(previous, settings, plan.theme, profile, options.selection, plan.output)
            if summary:
                stages.decided("up to date: no input changed since the last build (--force builds anyway)")
                return BuildReport(plan.output, summary["included"],
                                   [Excluded.from_dict(item) for item in summary["excluded"]], summary["pages"],
                                   summary["size"], time.monotonic() - began, summary["profile"],
                                   timings=stages.timings, preflight=summary["preflight"], up_to_date=True,
                                   warnings=summary.get("warnings", []))  # still true of the file
        stages.decided(rebuild_decision(vouched, previous is not None, options.force))
        report = _render_and_write(plan, options, jobs, layout, stages, began)
        if vouched:
            pictures = [settings.root / item["picture"] for item in report.included if item.get("picture")]
            if settings.cover_image and settings.cover_image.path:
                pictures.append(settings.cover_image.path)
            pictures += settings.brand.files if settings.brand else ()  # _brand.yml, its logos and fonts
            pictures += settings.extra_files  # the foreword, the partners' logos
            uptodate.write_stamp(settings, plan.theme, profile, options.selection, report.output, pictures,
                                 report.summary(), previous, read_from)
        return report


def _padding_warning(blank_pages: int, before_back_cover: bool, binding: str) -> str:
    why = "saddle stitching needs a multiple of 4 pages" if binding == "saddle-stitch" \
        else "the back cover must be a left-hand page"
    where = "before the back cover" if before_back_cover else "at the end"
    return f"added {blank_pages} blank page(s) {where}: {why}"


def _render_and_write(plan: _Plan, options: BuildOptions, jobs: int, layout, stages: Stages,
                      began: float) -> BuildReport:
    from brochure.commands import blame
    from brochure.commands.pictures import backdrops, brand_pictures, prepare_pictures
    from brochure.layout import parts  # WeasyPrint is heavy: only builds pay for it

    settings, profile = plan.settings, plan.profile
    stages.progress("Reading and validating entries")
    found = selected(settings, options.selection, options.allow_remote_images)
    entries = found.entries
    for name, seconds in found.timings.items():  # timed by the catalogue
        stages.add(name, seconds)
    stages.decided(selection_decision(len(entries), found.excluded))
    with stages.stage("rendering", "Rendering HTML"):
        target = checked_output(plan.output, input_files(found, plan.theme))
        pictures = blame.pictures(settings, entries) + brand_pictures(settings)
        html, item_ids = _html(plan, found)
        identifier = _fingerprint(html, plan, pictures)
    with stages.stage("images", "Preparing images"):
        ready = prepare_pictures(settings, profile, pictures)
    part_from = options.part_from or parts.PART_FROM
    in_parts = parts.worth_it(entries, plan.theme, jobs, part_from)
    stages.decided(layout_decision(in_parts, len(entries), len({entry.date.year for entry in entries}), jobs,
                                   part_from))
    if in_parts:
        layout.close()  # the parts are laid out in children of their own

    def lay_out():
        with stages.stage("layout", "Laying out"):
            if in_parts:
                result = parts.render_in_parts(settings, entries, plan.theme, document_date(entries), profile,
                                               _remote(found), ready.substitutes, jobs, item_ids, stages)
            else:
                result = layout.call(_write_pdf, html, plan, identifier, _remote(found), ready.substitutes,
                                     document_date(entries), progress=stages)
        blame.raise_render_problems(result, settings, plan.theme, pictures, entries)
        return result

    result = lay_out()
    warnings = list(result.warnings) + list(settings.brand.warnings if settings.brand else ())
    scales: dict[str, float] = {}
    if profile.purpose.press:
        problems, scales = blame.resolution_problems(pictures, result.images, profile)
        if problems:
            raise ContentError(problems)
    behind = backdrops(pictures, result.images, profile)
    if scales or behind:
        # Pictures far sharper than print can show are scaled down, and transparent ones
        # flattened onto what the layout put behind them; then laid out again (the
        # layout does not change: the theme gives pictures their size).
        with stages.stage("images", "Downsampling images" if scales else "Flattening images"):
            ready = prepare_pictures(settings, profile, pictures, scales, behind)
        stages.decided(f"images: {len(scales)} downsampled, {len(behind)} flattened; laying out again")
        result = lay_out()
        if scales:
            warnings.append(f"{len(scales)} image(s) above {profile.max_ppi} ppi were downsampled")
    layout.close()  # laid out: its memory is not needed for the rest
    return _finish_and_write(plan, found, item_ids, target, result, ready, warnings, stages, began)


def _finish_and_write(plan: _Plan, found: Catalogue, item_ids: list[str], target: Path, result, ready,
                      warnings: list[str], stages: Stages, began: float) -> BuildReport:
    """The laid-out PDF finished for its profile (PDF/X or PDF/A, tags, blank pages),
    preflighted when its profile asks, and written."""
    from brochure.commands import blame
    from brochure.commands.pictures import with_cmyk_shadings
    from brochure.pdf.finish import finish

    settings, profile, entries = plan.settings, plan.profile, found.entries
    with stages.stage("finishing", "Finishing the PDF"):
        finished = finish(with_cmyk_shadings(result.data, profile, ready), profile, ready.masks)
    if finished.blank_pages:
        warnings.append(_padding_warning(finished.blank_pages, finished.before_back_cover, profile.binding))
    if finished.back_cover_overflow > 0.5:  # what the layout cut off the top of the back cover
        raise ContentError([Problem(SETTINGS_FILE, 0, 0, "imprint", f"the back cover's imprint and partners need "
                                    f"{finished.back_cover_overflow:.0f} mm more than the page has",
                                    "shorten imprint.disclaimer or the address, or give fewer contacts or partners")])
    rules: list = []

    def preflight_or_refuse(written: Path) -> None:
        from brochure.pdf.preflight import preflight

        with stages.stage("preflight", f"Checking the {profile.name} preflight"):
            rules.extend(preflight(written, profile))
        failed = [rule for rule in rules if rule.status == "fail"]
        if failed:
            raise ContentError([problem for rule in failed for problem in blame.preflight_problems(
                rule, entries, item_ids, result.first_pages, settings.root, target)])

    with stages.stage("writing", f"Writing {target.name}"):
        write_atomically(target, finished.data,
                         preflight_or_refuse if profile.purpose.preflight_on_build else None)
    warnings += [f"preflight: {rule.name}: {rule.message}" for rule in rules if rule.status in ("skip", "warn")]
    included = [entry_summary(entry) | {"first_page": result.first_pages.get(item_id, 0)}
                | ({"picture": entry.image.path.relative_to(settings.root.resolve()).as_posix()}
                   if entry.image and entry.image.path else {})
                for entry, item_id in zip(entries, item_ids, strict=True)]
    return BuildReport(target, included, found.excluded, result.pages + finished.blank_pages, len(finished.data),
                       time.monotonic() - began, profile.name, warnings, stages.timings,
                       [rule.as_dict() for rule in rules])


def _html(plan: _Plan, found: Catalogue) -> tuple[str, list[str]]:
    from brochure.content.glyphs import glyph_problems
    from brochure.html.theme import render_html

    if missing := glyph_problems(plan.settings, found.entries, plan.theme):  # never an empty box in the PDF
        raise ContentError(missing)
    return render_html(plan.settings, found.entries, plan.theme, document_date(found.entries),
                       profile=plan.profile.name, printed_links=plan.profile.purpose.printed_links,
                       bleed_mm=plan.profile.bleed_mm)


def _remote(found: Catalogue) -> frozenset[str]:
    """The web addresses of pictures the user allowed with --allow-remote-images."""
    return frozenset(entry.image.src for entry in found.entries if entry.image and not entry.image.path)


def _fingerprint(html: str, plan: _Plan, pictures) -> bytes:
    """What the PDF's /ID is made from: the HTML, the profile and every file it reads,
    by content, never by where they lie: the same brochure built from another folder,
    or with brochure installed elsewhere (the ICC profile ships with it), is the same."""
    import dataclasses
    import hashlib

    from brochure import __version__
    from brochure.content.settings import theme_files

    profile = plan.profile
    if profile.icc:  # its name stands for it here; its bytes are read below
        profile = dataclasses.replace(profile, icc=Path(profile.icc.name))
    digest = hashlib.sha256(f"brochure {__version__}\n".encode())
    digest.update((html + repr(profile)).encode("utf-8"))
    files = theme_files(plan.theme) + [picture.path for picture in pictures] + ([plan.profile.icc] if plan.profile.icc
                                                                                 else [])
    for path in files:
        digest.update(path.read_bytes())
    return digest.digest()


def _write_pdf(html: str, plan: _Plan, identifier: bytes, remote: frozenset[str], substitutes: dict[str, bytes],
               date: dt.datetime, progress=None):
    from brochure.layout.engine import write_pdf

    return write_pdf(html, plan.settings.root, plan.theme, identifier, plan.profile, date, remote, substitutes,
                     progress=progress)


def default_output(settings: Settings) -> Path:
    """Where a build writes without -o: the settings' output (build/brochure.pdf); a
    language edition puts its language before the ending (build/brochure.fr.pdf), so
    that it never overwrites the default edition."""
    output = settings.root / settings.output
    return output.with_name(f"{output.stem}.{settings.language}{output.suffix}") if settings.translated_from \
        else output


def output_name(template: str, since: str | None, until: str | None, output_format: str = "text",
                language: str | None = None, profile: str | None = None) -> Path:
    """-o with placeholders for scripted releases: {since}, {until}, {period} (the
    period itself when --since and --until name the same one, else since_until),
    {language} (as --language gives it) and {profile} (as --profile gives it; html
    for a release's web edition). The name's ending says which edition it is: .pdf,
    or .html for the web edition (which --format html asks for, and which has no
    JSON report). Raises ValueError saying what is wrong with the template."""
    import string

    fields = {"since": since, "until": until, "language": language, "profile": profile,
              "period": since if since == until else (f"{since}_{until}" if since and until else None)}
    known = ", ".join(f"{{{name}}}" for name in fields)
    try:
        parts = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template)
                 if name is not None]
    except ValueError as error:
        raise ValueError(f"{template!r}: {error}") from None
    if any(spec or conversion for _, spec, conversion in parts):
        raise ValueError(f"{template!r}: placeholders take no conversion or format, only {known}")
    wanted = {name for name, _, _ in parts}
    unknown = wanted - set(fields)
    if unknown:
        raise ValueError(f"unknown placeholder {{{sorted(unknown)[0]}}}; use {known}")
    for name in sorted(wanted):
        if fields[name] is None:
            needs = "--since and --until" if name == "period" else f"--{name}"
            raise ValueError(f"{{{name}}} needs {needs}")
    path = Path(template.format(**fields))
    web = is_web_name(path)
    if output_format == "html" and not web:
        raise ValueError(f"the web edition is HTML: name it …{path.stem}.html")
    if output_format == "json" and web:
        raise ValueError(f"the web edition has no JSON report: name it …{path.stem}.pdf, or leave out --format json")
    if not web and path.suffix.lower() != ".pdf":
        raise ValueError(f"{template!r} ends neither in .pdf nor in .html: the ending says which edition to write")
    return path


def is_web_name(path: Path) -> bool:
    """Whether `path` names the web edition (`build -o site.html` writes it)."""
    return path.suffix.lower() in WEB_SUFFIXES
