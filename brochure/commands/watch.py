"""brochure build --watch: rebuild when an input changes (entries, images, settings, theme)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from brochure.confine import is_inside
from brochure.content.settings import find_root, load_settings, theme_folder
from brochure.errors import ContentError


def watched_inputs(start: Path, output: Path | None) -> tuple[list[Path], list[Path]]:
    """The folders whose changes can change the output (the project and its theme), and
    what in them a build writes itself, which must not set off another build. With
    settings that do not load (yet), the whole project is watched for their fix."""
    try:
        settings = load_settings(start)
    except ContentError:
        try:
            root = find_root(start)
        except ContentError:  # no brochure.yaml at all yet: watch where it will be
            root = start.resolve()
        return [root], [root / "build", *filter(None, (output,))]
    folders = [settings.root]
    theme = theme_folder(settings).resolve()
    if not is_inside(settings.root, theme):
        folders.append(theme)  # the built-in theme, edited in a development install
    written = [settings.root / "build"]
    for target in filter(None, (output, settings.root / settings.output)):
        written += [target, target.with_suffix(".html"), target.with_name(f"{target.with_suffix('').name}_files")]
    return folders, written


def watch(folders: Iterable[Path], outputs: Iterable[Path], rebuild: Callable[[list[str]], None],
          stop: threading.Event | None = None, debounce_ms: int = 300) -> None:
    """Call `rebuild(changed paths)` after each burst of changes under `folders`, until
    `stop` is set (or Ctrl-C). Changes to `outputs` and their temporary files are
    ignored, so that writing the PDF does not trigger another build."""
    from watchfiles import DefaultFilter
    from watchfiles import watch as changes_under

    outputs = [path.resolve() for path in outputs]

    class InputsOnly(DefaultFilter):
        def __call__(self, change, path: str) -> bool:
            candidate = Path(path)
            for output in outputs:
                if candidate == output or (candidate.parent == output.parent
                                           and candidate.name.startswith(f".{output.name}.")):
                    return False
                if output.is_dir() and output in candidate.parents:
                    return False
            return super().__call__(change, path)

    for changes in changes_under(*folders, watch_filter=InputsOnly(), debounce=debounce_ms,
                                 stop_event=stop, yield_on_timeout=False):
        rebuild(sorted(path for _, path in changes))
