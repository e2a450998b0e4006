"""The pictures of a build, prepared for its profile (pdf/pictures.py does the work):
which ones and for what target, what lies behind each once laid out, and a picture
that comes out blank told against the entry naming it."""

from __future__ import annotations

from dataclasses import dataclass, field

from brochure.commands.blame import Picture
from brochure.confine import relative_inside
from brochure.content.settings import SETTINGS_FILE, theme_entries, theme_folder
from brochure.content.svg import UnsafeSvg, check_svg_bytes, is_svg
from brochure.errors import ContentError, Problem
from brochure.html.theme import asset_url
from brochure.layout.internals import PlacedImage, image_id
from brochure.model import THEME_URL, Settings
from brochure.pdf.pictures import WHITE, BlankPicture, Target, has_transparency, needs_preparing, prepared
from brochure.pdf.profiles import Profile
from brochure.pdf.svg import UnprintableSvg, press_shadings, press_svg, svg_transparency


@dataclass
class PreparedPictures:
    substitutes: dict[str, bytes] = field(default_factory=dict)  # the bytes the layout gets, by address
    masks: dict[str, bytes] = field(default_factory=dict)  # alpha of print pictures, by image id (pdf/masks.py)
    shadings: bool = False  # an SVG for the press has gradients: the PDF's shadings need CMYK (pdf/svg.py)


def prepare_pictures(settings: Settings, profile: Profile, pictures: list[Picture],
                     scales: dict[str, float] | None = None,
                     backdrops: dict[str, tuple[str, tuple[float, ...]]] | None = None) -> PreparedPictures:
    """Every picture WeasyPrint would get wrong as it is, made right for `profile`
    (for print: every picture), scaled by `scales` and flattened onto `backdrops`."""
    scales, backdrops = scales or {}, backdrops or {}
    done, problems = PreparedPictures(), []
    for picture in pictures:
        if is_svg(picture.path):
            problems += _vectors(picture, profile, done)
            continue
        target = Target(profile.icc if profile.purpose.press else None, profile.keeps_transparency,
                        backdrops.get(picture.url, WHITE), scales.get(picture.url, 1.0))
        if picture.url in done.substitutes or not needs_preparing(picture.path, target):
            continue
        try:
            result = prepared(settings.root, picture.path, target)
        except BlankPicture as error:
            problems.append(Problem(picture.file, *picture.where, picture.field, f"image {picture.src!r} {error} "
                                    f"({profile.name})", "export it again as an 8-bit RGB JPEG or PNG"))
            continue
        done.substitutes[picture.url] = result.data
        if result.alpha is not None:
            done.masks[image_id(picture.url)] = result.alpha
    problems += _theme_svgs(settings, profile, done)
    if problems:
        raise ContentError(problems)
    return done


def _vectors(picture: Picture, profile: Profile, done: PreparedPictures) -> list[Problem]:
    """An SVG stays vectors everywhere; for the press, the same SVG with its colours in CMYK."""
    try:
        trouble = _pressed(picture.path.read_bytes(), picture.url, profile, done)
    except UnprintableSvg as error:
        return [Problem(picture.file, *picture.where, picture.field, f"picture {picture.src!r} {error} "
                        f"({profile.name})", "export the picture again for print")]
    return [Problem(picture.file, *picture.where, picture.field, f"picture {picture.src!r} {trouble[0]}",
                    trouble[1])] if trouble else []


def _pressed(data: bytes, url: str, profile: Profile, done: PreparedPictures) -> tuple[str, str] | None:
    """The SVG under `url` made for the press into `done`; or, in a variant without
    transparency, what is wrong when it has some (WeasyPrint would draw it transparent:
    pdf/svg.svg_transparency), and what to do, and nothing made."""
    found = "" if profile.keeps_transparency else svg_transparency(data)
    if found:
        better = "pdf/x-4" if profile.purpose.press else "pdf/a-2a"
        return (f"has transparency ({found}), which {profile.variant.upper()} does not allow ({profile.name})",
                f"draw it without transparency (fill=\"none\" paints nothing), or set variant: {better} under "
                f"{profile.name}: in {SETTINGS_FILE}")
    if profile.purpose.press and profile.icc and url not in done.substitutes:
        done.substitutes[url], shaded = press_svg(data, profile.icc)
        done.shadings |= shaded
    return None


def _theme_svgs(settings: Settings, profile: Profile, done: PreparedPictures) -> list[Problem]:
    """Every SVG of the theme (a cover's background, an ornament), checked as an entry's
    picture is (content/svg.py) and made for the profile like it, under the address the
    theme's CSS reaches it at (layout/engine.py serves it in place of the file)."""
    problems = []
    for name, path in theme_entries(theme_folder(settings)):
        if not is_svg(path):
            continue
        shown = relative_inside(settings.root, path) or f"theme '{settings.theme}': {name}"
        try:
            data = path.read_bytes()
            check_svg_bytes(data)
            trouble = _pressed(data, THEME_URL + name, profile, done)
        except UnsafeSvg as error:
            problems.append(Problem(shown, error.line, error.column, "", f"SVG {error.args[0]}",
                                    "a theme's SVG must be a plain, self-contained drawing"))
            continue
        except (UnprintableSvg, OSError) as error:
            problems.append(Problem(shown, 0, 0, "", f"SVG {error} ({profile.name})", "export it again"))
            continue
        if trouble:
            problems.append(Problem(shown, 0, 0, "", f"SVG {trouble[0]}", trouble[1]))
    return problems


def with_cmyk_shadings(data: bytes, profile: Profile, ready: PreparedPictures) -> bytes:
    """The PDF the layout wrote, its SVG gradients' shadings in the press's CMYK when a
    picture prepared for the press has some (pdf/svg.py)."""
    return press_shadings(data, profile.icc) if ready.shadings and profile.icc else data


def brand_pictures(settings: Settings) -> list[Picture]:
    """The brand's logos the theme may show (the cover's, the back cover's), as pictures
    of the build: prepared for the profile, counted in the PDF's identity and the
    up-to-date check. Each under an address of its own: they lie on other grounds."""
    brand = settings.brand
    if brand is None:
        return []
    return [Picture(logo.path, asset_url(settings, logo.path) + fragment, brand.file, logo.src, logo.where, logo.field)
            for logo, fragment in ((brand.logo, "#logo"), (brand.back_logo, "#back-logo")) if logo is not None]


def backdrops(pictures: list[Picture], placed: list[PlacedImage],
              profile: Profile) -> dict[str, tuple[str, tuple[float, ...]]]:
    """For a variant without transparency: the colour behind each transparent picture
    where it is first placed, when that is not the white of the paper."""
    if profile.keeps_transparency:
        return {}
    by_id = {image_id(picture.url): picture for picture in pictures}
    found: dict[str, tuple[str, tuple[float, ...]]] = {}
    for image in sorted(placed, key=lambda image: image.page):
        picture = by_id.get(image.image_id)
        if picture and picture.url not in found and image.backdrop != WHITE and not is_svg(picture.path) \
                and has_transparency(picture.path):
            found[picture.url] = image.backdrop
    return found
