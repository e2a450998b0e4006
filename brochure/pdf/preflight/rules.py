"""The rules a print shop (or an archive, or a screen reader) applies to a PDF, each
judging the facts the scanner found or what the file itself declares. Which rules a
profile applies, and in what order, is in pdf/profiles.py. The rules on what is drawn
are in drawing.py, those on the document as a whole in document.py, total ink in ink.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from brochure.model import MM
from brochure.pdf.preflight import document, drawing
from brochure.pdf.preflight.facts import position
from brochure.pdf.preflight.ink import total_ink
from brochure.pdf.preflight.verdict import Finding, Rule, Subject, judged, pages_text
from brochure.pdf.profiles import Profile

__all__ = ["RULES", "Finding", "Rule", "Subject", "pages_text"]


def _fonts(facts) -> Rule:
    missing: dict[str, list[int]] = {name: [] for page in facts
                                     for name, embedded in page.fonts.items() if not embedded}
    for number, page in enumerate(facts, 1):
        for name, embedded in page.fonts.items():
            if not embedded:
                missing[name].append(number)
    if missing:
        findings = [Finding(pages[0], f"font {name[1:]}", "not embedded" + (
            f" (also pages {pages_text(pages[1:])})" if pages[1:] else ""), "every font embedded")
            for name, pages in sorted(missing.items())]
        return Rule("fonts embedded", "fail", "not embedded: " + ", ".join(sorted(name[1:] for name in missing)),
                    sorted({n for pages in missing.values() for n in pages}), findings=findings,
                    value=", ".join(sorted(name[1:] for name in missing)), limit="every font embedded")
    names = sorted({name.split("+")[-1] for page in facts for name in page.fonts})
    return Rule("fonts embedded", "pass", f"{len(names)} fonts, all embedded")


def _boxes(pdf, profile: Profile) -> Rule:
    problems, pages, smallest, findings = [], [], 0.0, []
    needed = f"{profile.bleed_mm} mm on every side"
    for number, page in enumerate(pdf.pages, 1):
        if "/TrimBox" not in page or "/BleedBox" not in page:
            problems.append("no TrimBox or BleedBox")
            pages.append(number)
            findings.append(Finding(number, "page boxes", "no " + " and no ".join(
                box for box in ("TrimBox", "BleedBox") if f"/{box}" not in page), needed))
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
            findings.append(Finding(number, "BleedBox against TrimBox (and inside the MediaBox)",
                                    problems[-1] + " (left/bottom/right/top)", needed))
    if problems:
        return Rule("page boxes and bleed", "fail", f"{sorted(set(problems))[0]}; needed {profile.bleed_mm} mm "
                    "on every side (left/bottom/right/top)", pages, findings=findings, value=findings[0].value,
                    limit=needed)
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
        findings = [Finding(number, facts[number - 1].where_spaces.get(space, "content"), space,
                            "CMYK, grey or spot colours") for number, found in sorted(wrong.items()) for space in found]
        return Rule("colour spaces", "fail", f"{', '.join(spaces)} used; print needs CMYK", sorted(wrong),
                    findings=findings, value=", ".join(spaces), limit="CMYK, grey or spot colours")
    return Rule("colour spaces", "pass", "used: " + ", ".join(used))


def _transparency(facts, profile: Profile) -> Rule:
    found = {number: page.transparency for number, page in enumerate(facts, 1) if page.transparency}
    if not found:
        return Rule("transparency", "pass", "none")
    kinds = sorted({kind for kinds in found.values() for kind in kinds})
    if not profile.keeps_transparency:  # PDF/X-1a, PDF/X-3, PDF/A-1a and PDF/A-1b allow none
        variant = profile.variant.upper()
        findings = [Finding(number, facts[number - 1].where_transparency.get(kind, "page content"), kind,
                            f"none in {variant}")
                    for number, kinds in sorted(found.items()) for kind in sorted(set(kinds))]
        return Rule("transparency", "fail", f"{', '.join(kinds)}: {variant} allows none", sorted(found),
                    findings=findings, value=", ".join(kinds), limit=f"none in {variant}")
    return Rule("transparency", "pass", f"{', '.join(kinds)} (allowed in {profile.variant.upper()})")


def _annotations(pdf) -> Rule:
    pages, findings = [], []
    for number, page in enumerate(pdf.pages, 1):
        trim = [float(v) for v in page.get("/TrimBox", page.MediaBox)]
        for annotation in page.get("/Annots", []):
            x0, y0, x1, y1 = (float(v) for v in annotation.get("/Rect", trim))
            if x1 > trim[0] and x0 < trim[2] and y1 > trim[1] and y0 < trim[3]:
                pages.append(number)
                findings.append(Finding(number, f"{str(annotation.get('/Subtype', '/annotation'))[1:]} annotation, "
                                        f"{position((x0, y0, x1, y1), trim)}", "inside the trim",
                                        "no annotation inside the trim"))
    if pages:
        return Rule("annotations", "fail", f"{len(pages)} annotations (links) inside the trim", sorted(set(pages)),
                    findings=findings, value=f"{len(pages)} annotations", limit="none inside the trim")
    return Rule("annotations", "pass", "none inside the trim")


def _pdfa_intent(pdf) -> Rule:
    name = "output intent (GTS_PDFA1)"
    for intent in pdf.Root.get("/OutputIntents", []):
        if intent.get("/S") != "/GTS_PDFA1":
            continue
        profile = intent.get("/DestOutputProfile")
        if profile is None:
            return Rule(name, "fail", "no embedded ICC profile")
        space = profile.read_bytes()[16:20].decode("latin-1").strip()
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
        return Rule("PDF/X version", "fail", "the file does not say which PDF/X",
                    findings=[Finding(0, "Info and XMP metadata", "no GTS_PDFXVersion", profile.variant.upper())])
    if not version.upper().startswith(profile.variant.upper()):  # PDF/X-4, PDF/X-1A:2003
        return Rule("PDF/X version", "fail", f"{version}, but the print shop asked for {profile.variant.upper()}",
                    findings=[Finding(0, "GTS_PDFXVersion", version, profile.variant.upper())], value=version,
                    limit=profile.variant.upper())
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
    found = [] if ok else [Finding(0, "Info Trapped", value[1:] or "missing", "True or False")]
    return judged("Trapped key", found, "missing (must be True or False)" if not value else
                  f"{value} (must be True or False)", value[1:], "True or False")


def _identifier(pdf) -> Rule:
    found = [] if "/ID" in pdf.trailer else [Finding(0, "trailer", "no /ID", "an /ID")]
    return judged("document identifier", found, "no /ID in the trailer", "present", "an /ID")


def _not_encrypted(pdf) -> Rule:
    found = [Finding(0, "file", "encrypted", "no encryption")] if pdf.is_encrypted else []
    return judged("encryption", found, "encrypted", "none", "no encryption")


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


def _page_count(subject: Subject) -> Rule | None:
    if subject.profile.binding != "saddle-stitch":
        return None
    count = len(subject.pdf.pages)
    findings = [] if count % 4 == 0 else [Finding(0, "document", f"{count} pages", "a multiple of 4")]
    return judged("page count", findings, f"{count} pages: saddle stitching needs a multiple of 4",
                  f"{count} pages", "a multiple of 4")


# Each rule by the name it reports under (the names pdf/profiles.py lists); None: the
# rule does not apply to this file.
RULES: dict[str, Callable[[Subject], Rule | None]] = {
    "file structure": document.file_structure,
    "PDF version": document.pdf_version,
    "fonts embedded": lambda s: _fonts(s.facts),
    "page boxes and bleed": lambda s: _boxes(s.pdf, s.profile),
    "page sizes": document.page_sizes,
    "colour spaces": lambda s: _colours(s.facts, s.profile),
    "blending spaces": drawing.blending_spaces,
    "transparency": lambda s: _transparency(s.facts, s.profile),
    "white overprint": drawing.white_overprint,
    "small text in several inks": drawing.small_text,
    "rich black text": drawing.rich_black_text,
    "hairlines": drawing.hairlines,
    "thin lines in several inks": drawing.thin_lines,
    "annotations": lambda s: _annotations(s.pdf),
    "JavaScript and actions": document.actions,
    "output intent (GTS_PDFX)": document.output_intent,
    "output intent (GTS_PDFA1)": lambda s: _pdfa_intent(s.pdf),
    "PDF/X version": lambda s: _pdfx_label(s.pdf, s.profile),
    "PDF/A identification": lambda s: _pdfa_label(s.pdf, s.profile),
    "title and dates": document.title_and_dates,
    "Trapped key": lambda s: _trapped(s.pdf),
    "document identifier": lambda s: _identifier(s.pdf),
    "encryption": lambda s: _not_encrypted(s.pdf),
    "image resolution": drawing.resolution,
    "1-bit image resolution": drawing.one_bit_resolution,
    "total ink coverage": total_ink,
    "page count": _page_count,
    "tagged for accessibility": lambda s: _tagged(s.pdf),
    "language and title": lambda s: _language_and_title(s.pdf),
}
