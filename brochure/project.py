"""The project: where brochure.yaml is (upwards from a folder), and its settings."""

from __future__ import annotations

from pathlib import Path

from importlib import resources

from brochure.confine import is_inside, resolve_inside
from brochure.errors import ContentError, Problem
from brochure.model import Image, Profile, Settings, YamlDocument

SETTINGS_FILE = "brochure.yaml"
# The CMYK profile the install brings (zlib licence, beside it): ISO Coated v2 300%,
# the FOGRA39 characterisation limited to 300 % ink, what most European sheet-fed
# offset shops print to.
DEFAULT_ICC = Path(str(resources.files("brochure").joinpath("icc", "ISOcoated_v2_300_bas.icc")))
DEFAULT_CONDITION = "FOGRA39"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding brochure.yaml."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise ContentError([Problem(str(start), 0, 0, "", f"no {SETTINGS_FILE} found here or in any parent folder",
                                "run 'brochure init' to start a project, or pass -C DIR")])


def settings_from(document: YamlDocument, root: Path) -> tuple[Settings | None, list[Problem]]:
    """Settings from a schema-valid brochure.yaml, with defaults filled in; the folders
    it names must be inside the project."""
    data = document.data
    problems = []
    for key, default in (("entries", "entries"), ("output", "build/brochure.pdf")):
        value = data.get(key, default)
        if Path(value).is_absolute() or not is_inside(root, root / value) or (root / value).resolve() == root.resolve():
            line, column = document.where((key,))
            problems.append(Problem(SETTINGS_FILE, line, column, key, f"{value!r} is not inside the project folder",
                                    f"write a path relative to {SETTINGS_FILE}, such as {default}"))
    cover_image, found = _cover_image(document, root)
    problems += found
    profiles, found = _profiles(document, root)
    problems += found
    if problems:
        return None, problems
    page = data.get("page", {})
    return Settings(
        root=root,
        title=data["title"].strip(),
        subtitle=data.get("subtitle", "").strip(),
        publisher=data.get("publisher", "").strip(),
        intro=data.get("intro", "").strip(),
        period=data.get("period", "").strip(),
        language=data.get("language", "en"),
        order=data.get("order", "newest-first"),
        theme=data.get("theme", "default"),
        page_size=page.get("size", "A4"),
        entries_dir=data.get("entries", "entries"),
        output=data.get("output", "build/brochure.pdf"),
        cover_image=cover_image,
        profiles=profiles,
        profile=data.get("profile", "screen"),
    ), []


def _file(document: YamlDocument, root: Path, location: tuple, what: str) -> tuple[Path | None, list[Problem]]:
    """A file named in brochure.yaml, relative to it and inside the project."""
    reference = document.data
    for key in location:
        reference = reference[key]
    path, reason = resolve_inside(root, root, reference)
    line, column = document.where(location)
    field = ".".join(location)
    if path is None:
        return None, [Problem(SETTINGS_FILE, line, column, field, f"{reference!r} {reason}",
                              f"put the {what} in the project and name it relative to {SETTINGS_FILE}")]
    if not path.is_file():
        return None, [Problem(SETTINGS_FILE, line, column, field, f"{what} {reference!r} not found",
                              f"paths are relative to {SETTINGS_FILE}")]
    return path, []


def _cover_image(document: YamlDocument, root: Path) -> tuple[Image | None, list[Problem]]:
    cover = document.data.get("cover")
    if not cover:
        return None, []
    path, problems = _file(document, root, ("cover", "image"), "image")
    if path is None:
        return None, problems
    return Image(src=cover["image"], path=path, alt=cover["alt"], credit=cover.get("credit", ""),
                 where=document.where(("cover", "image"))), []


def _profiles(document: YamlDocument, root: Path) -> tuple[dict[str, Profile], list[Problem]]:
    """The three profiles, with the settings of print and archive applied."""
    data = document.data
    options = data.get("print", {})
    binding = data.get("page", {}).get("binding", "none")
    icc, condition, problems = DEFAULT_ICC, DEFAULT_CONDITION, []
    if "icc" in options:
        icc, problems = _file(document, root, ("print", "icc"), "ICC profile")
        condition = ""  # read from the profile itself, unless given below
        if icc is not None and (trouble := _not_a_printer_profile(icc)):
            line, column = document.where(("print", "icc"))
            problems.append(Problem(SETTINGS_FILE, line, column, "print.icc", f"{options['icc']!r} {trouble}",
                                    "use the CMYK output profile the print shop gives (e.g. FOGRA39, FOGRA51)"))
    elif "condition" in options:
        line, column = document.where(("print", "condition"))
        problems.append(Problem(SETTINGS_FILE, line, column, "print.condition",
                                "a condition names the print shop's own profile, and no print.icc is given",
                                "add print.icc, or remove print.condition (the built-in profile is FOGRA39)"))
    printing = Profile(
        name="print",
        variant=options.get("variant", "pdf/x-4"),
        bleed_mm=float(options.get("bleed", "3mm")[:-2]),
        marks=options.get("marks", False),
        icc=icc,
        condition=options.get("condition", condition),
        min_ppi=options.get("min_ppi", 300),
        max_ppi=options.get("max_ppi", 450),
        ink_limit=options.get("ink_limit", 300),
        binding=binding,
    )
    if printing.min_ppi > printing.max_ppi:
        line, column = document.where(("print", "min_ppi"))
        problems.append(Problem(SETTINGS_FILE, line, column, "print.min_ppi",
                                f"min_ppi ({printing.min_ppi}) is above max_ppi ({printing.max_ppi})",
                                "lower min_ppi or raise max_ppi"))
    return default_profiles() | {
        "print": printing,
        "archive": Profile(name="archive", variant=data.get("archive", {}).get("variant", "pdf/a-2b")),
    }, problems


def default_profiles() -> dict[str, Profile]:
    """The profiles as they are when brochure.yaml says nothing about them (binding only
    concerns print: a screen or archive file is never padded)."""
    return {
        "screen": Profile(name="screen", variant="pdf/ua-1"),
        "print": Profile(name="print", variant="pdf/x-4", bleed_mm=3.0, icc=DEFAULT_ICC, condition=DEFAULT_CONDITION),
        "archive": Profile(name="archive", variant="pdf/a-2b"),
    }


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


def theme_folder(settings: Settings) -> Path:
    """The project's own styles/NAME/ when it exists, else the built-in theme of that name."""
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
