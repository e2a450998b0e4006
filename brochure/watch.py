"""Rebuild when an input changes: entries, images, settings or the theme."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Iterable


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
