"""The command line: parse options, call one function in build.py, print the result.

Exit codes: 0 success; 1 the content is wrong (every problem is printed);
2 the command line is wrong; 3 an internal error (a bug: please report it);
130 interrupted (Ctrl-C or SIGTERM; the previous PDF is kept).
"""

from __future__ import annotations

import json
import os
import re
import signal
import string
import sys
import time
import traceback
from pathlib import Path

import click

from brochure import __version__
from brochure.errors import ContentError
from brochure.model import Selection
from brochure.timeline import PERIOD_FORMS, period_bounds

EXIT_CONTENT, EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 3, 130


class _Period(click.ParamType):
    """A period as written (2019, 2019-03, 2019-03-31, 2019-Q1), checked here and kept
    as text: -o placeholders repeat it as the user wrote it."""

    name = "PERIOD"

    def convert(self, value, param, ctx):
        try:
            period_bounds(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)
        return value.strip()


_project_option = click.option(
    "-C", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Run in this project folder (found upwards from it) instead of the current one.")

_remote_images_option = click.option(
    "--allow-remote-images", is_flag=True,
    help="Let image.src be an http(s) address and fetch it (off by default: no network).")


def _selection_options(formats: tuple[str, ...] = ("text", "json"), selection: bool = True):
    """--since, --until, --tag, --drafts, -C and --format: shared by build, check and list
    (check validates every entry, so it takes -C and --format only)."""
    selecting = [
        click.option("--since", type=_Period(), metavar="PERIOD",
                     help=f"Keep items from this period on ({PERIOD_FORMS}; inclusive)."),
        click.option("--until", type=_Period(), metavar="PERIOD",
                     help="Keep items up to the end of this period (inclusive: 2019-03 keeps all of March)."),
        click.option("--tag", "tags", multiple=True, metavar="TAG",
                     help="Keep items having this tag (repeat for any of several)."),
        click.option("--drafts", is_flag=True, help="Include items marked draft: true."),
    ]
    common = [
        _project_option,
        click.option("--format", "output_format", type=click.Choice(formats), default="text",
                     show_default=True,
                     help="json prints one machine-readable document on stdout"
                          + ("; html writes the web edition instead of the PDF." if "html" in formats else ".")),
    ]

    def decorate(command):
        for option in reversed((selecting if selection else []) + common):
            command = option(command)
        return command

    return decorate


def _start(ctx: click.Context, project_dir: Path | None, output_format: str = "text") -> Path:
    """The folder to look for the project from; also notes the output format so that
    problems are printed the same way (meta is shared with the group's context)."""
    ctx.meta["brochure.format"] = output_format
    chosen = project_dir or ctx.find_root().params.get("project_dir") or Path.cwd()
    if not chosen.is_dir():
        raise click.BadParameter(f"{chosen} is not a folder", param_hint="-C")
    return chosen


def _selection(since: str | None, until: str | None, tags, drafts) -> Selection:
    first = period_bounds(since)[0] if since else None
    last = period_bounds(until)[1] if until else None
    if first and last and first > last:
        raise click.BadParameter("--since is after --until", param_hint="--since")
    return Selection(since=first, until=last, tags=tuple(tags), drafts=drafts)


def _output_path(template: str | None, since: str | None, until: str | None) -> Path | None:
    """-o with placeholders for scripted releases: {since}, {until}, and {period}
    (the period itself when --since and --until name the same one, else since_until)."""
    if template is None:
        return None
    fields = {"since": since, "until": until,
              "period": since if since == until else (f"{since}_{until}" if since and until else None)}
    try:
        parts = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template)
                 if name is not None]
        wanted = {name for name, _, _ in parts}
        if any(spec or conversion for _, spec, conversion in parts):
            raise ValueError("placeholders take no conversion or format, only {since}, {until}, {period}")
    except ValueError as error:
        raise click.BadParameter(f"{template!r}: {error}", param_hint="-o") from None
    unknown = wanted - set(fields)
    if unknown:
        raise click.BadParameter(f"unknown placeholder {{{sorted(unknown)[0]}}}; use {{since}}, {{until}} "
                                 "or {period}", param_hint="-o")
    for name in sorted(wanted):
        if fields[name] is None:
            needs = "--since and --until" if name == "period" else f"--{name}"
            raise click.BadParameter(f"{{{name}}} needs {needs}", param_hint="-o")
    return Path(template.format(**fields))


def _emit_json(document: dict) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _print_problems(error: ContentError, as_json: bool) -> None:
    if as_json:
        document = {"ok": False, "problems": [problem.as_dict() for problem in error.problems]}
        if hasattr(error, "excluded"):
            document["excluded"] = [item.as_dict() for item in error.excluded]
        _emit_json(document)
        return
    for problem in error.problems:
        click.echo(str(problem), err=True)
    count = len(error.problems)
    click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", err=True)


class _Group(click.Group):
    """Turns content problems and unexpected errors into messages and exit codes."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ContentError as error:
            _print_problems(error, ctx.meta.get("brochure.format") == "json")
            ctx.exit(EXIT_CONTENT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # `brochure list | head`: the reader has all it wanted
            # Point stdout at /dev/null so that the final flush does not fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM during a build
            click.echo("interrupted; nothing was written.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as error:  # a bug in brochure, not in the user's content
            if ctx.params.get("debug"):
                traceback.print_exc()
            click.echo(f"internal error: {type(error).__name__}: {error} (a bug in brochure: please "
                       "report it; --debug shows the traceback)", err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brochure")
@_project_option
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def main(project_dir, debug):
    """Compile a folder of YAML news items into a PDF brochure.

    Exit codes: 0 success, 1 the content is wrong (every problem is listed),
    2 the command line is wrong, 3 internal error (please report it),
    130 interrupted (the previous PDF is kept).
    """


def _interrupt_on_sigterm() -> None:
    """SIGTERM (a scheduler stopping a release job) unwinds like Ctrl-C, so the
    temporary file of a half-written PDF is removed and the previous PDF stays."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


class _ProgressLine:
    """The current build stage on one terminal line, shown once a build has taken
    more than a second; nothing at all when stderr is not a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.began = time.monotonic()
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.enabled and time.monotonic() - self.began > 1:
            click.echo(f"\r\033[K{message} …", err=True, nl=False)
            self.shown = True

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\033[K", err=True, nl=False)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _report_build(report, output_format: str) -> None:
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if output_format == "json":
        _emit_json({
            "ok": True,
            "output": str(report.output),
            "profile": report.profile,
            "pages": report.pages,
            "size": report.size,
            "seconds": round(report.seconds, 3),
            "up_to_date": report.up_to_date,
            "included": report.included,
            "excluded": [item.as_dict() for item in report.excluded],
            "warnings": report.warnings,
            "timings": {stage: round(seconds, 3) for stage, seconds in report.timings.items()},
            "preflight": report.preflight,
        })
        return
    count = len(report.included)
    if report.up_to_date:
        click.echo(f"{_shown(report.output)} is up to date ({count} item{'s' if count != 1 else ''}, "
                   f"{report.pages} pages): no input changed since it was built; --force builds anyway")
        return
    checked = f", {report.profile} preflight passed" if report.preflight else ""
    click.echo(f"wrote {_shown(report.output)}: {count} item{'s' if count != 1 else ''}, "
               f"{report.pages} pages, {report.size / 1_000_000:.1f} MB in {report.seconds:.1f} s{checked}")


def _report_web(report) -> None:
    count = len(report.entries)
    pictures = len(report.files) - 1
    extra = f" and {pictures} image{'s' if pictures != 1 else ''}" if pictures else ""
    click.echo(f"wrote {_shown(report.output)}{extra}: {count} item{'s' if count != 1 else ''}, "
               f"{report.size / 1_000_000:.1f} MB in {report.seconds:.1f} s")


@main.command()
@_selection_options(("text", "json", "html"))
@click.option("-o", "--output", metavar="PATH",
              help="Where to write (default: build/brochure.pdf in the project). May hold {since}, "
                   "{until} and {period}, e.g. 'releases/brochure-{period}.pdf'; folders are created.")
@click.option("--self-contained", is_flag=True, help="With --format html: images inside the HTML file.")
@click.option("--watch", is_flag=True, help="Build, then rebuild whenever an entry, image, setting or "
                                            "the theme changes (Ctrl-C stops).")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary line; problems are still shown.")
@click.option("--profile", type=click.Choice(["screen", "print", "archive"]),
              help="screen: tagged, linked (default); print: PDF/X in CMYK with bleed, preflighted; "
                   "archive: PDF/A. The default comes from brochure.yaml.")
@click.option("--force", is_flag=True, help="Render even when no input changed since the last build.")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N",
              help="Processes to lay out with (default: one per core; 1: all in this process). "
                   "A large brochure over several years is laid out in parts, N at a time.")
@_remote_images_option
@click.pass_context
def build(ctx, since, until, tags, drafts, project_dir, output_format, output, self_contained, watch, quiet,
          profile, force, jobs, allow_remote_images):
    """Validate, select, order and render the brochure to PDF (or HTML)."""
    from brochure import build as pipeline

    start = _start(ctx, project_dir, output_format)
    selection = _selection(since, until, tags, drafts)
    target = _output_path(output, since, until)
    if self_contained and output_format != "html":
        raise click.BadParameter("goes with --format html", param_hint="--self-contained")
    if output_format == "html" and profile:
        raise click.BadParameter("profiles are for PDF; the web edition has none", param_hint="--profile")
    if output_format == "html" and target and target.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter(f"the web edition is HTML: name it …{target.stem}.html", param_hint="-o")

    def run_once() -> None:
        if output_format == "html":
            report = pipeline.build_web(start, selection, target, self_contained, allow_remote_images)
            if not quiet:
                _report_web(report)
            return
        progress = _ProgressLine(enabled=not quiet and output_format == "text" and sys.stderr.isatty())
        try:
            report = pipeline.build(start, selection, target, allow_remote_images, progress, profile, force, jobs)
        finally:
            progress.clear()
        if not quiet or output_format == "json":
            _report_build(report, output_format)

    _interrupt_on_sigterm()
    if not watch:
        run_once()
        return
    _watch(start, target, output_format, run_once)


def _watch(start: Path, target: Path | None, output_format: str, run_once) -> None:
    """Build now and after every change; a broken entry prints its problems and the
    watch goes on, leaving the last good output in place."""
    from brochure.build import watched_inputs
    from brochure.watch import watch

    def attempt(changed: list[str]) -> None:
        if changed:
            click.echo(f"changed: {', '.join(_shown(Path(path)) for path in changed[:3])}"
                       + (f" and {len(changed) - 3} more" if len(changed) > 3 else ""), err=True)
        try:
            run_once()
        except ContentError as error:
            _print_problems(error, output_format == "json")
        sys.stdout.flush()

    attempt([])
    click.echo("watching for changes (Ctrl-C stops)", err=True)
    folders, written = watched_inputs(start, target)
    try:
        watch(folders, written, attempt)
    except KeyboardInterrupt:
        click.echo("stopped watching.", err=True)


@main.command()
@_selection_options(selection=False)
@_remote_images_option
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Preflight this PDF (ours or any other) instead: rule by rule, with page numbers.")
@click.option("--profile", type=click.Choice(["screen", "print", "archive"]),
              help="With --pdf: the rules to apply (default: print).")
@click.pass_context
def check(ctx, project_dir, output_format, allow_remote_images, pdf_file, profile):
    """Validate every entry (drafts too) and its image; renders nothing.

    With --pdf FILE: preflight a PDF instead (exit 1 when a rule fails)."""
    from brochure.catalogue import check as run_check

    if pdf_file is not None:
        _check_pdf(ctx, project_dir, output_format, pdf_file, profile or "print")
        return
    if profile:
        raise click.BadParameter("goes with --pdf FILE", param_hint="--profile")
    found = run_check(_start(ctx, project_dir, output_format), allow_remote_images)
    count = len(found.entries)
    if output_format == "json":
        _emit_json({"ok": True, "entries": count, "problems": []})
    else:
        click.echo(f"{count} entr{'ies' if count != 1 else 'y'} checked: no problems.")


def _check_pdf(ctx, project_dir, output_format, pdf_file: Path, profile: str) -> None:
    from brochure.build import check_pdf

    rules = check_pdf(_start(ctx, project_dir, output_format), pdf_file, profile)
    passed = all(rule.status != "fail" for rule in rules)
    if output_format == "json":
        _emit_json({"ok": passed, "file": str(pdf_file), "profile": profile,
                    "rules": [rule.as_dict() for rule in rules]})
    else:
        for rule in rules:
            click.echo(str(rule))
        failed = sum(rule.status == "fail" for rule in rules)
        click.echo(f"{_shown(pdf_file)}: " + ("passes the " + profile + " preflight" if passed else
                                               f"{failed} rule{'s' if failed != 1 else ''} failed"))
    if not passed:
        ctx.exit(EXIT_CONTENT)


@main.command(name="list")
@_selection_options()
@click.option("--excluded", is_flag=True, help="Show the entries left out, and why, instead.")
@click.pass_context
def list_command(ctx, since, until, tags, drafts, project_dir, output_format, excluded):
    """Show the selected entries, one line each: date, title, tags, file."""
    from brochure.catalogue import catalogue, entry_summary

    found = catalogue(_start(ctx, project_dir, output_format), _selection(since, until, tags, drafts))
    if output_format == "json":
        _emit_json({"entries": [entry_summary(entry) for entry in found.entries],
                    "excluded": [item.as_dict() for item in found.excluded]})
        return
    if excluded:
        if not found.excluded:
            click.echo("nothing is left out")
        for item in found.excluded:
            when = item.date + (f"..{item.end_date}" if item.end_date else "")
            click.echo(f"{when:<22} {item.title}  ({item.file})  left out: {item.reason}")
        return
    for entry in found.entries:
        when = entry.date.isoformat() + (f"..{entry.end_date.isoformat()}" if entry.end_date else "")
        tags_text = f" [{', '.join(entry.tags)}]" if entry.tags else ""
        click.echo(f"{when:<22} {entry.title}{tags_text}  ({entry.file})")


@main.command()
@click.argument("which", type=click.Choice(["entry", "settings"]), default="entry")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write it to this file (e.g. schema/entry.schema.json) instead of printing it.")
def schema(which, output):
    """Print the JSON Schema of an entry (or of brochure.yaml), for editors and tools."""
    from brochure.build import schema_text, write_schema

    if output:
        write_schema(which, output)
        click.echo(f"wrote {_shown(output)}")
        return
    click.echo(schema_text(which), nl=False)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(folder):
    """Start a brochure project in FOLDER (default: here): settings, a sample entry."""
    import datetime as dt

    from brochure.build import init_project

    ctx = click.get_current_context()
    ctx.meta["brochure.format"] = "text"
    for path in init_project(folder, dt.date.today()):
        click.echo(f"wrote {_shown(path)}")
    click.echo(f"next: cd {_shown(folder)} && brochure new \"Our first item\" && brochure build"
               if str(folder) != "." else "next: brochure new \"Our first item\" && brochure build")


def _tag(ctx, param, values):
    for value in values:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise click.BadParameter(f"{value!r} is not a lower-case word (e.g. human-rights)")
    return tuple(values)


@main.command()
@click.argument("title")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The item's date (default: today).")
@click.option("--tag", "tags", multiple=True, callback=_tag, metavar="TAG", help="A tag (repeatable).")
@_project_option
@click.pass_context
def new(ctx, title, day, tags, project_dir):
    """Start a new entry file for TITLE, every optional field explained in a comment."""
    import datetime as dt

    from brochure.build import new_entry

    if not title.strip():
        raise click.BadParameter("the title is empty", param_hint="TITLE")
    path = new_entry(_start(ctx, project_dir), title.strip(), day.date() if day else dt.date.today(), tags)
    click.echo(_shown(path))
