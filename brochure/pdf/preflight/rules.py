"""The rules a print shop (or an archive, or a screen reader) applies to a PDF, each
judging the facts the scanner found or what the file itself declares. Which rules a
profile applies, and in what order, is in pdf/profiles.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from brochure.errors import ContentError
from brochure.files import remove_tree, scratch_folder
from brochure.model import MM
from brochure.pdf.preflight.scanner import PageFacts
from brochure.pdf.profiles import Profile

if TYPE_CHECKING:
    import pikepdf


@dataclass
class Rule:
    name: str
    status: str  # pass, fail or skip
    message: str
    pages: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"rule": self.name, "status": self.status, "message": self.message, "pages": self.pages}

    def __str__(self) -> str:
        pages = f" (pages {pages_text(self.pages)})" if self.pages else ""
        return f"{self.status.upper():<5} {self.name}: {self.message}{pages}"



def pages_text(numbers) -> str:
    """Page numbers for a message: the first twelve, then how many in all."""
    numbers = sorted(set(numbers))
    return ", ".join(str(n) for n in numbers[:12]) + (f" … ({len(numbers)} pages)" if len(numbers) > 12 else "")



def _fonts(facts) -> Rule:
    missing: dict[str, list[int]] = {name: [] for page in facts
                                     for name, embedded in page.fonts.items() if not embedded}
    for number, page in enumerate(facts, 1):
        for name, embedded in page.fonts.items():
            if not embedded:
                missing[name].append(number)
    if missing:
        return Rule("fonts embedded", "fail", "not embedded: " + ", ".join(sorted(missing)),
                    sorted({n for pages in missing.values() for n in pages}))
    names = sorted({name.split("+")[-1] for page in facts for name in page.fonts})
    return Rule("fonts embedded", "pass", f"{len(names)} fonts, all embedded")


def _boxes(pdf, profile: Profile) -> Rule:
    problems, pages, smallest = [], [], 0.0
    for number, page in enumerate(pdf.pages, 1):
        if "/TrimBox" not in page or "/BleedBox" not in page:
            problems.append("no TrimBox or BleedBox")
            pages.append(number)
            continue
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        media = [float(v) for v in page.MediaBox]
        sides = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
        smallest = min(sides) if number == 1 else min(smallest, *sides)
        if min(sides) < profile.bleed_mm * MM - 0.01 or not (
                media[0] <= bleed[0] + 0.01 and media[1] <= bleed[1] + 0.01 and
                media[2] >= bleed[2] - 0.01 and media[3] >= bleed[3] - 0.01):
            problems.append("bleed " + "/".join(f"{side / MM:.2f}" for side in sides) + " mm")
            pages.append(number)
    if problems:
        return Rule("page boxes and bleed", "fail", f"{sorted(set(problems))[0]}; needed {profile.bleed_mm} mm "
                    "on every side (left/bottom/right/top)", pages)
    return Rule("page boxes and bleed", "pass",
                f"TrimBox and BleedBox on every page; bleed {smallest / MM:.2f} mm on every side")


def _colours(facts, profile: Profile) -> Rule:
    allowed = {"DeviceCMYK", "DeviceGray", "Separation", "DeviceN", "Pattern"}
    if profile.variant != "pdf/x-1a":
        allowed |= {"ICCBased(4)", "ICCBased(1)", "Lab", "Indexed(DeviceCMYK)", "Indexed(DeviceGray)"}
    used = sorted({space for page in facts for space in page.colour_spaces})
    wrong = {number: sorted(page.colour_spaces - allowed) for number, page in enumerate(facts, 1)
             if page.colour_spaces - allowed}
    if wrong:
        spaces = sorted({space for found in wrong.values() for space in found})
        return Rule("colour spaces", "fail", f"{', '.join(spaces)} used; print needs CMYK", sorted(wrong))
    return Rule("colour spaces", "pass", "used: " + ", ".join(used))


def _transparency(facts, profile: Profile) -> Rule:
    found = {number: page.transparency for number, page in enumerate(facts, 1) if page.transparency}
    if not found:
        return Rule("transparency", "pass", "none")
    kinds = sorted({kind for kinds in found.values() for kind in kinds})
    if profile.variant == "pdf/x-1a":
        return Rule("transparency", "fail", f"{', '.join(kinds)}: PDF/X-1a allows none", sorted(found))
    return Rule("transparency", "pass", f"{', '.join(kinds)} (allowed in {profile.variant.upper()})")


def _annotations(pdf) -> Rule:
    pages = []
    for number, page in enumerate(pdf.pages, 1):
        trim = [float(v) for v in page.get("/TrimBox", page.MediaBox)]
        for annotation in page.get("/Annots", []):
            x0, y0, x1, y1 = (float(v) for v in annotation.get("/Rect", trim))
            if x1 > trim[0] and x0 < trim[2] and y1 > trim[1] and y0 < trim[3]:
                pages.append(number)
    if pages:
        return Rule("annotations", "fail", f"{len(pages)} annotations (links) inside the trim", sorted(set(pages)))
    return Rule("annotations", "pass", "none inside the trim")


def _output_intent(pdf, subtype: str, components: int | None) -> Rule:
    name = f"output intent ({subtype[1:]})"
    for intent in pdf.Root.get("/OutputIntents", []):
        if intent.get("/S") != subtype:
            continue
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            return Rule(name, "fail", "no embedded ICC profile")
        header = profile.read_bytes()[:20]
        space = header[16:20].decode("latin-1").strip()
        if components == 4 and space != "CMYK":
            return Rule(name, "fail", f"the profile is {space}, not CMYK")
        identifier = str(intent.get("/OutputConditionIdentifier", ""))
        return Rule(name, "pass", f"{identifier or 'unnamed'} ({space} profile embedded)")
    return Rule(name, "fail", "missing")


def _xmp(pdf) -> str:
    return pdf.Root.Metadata.read_bytes().decode("utf-8", "replace") if "/Metadata" in pdf.Root else ""


def _pdfx_label(pdf, profile: Profile) -> Rule:
    version = str(pdf.docinfo.get("/GTS_PDFXVersion", "")) or \
        next(iter(re.findall(r"GTS_PDFXVersion[^>]*>([^<]+)<|GTS_PDFXVersion=\"([^\"]+)\"", _xmp(pdf))), ("", ""))
    version = version if isinstance(version, str) else "".join(version)
    if not version:
        return Rule("PDF/X version", "fail", "the file does not say which PDF/X")
    if not version.upper().startswith(profile.variant.upper()):  # PDF/X-4, PDF/X-1A:2003
        return Rule("PDF/X version", "fail", f"{version}, but the print shop asked for {profile.variant.upper()}")
    if profile.variant == "pdf/x-1a" and pdf.pdf_version > "1.4":
        return Rule("PDF/X version", "fail", f"{version} in a PDF {pdf.pdf_version} file; PDF/X-1a needs 1.4 or older")
    return Rule("PDF/X version", "pass", version)


def _pdfa_label(pdf, profile: Profile) -> Rule:
    xmp = _xmp(pdf)
    part = re.search(r"pdfaid:part[^0-9]{0,3}(\d)", xmp)
    level = re.search(r"pdfaid:conformance[^A-Za-z]{0,3}([A-Za-z])", xmp)
    if not (part and level):
        return Rule("PDF/A identification", "fail", "no pdfaid part and conformance in the XMP metadata")
    found = f"pdf/a-{part[1]}{level[1].lower()}"
    if found != profile.variant:
        return Rule("PDF/A identification", "fail", f"{found.upper()}, but {profile.variant.upper()} is wanted")
    return Rule("PDF/A identification", "pass", f"PDF/A-{part[1]}{level[1].lower()}")


def _trapped(pdf) -> Rule:
    value = str(pdf.docinfo.get("/Trapped", ""))
    ok = value in ("/True", "/False")
    return Rule("Trapped key", "pass" if ok else "fail", value[1:] if ok else "missing (must be True or False)")


def _identifier(pdf) -> Rule:
    ok = "/ID" in pdf.trailer
    return Rule("document identifier", "pass" if ok else "fail", "present" if ok else "no /ID in the trailer")


def _not_encrypted(pdf) -> Rule:
    return Rule("encryption", "fail" if pdf.is_encrypted else "pass",
                "encrypted" if pdf.is_encrypted else "none")


def _resolution(facts, profile: Profile) -> Rule:
    low = {number: min(ppi for _, _, ppi in page.images) for number, page in enumerate(facts, 1)
           if page.images and min(ppi for _, _, ppi in page.images) < profile.min_ppi - 0.5}
    every = [ppi for page in facts for _, _, ppi in page.images]
    if low:
        return Rule("image resolution", "fail", f"lowest {min(low.values()):.0f} ppi; at least "
                    f"{profile.min_ppi} ppi needed", sorted(low))
    if not every:
        return Rule("image resolution", "pass", "no images")
    return Rule("image resolution", "pass", f"{len(every)} images, {min(every):.0f} to {max(every):.0f} ppi")


def _tagged(pdf) -> Rule:
    ok = "/StructTreeRoot" in pdf.Root and bool(pdf.Root.get("/MarkInfo", {}).get("/Marked", False))
    return Rule("tagged for accessibility", "pass" if ok else "fail", "structure tree present" if ok else "untagged")


def _language_and_title(pdf) -> Rule:
    language = str(pdf.Root.get("/Lang", ""))
    title = str(pdf.docinfo.get("/Title", ""))
    shown = bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False))
    ok = bool(language and title and shown)
    return Rule("language and title", "pass" if ok else "fail",
                f"language {language or 'missing'}, title {title or 'missing'}"
                + ("" if shown else ", not shown as the window title"))


def _ink(path: Path, profile: Profile) -> Rule:
    """Total area coverage: the most C+M+Y+K on any spot, from a CMYK raster of each page
    (made by Ghostscript in a scratch folder of files.py, removed however this ends)."""
    ghostscript = shutil.which("gs")
    if ghostscript is None:
        return Rule("total ink coverage", "skip", "not measured: Ghostscript (gs) is not installed")
    from PIL import Image, ImageMath

    try:
        folder = scratch_folder()
    except ContentError as error:  # the temporary folder cannot take the raster
        return Rule("total ink coverage", "fail", f"not measured: {error.problems[0]}")
    over, highest, seconds = [], 0.0, 300  # a print brochure takes Ghostscript seconds
    try:
        try:
            done = subprocess.run([ghostscript, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dUseTrimBox",
                                   "-sDEVICE=tiff32nc", "-r50", f"-sOutputFile={folder}/page-%05d.tif", str(path)],
                                  capture_output=True, text=True, timeout=seconds)
        except subprocess.TimeoutExpired:
            return Rule("total ink coverage", "fail", f"not measured: Ghostscript took more than "
                        f"{seconds} s to render the file, and was stopped")
        except OSError as error:  # found, but it cannot be run
            return Rule("total ink coverage", "fail", f"not measured: Ghostscript ({ghostscript}) cannot be "
                        f"run: {error.strerror}")
        if done.returncode != 0:
            return Rule("total ink coverage", "fail", f"Ghostscript could not render the file: "
                        f"{done.stderr.strip()[:200]}")
        for number, raster in enumerate(sorted(folder.iterdir()), 1):
            with Image.open(raster) as picture:
                c, m, y, k = (band.convert("I") for band in picture.split())
                total = ImageMath.lambda_eval(lambda args: args["c"] + args["m"] + args["y"] + args["k"],
                                              c=c, m=m, y=y, k=k)
                coverage = total.getextrema()[1] / 255 * 100
            highest = max(highest, coverage)
            if coverage > profile.ink_limit + 1:  # one percent for rounding in the raster
                over.append(number)
    finally:
        remove_tree(folder)
    if over:
        return Rule("total ink coverage", "fail", f"up to {highest:.0f} %; the limit is {profile.ink_limit} %", over)
    return Rule("total ink coverage", "pass", f"at most {highest:.0f} % (limit {profile.ink_limit} %)")


def _page_count(subject: Subject) -> Rule | None:
    if subject.profile.binding != "saddle-stitch":
        return None
    count = len(subject.pdf.pages)
    return Rule("page count", "pass" if count % 4 == 0 else "fail",
                f"{count} pages" + ("" if count % 4 == 0 else ": saddle stitching needs a multiple of 4"))


@dataclass
class Subject:
    """What the rules judge: the file, open, with its page facts, against a profile."""

    path: Path
    pdf: pikepdf.Pdf
    facts: list[PageFacts]
    profile: Profile


# Each rule by the name it reports under (the names pdf/profiles.py lists); None: the
# rule does not apply to this file.
RULES: dict[str, Callable[[Subject], Rule | None]] = {
    "fonts embedded": lambda s: _fonts(s.facts),
    "page boxes and bleed": lambda s: _boxes(s.pdf, s.profile),
    "colour spaces": lambda s: _colours(s.facts, s.profile),
    "transparency": lambda s: _transparency(s.facts, s.profile),
    "annotations": lambda s: _annotations(s.pdf),
    "output intent (GTS_PDFX)": lambda s: _output_intent(s.pdf, "/GTS_PDFX", 4),
    "output intent (GTS_PDFA1)": lambda s: _output_intent(s.pdf, "/GTS_PDFA1", None),
    "PDF/X version": lambda s: _pdfx_label(s.pdf, s.profile),
    "PDF/A identification": lambda s: _pdfa_label(s.pdf, s.profile),
    "Trapped key": lambda s: _trapped(s.pdf),
    "document identifier": lambda s: _identifier(s.pdf),
    "encryption": lambda s: _not_encrypted(s.pdf),
    "image resolution": lambda s: _resolution(s.facts, s.profile),
    "total ink coverage": lambda s: _ink(s.path, s.profile),
    "page count": _page_count,
    "tagged for accessibility": lambda s: _tagged(s.pdf),
    "language and title": lambda s: _language_and_title(s.pdf),
}
