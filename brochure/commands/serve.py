"""brochure serve: a live preview on 127.0.0.1 of the brochure as it will print (the
PDF's pages as pictures) and of its web edition, rebuilt at each save by the watcher
of `build --watch` and the builds of `build`.

The builds write into build/preview/ (brochure.pdf, brochure.html and its pictures),
so that a preview never replaces the brochure a `brochure build` made; the server
shows that folder and nothing else (preview_http.py). A broken entry puts its
problems in the page; the last good PDF and web edition stay, as files and in the page.
"""

from __future__ import annotations

import itertools
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from brochure.commands.build import BuildOptions, BuildReport, build
from brochure.commands.preview_http import PagePictures, PreviewServer, PreviewState
from brochure.commands.watch import watch, watched_inputs
from brochure.commands.web import WebReport, build_web
from brochure.content.settings import find_root
from brochure.errors import ContentError, Problem
from brochure.model import Selection

DEFAULT_PORT = 8000
PREVIEW_FOLDER = Path("build", "preview")  # in the project


@dataclass(frozen=True)
class ServeOptions:
    """What the command line asked of the preview."""

    selection: Selection
    profile: str | None = None  # the PDF's; None: the settings'
    port: int = DEFAULT_PORT  # 0: any free port
    open_browser: bool = False
    allow_remote_images: bool = False


@dataclass(frozen=True)
class ServeHooks:
    """How the command line hears of the preview: its own lines, the files a save
    changed, and each build's outcome (which the command line words as `build` does)."""

    say: Callable[[str], None]
    changed: Callable[[list[str]], None]
    built: Callable[[BuildReport, WebReport], None]
    failed: Callable[[ContentError], None]


def serve(start: Path, options: ServeOptions, hooks: ServeHooks) -> None:
    """Serve the preview and rebuild it at each change, until Ctrl-C (KeyboardInterrupt,
    which goes on to the caller once the server, its threads and its Ghostscript
    processes have stopped)."""
    folder = find_root(start) / PREVIEW_FOLDER
    pdf, web = folder / "brochure.pdf", folder / "brochure.html"
    pictures = PagePictures(pdf)
    state = PreviewState(pictures=pictures.ghostscript is not None)
    server = _bind(options.port, folder, state, pictures, hooks.say)
    thread = threading.Thread(target=server.serve_forever, name="brochure serve", daemon=True)
    thread.start()
    try:
        hooks.say(f"serving the preview at {server.url} (Ctrl-C stops)")
        if options.open_browser and not webbrowser.open(server.url):
            hooks.say(f"found no browser to open; open {server.url} yourself")
        rebuild = _rebuilder(start, options, pdf, web, state, hooks)
        rebuild([])
        folders, written = watched_inputs(start, pdf)
        watch(folders, written, rebuild)
    finally:
        state.close()  # ends the event streams
        server.shutdown()
        server.server_close()
        pictures.close()
        thread.join()


def _bind(port: int, folder: Path, state: PreviewState, pictures: PagePictures,
          say: Callable[[str], None]) -> PreviewServer:
    """The server on `port`; when the default port is taken (another preview, another
    server), on a free port the system chooses, which the user is told."""
    try:
        return PreviewServer(port, folder, state, pictures)
    except OSError as error:
        if port != DEFAULT_PORT:  # asked for: another port would break the user's bookmark or script
            raise ContentError([Problem("--port", 0, 0, "", f"port {port} cannot be used ({error.strerror or error})",
                                        "choose another, or leave --port out: a free one is then chosen")]) from None
        server = PreviewServer(0, folder, state, pictures)
        say(f"port {port} cannot be used ({error.strerror or error}): serving on port "
            f"{server.server_address[1]} instead")
        return server


def _rebuilder(start: Path, options: ServeOptions, pdf: Path, web: Path, state: PreviewState,
               hooks: ServeHooks) -> Callable[[list[str]], None]:
    """One rebuild: the web edition first (it takes a fraction of a second, so the page
    shows the change at once), then the PDF. A problem stops it, and the page shows the
    problems over the last good edition."""
    build_options = BuildOptions(selection=options.selection, output=pdf, profile=options.profile,
                                 allow_remote_images=options.allow_remote_images)
    generations = itertools.count(1)

    def rebuild(changed: list[str]) -> None:
        if changed:
            hooks.changed(changed)
        state.update(building=True)
        try:
            edition = build_web(start, options.selection, web, allow_remote_images=options.allow_remote_images)
            state.update(web=next(generations))
            made = build(start, build_options)
        except ContentError as error:
            state.update(building=False, problems=[str(problem) for problem in error.problems], warnings=[])
            hooks.failed(error)
            return
        state.update(building=False, pdf=next(generations), pages=made.pages, problems=[], warnings=made.warnings)
        hooks.built(made, edition)

    return rebuild
