"""The options several commands share, and the helpers that turn them into what the
commands take. With cli.py, the only module that knows Click; as light as it is (no
YAML, schema or PDF library), so that `brochure --help` starts fast."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

from brochure import report
from brochure.content.languages import canonical
from brochure.content.timeline import PERIOD_FORMS, period_bounds
from brochure.errors import ContentError
from brochure.model import Selection


class Period(click.ParamType):
    """A period as written (2019, 2019-03, 2019-03-31, 2019-Q1), checked here and kept
    as text: -o placeholders repeat it as the user wrote it."""

    name = "PERIOD"

    def convert(self, value, param, ctx):
        try:
            period_bounds(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)
        return value.strip()


class Language(click.ParamType):
    """A BCP 47 language tag (fr, fr-BE, zh-Hans), in the case BCP 47 recommends."""

    name = "LANG"

    def convert(self, value, param, ctx):
        try:
            return canonical(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


project_option = click.option(
    "-C", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Run in this project folder (found upwards from it) instead of the current one.")

remote_images_option = click.option(
    "--allow-remote-images", is_flag=True,
    help="Let image.src be an http(s) address and fetch it (off by default: no network).")

language_option = click.option(
    "--language", type=Language(), metavar="LANG",
    help="The LANG edition (a BCP 47 tag: fr, fr-BE, zh-Hans): each item is its translation, "
         "NAME.LANG.yaml beside NAME.yaml; brochure.yaml's translations.missing says what to do "
         "with an item that has none. The settings' own language is the default edition.")


verbose_option = click.option(
    "-v", "--verbose", is_flag=True,
    help="Tell, on stderr, how long each stage took and what the build decided: theme, profile, "
         "entries, layout, output.")


def selection_options(formats: tuple[str, ...] = ("text", "json"), selection: bool = True):
    """--since, --until, --tag, --drafts, -C and --format: shared by build, check, list
    and serve (check validates every entry, so it takes -C and --format only; serve
    prints no report, so it takes no --format)."""
    selecting = [
        click.option("--since", type=Period(), metavar="PERIOD",
                     help=f"Keep items from this period on ({PERIOD_FORMS}; inclusive)."),
        click.option("--until", type=Period(), metavar="PERIOD",
                     help="Keep items up to the end of this period (inclusive: 2019-03 keeps all of March)."),
        click.option("--tag", "tags", multiple=True, metavar="TAG",
                     help="Keep items having this tag (repeat for any of several)."),
        click.option("--drafts", is_flag=True, help="Include items marked draft: true."),
    ]
    common = [project_option] + ([click.option(
        "--format", "output_format", type=click.Choice(formats), default="text", show_default=True,
        help="json prints one machine-readable document on stdout"
             + ("; html writes the web edition instead of the PDF." if "html" in formats else "."))]
        if formats else [])  # no formats: a command that prints no report (serve)

    def decorate(command):
        for option in reversed((selecting if selection else []) + common):
            command = option(command)
        return command

    return decorate


def start_folder(ctx: click.Context, project_dir: Path | None, output_format: str = "text") -> Path:
    """The folder to look for the project from; also notes the output format so that
    problems are printed the same way (meta is shared with the group's context)."""
    ctx.meta["brochure.format"] = output_format
    if output_format == "json":  # a machine reads it all: no colour anywhere, FORCE_COLOR or not
        ctx.color = ctx.find_root().color = False
    chosen = project_dir or ctx.find_root().params.get("project_dir") or Path.cwd()
    if not chosen.is_dir():
        raise click.BadParameter(f"{chosen} is not a folder", param_hint="-C")
    return chosen


def selection_of(since: str | None, until: str | None, tags, drafts, language: str | None = None) -> Selection:
    first = period_bounds(since)[0] if since else None
    last = period_bounds(until)[1] if until else None
    if first and last and first > last:
        raise click.BadParameter("--since is after --until", param_hint="--since")
    return Selection(since=first, until=last, tags=tuple(tags), drafts=drafts, language=language or "")


def output_path(template: str | None, since, until, output_format: str,
                language: str | None = None, profile: str | None = None) -> tuple[Path | None, bool]:
    """The -o path, and whether it is the web edition: --format html, or a name ending in .html."""
    from brochure.commands.build import is_web_name, output_name

    try:
        target = None if template is None else output_name(template, since, until, output_format, language, profile)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="-o") from None
    return target, output_format == "html" or (target is not None and is_web_name(target))


def show(output_format: str, document: dict, lines: list[str], err: bool = False, style: str = "") -> None:
    """The JSON document (on stdout) or the text lines, as --format asks."""
    if output_format == "json":
        click.echo(report.json_text(document))
    else:
        for line in lines:
            click.echo(paint(line, style) if style else line, err=err)


def show_problems(error: ContentError, output_format: str) -> None:
    if output_format == "json":
        return show(output_format, report.problems_json(error), [])
    for problem in error.problems:  # each one's file:line in bold, what is wrong in red
        click.echo(paint(problem.where, "where") + paint(str(problem).removeprefix(problem.where), "error"), err=True)
    click.echo(paint(report.problems_verdict(error), "error"), err=True)


# Colour on a terminal only (click.echo removes it elsewhere), as the environment allows.
STYLES: dict[str, dict] = {"error": {"fg": "red"}, "warning": {"fg": "yellow"}, "done": {"fg": "green", "bold": True},
                           "where": {"bold": True}}


def paint(text: str, style: str) -> str:
    return click.style(text, **STYLES[style])


def colour_setting() -> bool | None:
    """False with NO_COLOR (any value but empty: no-color.org) or TERM=dumb, True with FORCE_COLOR
    (any value but empty or 0), else None: Click colours a stream when it is a terminal."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":  # a terminal without escapes
        return False
    return True if os.environ.get("FORCE_COLOR", "0") not in ("", "0") else None


def warn(text: str) -> None:
    click.echo(paint(f"warning: {text}", "warning"), err=True)


def build_listeners(ctx: click.Context, quiet: bool, output_format: str, verbose: bool):
    """What one build tells, on stderr: the progress line on a terminal (not with -q or
    --format json), and with -v (here or before the command) each stage's seconds and
    each decision. Returns the Stages to give the build and the line to clear after it."""
    from brochure.commands.stages import Stages

    shown = not quiet and output_format == "text" and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns or 80  # 0: a terminal that does not say
    except (OSError, ValueError):
        columns = 80
    # Erasing the line is no colour: it stays with NO_COLOR (and the line is only ever on a terminal).
    line = report.ProgressLine(shown, lambda text: click.echo(text, err=True, nl=False, color=True), columns)
    if not (verbose or ctx.find_root().params.get("verbose")):
        return Stages(line), line

    def tell(text: str) -> None:  # the line comes back with the next step, a moment later
        line.clear()
        click.echo(text, err=True)

    return Stages(line, lambda name, seconds: tell(report.stage_text(name, seconds)), tell), line


def interrupt_on_sigterm() -> None:
    """SIGTERM (a scheduler stopping a release job) and SIGHUP (the terminal closed)
    unwind like Ctrl-C, so the temporary file of a half-written PDF is removed and the
    previous PDF stays."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):  # Windows has no SIGHUP
            signal.signal(getattr(signal, name), interrupt)
