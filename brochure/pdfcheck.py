"""Preflight: the rules a print shop (or an archive, or a screen reader) applies to a PDF.

Works on any PDF, ours or not: it reads what is really in the file (boxes, fonts,
the colour operators of every content stream, transparency, annotations, output
intents, images at the size they are drawn) rather than what the file claims.
Total ink coverage is measured on a CMYK raster made by Ghostscript.
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from brochure.model import MM, Profile

_DEVICE = {"/DeviceRGB": "DeviceRGB", "/DeviceCMYK": "DeviceCMYK", "/DeviceGray": "DeviceGray",
           "/RGB": "DeviceRGB", "/CMYK": "DeviceCMYK", "/G": "DeviceGray"}


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


@dataclass
class _PageFacts:
    colour_spaces: set[str] = field(default_factory=set)
    transparency: list[str] = field(default_factory=list)
    images: list[tuple[int, int, float]] = field(default_factory=list)  # width px, height px, ppi
    fonts: dict[str, bool] = field(default_factory=dict)  # name -> embedded


def _colour_space_name(space, resources) -> str:
    import pikepdf

    if isinstance(space, pikepdf.Name):
        if str(space) in _DEVICE:
            return _DEVICE[str(space)]
        named = resources.get("/ColorSpace", {}).get(str(space)) if resources is not None else None
        if named is not None:
            return _colour_space_name(named, None)
        return str(space)[1:]
    if isinstance(space, pikepdf.Array) and len(space):
        family = str(space[0])[1:]
        if family == "ICCBased":
            return f"ICCBased({int(space[1].get('/N', 0))})"
        if family == "Indexed":
            return f"Indexed({_colour_space_name(space[1], resources)})"
        if family in ("Separation", "DeviceN"):
            # Where the ink is missing, the alternate is what prints: it counts too.
            alternate = _colour_space_name(space[2], resources)
            return family if alternate in ("DeviceCMYK", "DeviceGray", "ICCBased(4)") else f"{family}({alternate})"
        return family
    return "unknown"


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _scan(content, resources, facts: _PageFacts, ctm=(1, 0, 0, 1, 0, 0), depth=0) -> None:
    """Walk a content stream (and the forms it draws) noting colour spaces, transparency,
    fonts and images with the size they are drawn at."""
    import pikepdf

    if depth > 12:
        return
    stack, matrix = [], ctm
    resources = resources if resources is not None else pikepdf.Dictionary()
    for font_name, font in resources.get("/Font", {}).items():
        facts.fonts[str(font.get("/BaseFont", font_name))] = _embedded(font)
        if font.get("/Subtype") == "/Type3":  # its glyphs are little content streams of their own
            for glyph in font.get("/CharProcs", {}).values():
                _scan(glyph, font.get("/Resources", resources), facts, matrix, depth + 1)
    for operands, operator in pikepdf.parse_content_stream(content):
        op = str(operator)
        if op == "q":
            stack.append(matrix)
        elif op == "Q" and stack:
            matrix = stack.pop()
        elif op == "cm":
            matrix = _multiply(tuple(float(value) for value in operands), matrix)
        elif op in ("rg", "RG"):
            facts.colour_spaces.add("DeviceRGB")
        elif op in ("k", "K"):
            facts.colour_spaces.add("DeviceCMYK")
        elif op in ("g", "G"):
            facts.colour_spaces.add("DeviceGray")
        elif op in ("cs", "CS"):
            facts.colour_spaces.add(_colour_space_name(operands[0], resources))
        elif op in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
            pattern = resources.get("/Pattern", {}).get(str(operands[-1]))
            if pattern is not None and int(pattern.get("/PatternType", 0)) == 1:  # tiling: a content stream
                _scan(pattern, pattern.get("/Resources", resources), facts, matrix, depth + 1)
            elif pattern is not None and "/Shading" in pattern:
                facts.colour_spaces.add(_colour_space_name(pattern.Shading.ColorSpace, resources))
        elif op == "gs":
            state = resources.get("/ExtGState", {}).get(str(operands[0]))
            if state is not None:
                for key in ("/CA", "/ca"):
                    if key in state and float(state[key]) < 1:
                        facts.transparency.append(f"opacity {float(state[key])}")
                if state.get("/SMask", pikepdf.Name.None_) != pikepdf.Name.None_:
                    facts.transparency.append("soft mask")
                if str(state.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
                    facts.transparency.append(f"blend mode {state.BM}")
        elif op == "sh":
            shading = resources.get("/Shading", {}).get(str(operands[0]))
            if shading is not None:
                facts.colour_spaces.add(_colour_space_name(shading.ColorSpace, resources))
        elif op == "Do":
            xobject = resources.get("/XObject", {}).get(str(operands[0]))
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                _image(xobject, matrix, resources, facts)
            elif xobject.get("/Subtype") == "/Form":
                group = xobject.get("/Group")
                if group is not None and group.get("/S") == "/Transparency":
                    facts.transparency.append("transparency group")
                form_matrix = tuple(float(value) for value in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                _scan(xobject, xobject.get("/Resources", resources), facts, _multiply(form_matrix, matrix),
                      depth + 1)
        elif op == "INLINE IMAGE":
            image = operands[0].obj
            if not image.get("/ImageMask", False):
                facts.colour_spaces.add(_colour_space_name(image.get("/ColorSpace", pikepdf.Name.DeviceGray),
                                                           resources))


def _image(xobject, matrix, resources, facts: _PageFacts) -> None:
    if xobject.get("/ImageMask") is True:
        return
    facts.colour_spaces.add(_colour_space_name(xobject.get("/ColorSpace"), resources))
    if "/SMask" in xobject or "/Mask" in xobject:
        facts.transparency.append("image with a soft mask")
    width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
    a, b, c, d, _, _ = matrix
    drawn_width, drawn_height = math.hypot(a, b) / 72, math.hypot(c, d) / 72  # inches
    if not (width and height):
        return
    if drawn_width and drawn_height:
        facts.images.append((width, height, min(width / drawn_width, height / drawn_height)))


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are drawn by the file's own procedures
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    descriptor = font.get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def pages_text(numbers) -> str:
    """Page numbers for a message: the first twelve, then how many in all."""
    numbers = sorted(set(numbers))
    return ", ".join(str(n) for n in numbers[:12]) + (f" … ({len(numbers)} pages)" if len(numbers) > 12 else "")


def preflight(path: Path, profile: Profile) -> list[Rule]:
    """Every rule of `profile` applied to the PDF at `path`, in a stable order."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        if len(pdf.pages) == 0:
            return [Rule("pages", "fail", "the PDF has no pages")]
        facts = []
        for page in pdf.pages:
            page_facts = _PageFacts()
            _scan(page, page.get("/Resources"), page_facts)
            group = page.get("/Group")
            if group is not None and "/CS" in group:  # the page's blending space is a colour space too
                page_facts.colour_spaces.add(_colour_space_name(group.CS, page.get("/Resources")))
            for annotation in page.get("/Annots", []):
                appearance = annotation.get("/AP", {}).get("/N")
                if isinstance(appearance, pikepdf.Stream):
                    _scan(appearance, appearance.get("/Resources"), page_facts)
            facts.append(page_facts)
        rules = [_fonts(facts)]
        if profile.name == "print":
            rules += [_boxes(pdf, profile), _colours(facts, profile), _transparency(facts, profile),
                      _annotations(pdf), _output_intent(pdf, "/GTS_PDFX", 4), _pdfx_label(pdf, profile),
                      _trapped(pdf), _identifier(pdf), _not_encrypted(pdf), _resolution(facts, profile)]
        elif profile.name == "archive":
            rules += [_output_intent(pdf, "/GTS_PDFA1", None), _pdfa_label(pdf, profile), _identifier(pdf),
                      _not_encrypted(pdf)]
        else:
            rules += [_tagged(pdf), _language_and_title(pdf)]
        page_count = len(pdf.pages)
    if profile.name == "print":
        rules.append(_ink(path, profile))
    if profile.name == "print" and profile.binding == "saddle-stitch":
        rules.append(Rule("page count", "pass" if page_count % 4 == 0 else "fail",
                          f"{page_count} pages" + ("" if page_count % 4 == 0 else
                                                   ": saddle stitching needs a multiple of 4")))
    return rules


def _fonts(facts) -> Rule:
    missing = {name: [] for page in facts for name, embedded in page.fonts.items() if not embedded}
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
    """Total area coverage: the most C+M+Y+K on any spot, from a CMYK raster of each page."""
    ghostscript = shutil.which("gs")
    if ghostscript is None:
        return Rule("total ink coverage", "skip", "not measured: Ghostscript (gs) is not installed")
    from PIL import Image, ImageMath

    over, highest = [], 0.0
    with tempfile.TemporaryDirectory(prefix="brochure-ink-") as folder:
        done = subprocess.run([ghostscript, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dUseTrimBox",
                               "-sDEVICE=tiff32nc", "-r50", f"-sOutputFile={folder}/page-%05d.tif", str(path)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            return Rule("total ink coverage", "fail", f"Ghostscript could not render the file: "
                        f"{done.stderr.strip()[:200]}")
        for number, raster in enumerate(sorted(Path(folder).iterdir()), 1):
            with Image.open(raster) as picture:
                c, m, y, k = (band.convert("I") for band in picture.split())
                total = ImageMath.lambda_eval(lambda args: args["c"] + args["m"] + args["y"] + args["k"],
                                              c=c, m=m, y=y, k=k)
                coverage = total.getextrema()[1] / 255 * 100
            highest = max(highest, coverage)
            if coverage > profile.ink_limit + 1:  # one percent for rounding in the raster
                over.append(number)
    if over:
        return Rule("total ink coverage", "fail", f"up to {highest:.0f} %; the limit is {profile.ink_limit} %", over)
    return Rule("total ink coverage", "pass", f"at most {highest:.0f} % (limit {profile.ink_limit} %)")
