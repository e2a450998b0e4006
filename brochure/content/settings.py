"""The project: where brochure.yaml is (upwards from a folder), and its settings."""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from brochure.confine import is_inside, theme_layers
from brochure.content.imprint import front_and_back, settings_file, translated_foreword
from brochure.content.languages import TAG, lookup, same
from brochure.content.schema import schema_problems
from brochure.content.text import text_problems
from brochure.content.yaml_reader import read_yaml
from brochure.errors import ContentError, Problem
from brochure.model import SETTINGS_FILE, Edition, Image, PrintOptions, Settings, YamlDocument


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding brochure.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise ContentError([Problem(str(start), 0, 0, "", f"no {SETTINGS_FILE} found here or in any parent folder",
                                "run 'brochure init' to start a project, or pass -C DIR")])


# brochure.yaml's keys (a path of keys for nested ones) and the Settings field each fills.
_FIELDS = {("subtitle",): "subtitle", ("publisher",): "publisher", ("intro",): "intro", ("period",): "period",
           ("language",): "language", ("order",): "order", ("theme",): "theme", ("page", "size"): "page_size",
           ("page", "binding"): "binding", ("entries",): "entries_dir", ("output",): "output",
           ("profile",): "profile", ("translations", "missing"): "translations_missing"}
_PRINT_FIELDS = {"marks": "marks", "condition": "condition", "min_ppi": "min_ppi", "max_ppi": "max_ppi",
                 "ink_limit": "ink_limit"}


def _given(data: dict, keys: tuple[str, ...]):
    for key in keys:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def load_settings(start: Path) -> Settings:
    """Find the project from `start` and read brochure.yaml as safely as any entry."""
    root = find_root(start)
    document, problems = read_yaml(root / SETTINGS_FILE, SETTINGS_FILE, kind="settings")
    if document is not None:
        problems = schema_problems(document, "settings", SETTINGS_FILE) + text_problems(document, SETTINGS_FILE)
        if not problems:
            settings, problems = settings_from(document, root)
    if problems:
        raise ContentError(problems)
    assert settings is not None  # settings_from gives Settings when it finds no problem
    return settings


def edition(settings: Settings, language: str) -> Settings:
    """The settings of the `language` edition (build --language): the brochure is in
    `language`, its entries in translated_from, and its texts (title, subtitle,
    publisher, intro, period) those brochure.LANG.yaml gives, if any. No language, or
    the settings' own, is the default edition: the settings as they are."""
    if not language or settings.translated_from or same(language, settings.language):
        return settings
    files = settings_translations(settings.root)
    texts: dict[str, Any] = {}
    if path := next((files[tag] for tag in lookup(language) if tag in files), None):
        texts, problems = settings_translation(settings.root, path)
        if problems:
            raise ContentError(problems)
    imprint, imprint_texts = settings.imprint, texts.pop("imprint", {})
    if imprint:
        imprint = replace(imprint, **{key: value.strip() for key, value in imprint_texts.items()})
    if settings.foreword_file:
        # Translated beside the original (foreword.fr.md), else the original, marked as such.
        foreword = translated_foreword(settings.foreword_file, language, settings.root)
        texts |= dict(zip(("foreword", "foreword_file"), foreword, strict=True)) if foreword \
            else {"foreword_language": settings.language}
    changed: dict[str, Any] = {key: value.strip() if isinstance(value, str) else value for key, value in texts.items()}
    return replace(settings, language=language, translated_from=settings.language, imprint=imprint, **changed)


def settings_translations(root: Path) -> dict[str, Path]:
    """The brochure.LANG.yaml files beside brochure.yaml, by language (in lower case)."""
    found: dict[str, Path] = {}
    for path in sorted(root.glob("brochure.*.yaml")):
        tag = path.name.removeprefix("brochure.").removesuffix(".yaml")
        if TAG.fullmatch(tag):
            found.setdefault(tag.lower(), path)
    return found


def settings_translation(root: Path, path: Path) -> tuple[dict, list[Problem]]:
    """The texts of brochure.yaml in another language, and their problems."""
    shown = path.name
    if not path.is_file() or not is_inside(root, path):
        return {}, [Problem(shown, 0, 0, "", "is not a plain file inside the project",
                            "replace it with a plain file of texts, such as title: ...")]
    document, problems = read_yaml(path, shown, kind="settings")
    if document is None:
        return {}, problems
    problems = schema_problems(document, "settings-translation", shown) + text_problems(document, shown)
    return document.data, problems


def settings_from(document: YamlDocument, root: Path) -> tuple[Settings | None, list[Problem]]:
    """Settings from a schema-valid brochure.yaml; what it leaves out keeps the default
    written in Settings. The folders it names must be inside the project."""
    data = document.data
    texts = ("subtitle", "publisher", "intro", "period")
    given: dict[str, Any] = {name: value.strip() if isinstance(value, str) and name in texts else value
                             for keys, name in _FIELDS.items() if (value := _given(data, keys)) is not None}
    problems = []
    for key, name in (("entries", "entries_dir"), ("output", "output")):
        value = given.get(name, getattr(Settings, name))
        if Path(value).is_absolute() or not is_inside(root, root / value) or (root / value).resolve() == root.resolve():
            line, column = document.where((key,))
            problems.append(Problem(SETTINGS_FILE, line, column, key, f"{value!r} is not inside the project folder",
                                    f"write a path relative to {SETTINGS_FILE}, such as {getattr(Settings, name)}"))
    cover_image, found = _cover_image(document, root)
    problems += found
    print_options, found = _print_options(document, root)
    problems += found
    pages: dict[str, Any]
    pages, found = front_and_back(document, root)  # foreword, partners, imprint
    problems += found
    from brochure.content.brand import load_brand  # _brand.yml, or brand: in brochure.yaml

    brand, found = load_brand(document, root)
    problems += found
    editions, found = _editions(document, root)
    problems += found
    if problems:
        return None, problems
    variants = {name: data[name]["variant"] for name in ("print", "archive") if "variant" in data.get(name, {})}
    return Settings(root=root, title=data["title"].strip(), cover_image=cover_image, print_options=print_options,
                    variants=variants, brand=brand, editions=editions, **given, **pages), []


def _cover_image(document: YamlDocument, root: Path) -> tuple[Image | None, list[Problem]]:
    cover = document.data.get("cover")
    if not cover:
        return None, []
    path, problems = settings_file(document, root, ("cover", "image"), "image")
    if path is None:
        return None, problems
    return Image(src=cover["image"], path=path, alt=cover["alt"], credit=cover.get("credit", ""),
                 where=document.where(("cover", "image"))), []


def _print_options(document: YamlDocument, root: Path) -> tuple[PrintOptions, list[Problem]]:
    """The print: section, checked: the print shop's ICC profile must be a CMYK output
    profile, a condition goes with it, and min_ppi must not exceed max_ppi."""
    options = document.data.get("print", {})
    given = {name: options[key] for key, name in _PRINT_FIELDS.items() if key in options}
    if "bleed" in options:
        given["bleed_mm"] = float(options["bleed"][:-2])
    problems: list[Problem] = []
    if "icc" in options:
        given["icc"], problems = settings_file(document, root, ("print", "icc"), "ICC profile")
        if given["icc"] is not None and (trouble := _not_a_printer_profile(given["icc"])):
            line, column = document.where(("print", "icc"))
            problems.append(Problem(SETTINGS_FILE, line, column, "print.icc", f"{options['icc']!r} {trouble}",
                                    "use the CMYK output profile the print shop gives (e.g. FOGRA39, FOGRA51)"))
    elif "condition" in options:
        line, column = document.where(("print", "condition"))
        problems.append(Problem(SETTINGS_FILE, line, column, "print.condition",
                                "a condition names the print shop's own profile, and no print.icc is given",
                                "add print.icc, or remove print.condition (the built-in profile is FOGRA39)"))
    result = PrintOptions(**given)
    if result.min_ppi > result.max_ppi:
        line, column = document.where(("print", "min_ppi"))
        problems.append(Problem(SETTINGS_FILE, line, column, "print.min_ppi",
                                f"min_ppi ({result.min_ppi}) is above max_ppi ({result.max_ppi})",
                                "lower min_ppi or raise max_ppi"))
    return result, problems


def _editions(document: YamlDocument, root: Path) -> tuple[tuple[Edition, ...], list[Problem]]:
    """editions: (what `brochure release` builds), checked as far as the settings alone
    tell: names told apart (whatever their case), periods real and in order, files
    inside the project. Where the placeholders lead, whether two editions then write
    one file, and whether a language edition has translations, the release checks: it
    knows its period and reads the entries' names."""
    from brochure.content.languages import canonical

    editions: list[Edition] = []
    problems: list[Problem] = []
    names: dict[str, int] = {}  # in lower case: the index of the edition of that name
    for index, given in enumerate(document.data.get("editions", [])):
        where = {key: document.where(("editions", index, key)) for key in ("", *given)}
        edition = Edition(name=given["name"], profile=given["profile"], file=given["file"],
                          language=canonical(given["language"]) if "language" in given else "",
                          since=given.get("since", "").strip(), until=given.get("until", "").strip(),
                          tags=tuple(given.get("tags", ())), where=where)
        found = _edition_problems(edition, root)
        if (first := names.setdefault(edition.name.lower(), index)) != index:
            found.append(("name", f"a second edition named {edition.name!r} (the first is editions[{first}])",
                          "give each edition a name of its own: `brochure release --edition NAME` picks it"))
        problems += [Problem(SETTINGS_FILE, *where.get(key, where[""]), f"editions[{index}].{key}", message, hint)
                     for key, message, hint in found]
        editions.append(edition)
    return tuple(editions), problems


def _edition_problems(edition: Edition, root: Path) -> list[tuple[str, str, str]]:
    """What is wrong with one edition: (its field, the message, the hint) each."""
    from brochure.content.timeline import period_bounds

    found: list[tuple[str, str, str]] = []
    bounds = {}
    for key in ("since", "until"):
        try:
            bounds[key] = period_bounds(getattr(edition, key)) if getattr(edition, key) else None
        except ValueError as error:
            found.append((key, str(error), "e.g. 2019, 2019-03, 2019-03-31 or 2019-Q1"))
    if (since := bounds.get("since")) and (until := bounds.get("until")) and since[0] > until[1]:
        found.append(("since", f"since ({edition.since}) is after until ({edition.until})", "swap them"))
    file = edition.file
    if Path(file).is_absolute() or not is_inside(root, root / file) or (root / file).resolve() == root.resolve():
        found.append(("file", f"{file!r} is not inside the project folder",
                      f"write a path relative to {SETTINGS_FILE}, e.g. releases/brochure-{{period}}-{{profile}}.pdf"))
    return found


def _not_a_printer_profile(path: Path) -> str:
    """Why the file is not a CMYK output (printer) ICC profile, or ""."""
    from PIL import ImageCms

    try:
        profile = ImageCms.getOpenProfile(str(path)).profile
    except (OSError, ImageCms.PyCMSError):
        return "is not an ICC profile"
    if profile.xcolor_space.strip() != "CMYK":
        return f"is an {profile.xcolor_space.strip()} profile, not a CMYK one"
    if profile.device_class != "prtr":
        return f"is a {profile.device_class} profile, not an output (printer) profile"
    return ""


def theme_files(theme: Path) -> list[Path]:
    """Every file a build may read of a theme, in a stable order (see theme_entries)."""
    return [path for _, path in theme_entries(theme)]


def theme_entries(theme: Path) -> list[tuple[str, Path]]:
    """Every file of a theme as its name (relative, forward slashes) and where it lies,
    by name: a project theme's own files, then those of the default theme it inherits
    that it does not have (a name it has, even as a link leading out, hides the
    default's). Only files that really lie in their folder are listed."""
    found: dict[str, Path] = {}
    hidden: set[str] = set()
    for layer in theme_layers(theme):
        names = set()
        for path in layer.rglob("*"):
            name = path.relative_to(layer).as_posix()
            if name in hidden or not (path.is_file() or path.is_symlink()):
                continue
            names.add(name)
            if path.is_file() and is_inside(layer, path):
                found[name] = path
        hidden |= names
    return sorted(found.items(), key=lambda named: Path(named[0]).parts)  # as paths sort: fonts/ before fonts.css


def theme_folder(settings: Settings) -> Path:
    """The project's own styles/NAME/ when it exists, else the built-in theme of that name.
    A project theme inherits every file it does not have from the default theme
    (confine.theme_file; docs/themes.md)."""
    own = settings.root / "styles" / settings.theme
    if own.is_dir():
        if not is_inside(settings.root, own):
            raise ContentError([Problem("brochure.yaml", 0, 0, "theme",
                                        f"styles/{settings.theme} leads outside the project folder",
                                        "keep the theme's files inside the project")])
        return own
    built_in = Path(str(resources.files("brochure").joinpath("styles", settings.theme)))
    if built_in.is_dir():
        return built_in
    raise ContentError([Problem("brochure.yaml", 0, 0, "theme", f"theme '{settings.theme}' not found",
                                f"create styles/{settings.theme}/ or use theme: default")])
