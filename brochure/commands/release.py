"""brochure release: every edition brochure.yaml's editions: names, in one command.

Each edition is one build (commands/build.py; commands/web.py for the web edition),
the editions several at a time in child processes (layout/processes.py), one per
core. Every edition is planned first (its period, its file, its language), so a
mistake in editions: stops the release before anything is built. A failing edition
fails the release but not the others: each edition's file is written whole or not at
all, and the report (release.json) and the checksums (SHA256SUMS, as `sha256sum -c`
reads them) beside the files say which editions finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from brochure.commands.build import BuildOptions, build, is_web_name, output_name
from brochure.confine import is_inside, relative_inside
from brochure.content.languages import lookup, same
from brochure.content.settings import SETTINGS_FILE, load_settings, settings_translations
from brochure.content.timeline import period_bounds
from brochure.errors import ContentError, Problem
from brochure.files import checked_output, write_atomically
from brochure.model import Edition, Selection, Settings

REPORT_NAME, CHECKSUMS_NAME = "release.json", "SHA256SUMS"
EXAMPLE = """editions:
  - {name: screen, profile: screen, file: "releases/brochure-{period}.pdf"}
  - {name: print, profile: print, file: "releases/brochure-{period}-print.pdf"}
  - {name: archive, profile: archive, file: "releases/brochure-{period}-archive.pdf"}"""


class UnknownEdition(ValueError):
    """`--edition NAME` names no edition of brochure.yaml (a mistake of the command line)."""


@dataclass(frozen=True)
class ReleaseOptions:
    """What the command line asked of a release."""

    since: str | None = None  # periods as written (2019-Q1): the placeholders repeat them
    until: str | None = None
    editions: tuple[str, ...] = ()  # the names to build; (): every edition
    allow_remote_images: bool = False
    force: bool = False  # render even editions whose inputs did not change
    jobs: int | None = None  # editions built at once; None: one per core


@dataclass(frozen=True)
class _Planned:
    """An edition resolved for this release: its selection and where it goes."""

    index: int  # in editions:
    edition: Edition
    language: str  # the edition's language: its own, else the settings'
    since: str | None
    until: str | None
    selection: Selection
    output: Path


@dataclass
class EditionResult:
    """How one edition of the release went."""

    name: str
    profile: str
    language: str
    output: Path
    status: str = "finished"  # or "failed", or "interrupted" (a release stopped before it ended)
    files: list[Path] = field(default_factory=list)  # what it wrote: the PDF, or the web page and its images
    items: int = 0
    pages: int = 0  # 0 for the web edition
    preflight: list[dict] = field(default_factory=list)  # the rules checked (print and archive)
    warnings: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # why it failed
    up_to_date: bool = False
    seconds: float = 0.0
    stale: bool = False  # failed, and its file is still there: an earlier release's


@dataclass
class ReleaseReport:
    folder: Path  # where the report and the checksums are: the folder of every file
    report: Path
    checksums: Path
    editions: list[EditionResult]
    document: dict  # what release.json holds, and --format json prints

    @property
    def ok(self) -> bool:
        return all(result.status == "finished" for result in self.editions)


def _cores() -> int:
    count = getattr(os, "process_cpu_count", os.cpu_count)()  # the cores this process may use (3.13)
    return count or 1


def release(start: Path, options: ReleaseOptions,
            finished: Callable[[EditionResult], None] = lambda result: None) -> ReleaseReport:
    """Build every edition (or those `options.editions` names), `finished` told of each
    as it ends; then write the report and the checksums beside the files."""
    began = time.monotonic()
    settings = load_settings(start)
    if not settings.editions:
        raise ContentError([Problem(SETTINGS_FILE, 0, 0, "editions", "no editions: nothing to release",
                                    f"name what a release makes in {SETTINGS_FILE}, for example:\n{EXAMPLE}\n"
                                    "(`brochure schema settings` describes every field of an edition)")])
    planned = plan(settings, options)
    results: dict[int, EditionResult] = {}
    try:
        _build_all(start, planned, options, finished, results)
    except KeyboardInterrupt:
        # Stopped (Ctrl-C, SIGTERM): the editions that finished are written, and the report
        # says which; the old report must not vouch for files replaced since.
        _write_report(settings, planned, _every(planned, results, "interrupted"), options, time.monotonic() - began)
        raise
    return _write_report(settings, planned, _every(planned, results), options, time.monotonic() - began)


def _every(planned: list[_Planned], results: dict[int, EditionResult], missing: str = "failed") -> list[EditionResult]:
    """The result of every planned edition, in order; one that has none has `missing`."""
    return [results.get(number) or EditionResult(edition.edition.name, edition.edition.profile, edition.language,
                                                 edition.output, status=missing)
            for number, edition in enumerate(planned)]


def _chosen(settings: Settings, names: tuple[str, ...]) -> list[tuple[int, Edition]]:
    known = {edition.name.lower(): (index, edition) for index, edition in enumerate(settings.editions)}
    for name in names:
        if name.lower() not in known:
            raise UnknownEdition(f"no edition named {name!r} in {SETTINGS_FILE}; its editions: "
                                 + ", ".join(edition.name for edition in settings.editions))
    wanted = {name.lower() for name in names}
    return [chosen for key, chosen in known.items() if not wanted or key in wanted]


def plan(settings: Settings, options: ReleaseOptions) -> list[_Planned]:
    """Every edition to build, resolved: its period (its own since/until, else the
    release's), its file (build -o's placeholders filled) and its language, checked
    before anything is built. Raises ContentError with every problem, located in
    brochure.yaml; UnknownEdition for a name --edition gives that editions: lacks."""
    problems: list[Problem] = []
    planned: list[_Planned] = []
    written: dict[Path, _Planned] = {}
    chosen = _chosen(settings, options.editions)
    languages = _translated_languages(settings) if any(
        not same(edition.language or settings.language, settings.language) for _, edition in chosen) else set()
    for index, edition in chosen:
        def problem(key: str, message: str, hint: str, index=index, edition=edition) -> None:
            line, column = edition.where.get(key, edition.where.get("", (0, 0)))
            problems.append(Problem(SETTINGS_FILE, line, column, f"editions[{index}].{key}", message, hint))

        language = edition.language or settings.language
        if not same(language, settings.language) and not set(lookup(language)) & languages:
            problem("language", f"no translation into {language} in the project: the {language} edition would "
                    "have nothing of its own", f"translate entries into it, as NAME.{language}.yaml beside NAME.yaml, "
                    f"or the settings, as brochure.{language}.yaml; or correct the tag"
                    + (f"; the project has translations into {', '.join(sorted(languages))}" if languages else ""))
            continue
        since, until = edition.since or options.since, edition.until or options.until
        web = edition.profile == "html"
        try:
            output = settings.root / output_name(edition.file, since, until, "html" if web else "text", language,
                                                 edition.profile)
        except ValueError as error:
            problem("file", str(error), "" if " needs " not in str(error) else "give the release a period: "
                    "brochure release 2019-Q1, or --since and --until; or give the edition its own since: and until:")
            continue
        if not web and is_web_name(output):
            problem("file", f"a {edition.profile} edition is a PDF: {edition.file!r} names a web page",
                    "end the name in .pdf, or make it profile: html")
            continue
        if not is_inside(settings.root, output):
            problem("file", f"{edition.file!r} leads outside the project folder",
                    f"write a path relative to {SETTINGS_FILE}, such as releases/brochure-{{period}}.pdf")
            continue
        key = output.resolve()
        if key in written:
            other = written[key]
            problem("file", f"writes {relative_inside(settings.root, output)}, as editions[{other.index}] "
                    f"({other.edition.name}) does", "give each edition a file of its own, e.g. with {profile} "
                    "and {language} in the name")
            continue
        first, last = period_bounds(since)[0] if since else None, period_bounds(until)[1] if until else None
        selection = Selection(since=first, until=last, tags=edition.tags,
                              language="" if same(language, settings.language) else language)
        written[key] = _Planned(index, edition, language, since, until, selection, output)
        planned.append(written[key])
    if problems:
        raise ContentError(problems)
    return planned


def _translated_languages(settings: Settings) -> set[str]:
    """The languages (lower case) the project has translations into: of an entry
    (NAME.LANG.yaml) or of the settings (brochure.LANG.yaml). Names only: the build
    reads and checks the files."""
    from brochure.content.translations import sort_out
    from brochure.content.yaml_reader import entry_files

    folder = settings.root / settings.entries_dir
    found = set(settings_translations(settings.root))
    if folder.is_dir():
        found |= {translation.language.lower() for translation in sort_out(entry_files(folder), str)[1]}
    return found


def _build_all(start: Path, planned: list[_Planned], options: ReleaseOptions,
               finished: Callable[[EditionResult], None], results: dict[int, EditionResult]) -> None:
    """Each edition built into `results`, several at a time: one child process per
    edition, as many at once as there are cores (or --jobs); each lays out in its own
    process only (a child starts no children). One edition, or one job, is built here,
    as build does. An edition whose process dies (out of memory) fails alone."""
    from brochure.layout.processes import ChildDied, Children

    at_once = min(len(planned), options.jobs or _cores())
    if at_once <= 1:
        for number, edition in enumerate(planned):
            results[number] = _build_one(start, edition, options, options.jobs)
            finished(results[number])
        return
    waiting = list(enumerate(planned))
    with Children() as children:
        while waiting or len(children):
            while waiting and len(children) < at_once:
                number, edition = waiting.pop(0)
                children.start(number, _build_one, start, edition, options, 1)
            try:
                number, result = children.wait()
            except ChildDied as died:
                number, result = died.key, _failed(planned[died.key], str(died).replace("a layout", "its"))
            results[number] = result
            finished(result)


def _failed(planned: _Planned, message: str) -> EditionResult:
    edition = planned.edition
    return EditionResult(edition.name, edition.profile, planned.language, planned.output, status="failed",
                         problems=[Problem(SETTINGS_FILE, *edition.where.get("", (0, 0)), "editions",
                                           f"edition {edition.name!r}: {message}",
                                           "build it alone (brochure release --edition NAME) to see why")],
                         stale=planned.output.exists())


def _build_one(start: Path, planned: _Planned, options: ReleaseOptions, jobs: int | None) -> EditionResult:
    """One edition, as `build` (or `build --format html`) makes it; its content
    problems are its result, not an exception: the other editions go on."""
    from brochure.commands.web import build_web

    edition = planned.edition
    result = EditionResult(edition.name, edition.profile, planned.language, planned.output)
    try:
        if edition.profile == "html":
            web = build_web(start, planned.selection, planned.output, allow_remote_images=options.allow_remote_images)
            result.files, result.items, result.seconds = web.files, len(web.entries), web.seconds
            return result
        made = build(start, BuildOptions(selection=planned.selection, output=planned.output, profile=edition.profile,
                                         allow_remote_images=options.allow_remote_images, force=options.force,
                                         jobs=jobs))
    except ContentError as error:
        result.status, result.problems = "failed", list(error.problems)
        result.stale = planned.output.exists()
        return result
    result.files, result.items, result.pages = [made.output], len(made.included), made.pages
    result.preflight, result.warnings = made.preflight, made.warnings
    result.up_to_date, result.seconds = made.up_to_date, made.seconds
    return result


def _write_report(settings: Settings, planned: list[_Planned], results: list[EditionResult],
                  options: ReleaseOptions, seconds: float) -> ReleaseReport:
    """release.json and SHA256SUMS in the folder of every edition's file: what each
    edition made (files with their size and SHA-256), its checks, its status; the
    checksums of the finished files only, each named relative to that folder."""
    folder = Path(os.path.commonpath([edition.output.parent for edition in planned]))
    sums: list[str] = []
    editions = []
    for edition, result in zip(planned, results, strict=True):
        files = []
        for path in result.files if result.status == "finished" else []:
            data = path.read_bytes()
            name, digest = Path(os.path.relpath(path, folder)).as_posix(), hashlib.sha256(data).hexdigest()
            files.append({"file": name, "size": len(data), "sha256": digest})
            sums.append(_checksum_line(digest, name))
        editions.append(_edition_document(edition, result, folder, files))
    report, checksums = folder / REPORT_NAME, folder / CHECKSUMS_NAME
    document = {"ok": all(result.status == "finished" for result in results),
                "since": options.since, "until": options.until,
                "folder": relative_inside(settings.root, folder), "report": REPORT_NAME, "checksums": CHECKSUMS_NAME,
                "seconds": round(seconds, 3), "editions": editions}
    write_atomically(checked_output(report, [], (".json",), "releases/"), (json.dumps(
        document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    write_atomically(checked_output(checksums, [], ("",), "releases/"), "".join(sums).encode("utf-8"))
    return ReleaseReport(folder, report, checksums, results, document)


def _edition_document(planned: _Planned, result: EditionResult, folder: Path, files: list[dict]) -> dict:
    failed = [rule for rule in result.preflight if rule.get("status") == "fail"]
    verdict = "not run" if not result.preflight else ("failed" if failed else "passed")
    return {"name": result.name, "status": result.status, "profile": result.profile, "language": result.language,
            "since": planned.since, "until": planned.until, "tags": list(planned.edition.tags),
            "file": Path(os.path.relpath(result.output, folder)).as_posix(),
            "sha256": files[0]["sha256"] if files else None, "size": sum(item["size"] for item in files) or None,
            "pages": result.pages or None, "items": result.items, "up_to_date": result.up_to_date,
            "checks": {"preflight": verdict, "rules": len(result.preflight),
                       "warnings": sum(rule.get("status") == "warn" for rule in result.preflight)},
            "warnings": result.warnings, "seconds": round(result.seconds, 3), "files": files, "stale": result.stale,
            "problems": [problem.as_dict() for problem in result.problems]}


def _checksum_line(digest: str, name: str) -> str:
    """A line of SHA256SUMS as `sha256sum` writes it: a name holding a backslash or a
    line break is escaped, and the line then starts with a backslash."""
    if "\\" in name or "\n" in name:
        return f"\\{digest}  {name.replace(chr(92), chr(92) * 2).replace(chr(10), chr(92) + 'n')}\n"
    return f"{digest}  {name}\n"
