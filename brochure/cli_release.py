"""The command line of `brochure release` (commands/release.py), registered in cli.py:
a module of its own, as light as cli_options.py, so that cli.py stays within its size."""

from __future__ import annotations

import click

from brochure import report
from brochure.cli_options import (
    Period,
    interrupt_on_sigterm,
    paint,
    project_option,
    remote_images_option,
    selection_of,
    show,
    start_folder,
)

EXIT_CONTENT, EXIT_INTERRUPTED = 1, 130  # as cli.py's: a failed edition is content that is wrong


@click.command()
@click.argument("period", type=Period(), required=False)
@click.option("--since", type=Period(), metavar="PERIOD", help="The release's first period (instead of PERIOD).")
@click.option("--until", type=Period(), metavar="PERIOD", help="The release's last period (inclusive).")
@click.option("--edition", "editions", multiple=True, metavar="NAME",
              help="Build only this edition of brochure.yaml's editions: (repeatable): one per CI runner.")
@click.option("--jobs", type=click.IntRange(1, 64), metavar="N",
              help="Editions built at once, each in a process of its own (default: one per core).")
@click.option("--force", is_flag=True, help="Render even editions whose inputs did not change.")
@remote_images_option
@project_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json prints the release's report (release.json) on stdout.")
@click.pass_context
def release(ctx, period, since, until, editions, jobs, force, allow_remote_images, project_dir, output_format):
    """Build every edition brochure.yaml names (editions:) for PERIOD (2019-Q1) or
    --since/--until, several at a time; write release.json (each file, its checks, its
    SHA-256) and SHA256SUMS beside them. A failed edition fails the release (exit 1);
    the others are still written, and marked finished in the report."""
    from brochure.commands.release import ReleaseOptions, UnknownEdition
    from brochure.commands.release import release as make_release

    if period and (since or until):
        raise click.BadParameter("give PERIOD, or --since/--until, not both", param_hint="PERIOD")
    selection_of(since or period, until or period, (), False)  # --since after --until: exit 2
    start = start_folder(ctx, project_dir, output_format)
    options = ReleaseOptions(since=since or period, until=until or period, editions=editions,
                             allow_remote_images=allow_remote_images, force=force, jobs=jobs)

    def finished(result) -> None:
        if output_format == "text":
            click.echo(report.edition_text(result), err=result.status != "finished")
            for problem in result.problems:
                click.echo(str(problem), err=True)

    interrupt_on_sigterm()
    try:
        made = make_release(start, options, finished)
    except UnknownEdition as error:
        raise click.BadParameter(str(error), param_hint="--edition") from None
    except KeyboardInterrupt:
        click.echo(paint("interrupted: the editions that finished are written, and release.json says which; "
                         "the others are not.", "warning"), err=True)
        ctx.exit(EXIT_INTERRUPTED)
    show(output_format, made.document, [report.release_text(made)])
    ctx.exit(0 if made.ok else EXIT_CONTENT)
