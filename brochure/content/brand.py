"""The organisation's brand, in Posit's brand.yml format (as Quarto and Shiny read it):
`_brand.yml` at the project root, or `brand:` in brochure.yaml (a file, or the same
structure written there). Read with our own YAML reader (safe, and every value keeps its
line), then validated by the `brand-yml` package, whose complaints are told at the line
of the key they concern.

Used: meta.name; logo (small, medium, large, images; light/dark variants); color
(palette, primary, secondary, foreground, background); typography (fonts from files,
base, headings: their family); defaults.brochure.cmyk (our extension: a colour's CMYK
for print, in percent, when the brand manual gives one). Everything else is ignored
with one warning naming the keys. Every file the brand names is confined to the project.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path
from typing import Any

from brochure.confine import is_inside, resolve_inside
from brochure.content.svg import svg_trouble
from brochure.content.yaml_reader import read_yaml
from brochure.errors import Problem
from brochure.model import SETTINGS_FILE, Brand, BrandFont, BrandLogo, PrintOptions, YamlDocument, contrast

BRAND_FILES = ("_brand.yml", "_brand.yaml")
COLOURS = ("primary", "secondary", "foreground", "background")
_USED = {"meta": {"name"}, "logo": {"small", "medium", "large", "images"},
         "color": {"palette", *COLOURS}, "typography": {"fonts", "base", "headings"}, "defaults": {"brochure"}}
_COVER_ORDER = ("large", "medium", "small")
_FONT_TYPES = (".ttf", ".otf", ".woff", ".woff2")


class _Source:
    """Where the brand's values are written: a file of its own, or brochure.yaml's brand:."""

    def __init__(self, document: YamlDocument, shown: str, folder: Path, prefix: tuple = ()):
        self.document, self.shown, self.folder, self.prefix = document, shown, folder, prefix

    def problem(self, location: tuple, field: str, message: str, hint: str) -> Problem:
        line, column = self.document.where(self.prefix + tuple(location))
        return Problem(self.shown, line, column, field, message, hint)


def load_brand(settings_document: YamlDocument, root: Path) -> tuple[Brand | None, list[Problem]]:
    """The brand of the project, or None when it has none; and its problems."""
    given = settings_document.data.get("brand")
    press = settings_document.data.get("print")  # brochure.yaml passed its schema: an ink_limit is a number
    ink_limit = press.get("ink_limit", PrintOptions.ink_limit) if isinstance(press, dict) else PrintOptions.ink_limit
    if isinstance(given, dict):
        source = _Source(settings_document, SETTINGS_FILE, root, ("brand",))
        return _brand(given, source, root, [], ink_limit)
    if isinstance(given, str):
        path, reason = resolve_inside(root, root, given)
        line, column = settings_document.where(("brand",))
        if path is None or not path.is_file():
            return None, [Problem(SETTINGS_FILE, line, column, "brand",
                                  f"{given!r} {reason or 'is not a file'}",
                                  "name a brand.yml file inside the project, relative to brochure.yaml")]
        shown, folder = path.relative_to(root.resolve()).as_posix(), path.parent
    else:
        name, path = brand_file(root)
        if not name:
            return None, []
        if path is None:  # never read, so nothing of it is quoted
            return None, [Problem(name, 0, 0, "", "is not a regular file (a folder, or a link to nothing)" if
                                  is_inside(root, root / name) else "is a link that leads outside the project folder",
                                  f"replace it with a plain {name} file inside the project")]
        shown, folder = name, root  # a link's target is read; its paths are relative to the root, as before
    document, problems = read_yaml(path, shown, kind="brand")
    if document is None:  # the reader's hints speak of brochure.yaml's title: say the brand's keys
        return None, [replace(problem, hint="write the brand's keys: meta:, logo:, color:, typography:")
                      if "title:" in problem.hint else problem for problem in problems]
    return _brand(document.data, _Source(document, shown, folder), root, [path], ink_limit)


def brand_file(root: Path) -> tuple[str, Path | None]:
    """The brand file of the project root the build reads: (its name, its path resolved);
    ("", None) when there is none. The first of BRAND_FILES present decides, a link
    included: one that leads out of the project, or to no regular file, is refused (the
    path is None), never read, and never replaced by the next name."""
    for name in BRAND_FILES:
        candidate = root / name
        if candidate.is_symlink() or candidate.exists():
            return name, candidate.resolve() if is_inside(root, candidate) and candidate.is_file() else None
    return "", None


def _validated(data: dict, source: _Source) -> tuple[Any, list[Problem]]:
    """The brand as brand-yml reads it, or its problems, each at the key it concerns."""
    from brand_yml import Brand as BrandYml  # pydantic: only projects with a brand pay for it
    from pydantic import ValidationError

    try:
        return BrandYml.model_validate(copy.deepcopy(data)), []
    except ValidationError as error:
        problems, told = [], set()
        # A value that fits no member of a union gets a complaint per member: the one
        # its own validator wrote ("Value error, ...") says most; one a key.
        details = sorted(error.errors(), key=lambda detail: not detail["msg"].startswith("Value error"))
        for detail in details:
            location, node = [], data
            for part in detail["loc"]:  # pydantic adds names of union members: keep the real keys
                if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int)
                                                                  and 0 <= part < len(node)):
                    location.append(part)
                    node = node[part]
            field = ".".join(str(part) for part in location) or "brand"
            if field in told:
                continue
            told.add(field)
            problems.append(source.problem(tuple(location), field, detail["msg"].removeprefix("Value error, "),
                                           "see https://posit-dev.github.io/brand-yml/ for the brand.yml format"))
        return None, problems
    except (ValueError, TypeError) as error:
        return None, [source.problem((), "brand", str(error), "see the brand.yml format")]


def _families_named(data: dict, source: _Source) -> list[Problem]:
    """A font of typography.fonts without its family, told at the font: brand-yml's own
    validation takes it for granted and fails with a KeyError."""
    typography = data.get("typography")
    fonts = typography.get("fonts") if isinstance(typography, dict) else None
    problems = []
    for index, font in enumerate(fonts if isinstance(fonts, list) else []):
        family = font.get("family") if isinstance(font, dict) else None
        if not (isinstance(family, str) and family.strip()):
            said = "the font has no family" if isinstance(font, dict) else f"{font!r} is not a font"
            problems.append(source.problem(("typography", "fonts", index), f"typography.fonts.{index}", said,
                                           "name its family, source and files: family: Acme Sans, source: file, "
                                           "files: [...]"))
    return problems


def _brand(data: dict, source: _Source, root: Path, files: list[Path],
           ink_limit: int) -> tuple[Brand | None, list[Problem]]:
    if problems := _families_named(data, source):
        return None, problems
    parsed, problems = _validated(data, source)
    if parsed is None:
        return None, problems
    logos, found = _logos(data.get("logo"), source, root)
    problems += found
    colours, found = _colours(parsed, source)
    problems += found
    cmyk, found = _cmyk(data, source, ink_limit)
    problems += found
    fonts, families, found = _fonts(data.get("typography"), source, root)
    problems += found
    if problems:
        return None, problems
    typography = data.get("typography") or {}
    base, headings = (_family(typography.get(key)) for key in ("base", "headings"))
    unused = _unused(data) + [f"typography.{key} ({name}: not a font file of the brand)" for key, name
                              in (("base", base), ("headings", headings)) if name and name not in families]
    warnings: tuple[str, ...] = (f"{source.shown}: brand keys brochure does not use, ignored: "
                                 f"{', '.join(unused)}",) if unused else ()
    warnings += _contrast_warning(colours, source.shown)
    cover = next((logo for name in ("images.cover", *_COVER_ORDER) for logo in logos
                  if logo.field in (f"logo.{name}", f"logo.{name}.dark", f"logo.{name}.light")), None)
    back = next((logo for name in ("images.back", *_COVER_ORDER) for logo in logos  # the back cover is paper
                 if logo.field in (f"logo.{name}", f"logo.{name}.light")), None)
    meta = parsed.meta
    name = (meta.name.full or meta.name.short or "") if meta and meta.name else ""
    return Brand(file=source.shown, name=name, logo=cover, back_logo=back, logos=tuple(logos), colours=colours,
                 cmyk=cmyk,
                 fonts=tuple(fonts), base_family=base if base in families else "",
                 headings_family=headings if headings in families else "", warnings=warnings,
                 files=tuple(files + [logo.path for logo in logos] + [font.path for font in fonts])), []


def _family(value: Any) -> str:
    if isinstance(value, str):
        return value
    return value.get("family", "") if isinstance(value, dict) else ""


def _unused(data: dict) -> list[str]:
    unused = []
    for key, value in data.items():
        if key not in _USED:
            unused.append(str(key))
        elif isinstance(value, dict):
            unused += [f"{key}.{inner}" for inner in value if inner not in _USED[key]]
    typography = data.get("typography") or {}
    for key in ("base", "headings"):
        if isinstance(typography.get(key), dict):
            unused += [f"typography.{key}.{inner}" for inner in typography[key] if inner != "family"]
    fonts = typography.get("fonts") if isinstance(typography, dict) else None
    unused += [f"typography.fonts[{index}] ({font.get('source', 'system')}: brochure reads fonts from files only)"
               for index, font in enumerate(fonts or []) if isinstance(font, dict) and font.get("source") != "file"]
    cmyk = (data.get("defaults") or {}).get("brochure") or {}
    if isinstance(cmyk, dict):
        unused += [f"defaults.brochure.{inner}" for inner in cmyk if inner != "cmyk"]
    return unused


def _logo_file(reference: str, location: tuple, source: _Source, root: Path) -> tuple[Path | None, list[Problem]]:
    field = ".".join(str(part) for part in location)
    path, reason = resolve_inside(root, source.folder, reference)
    if path is None:
        return None, [source.problem(location, field, f"{reference!r} {reason}",
                                     f"put the file in the project and name it relative to {source.shown}")]
    if not path.is_file():
        return None, [source.problem(location, field, f"file {reference!r} not found",
                                     f"paths are relative to {source.shown}")]
    return path, []


def _logos(logo: Any, source: _Source, root: Path) -> tuple[list[BrandLogo], list[Problem]]:
    """Every logo file the brand names, confined, each SVG checked."""
    named: list[tuple[tuple, Any]] = []
    if isinstance(logo, (str, dict)) and (isinstance(logo, str) or "path" in logo):
        named.append((("logo", "medium"), logo))  # a single logo: the one there is
    elif isinstance(logo, dict):
        images = logo.get("images") or {}
        named += [(("logo", "images", key), value) for key, value in images.items()]
        for size in _COVER_ORDER:
            value = logo.get(size)
            if isinstance(value, str) and value in images:
                named.append((("logo", size), images[value]))  # a name of logo.images
            elif isinstance(value, dict) and ("light" in value or "dark" in value):
                # The cover is dark (the primary colour): the dark-background variant first.
                named += [(("logo", size, variant), images.get(value[variant], value[variant]) if isinstance(
                    value[variant], str) else value[variant]) for variant in ("dark", "light") if variant in value]
            elif value is not None:
                named.append((("logo", size), value))
    logos, problems = [], []
    for location, value in named:
        reference, alt = (value, "") if isinstance(value, str) else (value.get("path", ""), value.get("alt") or "")
        where = location + (() if isinstance(value, str) else ("path",))
        if str(reference).startswith(("http://", "https://")):
            problems.append(source.problem(where, ".".join(location), f"{reference!r} is a web address",
                                           "keep the logo in the project: brochure reads nothing from the network"))
            continue
        path, found = _logo_file(str(reference), where, source, root)
        problems += found
        if path is None:
            continue
        if trouble := svg_trouble(path):
            problems.append(source.problem(where, ".".join(location), f"logo {reference!r} {trouble}",
                                           "remove it from the SVG (the designers' export for the web is usually "
                                           "clean), or use a PNG"))
            continue
        line, column = source.document.where(source.prefix + where)
        logos.append(BrandLogo(src=str(reference), path=path, alt=alt, where=(line, column),
                               field=".".join(location)))
    # the cover's logo is found by its field: a named image "cover" or a size
    return logos, problems


def _colours(parsed: Any, source: _Source) -> tuple[dict[str, tuple[float, ...]], list[Problem]]:
    """primary, secondary, foreground, background and the palette, as sRGB (0..1)."""
    from tinycss2.color4 import parse_color  # type: ignore[import-untyped]

    colour = parsed.color
    if colour is None:
        return {}, []
    found, problems = {}, []
    wanted = dict(colour.palette or {}) | {name: getattr(colour, name) for name in COLOURS if getattr(colour, name)}
    for name, value in wanted.items():
        location = ("color", name) if name in COLOURS else ("color", "palette", name)
        parsed_colour = parse_color(str(value)) if value else None
        if parsed_colour is None or isinstance(parsed_colour, str) or parsed_colour.space not in ("srgb", "hsl", "hwb"):
            problems.append(source.problem(location, ".".join(location), f"{value!r} is not a colour",
                                           "write it as #RRGGBB (or rgb(), or a name of the palette)"))
            continue
        found[name] = tuple(round(channel, 4) for channel in parsed_colour.to("srgb").coordinates)
    return found, problems


def _contrast_warning(colours: dict[str, tuple[float, ...]], shown: str) -> tuple[str, ...]:
    """One warning when the primary is too light (under 4.5:1) for the text on it (the
    background, or white; the paper in print) or on the paper: html/brand.py changes it."""
    primary, white = colours.get("primary"), (1.0, 1.0, 1.0)
    if primary is None:
        return ()
    written = colours.get("background", white)
    ratio, against = min((contrast(written, primary), written), (contrast(white, primary), white))
    if ratio >= 4.5:
        return ()
    foreground = colours.get("foreground")
    instead = (f"the foreground ({_hex(foreground)})" if foreground and contrast(foreground, primary) >= 4.5
               else "black")
    where = " in print (where it is the paper)" if contrast(written, primary) >= 4.5 else ""
    return (f"{shown}: color.primary {_hex(primary)} has a contrast of {ratio:.1f}:1 with {_hex(against)}, under "
            f"the 4.5:1 text needs: the text on it (the cover) is set in {instead}{where}, and the headings, dates "
            "and links in the primary in the text's colour",)


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, value)) * 255):02x}" for value in rgb[:3])


def _cmyk(data: dict, source: _Source, ink_limit: int) -> tuple[dict[str, tuple[float, ...]], list[Problem]]:
    """defaults.brochure.cmyk: {primary: [0, 100, 85, 5]}: a colour's print values, in percent;
    their total no more than the press takes (print.ink_limit), which the print file's
    preflight would otherwise fail, blaming brochure.yaml."""
    given = ((data.get("defaults") or {}).get("brochure") or {}).get("cmyk") or {}
    found, problems = {}, []
    for name, value in given.items() if isinstance(given, dict) else ():
        location = ("defaults", "brochure", "cmyk", name)
        if name not in COLOURS or not (isinstance(value, list) and len(value) == 4 and all(
                isinstance(part, (int, float)) and not isinstance(part, bool) and 0 <= part <= 100 for part in value)):
            problems.append(source.problem(location, ".".join(location), f"{name}: {value!r} is not a CMYK colour "
                                           "of primary, secondary, foreground or background",
                                           "write four percentages, cyan magenta yellow black: [0, 100, 85, 5]"))
            continue
        if sum(value) > ink_limit:
            problems.append(source.problem(location, ".".join(location), f"{name}: {value!r} is {sum(value):g} % of "
                                           f"ink in all, over the press's limit of {ink_limit} % (print.ink_limit)",
                                           f"lower the inks to {ink_limit} % in all, or raise print.ink_limit in "
                                           f"{SETTINGS_FILE} if the print shop takes more"))
            continue
        found[name] = tuple(part / 100 for part in value)
    return found, problems


def _fonts(typography: Any, source: _Source, root: Path) -> tuple[list[BrandFont], set[str], list[Problem]]:
    """The brand's font files (source: file); fonts from the network are not read."""
    fonts, families, problems = [], set(), []
    for index, font in enumerate((typography or {}).get("fonts") or []):
        if not isinstance(font, dict) or font.get("source", "system") != "file":
            continue
        family = str(font["family"])  # every font has one (_families_named)
        for number, file in enumerate(font.get("files") or []):
            reference = file if isinstance(file, str) else file.get("path", "")
            location = ("typography", "fonts", index, "files", number) + (() if isinstance(file, str) else ("path",))
            if not str(reference).lower().endswith(_FONT_TYPES):
                problems.append(source.problem(location, "typography.fonts", f"{reference!r} is not a font file",
                                               "use a .ttf, .otf, .woff or .woff2 file"))
                continue
            path, found = _logo_file(str(reference), location, source, root)
            problems += found
            if path is not None:
                weight = str(file.get("weight", "400")).replace("..", " ") if isinstance(file, dict) else "400"
                weight = {"normal": "400", "bold": "700", "auto": "100 900"}.get(weight, weight)
                style = file.get("style", "normal") if isinstance(file, dict) else "normal"
                fonts.append(BrandFont(family, path, weight, style))
                families.add(family)
    return fonts, families, problems
