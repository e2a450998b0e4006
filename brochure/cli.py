"""The command line: parse options, call one function in build.py, print the result.

Exit codes: 0 success; 1 the content is wrong (every problem is printed);
2 the command line is wrong; 3 an internal error (a bug: please report it);
130 interrupted (Ctrl-C or SIGTERM; the previous PDF is kept).
"""

from __future__ import annotations

import json
import signal
import traceback
from pathlib import Path

import click

from brochure import __version__
from brochure.errors import ContentError
from brochure.model import Selection
from brochure.timeline import PERIOD_FORMS, period_bounds

EXIT_CONTENT, EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 3, 130


class _Period(click.ParamType):
    name = "PERIOD"

    def __init__(self, end: bool):
        self.end = end

    def convert(self, value, param, ctx):
        try:
            first, last = period_bounds(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)
        return last if self.end else first


def _selection_options(command):
    """--since, --until, --tag, --drafts and -C: shared by build, check and list."""
    options = [
        click.option("--since", type=_Period(end=False), metavar="PERIOD",
                     help=f"Keep items from this period on ({PERIOD_FORMS}; inclusive)."),
        click.option("--until", type=_Period(end=True), metavar="PERIOD",
                     help="Keep items up to the end of this period (inclusive: 2019-03 keeps all of March)."),
        click.option("--tag", "tags", multiple=True, metavar="TAG",
                     help="Keep items having this tag (repeat for any of several)."),
        click.option("--drafts", is_flag=True, help="Include items marked draft: true."),
        _project_option,
        click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
                     show_default=True, help="json prints one machine-readable document on stdout."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


_project_option = click.option(
    "-C", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Run in this project folder (found upwards from it) instead of the current one.")


def _start(ctx: click.Context, project_dir: Path | None, output_format: str = "text") -> Path:
    """The folder to look for the project from; also notes the output format so that
    problems are printed the same way (meta is shared with the group's context)."""
    ctx.meta["brochure.format"] = output_format
    chosen = project_dir or ctx.find_root().params.get("project_dir") or Path.cwd()
    if not chosen.is_dir():
        raise click.BadParameter(f"{chosen} is not a folder", param_hint="-C")
    return chosen


def _selection(since, until, tags, drafts) -> Selection:
    if since and until and since > until:
        raise click.BadParameter("--since is after --until", param_hint="--since")
    return Selection(since=since, until=until, tags=tuple(tags), drafts=drafts)


def _entry_json(entry) -> dict:
    return {
        "file": entry.file,
        "date": entry.date.isoformat(),
        "end_date": entry.end_date.isoformat() if entry.end_date else None,
        "title": entry.title,
        "tags": list(entry.tags),
        "draft": entry.draft,
    }


def _excluded_json(excluded) -> list[dict]:
    return [{**_entry_json(entry), "reason": reason} for entry, reason in excluded]


def _emit_json(document: dict) -> None:
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


class _Group(click.Group):
    """Turns content problems and unexpected errors into messages and exit codes."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ContentError as error:
            if _wants_json(ctx):
                _emit_json({"ok": False, "problems": [problem.as_dict() for problem in error.problems]})
            else:
                for problem in error.problems:
                    click.echo(str(problem), err=True)
                count = len(error.problems)
                click.echo(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.",
                           err=True)
            ctx.exit(EXIT_CONTENT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM during a build
            click.echo("interrupted; nothing was written.", err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as error:  # a bug in brochure, not in the user's content
            if ctx.params.get("debug"):
                traceback.print_exc()
            click.echo(f"internal error: {type(error).__name__}: {error} (a bug in brochure: please "
                       "report it; --debug shows the traceback)", err=True)
            ctx.exit(EXIT_INTERNAL)


def _wants_json(ctx: click.Context) -> bool:
    return ctx.meta.get("brochure.format") == "json"


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brochure")
@_project_option
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
def main(project_dir, debug):
    """Compile a folder of YAML news items into a PDF brochure.

    Exit codes: 0 success, 1 the content is wrong (every problem is listed),
    2 the command line is wrong, 3 internal error (please report it).
    """


_remote_images_option = click.option(
    "--allow-remote-images", is_flag=True,
    help="Let image.src be an http(s) address and fetch it (off by default: no network).")


def _interrupt_on_sigterm() -> None:
    """SIGTERM (a scheduler stopping a release job) unwinds like Ctrl-C, so the
    temporary file of a half-written PDF is removed and the previous PDF stays."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


@main.command()
@_selection_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF (default: build/brochure.pdf in the project).")
@_remote_images_option
@click.pass_context
def build(ctx, since, until, tags, drafts, project_dir, output_format, output, allow_remote_images):
    """Validate, select, order and render the brochure to PDF."""
    from brochure.build import build as run_build

    _interrupt_on_sigterm()
    report = run_build(_start(ctx, project_dir, output_format), _selection(since, until, tags, drafts), output,
                       allow_remote_images)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if output_format == "json":
        _emit_json({
            "ok": True,
            "output": str(report.output),
            "pages": report.pages,
            "size": report.size,
            "seconds": round(report.seconds, 3),
            "included": [{**_entry_json(entry), "first_page": report.first_pages.get(entry.file, 0)}
                         for entry in report.entries],
            "excluded": _excluded_json(report.excluded),
            "warnings": report.warnings,
        })
        return
    count = len(report.entries)
    click.echo(f"wrote {_shown(report.output)}: {count} item{'s' if count != 1 else ''}, "
               f"{report.pages} pages, {report.size / 1_000_000:.1f} MB in {report.seconds:.1f} s")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@main.command()
@_selection_options
@_remote_images_option
@click.pass_context
def check(ctx, since, until, tags, drafts, project_dir, output_format, allow_remote_images):
    """Validate every entry (drafts too) and its image; renders nothing."""
    from brochure.build import check as run_check

    found = run_check(_start(ctx, project_dir, output_format), allow_remote_images)
    count = len(found.entries)
    if output_format == "json":
        _emit_json({"ok": True, "entries": count, "problems": []})
    else:
        click.echo(f"{count} entr{'ies' if count != 1 else 'y'} checked: no problems.")


@main.command(name="list")
@_selection_options
@click.pass_context
def list_command(ctx, since, until, tags, drafts, project_dir, output_format):
    """Show the selected entries, one line each: date, title, tags, file."""
    from brochure.build import catalogue

    found = catalogue(_start(ctx, project_dir, output_format), _selection(since, until, tags, drafts))
    if output_format == "json":
        _emit_json({"entries": [_entry_json(entry) for entry in found.entries],
                    "excluded": _excluded_json(found.excluded)})
        return
    for entry in found.entries:
        when = entry.date.isoformat() + (f"..{entry.end_date.isoformat()}" if entry.end_date else "")
        tags_text = f" [{', '.join(entry.tags)}]" if entry.tags else ""
        click.echo(f"{when:<22} {entry.title}{tags_text}  ({entry.file})")


@main.command()
@click.argument("which", type=click.Choice(["entry", "settings"]), default="entry")
def schema(which):
    """Print the JSON Schema of an entry (or of brochure.yaml), for editors and tools."""
    from brochure.validate import load_schema

    _emit_json(load_schema(which))
