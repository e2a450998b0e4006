"""What the commands print: the text lines and the JSON documents, and the progress
line. Plain functions from reports to text; cli.py prints what they return.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from brochure.confine import relative_inside
from brochure.errors import ContentError

if TYPE_CHECKING:  # the catalogue reads YAML and schemas: `brochure --help` need not import it
    from brochure.content.catalogue import Catalogue


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 item', '2 items'; '1 entry', '3 entries' with `many` given."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def shown(path: Path) -> str:
    """A path as the user typed it: relative to the current folder when inside it."""
    return relative_inside(Path.cwd(), path) or str(path)


def json_text(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def problems_json(error: ContentError) -> dict:
    document: dict = {"ok": False, "problems": [problem.as_dict() for problem in error.problems]}
    excluded = getattr(error, "excluded", None)
    if excluded is not None:
        document["excluded"] = [item.as_dict() for item in excluded]
    return document


def problems_verdict(error: ContentError) -> str:
    return f"{plural(len(error.problems), 'problem')} found; nothing was written."


def build_json(report) -> dict:
    return {
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
    }


def build_text(report) -> str:
    items = plural(len(report.included), "item")
    if report.up_to_date:
        return (f"{shown(report.output)} is up to date ({items}, {report.pages} pages): no input changed since it "
                "was built; --force builds anyway")
    checked = f", {report.profile} preflight passed" if report.preflight else ""
    return (f"wrote {shown(report.output)}: {items}, {report.pages} pages, {report.size / 1_000_000:.1f} MB "
            f"in {report.seconds:.1f} s{checked}")


def web_text(report) -> str:
    pictures = len(report.files) - 1
    extra = f" and {plural(pictures, 'image')}" if pictures else ""
    return (f"wrote {shown(report.output)}{extra}: {plural(len(report.entries), 'item')}, "
            f"{report.size / 1_000_000:.1f} MB in {report.seconds:.1f} s")


def edition_text(result) -> str:
    """One edition of a release, as it ends: what it wrote, or that it failed."""
    if result.status != "finished":
        earlier = " (the file there is an earlier release's)" if result.stale else ""
        return (f"{result.name}: {result.status} ({plural(len(result.problems), 'problem')}); {shown(result.output)} "
                f"not written{earlier}")
    if result.up_to_date:
        return f"{result.name}: {shown(result.output)} is up to date ({result.profile}, {result.language})"
    what = f"{plural(result.pages, 'page')}, " if result.pages else ""
    checked = f", {result.profile} preflight passed" if result.preflight else ""
    return (f"{result.name}: wrote {shown(result.output)} ({result.profile}, {result.language}): "
            f"{plural(result.items, 'item')}, {what}{sum(path.stat().st_size for path in result.files) / 1_000_000:.1f}"
            f" MB in {result.seconds:.1f} s{checked}")


def release_text(made) -> str:
    """The last line of a release: how many editions finished, where the report is."""
    failed = [result.name for result in made.editions if result.status != "finished"]
    done = len(made.editions) - len(failed)
    outcome = (f"released {plural(done, 'edition')}" if not failed else
               f"release failed: {', '.join(failed)} failed, {done} of {len(made.editions)} finished")
    return f"{outcome}; report {shown(made.report)}, checksums {shown(made.checksums)}"


def check_text(count: int, translations: int = 0) -> str:
    checked = f" and {plural(translations, 'translation')}" if translations else ""
    return f"{plural(count, 'entry', 'entries')}{checked} checked: no problems."


def preflight_text(pdf: Path, profile: str, rules: list) -> list[str]:
    """Each rule (a failed or warning one with its findings: page, object, value, limit),
    then the verdict. Warnings never fail a file."""
    failed = sum(rule.status == "fail" for rule in rules)
    warned = sum(rule.status == "warn" for rule in rules)
    verdict = f"passes the {profile} preflight" if not failed else f"{plural(failed, 'rule')} failed"
    if warned:
        verdict += f" ({plural(warned, 'warning')})" if not failed else f", {plural(warned, 'warning')}"
    return [str(rule) for rule in rules] + [f"{shown(pdf)}: {verdict}"]


def preflight_json(pdf: Path, profile, rules: list) -> dict:
    """check --pdf --format json: the verdict, what it was checked against, every rule
    with its severity and findings (page, object, value, limit)."""
    return {"ok": all(rule.status != "fail" for rule in rules), "file": str(pdf), "profile": profile.name,
            "variant": profile.variant, "condition": profile.condition, "binding": profile.binding,
            "errors": sum(rule.status == "fail" for rule in rules),
            "warnings": sum(rule.status == "warn" for rule in rules),
            "rules": [rule.as_dict() for rule in rules]}


def list_json(found: Catalogue) -> dict:
    from brochure.content.catalogue import entry_summary

    return {**({"language": found.settings.language} if found.settings.translated_from else {}),
            "entries": [entry_summary(entry) for entry in found.entries],
            "excluded": [item.as_dict() for item in found.excluded]}


def list_text(found: Catalogue, excluded: bool) -> list[str]:
    """One line an entry: date (or span), title, tags, file; or what is left out, and why."""
    if excluded:
        if not found.excluded:
            return ["nothing is left out"]
        return [f"{item.date + (f'..{item.end_date}' if item.end_date else ''):<22} {item.title}  ({item.file})  "
                f"left out: {item.reason}" for item in found.excluded]
    lines = []
    for entry in found.entries:
        when = entry.date.isoformat() + (f"..{entry.end_date.isoformat()}" if entry.end_date else "")
        tags = f" [{', '.join(entry.tags)}]" if entry.tags else ""
        lines.append(f"{when:<22} {entry.title}{tags}  ({entry.file})")
    return lines


def untranslated_json(found: Catalogue, language: str) -> dict:
    """list --untranslated LANG: the selected entries with no LANG translation."""
    from brochure.content.catalogue import entry_summary

    return {"language": language, "untranslated": [entry_summary(entry) for entry in found.untranslated]}


def untranslated_text(found: Catalogue, language: str) -> list[str]:
    """One line an entry with no translation: date (or span), title, the file to translate
    and the name its translation takes."""
    if not found.untranslated:
        return [f"nothing to translate into {language}: every selected entry is in it, or has its translation"]
    lines = []
    for entry in found.untranslated:
        when = entry.date.isoformat() + (f"..{entry.end_date.isoformat()}" if entry.end_date else "")
        name = entry.file.rpartition(".")
        lines.append(f"{when:<22} {entry.title}  ({entry.file}; its translation: {name[0]}.{language}.{name[2]})")
    return lines


def preview_text(made, edition) -> str:
    """What brochure serve prints after a good build: the web edition, the PDF, its warnings."""
    return "\n".join([web_text(edition), build_text(made), *(f"warning: {warning}" for warning in made.warnings)])


def changed_text(changed: list[str]) -> str:
    """What a watched build noticed: the first three changed files, and how many more."""
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return f"changed: {', '.join(shown(Path(path)) for path in changed[:3])}{more}"


def next_steps(folder: Path) -> str:
    """What to do after brochure init FOLDER."""
    going = f"cd {shown(folder)} && " if str(folder) != "." else ""
    return f'next: {going}brochure new "Our first item" && brochure build'


def stage_text(name: str, seconds: float) -> str:
    """One stage's time, for -v: 'layout took 2.31 s', 'reading took 12 ms'."""
    return f"{name} took {seconds:.2f} s" if seconds >= 0.9995 else f"{name} took {seconds * 1000:.0f} ms"


class ProgressLine:
    """The build's current stage and step ("Laying out page 7 … 3 s") on one terminal
    line, rewritten in place (carriage return, erase the line) as the build tells it
    more; shown once a build has taken more than a second (`delay`), so that a quick
    build shows none. Nothing at all when disabled (-q, --format json, stderr not a terminal).
    clear() before printing anything else."""

    delay = 1.0  # seconds

    def __init__(self, enabled: bool, write: Callable[[str], None], columns: int = 80):
        self.enabled, self.write, self.columns = enabled, write, columns
        self.began = time.monotonic()
        self.shown = ""  # what the line shows now

    def __call__(self, message: str) -> None:
        elapsed = time.monotonic() - self.began
        if not self.enabled or elapsed <= self.delay:
            return
        line = f"{message} … {elapsed:.0f} s"
        if len(line) >= self.columns:  # a line that wraps could not be rewritten in place
            line = line[:max(self.columns - 2, 1)] + "…"
        if line != self.shown:
            self.write(f"\r\033[K{line}")
            self.shown = line

    def clear(self) -> None:
        if self.shown:
            self.write("\r\033[K")
            self.shown = ""
