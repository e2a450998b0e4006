"""brochure check and list: every entry validated (drafts too), any PDF preflighted; the
entries a selection keeps."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from brochure.content.catalogue import Catalogue, catalogue
from brochure.content.catalogue import check as check_all
from brochure.content.settings import find_root, load_settings
from brochure.errors import ContentError, Problem
from brochure.model import Selection
from brochure.pdf.profiles import resolve


def check_entries(start: Path, allow_remote_images: bool = False) -> Catalogue:
    """Validate every entry, drafts included, and every local image, and that the theme's
    fonts have every character they show; renders nothing."""
    from brochure.content.glyphs import glyph_problems
    from brochure.content.settings import theme_folder

    settings = load_settings(start)
    found = check_all(settings, allow_remote_images)
    if missing := glyph_problems(settings, found.entries, theme_folder(settings)):
        raise ContentError(missing)
    return found


def pdf_variants(profile_name: str) -> tuple[str, ...]:
    """The PDF variants brochure.yaml allows for a profile (its schema says), for
    check --pdf --variant."""
    from brochure.content.schema import load_schema

    section = load_schema("settings")["properties"].get(profile_name, {})
    return tuple(section.get("properties", {}).get("variant", {}).get("enum", ())) or (resolve(profile_name).variant,)


def check_pdf(start: Path, pdf: Path, profile_name: str, variant: str | None = None, condition: str | None = None,
              binding: str | None = None):
    """Preflight any PDF against a profile: the project's settings of that profile when
    there is a project here, the defaults when there is none; `variant`, `condition`
    and `binding`, when given, override them for this check."""
    from brochure.pdf.preflight import preflight

    try:
        root = find_root(start)
    except ContentError:  # no project here: any PDF, against the default profiles
        profile = resolve(profile_name)
    else:
        profile = resolve(profile_name, load_settings(root))  # a broken brochure.yaml is reported
    profile = replace(profile, variant=variant or profile.variant, binding=binding or profile.binding,
                      condition=profile.condition if condition is None else condition)
    if not pdf.is_file():
        raise ContentError([Problem(str(pdf), 0, 0, "", "no such file", "check the path")])
    try:
        return profile, preflight(pdf, profile)
    except Exception as error:  # not a PDF at all (a damaged one is a failed rule)
        raise ContentError([Problem(str(pdf), 0, 0, "", f"not a readable PDF ({type(error).__name__}: "
                                    f"{str(error)[:200]})", "")]) from None


def list_entries(start: Path, selection: Selection) -> Catalogue:
    """brochure list: the selected entries in their order, and those left out."""
    return catalogue(load_settings(start), selection)
