"""What the fonts have: the theme's @font-face rules (every stylesheet of the theme) and
the system's fonts, as WeasyPrint 70 (Pango and fontconfig) picks them.

- A face has what its font has (fontconfig's charset: fc-scan for a file of the theme,
  fc-match for a local() name, found as WeasyPrint finds it; fontTools' cmap without
  fontconfig's tools), within its unicode-range if it has one.
- A face whose unicode-range claims a character its font lacks is picked for it all the
  same, and prints an empty box: `Coverage.claimed_but_missing`.
- Any other character falls back to every font fontconfig knows (fc-list), the theme's
  own included: `system_coverage()`.

Read once per process and theme (about 40 ms); sets of characters are sorted, disjoint
(low, high) ranges of code points.
"""

from __future__ import annotations

import bisect
import functools
import posixpath
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from brochure.confine import theme_file
from brochure.content.settings import theme_entries

Ranges = tuple[tuple[int, int], ...]  # a set of characters: sorted, disjoint (low, high) code points
# Characters drawn without a glyph of their own: controls, line and paragraph breaks,
# spaces (Pango sizes a space a font lacks), joiners, marks of direction, variation
# selectors, the soft hyphen and the other default-ignorable code points.
_IGNORED = ((0x00, 0x20), (0x7F, 0xA0), (0xAD, 0xAD), (0x34F, 0x34F), (0x61C, 0x61C), (0x115F, 0x1160),
            (0x1680, 0x1680), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2000, 0x200F), (0x2028, 0x202F),
            (0x205F, 0x206F), (0x3000, 0x3000), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
            (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF))


@dataclass(frozen=True)
class Face:
    """One @font-face rule: its family as fontconfig compares it (no case, no spaces),
    its font (a file of the theme, or a local() name), its unicode-range (None: all)."""

    family: str
    file: Path | None
    local: str
    ranges: Ranges | None


@dataclass(frozen=True)
class Coverage:
    """What the theme's faces have. `suspect` finds a character outside it."""

    suspect: re.Pattern
    claimed_but_missing: Ranges  # in a face's unicode-range, not in its font
    not_found: tuple[str, ...]  # local() names fontconfig does not know (fonts not installed)


def theme_coverage(theme: Path) -> Coverage:
    """The coverage of the theme's faces, read again only when a stylesheet or a font changes."""
    stamp = tuple((path.as_posix(), path.stat().st_mtime_ns, path.stat().st_size) for _, path in theme_entries(theme)
                  if path.suffix.lower() in {".css", ".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"})
    return _coverage(theme, stamp)


@functools.lru_cache(maxsize=8)
def _coverage(theme: Path, stamp: tuple) -> Coverage:
    faces = font_faces(theme)
    charsets = _charsets(sorted({face.file for face in faces if face.file}),
                         sorted({face.local for face in faces if face.local}))
    have: list[tuple[int, int]] = []
    lacking: list[tuple[int, int]] = []
    for face in faces:
        cmap = charsets.get(face.file or face.local)
        if cmap is None:
            continue  # WeasyPrint cannot load it either, and leaves it out
        if face.ranges is None:
            have += cmap
            continue
        claimed = _merged(face.ranges)
        have += _intersection(claimed, cmap)
        lacking += _difference(claimed, cmap)
    missing = _merged(lacking)
    ok = _merged([*_difference(_merged(have), missing), *_IGNORED])
    not_found = tuple(sorted({face.local for face in faces if face.local and face.local not in charsets}))
    return Coverage(re.compile(f"[^{_character_class(ok)}]"), missing, not_found)


def _character_class(ranges: Ranges) -> str:
    return "".join(f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges)


def font_faces(theme: Path) -> list[Face]:
    """The @font-face rules of every stylesheet that really lies in the theme, or in the
    default theme a project theme inherits (a link out of it is never read, as the
    build never reads one)."""
    faces = []
    for name, css in theme_entries(theme):
        if not name.endswith(".css"):
            continue
        text = re.sub(r"/\*.*?\*/", "", css.read_text("utf-8", errors="replace"), flags=re.DOTALL)
        for block in re.findall(r"@font-face\s*\{([^}]*)\}", text):
            descriptors = dict(_descriptor(part) for part in block.split(";") if ":" in part)
            family = re.sub(r"\s+", "", descriptors.get("font-family", "").strip("'\" ")).lower()
            face = _face(family, descriptors.get("src", ""), posixpath.dirname(name), theme,
                         _unicode_ranges(descriptors.get("unicode-range")))
            if family and face:
                faces.append(face)
    return faces


def _descriptor(part: str) -> tuple[str, str]:
    name, _, value = part.partition(":")
    return name.strip().lower(), value.strip()


def _face(family: str, src: str, folder: str, theme: Path, ranges) -> Face | None:
    """The first source of `src` that WeasyPrint could load: a font file of the theme
    (`folder`: the stylesheet's, in the theme), or a local() name (whether the system
    has it is fontconfig's to say)."""
    for kind, _, name in re.findall(r"(url|local)\(\s*(['\"]?)(.*?)\2\s*\)", src):
        if kind == "local":
            return Face(family, None, name, ranges)
        path = theme_file(theme, posixpath.normpath(posixpath.join(folder, name))) if ":" not in name else None
        if path is not None:
            return Face(family, path, "", ranges)
    return None


def _unicode_ranges(value: str | None) -> Ranges | None:
    if not value:
        return None
    ranges = []
    for token in re.findall(r"[uU]\+([0-9a-fA-F?]{1,6}(?:-[0-9a-fA-F]{1,6})?)", value):
        low, _, high = token.partition("-")  # U+4?? is U+400-4FF
        ranges.append((int(low.replace("?", "0"), 16), int((high or low).replace("?", "F"), 16)))
    return tuple(ranges)


def _charsets(files: list[Path], names: list[str]) -> dict[Path | str, Ranges]:
    """What each font file of the theme has (fc-scan: fontconfig's charset, which is
    what Pango picks by; fontTools' cmap without fontconfig's tools) and what the
    system font each local() name finds has: fontconfig's best match for the name as
    full name and PostScript name, kept only when one of those is the name, as
    WeasyPrint does. The tools run side by side."""
    running = {}
    try:
        for name in names:
            running[name] = _run(["fc-match", "--format", "%{fullname}\\t%{postscriptname}\\t%{charset}\\n",
                                  f":fullname={name}:postscriptname={name}"])
        scan = _run(["fc-scan", "--format", "%{file}\\t%{charset}\\n", *map(str, files)]) if files else None
    except OSError:  # no fontconfig tools: system fonts count as missing
        running, scan = {}, None
    found: dict[Path | str, Ranges] = {}
    if scan is not None:
        by_file: dict[str, list[tuple[int, int]]] = {}
        for line in scan.communicate(timeout=60)[0].splitlines():
            file, _, charset = line.partition("\t")
            by_file.setdefault(file, []).extend(_charset(charset))
        found.update({path: _merged(by_file[str(path)]) for path in files if str(path) in by_file})
    found.update({path: cmap for path in files if path not in found and (cmap := _cmap(path)) is not None})
    for name, process in running.items():
        fullname, _, rest = process.communicate(timeout=60)[0].partition("\t")
        postscript, _, charset = rest.partition("\t")
        if name.lower() in {value.lower() for value in (*fullname.split(","), *postscript.split(","))}:
            found[name] = _merged(_charset(charset))
    return found


def _run(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def _cmap(path: Path) -> Ranges | None:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # WeasyPrint's own dependency

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return _merged((code, code) for code in font.getBestCmap() or ())
    except Exception:  # not a font fontTools reads: WeasyPrint says so when it loads it
        return None


def _charset(text: str) -> Iterator[tuple[int, int]]:
    """Fontconfig's charset notation: '20-7e a0-17f 2000'."""
    for token in text.split():
        low, _, high = token.partition("-")
        yield int(low, 16), int(high or low, 16)


@functools.cache
def system_coverage() -> Ranges:
    """Every character some font of the system has (the union of fontconfig's charsets),
    as sorted, merged ranges."""
    try:
        listed = subprocess.run(["fc-list", "--format", "%{charset}\\n"], capture_output=True, text=True,
                                timeout=60, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return _merged(_charset(listed))


# ---- sets of characters as sorted, disjoint (low, high) ranges ----


def _merged(ranges: Iterable[tuple[int, int]]) -> Ranges:
    merged: list[list[int]] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple((low, high) for low, high in merged)


def _intersection(first: Ranges, second: Ranges) -> Ranges:
    out, i, j = [], 0, 0
    while i < len(first) and j < len(second):
        low, high = max(first[i][0], second[j][0]), min(first[i][1], second[j][1])
        if low <= high:
            out.append((low, high))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def _difference(first: Ranges, second: Ranges) -> Ranges:
    """What of `first` is not in `second`."""
    out = []
    for low, high in first:
        for other_low, other_high in second[max(0, bisect.bisect_left(second, (low, 0)) - 1):]:
            if other_low > high:
                break
            if other_high < low:
                continue
            if other_low > low:
                out.append((low, other_low - 1))
            low = other_high + 1
        if low <= high:
            out.append((low, high))
    return tuple(out)


def has(ranges: Ranges, code: int) -> bool:
    at = bisect.bisect_right(ranges, (code, 0x10FFFF)) - 1
    return at >= 0 and ranges[at][0] <= code <= ranges[at][1]
