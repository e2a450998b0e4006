"""What WeasyPrint leaves to do for print and archive files, done with pikepdf.

- print: a meaningful output intent (FOGRA39, not the ICC file's description), no link
  annotations, blank pages to a multiple of four for saddle stitching, and crop marks
  in DeviceCMYK in a slug outside the bleed (WeasyPrint's own marks are RGB with
  transparency, which breaks PDF/X), and 100 % black set to overprint (pdf/overprint.py);
- archive: XMP metadata in the plain element form that strict PDF/A validators read.

Screen files are left exactly as WeasyPrint wrote them.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape

from brochure.model import MM
from brochure.pdf.masks import attach_soft_masks
from brochure.pdf.profiles import Profile

SLUG = 8 * MM  # room outside the bleed for the crop marks


@dataclass
class Finished:
    data: bytes
    blank_pages: int = 0  # added for saddle stitching, or to make the back cover a left-hand page
    before_back_cover: bool = False  # where they were added: before the back cover, else at the end
    back_cover_overflow: float = 0.0  # mm the back cover's foot rises above its room (cut off): 0 when it fits


def finish(data: bytes, profile: Profile, masks: dict[str, bytes] | None = None) -> Finished:
    """The PDF WeasyPrint wrote, finished for `profile`; `masks` are the alpha channels
    of print pictures, by image id, given back as soft masks (see masks.py)."""
    import pikepdf

    purpose = profile.purpose
    blank_pages, before_back_cover = 0, False
    with pikepdf.open(io.BytesIO(data)) as pdf:
        overflow = _back_cover_overflow(pdf)
        if not (purpose.press or purpose.printed_links or purpose.pdfa_metadata or masks):
            return Finished(data, back_cover_overflow=overflow)  # a screen PDF as WeasyPrint wrote it
        attach_soft_masks(pdf, masks or {})
        if purpose.printed_links:
            _drop_link_annotations(pdf)
        if purpose.press:
            blank_pages, before_back_cover = _for_press(pdf, profile)
        if purpose.pdfa_metadata:
            part, level = profile.variant.removeprefix("pdf/a-")[0], profile.variant[-1].upper()
            pdf.Root.Metadata = pikepdf.Stream(pdf, _xmp(pdf.docinfo, part, level),
                                               Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)
        out = io.BytesIO()
        # deterministic_id: the /ID is a digest of the content, so the same inputs still
        # give the same bytes.
        pdf.save(out, deterministic_id=True)
    return Finished(out.getvalue(), blank_pages, before_back_cover, overflow)


def _for_press(pdf, profile: Profile) -> tuple[int, bool]:
    """Output intent, bleed, PDF/X-1a without groups, black overprinting, padding and
    marks; returns the number of blank pages added, and whether before the back cover."""
    from brochure.pdf.overprint import overprint_black

    _output_intent(pdf, profile)
    _stable_document_id(pdf)
    _bleed_boxes(pdf, profile.bleed_mm * MM)
    if profile.variant == "pdf/x-1a":
        _drop_transparency_groups(pdf)
    overprint_black(pdf)  # before the marks: they lie in the slug, cut away, where overprint means nothing
    padding = _pad(pdf, 4 if profile.binding == "saddle-stitch" else 1)
    if profile.marks:
        _crop_marks(pdf, profile.bleed_mm * MM)
    return padding


def _stable_document_id(pdf) -> None:
    """WeasyPrint writes a random xmpMM:DocumentID into PDF/X-4 metadata, so two builds
    of the same brochure differ. Derive it from the file's /ID instead (itself a digest
    of the inputs): the same brochure keeps the same document ID, as it should."""
    import pikepdf

    if "/Metadata" not in pdf.Root or "/ID" not in pdf.trailer:
        return
    xmp = pdf.Root.Metadata.read_bytes()
    stable = uuid.uuid5(uuid.NAMESPACE_URL, "brochure:" + bytes(pdf.trailer.ID[0]).hex())
    fixed = re.sub(rb"xmp\.did:[0-9a-fA-F-]{36}", f"xmp.did:{stable}".encode(), xmp)
    if fixed != xmp:
        pdf.Root.Metadata.write(fixed)
        pdf.Root.Metadata.Type, pdf.Root.Metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML


def _output_intent(pdf, profile: Profile) -> None:
    import pikepdf

    for intent in pdf.Root.get("/OutputIntents", []):
        description = str(intent.get("/Info", ""))
        intent.OutputConditionIdentifier = pikepdf.String(profile.condition or description)
        intent.OutputCondition = pikepdf.String(description)
        intent.RegistryName = pikepdf.String("http://www.color.org")


def _bleed_boxes(pdf, bleed: float) -> None:
    """WeasyPrint declares at most 10 pt (3.53 mm) of bleed in the BleedBox although it
    paints all of it: declare what is there."""
    import pikepdf

    for page in pdf.pages:
        x0, y0, x1, y1 = (float(value) for value in page.TrimBox)
        page.BleedBox = pikepdf.Array([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])


def _drop_link_annotations(pdf) -> None:
    """In print a link is its printed address (the theme writes it out); an annotation
    inside the trim is forbidden in PDF/X and means nothing on paper."""
    import pikepdf

    for page in pdf.pages:
        if "/Annots" in page:
            kept = [annotation for annotation in page.Annots if annotation.get("/Subtype") != "/Link"]
            if kept:
                page.Annots = pikepdf.Array(kept)
            else:
                del page.Annots


def _drop_transparency_groups(pdf) -> None:
    """WeasyPrint draws some backgrounds inside transparency groups even when nothing in
    them is transparent; PDF/X-1a forbids the groups themselves. Content that is opaque
    looks the same without its group. Real transparency lives elsewhere (an opacity
    below 1 or a soft mask in a graphics state, an image's SMask): the preflight still
    finds it and refuses the file."""
    for page in pdf.pages:
        stack = list(page.Resources.get("/XObject", {}).values())
        seen = set()
        while stack:
            xobject = stack.pop()
            if xobject.objgen in seen or xobject.get("/Subtype") != "/Form":
                continue
            seen.add(xobject.objgen)
            if "/Group" in xobject and xobject.Group.get("/S") == "/Transparency":
                del xobject.Group
            stack.extend(xobject.get("/Resources", {}).get("/XObject", {}).values())


def _pad(pdf, multiple: int) -> tuple[int, bool]:
    """Blank pages so that the page count is a multiple of `multiple` (4: a
    saddle-stitched brochure is folded sheets of four pages). A back cover (the page of
    the theme's id "back-cover") must stay the outside back page: the blank pages go
    before it, and there are enough of them to make it an even (left-hand) page."""
    import pikepdf

    back = _back_cover(pdf)
    if back is not None:
        multiple = max(multiple, 2)
    missing = -len(pdf.pages) % multiple
    model = pdf.pages[-1]
    for _ in range(missing):
        blank = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=model.MediaBox, Resources=pikepdf.Dictionary())
        for box in ("/TrimBox", "/BleedBox", "/ArtBox", "/CropBox"):
            if box in model:
                blank[box] = model[box]
        if back is None:
            pdf.pages.append(pikepdf.Page(blank))
        else:
            pdf.pages.insert(back, pikepdf.Page(blank))
    return missing, back is not None


def _destinations(pdf, *names: str) -> list:
    """The named destinations `names` of the PDF ([page, /XYZ, left, top, zoom]), None
    for each it does not have."""
    import pikepdf

    tree = pikepdf.NameTree(pdf.Root.Names.Dests) if "/Dests" in pdf.Root.get("/Names", {}) else {}
    found = []
    for name in names:
        target = tree.get(name) if name in tree else None
        target = target.get("/D") if isinstance(target, pikepdf.Dictionary) else target
        found.append(target if isinstance(target, pikepdf.Array) and len(target) >= 4 else None)
    return found


def _back_cover_overflow(pdf) -> float:
    """How far, in mm, the back cover's foot (id back-foot, laid from the page's foot
    upwards) rises above the mark of its room (id back-top, under the logo): a foot
    taller than the page is cut off at its top, without a word from the layout."""
    top, foot = _destinations(pdf, "back-top", "back-foot")
    if top is None or foot is None or top[0].objgen != foot[0].objgen:
        return 0.0
    return max(0.0, (float(foot[3]) - float(top[3])) / MM)


def _back_cover(pdf) -> int | None:
    """The index of the back cover (id back-cover) when it is the last page, else None."""
    (target,) = _destinations(pdf, "back-cover")
    last = len(pdf.pages) - 1
    return last if target is not None and target[0].objgen == pdf.pages[last].objgen else None


def _crop_marks(pdf, bleed: float) -> None:
    """Eight short lines per page at the trim, in the slug, black only (100 % K)."""
    import pikepdf

    for page in pdf.pages:
        x0, y0, x1, y1 = (float(value) for value in page.TrimBox)
        start, end = bleed + 2, bleed + SLUG - 1  # from just outside the bleed, outwards
        lines = []
        for x, direction_x in ((x0, -1), (x1, 1)):
            for y in (y0, y1):
                lines.append((x + direction_x * start, y, x + direction_x * end, y))
        for y, direction_y in ((y0, -1), (y1, 1)):
            for x in (x0, x1):
                lines.append((x, y + direction_y * start, x, y + direction_y * end))
        drawing = "".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S\n" for a, b, c, d in lines)
        # WeasyPrint's stream changes the coordinate system without saving it: wrap it first.
        page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, f"Q\nq 0 0 0 1 K 0.25 w\n{drawing}Q\n".encode()))
        page.MediaBox = pikepdf.Array([x0 - bleed - SLUG, y0 - bleed - SLUG, x1 + bleed + SLUG, y1 + bleed + SLUG])


def _iso_date(value) -> str:
    text = str(value).removeprefix("D:")  # YYYYMMDDHHmmSS and a zone: Z or +hh'mm'
    stamp = f"{text[0:4]}-{text[4:6]}-{text[6:8]}T{text[8:10]}:{text[10:12]}:{text[12:14]}"
    zone = text[14:].replace("'", "")
    return stamp + ("Z" if zone in ("", "Z", "+0000") else f"{zone[:3]}:{zone[3:5]}")


# What PDF/A wants said twice, in the Info dictionary and in XMP: Info key, XMP
# property, and how XMP writes it.
_XMP_FIELDS = [("/Title", "dc:title", "alt"), ("/Author", "dc:creator", "seq"), ("/Subject", "dc:description", "alt"),
               ("/Producer", "pdf:Producer", "text"), ("/Keywords", "pdf:Keywords", "text"),
               ("/Creator", "xmp:CreatorTool", "text"), ("/CreationDate", "xmp:CreateDate", "date"),
               ("/ModDate", "xmp:ModifyDate", "date")]


def _xmp(info, part: str, level: str) -> bytes:
    """XMP that says what the Info dictionary says, as PDF/A requires."""
    written = {"dc": "", "pdf": "", "xmp": ""}
    for key, name, form in _XMP_FIELDS:
        if key not in info:
            continue
        value = _iso_date(info[key]) if form == "date" else escape(str(info[key]))
        if form == "alt":
            value = f'<rdf:Alt><rdf:li xml:lang="x-default">{value}</rdf:li></rdf:Alt>'
        elif form == "seq":
            value = f"<rdf:Seq><rdf:li>{value}</rdf:li></rdf:Seq>"
        written[name.split(":")[0]] += f"<{name}>{value}</{name}>"
    dublin_core, adobe_pdf, basic = written["dc"], written["pdf"], written["xmp"]
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>{part}</pdfaid:part><pdfaid:conformance>{level}</pdfaid:conformance></rdf:Description>
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">{dublin_core}</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">{adobe_pdf}</rdf:Description>
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">{basic}</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()
