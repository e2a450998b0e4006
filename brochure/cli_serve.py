"""The command line of `brochure serve` (commands/serve.py), registered in cli.py: a
module of its own, as cli_release.py is, so that cli.py stays within its size."""

from __future__ import annotations

import click

from brochure import report
from brochure.cli_options import (
    interrupt_on_sigterm,
    language_option,
    remote_images_option,
    selection_of,
    selection_options,
    show_problems,
    start_folder,
)
from brochure.pdf.profiles import NAMES as PROFILES

EXIT_INTERRUPTED = 130  # as cli.py's


@click.command()
@selection_options(formats=())
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port on 127.0.0.1 (0: any free one); when taken, a free one is chosen and shown.")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the browser.")
@click.option("--profile", type=click.Choice(PROFILES), help="The PDF's profile (default: brochure.yaml's).")
@remote_images_option
@language_option
@click.pass_context
def serve(ctx, since, until, tags, drafts, project_dir, port, open_browser, profile, allow_remote_images, language):
    """Preview on 127.0.0.1 the PDF's pages and the web edition (built into build/preview/),
    rebuilt and reloaded at each save, a broken entry's problems over the last good pages."""
    from brochure.commands.serve import ServeHooks, ServeOptions
    from brochure.commands.serve import serve as serve_preview

    start = start_folder(ctx, project_dir)
    options = ServeOptions(selection=selection_of(since, until, tags, drafts, language), profile=profile, port=port,
                           open_browser=open_browser, allow_remote_images=allow_remote_images)
    hooks = ServeHooks(say=lambda text: click.echo(text, err=True),
                       changed=lambda changed: click.echo(report.changed_text(changed), err=True),
                       built=lambda made, edition: click.echo(report.preview_text(made, edition)),
                       failed=lambda error: show_problems(error, "text"))
    interrupt_on_sigterm()
    try:
        serve_preview(start, options, hooks)
    except KeyboardInterrupt:
        click.echo("stopped serving.", err=True)
        ctx.exit(EXIT_INTERRUPTED)
