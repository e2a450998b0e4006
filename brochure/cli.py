"""The command line: parse options, call one function of brochure.commands, print what
brochure.report makes of its result. With cli_options.py (the options several commands
share), the only module that knows Click.

Exit codes: 0 success; 1 the content is wrong (every problem is printed);
2 the command line is wrong; 3 an internal error (a bug: please report it);
130 interrupted (Ctrl-C or SIGTERM; the previous PDF is kept).
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from pathlib import Path

import click

from brochure import __version__, report
from brochure.cli_options import (
    Language,
    build_listeners,
    colour_setting,
    interrupt_on_sigterm,
    language_option,
    output_path,
    paint,
    project_option,
    remote_images_option,
    selection_of,
    selection_options,
    show,
    show_problems,
    start_folder,
    verbose_option,
    warn,
)
from brochure.cli_release import release as release_command
from brochure.cli_serve import serve as serve_command
from brochure.errors import ContentError
from brochure.pdf.profiles import NAMES as PROFILES

EXIT_CONTENT, EXIT_INTERNAL, EXIT_INTERRUPTED = 1, 3, 130


class _Group(click.Group):
    """Turns content problems and unexpected errors into messages and exit codes."""

    def make_context(self, info_name, args, parent=None, **extra):
        extra.setdefault("color", colour_setting())  # NO_COLOR, FORCE_COLOR; CliRunner(color=…) wins
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ContentError as error:
            show_problems(error, ctx.meta.get("brochure.format", "text"))
            ctx.exit(EXIT_CONTENT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # `brochure list | head`: the reader has all it wanted
            # Point stdout at /dev/null so that the final flush does not fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM during a build
            click.echo(paint("interrupted; nothing was written.", "warning"), err=True)
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as error:  # a bug in brochure, not in the user's content
            if ctx.params.get("debug"):
                traceback.print_exc()
            click.echo(paint(f"internal error: {type(error).__name__}: {error} (a bug in brochure: please "
                             "report it; --debug shows the traceback)", "error"), err=True)
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="brochure")
@project_option
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@verbose_option
def main(project_dir, debug, verbose):
    """Compile a folder of YAML news items into a PDF brochure.

    Exit codes: 0 success, 1 the content is wrong (every problem is listed),
    2 the command line is wrong, 3 internal error (please report it),
    130 interrupted (the previous PDF is kept).
    """


main.add_command(release_command)  # brochure release: in cli_release.py
main.add_command(serve_command)  # brochure serve: in cli_serve.py


@main.command()
@selection_options(("text", "json", "html"))
@click.option("-o", "--output", metavar="PATH",
              help="Where to write (default: build/brochure.pdf in the project; build/brochure.LANG.pdf for "
                   "--language LANG). May hold {since}, {until}, {period}, {language} and {profile}, e.g. "
                   "'releases/brochure-{period}-{language}.pdf'; folders are created.")
@click.option("--self-contained", is_flag=True, help="With --format html: images inside the HTML file.")
@click.option("--watch", is_flag=True, help="Build, then rebuild whenever an entry, image, setting or "
                                            "the theme changes (Ctrl-C stops).")
@click.option("-q", "--quiet", is_flag=True, help="No progress and no summary line; problems are still shown.")
@verbose_option
@click.option("--profile", type=click.Choice(PROFILES),
              help="screen: tagged, linked (default); print: PDF/X in CMYK with bleed, preflighted; "
                   "archive: PDF/A. The default comes from brochure.yaml.")
@click.option("--force", is_flag=True, help="Render even when no input changed since the last build.")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N",
              help="Processes to lay out with (default: one per core; 1: all in this process). "
                   "A large brochure over several years is laid out in parts, N at a time.")
@remote_images_option
@language_option
@click.option("--open", "open_result", is_flag=True,
              help="Open the PDF (or HTML) in the system's viewer after a successful build.")
@click.pass_context
def build(ctx, since, until, tags, drafts, project_dir, output_format, output, self_contained, watch, quiet,
          verbose, profile, force, jobs, allow_remote_images, language, open_result):
    """Validate, select, order and render the brochure to PDF (or HTML)."""
    from brochure.commands.build import BuildOptions
    from brochure.commands.build import build as build_pdf
    from brochure.commands.web import build_web

    start = start_folder(ctx, project_dir, output_format)
    selection = selection_of(since, until, tags, drafts, language)
    target, web = output_path(output, since, until, output_format, language, profile)
    if self_contained and not web:
        raise click.BadParameter("goes with --format html (or -o ….html)", param_hint="--self-contained")
    if web and profile:
        raise click.BadParameter("profiles are for PDF; the web edition has none", param_hint="--profile")
    options = BuildOptions(selection=selection, output=target, profile=profile,
                           allow_remote_images=allow_remote_images, force=force, jobs=jobs)

    def run_once() -> None:
        stages, line = build_listeners(ctx, quiet, output_format, verbose)
        if web:
            edition = build_web(start, selection, target, self_contained, allow_remote_images)
            for name, seconds in edition.timings.items():  # -v tells them
                stages.add(name, seconds)
            show("text", {}, [] if quiet else [report.web_text(edition)], style="done")
            return open_built(edition.output)
        try:
            made = build_pdf(start, options, stages)
        finally:
            line.clear()
        for warning in made.warnings:
            warn(warning)
        show(output_format, report.build_json(made), [] if quiet else [report.build_text(made)], style="done")
        open_built(made.output)

    opened: list[Path] = []

    def open_built(built: Path) -> None:
        """--open: after the first build that succeeded (a --watch rebuild keeps the viewer)."""
        if open_result and not opened:
            opened.append(built)
            if click.launch(str(built.resolve())) != 0:
                warn(f"found no viewer to open {report.shown(built)} with")

    interrupt_on_sigterm()
    if not watch:
        run_once()
        return
    _watch(start, target, output_format, run_once)


def _watch(start: Path, target: Path | None, output_format: str, run_once) -> None:
    """Build now and after every change; a broken entry prints its problems and the
    watch goes on, leaving the last good output in place."""
    from brochure.commands.watch import watch, watched_inputs

    def attempt(changed: list[str]) -> None:
        if changed:
            click.echo(report.changed_text(changed), err=True)
        try:
            run_once()
        except ContentError as error:
            show_problems(error, output_format)
        sys.stdout.flush()

    attempt([])
    click.echo("watching for changes (Ctrl-C stops)", err=True)
    folders, written = watched_inputs(start, target)
    try:
        watch(folders, written, attempt)
    except KeyboardInterrupt:
        click.echo("stopped watching.", err=True)


@main.command()
@selection_options(selection=False)
@remote_images_option
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Preflight this PDF (ours or any other) instead: rule by rule, with page, object and limit.")
@click.option("--profile", type=click.Choice(PROFILES), help="With --pdf: the rules to apply (default: print).")
@click.option("--variant", help="With --pdf: the PDF variant asked for (pdf/x-4, pdf/x-1a, pdf/a-2b, …).")
@click.option("--condition", help="With --pdf: the print shop's output condition (e.g. FOGRA39).")
@click.option("--binding", type=click.Choice(["none", "saddle-stitch"]), help="With --pdf: how it is bound.")
@click.pass_context
def check(ctx, project_dir, output_format, allow_remote_images, pdf_file, profile, variant, condition, binding):
    """Validate every entry (drafts too) and its image; renders nothing. With --pdf FILE:
    preflight a PDF instead (exit 1 when a rule fails, not for a warning); --variant,
    --condition and --binding override the project's settings for that check."""
    from brochure.commands.check import check_entries, check_pdf, pdf_variants

    given = {"--profile": profile, "--variant": variant, "--condition": condition, "--binding": binding}
    if pdf_file is None and any(given.values()):
        raise click.BadParameter("goes with --pdf FILE", param_hint=next(k for k, v in given.items() if v))
    start, profile = start_folder(ctx, project_dir, output_format), profile or "print"
    if pdf_file is None:
        found = check_entries(start, allow_remote_images)
        count, translations = len(found.entries), len(found.translations)
        return show(output_format, {"ok": True, "entries": count, "translations": translations, "problems": []},
                    [report.check_text(count, translations)], style="done")
    if variant and variant not in (known := pdf_variants(profile)):
        raise click.BadParameter(f"not a {profile} variant: {', '.join(known)}", param_hint="--variant")
    used, rules = check_pdf(start, pdf_file, profile, variant, condition, binding)
    show(output_format, document := report.preflight_json(pdf_file, used, rules),
           report.preflight_text(pdf_file, profile, rules))
    ctx.exit(0 if document["ok"] else EXIT_CONTENT)


@main.command(name="list")
@selection_options()
@click.option("--excluded", is_flag=True, help="Show the entries left out, and why, instead.")
@language_option
@click.option("--untranslated", type=Language(), metavar="LANG",
              help="Show the selected entries that have no LANG translation yet, for translators, instead.")
@click.pass_context
def list_command(ctx, since, until, tags, drafts, project_dir, output_format, excluded, language, untranslated):
    """Show the selected entries, one line each: date, title, tags, file."""
    from brochure.commands.check import list_entries

    if untranslated and (excluded or (language and language != untranslated)):
        raise click.BadParameter("shows one list: leave out --excluded, and --language (it is LANG)",
                                 param_hint="--untranslated")
    selection = selection_of(since, until, tags, drafts, untranslated or language)
    found = list_entries(start_folder(ctx, project_dir, output_format), selection)
    if untranslated:
        return show(output_format, report.untranslated_json(found, untranslated),
                    report.untranslated_text(found, untranslated))
    show(output_format, report.list_json(found), report.list_text(found, excluded))


@main.command()
@click.argument("which", type=click.Choice(["entry", "settings"]), default="entry")
@click.option("--output", type=click.Path(path_type=Path),
              help="Write it to this file (e.g. schema/entry.schema.json) instead of printing it.")
def schema(which, output):
    """Print the JSON Schema of an entry (or of brochure.yaml), for editors and tools."""
    from brochure.commands.init import schema_text, write_schema

    if output is None:
        return click.echo(schema_text(which), nl=False)
    if output.suffix.lower() != ".json":  # as build's -o: the ending is the command line's mistake
        raise click.BadParameter(f"'{output}' does not end in .json: the ending says what the file is",
                                 param_hint="--output")
    click.echo(f"wrote {report.shown(write_schema(which, output, Path.cwd()))}")


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=".")
def init(folder):
    """Start a brochure project in FOLDER (default: here): settings, a sample entry."""
    import datetime as dt

    from brochure.commands.init import init_project

    ctx = click.get_current_context()
    ctx.meta["brochure.format"] = "text"
    for path in init_project(folder, dt.date.today()):
        click.echo(f"wrote {report.shown(path)}")
    click.echo(report.next_steps(folder))


def _tag(ctx, param, values):
    for value in values:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
            raise click.BadParameter(f"{value!r} is not a lower-case word (e.g. human-rights)")
    return tuple(values)


@main.command()
@click.argument("title")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The item's date (default: today).")
@click.option("--tag", "tags", multiple=True, callback=_tag, metavar="TAG", help="A tag (repeatable).")
@project_option
@click.pass_context
def new(ctx, title, day, tags, project_dir):
    """Start a new entry file for TITLE, every optional field explained in a comment."""
    import datetime as dt

    from brochure.commands.init import new_entry

    if not title.strip():
        raise click.BadParameter("the title is empty", param_hint="TITLE")
    path = new_entry(start_folder(ctx, project_dir), title.strip(), day.date() if day else dt.date.today(), tags)
    click.echo(report.shown(path))


@main.group()
def theme():
    """Project themes: styles/NAME/, which inherits the default theme."""


@theme.command(name="new")
@click.argument("name")
@project_option
@click.pass_context
def theme_new(ctx, name, project_dir):
    """Start a project theme in styles/NAME/ that inherits the default theme."""
    from brochure.commands.themes import new_theme, next_step

    if not re.fullmatch(r"[A-Za-z0-9_-]+", name) or name == "default":
        raise click.BadParameter(f"{name!r} is not a theme name: letters, digits, - and _ "
                                 "(and not 'default', the built-in theme)", param_hint="NAME")
    for path in new_theme(start_folder(ctx, project_dir), name):
        click.echo(f"wrote {report.shown(path)}")
    click.echo(next_step(name))
