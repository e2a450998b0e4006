"""What a build tells while it goes: the named stage it is in (timed here, in one
place), the steps within a stage (a page laid out, a part done) and the decisions it
takes (which theme, profile, entries, layout, output). The build never prints: the
command line listens (the progress line, and -v) and decides what to show.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from brochure.confine import relative_inside, theme_layers
from brochure.model import Settings
from brochure.pdf.profiles import Profile


def _nobody(*told) -> None:
    pass


class Stages:
    """The stages of one build and their seconds, in the order they first ran.

    `progress` is told each stage's message as it begins and each step within it (a
    Stages is itself the progress callable the layout is given); `timed` the name and
    seconds of each stage as it ends; `decided` each decision, as a line of text. A
    stage inside another (the preflight, while the PDF is written) is not counted in
    the outer one: the seconds add up to the build's."""

    def __init__(self, progress: Callable[[str], None] = _nobody,
                 timed: Callable[[str, float], None] = _nobody, decided: Callable[[str], None] = _nobody):
        self.progress, self._timed, self._decided = progress, timed, decided
        self.timings: dict[str, float] = {}
        self._running: list[list] = []  # [name, since when its clock runs, its seconds so far]

    def start(self) -> None:
        """A new build: no stage has run."""
        self.timings, self._running = {}, []

    def __call__(self, message: str) -> None:
        self.progress(message)

    @contextmanager
    def stage(self, name: str, message: str = "") -> Iterator[None]:
        if message:
            self.progress(message)
        began = time.monotonic()
        if self._running:  # the outer stage's clock stops while this one runs
            outer = self._running[-1]
            outer[2] += began - outer[1]
        self._running.append([name, began, 0.0])
        done = False
        try:
            yield
            done = True
        finally:
            ended = time.monotonic()
            _, since, own = self._running.pop()
            own += ended - since
            self.timings[name] = self.timings.get(name, 0.0) + own
            if self._running:
                self._running[-1][1] = ended
            if done:
                self._timed(name, own)

    def add(self, name: str, seconds: float) -> None:
        """A stage timed elsewhere (the catalogue times its reading, validating and selecting)."""
        self.timings[name] = self.timings.get(name, 0.0) + seconds
        self._timed(name, seconds)

    def decided(self, *decisions: str) -> None:
        for text in decisions:
            self._decided(text)


def shown_path(settings: Settings, path: Path) -> str:
    """A path relative to the project when inside it (as the user names it), else as it is."""
    return relative_inside(settings.root.resolve(), path.resolve()) or str(path)


def plan_decisions(settings: Settings, theme: Path, profile: Profile, output: Path) -> tuple[str, ...]:
    """Which theme (and the layers its files come from), profile and output."""
    return theme_decision(settings, theme), profile_decision(profile), f"output: {shown_path(settings, output)}"


def theme_decision(settings: Settings, theme: Path) -> str:
    """Which theme, and the layers its files come from, first found first."""
    root = settings.root.resolve()
    first, *under = theme_layers(theme)
    layers = [relative_inside(root, first.resolve()) or "built in",
              *(f"over {relative_inside(root, layer.resolve()) or 'the built-in ' + layer.name}" for layer in under)]
    brand = f"; brand: {settings.brand.file}" if settings.brand else ""
    return f"theme: {settings.theme} ({', '.join(layers)}){brand}"


def profile_decision(profile: Profile) -> str:
    press = [profile.condition] if profile.condition else []
    if profile.bleed_mm:
        press.append(f"{profile.bleed_mm:g} mm bleed")
    if profile.marks:
        press.append("crop marks")
    if profile.binding and profile.binding != "none":
        press.append(profile.binding)
    return f"profile: {profile.name}, {profile.variant}" + (f" ({', '.join(press)})" if press else "")


def selection_decision(selected: int, excluded: list) -> str:
    """How many entries are in, and why the others are left out."""
    reasons = Counter(item.reason for item in excluded)
    left = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    return f"entries: {selected} selected" + (f", {len(excluded)} left out ({left})" if excluded else
                                              ", none left out")


def layout_decision(in_parts: bool, entries: int, years: int, jobs: int, part_from: int) -> str:
    """One piece or parts (layout/parts.py's worth_it), and why."""
    if in_parts:
        return f"layout: in parts ({entries} items over {years} years, from {part_from} items), {jobs} processes"
    why = ("one job" if jobs == 1 else f"under {part_from} items" if entries < part_from
           else "one year" if years < 2 else "the theme is not made for parts: see docs/themes.md")
    return f"layout: in one piece ({why})"


def rebuild_decision(vouched: bool, built_before: bool, force: bool) -> str:
    """Why a build renders rather than reporting the last one again."""
    return "building: " + ("--allow-remote-images (remote pictures always build)" if not vouched
                           else "--force" if built_before and force
                           else "an input or option changed since the last build" if built_before
                           else "no record of an earlier build")
