"""Rules on the document as a whole: whether the file is sound, its PDF version, title
and dates, JavaScript and actions, equal page sizes, and the output intent against the
print shop's condition. They read the catalogue and the trailer as they are (no content
streams), through the objects the open file gives.

Sources: PDF/X-4 (ISO 15930-7:2010) and PDF/X-1a (ISO 15930-4:2003) for the version,
title, dates, actions and output intent; the Ghent Workgroup's GWG2015 for page sizes
(every page the same size; error).
"""

from __future__ import annotations

import re
from collections import Counter

from brochure.model import MM
from brochure.pdf.preflight.scanner import kind
from brochure.pdf.preflight.verdict import Finding, Rule, Subject, judged

# The newest PDF each variant allows: PDF/X-4 is built on PDF 1.6, PDF/X-1a:2003 on 1.4.
MAX_VERSION = {"pdf/x-4": "1.6", "pdf/x-1a": "1.4", "pdf/x-3": "1.4"}
# Actions PDF/X forbids (they run something, or change what prints); GoTo, GoToR, URI and
# Named only move a viewer and are left to the annotations rule.
FORBIDDEN_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ResetForm", "/ImportData", "/Movie", "/Sound",
                     "/Rendition", "/Hide", "/SetOCGState", "/GoTo3DView", "/RichMediaExecute"}
SIZE_TOLERANCE = 0.5  # points: rounding in the writing program, not a different size
_DATE = re.compile(r"D:(\d{4})(\d\d)?(\d\d)?(\d\d)?(\d\d)?(\d\d)?(Z|[+-]\d\d'?(\d\d'?)?)?(Z00'00'?)?")


def file_structure(subject: Subject) -> Rule:
    found = [Finding(0, "file", repair, "a file qpdf reads without repairs") for repair in subject.repairs]
    found += [Finding(number, "content stream", problem, "readable content")
              for number, page in enumerate(subject.facts, 1) for problem in sorted(set(page.damaged))]
    return judged("file structure", found, "damaged: {first}; ask for a new export (a repaired file may not "
                  "print as it was made)", "sound: qpdf reads every object without repairs")


def pdf_version(subject: Subject) -> Rule:
    variant, version = subject.profile.variant, subject.pdf.pdf_version
    highest = MAX_VERSION.get(variant)
    if highest is None:
        return Rule("PDF version", "pass", f"PDF {version}", severity="error", value=version)
    found = [] if _version(version) <= _version(highest) else [
        Finding(0, "file header and catalogue", f"PDF {version}", f"PDF {highest}")]
    return judged("PDF version", found, f"PDF {version}; {variant.upper()} allows PDF {highest} or older",
                  f"PDF {version} ({variant.upper()} allows up to {highest})", f"PDF {highest}")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:2]) or (0,)


def _xmp(pdf) -> str:
    return pdf.Root.Metadata.read_bytes().decode("utf-8", "replace") if "/Metadata" in pdf.Root else ""


def title_and_dates(subject: Subject) -> Rule:
    info, found = subject.pdf.docinfo, []
    xmp_title = re.search(r"<dc:title>.*?<rdf:li[^>]*>([^<]+)<", _xmp(subject.pdf), re.S)
    if not str(info.get("/Title", "")).strip() and not xmp_title:
        found.append(Finding(0, "document information", "no Title", "a title (PDF/X requires one)"))
    for key in ("/CreationDate", "/ModDate"):
        value = str(info.get(key, ""))
        if not value:
            found.append(Finding(0, f"Info {key[1:]}", "missing", "a date D:YYYYMMDDHHmmSS+hh'mm'"))
        elif not _well_formed(value):
            found.append(Finding(0, f"Info {key[1:]}", f"'{value[:40]}' is not a PDF date",
                                 "a date D:YYYYMMDDHHmmSS+hh'mm'"))
    title = str(info.get("/Title", "")) or (xmp_title[1] if xmp_title else "")
    return judged("title and dates", found, "{first}" + (f" and {len(found) - 1} more" if len(found) > 1 else ""),
                  f"title '{title[:60]}', created {str(info.get('/CreationDate', ''))[2:10]}")


def _well_formed(value: str) -> bool:
    match = _DATE.fullmatch(value.strip())
    if not match:
        return False
    month, day, hour, minute, second = (int(part) if part else 1 for part in match.groups()[1:6])
    return 1 <= month <= 12 and 1 <= day <= 31 and hour <= 23 and minute <= 59 and second <= 59


def _action_kinds(action, depth: int = 0) -> list[str]:
    """The kinds of an action and of those it chains (/Next)."""
    if depth > 8 or kind(action) != "dictionary":
        return []
    kinds = [str(action.get("/S", ""))]
    chained = action.get("/Next")
    for following in (chained if kind(chained) == "array" else [chained] if chained is not None else []):
        kinds += _action_kinds(following, depth + 1)
    return kinds


def _forbidden(action) -> list[str]:
    return [kind[1:] for kind in _action_kinds(action) if kind in FORBIDDEN_ACTIONS]


def actions(subject: Subject) -> Rule:
    root, found = subject.pdf.Root, []
    if "/JavaScript" in root.get("/Names", {}):
        found.append(Finding(0, "document names", "JavaScript", "none (PDF/X forbids JavaScript)"))
    open_action = root.get("/OpenAction")
    if kind(open_action) == "dictionary":
        found += [Finding(0, "open action", kind, "no actions") for kind in _forbidden(open_action)]
    if "/AA" in root:
        found.append(Finding(0, "document", "additional actions (AA)", "no actions"))
    for number, page in enumerate(subject.pdf.pages, 1):
        if "/AA" in page:
            found.append(Finding(number, "page", "additional actions (AA)", "no actions"))
        for annotation in page.get("/Annots", []):
            what = f"{str(annotation.get('/Subtype', '/annotation'))[1:]} annotation"
            if "/AA" in annotation:
                found.append(Finding(number, what, "additional actions (AA)", "no actions"))
            found += [Finding(number, what, kind, "no actions") for kind in _forbidden(annotation.get("/A"))]
    return judged("JavaScript and actions", found, "JavaScript or actions that run something ({count} found, e.g. "
                  "{first}): PDF/X forbids them", "no JavaScript, no actions")


def page_sizes(subject: Subject) -> Rule:
    """Every trim the same size: the size most pages have, or page 1's on a tie."""
    sizes = []
    for number in range(1, len(subject.pdf.pages) + 1):
        x0, y0, x1, y1 = subject.trim(number)
        sizes.append((number, round(abs(x1 - x0), 1), round(abs(y1 - y0), 1)))
    counts = Counter((w, h) for _, w, h in sizes)
    width, height = max(counts, key=lambda size: (counts[size], size == sizes[0][1:]))
    usual = f"{width / MM:.1f} × {height / MM:.1f} mm"
    found = [Finding(number, "TrimBox", f"{w / MM:.1f} × {h / MM:.1f} mm", f"{usual} as the other pages")
             for number, w, h in sizes if abs(w - width) > SIZE_TOLERANCE or abs(h - height) > SIZE_TOLERANCE]
    return judged("page sizes", found, f"pages of another size than the others ({usual}): {{count}} found, "
                  "e.g. {first}", f"every page {usual} (trim)", usual)


def output_intent(subject: Subject) -> Rule:
    """Exactly one PDF/X output intent, an output-class (prtr) CMYK ICC profile, for the
    print shop's condition (OutputConditionIdentifier, or the very profile configured)."""
    name = "output intent (GTS_PDFX)"
    intents = [intent for intent in subject.pdf.Root.get("/OutputIntents", []) if intent.get("/S") == "/GTS_PDFX"]
    if not intents:
        return Rule(name, "fail", "missing", findings=[Finding(0, "catalogue", "no GTS_PDFX output intent",
                                                               "exactly one")], limit="exactly one")
    if len(intents) > 1:
        return Rule(name, "fail", f"{len(intents)} PDF/X output intents; PDF/X allows exactly one",
                    findings=[Finding(0, "catalogue", f"{len(intents)} output intents", "exactly one")],
                    value=str(len(intents)), limit="exactly one")
    intent = intents[0]
    identifier = str(intent.get("/OutputConditionIdentifier", ""))
    profile = intent.get("/DestOutputProfile")
    found = []
    if profile is None:
        found.append(Finding(0, f"output intent {identifier}", "no embedded ICC profile", "the printer's profile"))
    else:
        data = profile.read_bytes()
        device_class, space = data[12:16].decode("latin-1"), data[16:20].decode("latin-1").strip()
        if space != "CMYK":
            found.append(Finding(0, f"output intent {identifier}", f"the profile is {space}, not CMYK", "CMYK"))
        if device_class != "prtr":
            found.append(Finding(0, f"output intent {identifier}", f"profile class '{device_class}'",
                                 "'prtr' (an output profile)"))
        found += _condition(subject, identifier, data)
    message = "; ".join(f"{finding.object}: {finding.value}, wanted {finding.limit}" for finding in found)
    return judged(name, found, message.replace("{", "{{").replace("}", "}}"),
                  f"{identifier or 'unnamed'} (CMYK output profile embedded)",
                  subject.profile.condition or "the configured profile")


def _condition(subject: Subject, identifier: str, data: bytes) -> list[Finding]:
    wanted = subject.profile.condition
    if wanted:
        # FOGRA39 matches FOGRA39, FOGRA39L and "Coated FOGRA39 (ISO 12647-2:2004)", not FOGRA391.
        token = re.escape(re.sub(r"[^a-z0-9]", "", wanted.lower()))
        if not re.search(rf"(?<![a-z0-9]){token}l?(?![a-z0-9])", identifier.lower()):
            return [Finding(0, "OutputConditionIdentifier", identifier or "(empty)", wanted)]
        return []
    icc = subject.profile.icc
    if icc is not None and icc.is_file() and icc.read_bytes() != data:
        return [Finding(0, f"output intent {identifier}", "a different ICC profile", f"{icc.name}")]
    return []
