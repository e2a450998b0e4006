"""brochure check and list: every entry validated (drafts too), any PDF preflighted; the
entries a selection keeps."""

from __future__ import annotations

from pathlib import Path

from brochure.content.catalogue import Catalogue, catalogue
from brochure.content.catalogue import check as check_all
from brochure.content.settings import find_root, load_settings
from brochure.errors import ContentError, Problem
from brochure.model import Selection
from brochure.pdf.profiles import resolve


def check_entries(start: Path, allow_remote_images: bool = False) -> Catalogue:
    """Validate every entry, drafts included, and every local image; renders nothing."""
    return check_all(load_settings(start), allow_remote_images)


def check_pdf(start: Path, pdf: Path, profile_name: str):
    """Preflight any PDF against a profile: the project's settings of that profile when
    there is a project here, the defaults when there is none."""
    from brochure.pdf.preflight import preflight

    try:
        root = find_root(start)
    except ContentError:  # no project here: any PDF, against the default profiles
        profile = resolve(profile_name)
    else:
        profile = resolve(profile_name, load_settings(root))  # a broken brochure.yaml is reported
    if not pdf.is_file():
        raise ContentError([Problem(str(pdf), 0, 0, "", "no such file", "check the path")])
    try:
        return preflight(pdf, profile)
    except Exception as error:  # not a PDF, or one too broken to read rule by rule
        raise ContentError([Problem(str(pdf), 0, 0, "", f"not a readable PDF ({type(error).__name__}: "
                                    f"{str(error)[:200]})", "")]) from None


def list_entries(start: Path, selection: Selection) -> Catalogue:
    """brochure list: the selected entries in their order, and those left out."""
    return catalogue(load_settings(start), selection)
