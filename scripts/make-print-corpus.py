#!/usr/bin/env python3
"""Write the print-preflight corpus: tests/data/print-corpus/ (or --output DIR).

Good files are made the way `brochure build --profile print` makes them: WeasyPrint on a
tiny HTML page (colours in device-cmyk, the shipped ICC profile as @color-profile, the
theme's Open Sans), then brochure.pdf.finish.finish for a PDF/X-4 (or X-1a). Each faulty
file is one of those with exactly ONE fault injected by pikepdf; its name says which.
manifest.json says, for every file, the options to check it with (variant, condition,
binding) and which rules must fail ("fails") or warn ("warns"); none for a good file.

Deterministic: fixed SOURCE_DATE_EPOCH, fixed /ID seeds, no random encryption salts,
so running it twice gives the same bytes (tests/pdf/test_print_corpus.py checks).

    .venv/bin/python scripts/make-print-corpus.py [--output DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pikepdf

REPO = Path(__file__).resolve().parent.parent
ICC = REPO / "brochure" / "icc" / "ISOcoated_v2_300_bas.icc"
FONT = REPO / "brochure" / "styles" / "default" / "fonts" / "OpenSans-Regular.ttf"
EPOCH = "1700000000"  # 2023-11-14
MM = 72 / 25.4
BODY = """<h1>Preflight corpus</h1>
<p>Body text in black ink only, twelve points, as a press wants it.</p>
<p class=small>Small print in one ink: cyan only.</p>
<p class=rule>A rule of half a point in black.</p>"""
CSS = """@font-face {{ font-family: Corpus; src: url({font}) }}
@color-profile --press {{ src: url({icc}); components: cyan, magenta, yellow, black; }}
@page {{ size: A6; bleed: 3mm; marks: none; margin: 12mm }}
html {{ font-family: Corpus; font-size: 12pt; color: device-cmyk(0 0 0 1) }}
h1 {{ font-size: 20pt; font-weight: normal; color: device-cmyk(0.6 0.4 0.4 1) }}
.small {{ font-size: 7pt; color: device-cmyk(1 0 0 0) }}
.rule {{ border-bottom: 0.5pt solid device-cmyk(0 0 0 1) }}
.box {{ height: 20mm; background: device-cmyk(0.2 0.6 0 0); opacity: 0.5 }}
section {{ break-after: page }}
"""


# A compact CMYK output profile. The shipped ISO Coated v2 profile is 1 MB and every
# PDF/X file embeds its output profile: sixty copies would weigh 50 MB. This stand-in
# (a few hundred bytes, valid for LittleCMS, class prtr, CMYK to Lab) is labelled FOGRA39
# by finish() like the real one; one good file embeds the real profile.

def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _lut16(inputs: int, outputs: int, table) -> bytes:
    """A lut16Type with two grid points per input and identity curves."""
    matrix = b"".join(_s15(1.0 if row == col else 0.0) for row in range(3) for col in range(3))
    head = b"mft2" + b"\0" * 4 + bytes([inputs, outputs, 2, 0]) + matrix + struct.pack(">HH", 2, 2)
    curves, grid = struct.pack(">HH", 0, 65535), b""
    for corner in range(2 ** inputs):
        point = [(corner >> (inputs - 1 - axis)) & 1 for axis in range(inputs)]
        grid += struct.pack(f">{outputs}H", *table(point))
    return head + curves * inputs + grid + curves * outputs


def _lab(point):  # a CMYK corner -> Lab (16-bit v2 encoding): a rough grey model
    c, m, y, k = point
    return (round((1 - min(1.0, 0.25 * c + 0.3 * m + 0.15 * y + 0.9 * k)) * 0xFF00), 0x8000, 0x8000)


def compact_profile(description: str = "Corpus stand-in for FOGRA39 (not a characterisation)") -> bytes:
    desc = (b"desc" + b"\0" * 4 + struct.pack(">I", len(description) + 1) + description.encode() + b"\0"
            + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + b"\0" * 67)
    tags = {b"desc": desc, b"cprt": b"text" + b"\0" * 4 + b"No copyright, made for tests\0",
            b"wtpt": b"XYZ " + b"\0" * 4 + _s15(0.9642) + _s15(1.0) + _s15(0.8249),
            b"A2B0": _lut16(4, 3, _lab), b"B2A0": _lut16(3, 4, lambda p: (0, 0, 0, 65535 if p[0] == 0 else 0)),
            b"gamt": _lut16(3, 1, lambda p: (0,))}
    shared = {b"A2B1": b"A2B0", b"A2B2": b"A2B0", b"B2A1": b"B2A0", b"B2A2": b"B2A0"}
    count = len(tags) + len(shared)
    offset, placed, body = 128 + 4 + 12 * count, {}, b""
    for signature, data in tags.items():
        placed[signature] = (offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    placed.update({signature: placed[same] for signature, same in shared.items()})
    table = struct.pack(">I", count) + b"".join(sig + struct.pack(">II", *placed[sig]) for sig in [*tags, *shared])
    header = (struct.pack(">I", 128 + len(table) + len(body)) + b"\0" * 4 + struct.pack(">I", 0x02100000)
              + b"prtrCMYKLab " + struct.pack(">6H", 2023, 11, 14, 0, 0, 0) + b"acsp" + b"\0" * 28
              + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\0" * 48)
    return header + table + body


def rgb_profile() -> bytes:
    """LittleCMS's sRGB, its creation date and ID zeroed (they would change every run)."""
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    data[24:36], data[84:100] = bytes(12), bytes(16)
    return bytes(data)


def render(body: str = BODY, variant: str = "pdf/x-4", marks: bool = False, real_icc: bool = False) -> bytes:
    """One PDF made as a print build makes it: WeasyPrint, then finish()."""
    import base64

    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from brochure.pdf.finish import finish
    from brochure.pdf.profiles import resolve

    icc = ICC.as_uri() if real_icc else "data:application/vnd.iccprofile;base64," + base64.b64encode(
        compact_profile()).decode()
    css = CSS.format(font=FONT.as_uri(), icc=icc)
    html = ("<html lang=en><head><title>Preflight corpus</title><meta name=author content=brochure>"
            "<meta name=dcterms.created content=2023-11-14T00:00:00Z>"
            f"<meta name=dcterms.modified content=2023-11-14T00:00:00Z></head><body>{body}</body></html>")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    profiles: dict = {}
    fonts = FontConfiguration()  # without one, @font-face is ignored and the system's fonts are used
    stylesheet = weasyprint.CSS(string=css, color_profiles=profiles, font_config=fonts)
    document = weasyprint.HTML(string=html, base_url=REPO.as_uri() + "/").render(
        stylesheets=[stylesheet], color_profiles=profiles, font_config=fonts, pdf_variant=variant,
        output_intent="--press")
    data = document.write_pdf(pdf_identifier=b"0" * 32, pdf_variant=variant, output_intent="--press")
    return finish(data, replace(resolve("print"), variant=variant, marks=marks)).data


def bases() -> dict[str, bytes]:
    sections = "".join(f"<section><h1>Page {n}</h1><p>Text on page {n}.</p></section>" for n in range(1, 5))
    return {
        "x4": render(),
        "x4-real-icc": render(real_icc=True),
        "x4-transparency": render(BODY + "<div class=box></div>"),
        "x1a": render(variant="pdf/x-1a"),
        "x4-marks": render(marks=True),
        "x4-4-pages": render(sections),
        "x4-5-pages": render(sections + "<section><h1>Page 5</h1></section>"),
    }

# ---- injecting one fault with pikepdf ----

def edit(change, **save):
    """A fault: the base opened, `change(pdf)` applied, saved with a content-derived /ID."""
    def inject(data: bytes) -> bytes:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            change(pdf)
            out = io.BytesIO()
            pdf.save(out, **({"deterministic_id": True} | save))
        return out.getvalue()
    return inject


def draw(content: str, resources: dict | None = None, page: int = 0):
    """Draw `content` on top of a page, in default user space (origin: the trim's lower
    left corner); `resources` maps a kind (/ExtGState, /XObject, …) to {name: maker(pdf)}."""
    def change(pdf):
        target = pdf.pages[page]
        font = next(iter(target.Resources.Font.keys()))
        target.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
        target.contents_add(pikepdf.Stream(pdf, f"Q\nq\n{content.replace('/F ', font + ' ')}\nQ\n".encode()))
        for kind, entries in (resources or {}).items():
            if kind not in target.Resources:
                target.Resources[kind] = pikepdf.Dictionary()
            for name, maker in entries.items():
                target.Resources[kind][name] = maker(pdf)
    return change


def text(colour: str, size: float = 12, x: float = 20, y: float = 60, before: str = "") -> str:
    """Five glyphs of the page's own (embedded) font."""
    return f"{before} BT /F {size} Tf {colour} {x} {y} Td <00030004000500060007> Tj ET"


def state(**entries):
    return lambda pdf: pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, **entries)


OVERPRINT = {"/ExtGState": {"/GSop": state(OP=True, op=True, OPM=1)}}


def image(width: int, height: int | None = None, space: str = "/DeviceCMYK", bits: int = 8, value: int = 60,
          mask: bool = False, icc: bytes | None = None):
    """An image XObject of one flat value (tiny once compressed)."""
    def make(pdf):
        components = 1 if mask or space == "/DeviceGray" else 3 if space in ("/DeviceRGB", "icc") else 4
        rows = height or width
        raw = bytes([value]) * (((width * components * bits + 7) // 8) * rows)
        extra = {"ImageMask": True} if mask else {
            "ColorSpace": pikepdf.Array([pikepdf.Name.ICCBased, pikepdf.Stream(pdf, icc, N=3)]) if icc
            else pikepdf.Name(space)}
        return pikepdf.Stream(pdf, zlib.compress(raw, 9), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                              Width=width, Height=rows, BitsPerComponent=1 if mask else bits,
                              Filter=pikepdf.Name.FlateDecode, **extra)
    return make


def placed(name: str, size_mm: float = 20, x: float = 30, y: float = 120, colour: str = "") -> str:
    side = size_mm * MM
    return f"q {colour} {side:.3f} 0 0 {side:.3f} {x} {y} cm {name} Do Q"


def inline(width: int, size_mm: float = 20) -> str:
    data = zlib.compress(bytes([60]) * width * width * 4, 9).hex() + ">"
    side = size_mm * MM
    return (f"q {side:.3f} 0 0 {side:.3f} 30 120 cm "
            f"BI /W {width} /H {width} /CS /CMYK /BPC 8 /F [/AHx /Fl] ID {data} EI Q")


def form(content: bytes, group_space: str, box=(0, 0, 60, 60)):
    def make(pdf):
        return pikepdf.Stream(pdf, content, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                              BBox=pikepdf.Array(box), Resources=pikepdf.Dictionary(),
                              Group=pikepdf.Dictionary(S=pikepdf.Name.Transparency, CS=pikepdf.Name(group_space)))
    return make


def soft_mask(group_space: str):
    return lambda pdf: pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, SMask=pikepdf.Dictionary(
        Type=pikepdf.Name.Mask, S=pikepdf.Name.Luminosity, G=form(b"0.5 g 0 0 200 200 re f", group_space,
                                                                  (0, 0, 200, 200))(pdf)))


def annotation(rect, action=None, appearance: bytes | None = None, subtype: str = "/Link"):
    def change(pdf):
        entries = {"Type": pikepdf.Name.Annot, "Subtype": pikepdf.Name(subtype), "Rect": pikepdf.Array(rect),
                   "Border": pikepdf.Array([0, 0, 0]), "F": 4}
        if action is not None:
            entries["A"] = action(pdf)
        if appearance is not None:
            entries["AP"] = pikepdf.Dictionary(N=pikepdf.Stream(pdf, appearance, Type=pikepdf.Name.XObject,
                                                                Subtype=pikepdf.Name.Form, BBox=pikepdf.Array(
                                                                    [0, 0, rect[2] - rect[0], rect[3] - rect[1]])))
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(**entries))]))
    return change


def action(kind: str, **entries):
    def make(pdf):
        return pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name("/" + kind), **{
            key: pikepdf.String(value) for key, value in entries.items()}))
    return make


def page_key(key: str, maker):
    def change(pdf):
        pdf.pages[0].obj[key] = maker(pdf)
    return change


def root(key: str, maker):
    def change(pdf):
        pdf.Root[key] = maker(pdf)
    return change


def javascript_names(pdf):
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    script = action("JavaScript", JS="app.alert('hello')")(pdf)
    pdf.Root.Names.JavaScript = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("hello"), script]))


def boxes(trim_grow: float = 0, bleed_mm: float = 3, keep: bool = True, page: int = 0):
    """Rewrite a page's boxes: the trim `trim_grow` points wider, the bleed `bleed_mm`."""
    def change(pdf):
        target = pdf.pages[page]
        x0, y0, x1, y1 = (float(v) for v in target.TrimBox)
        if not keep:
            del target.TrimBox, target.BleedBox
            return
        x1 += trim_grow
        bleed = bleed_mm * MM
        target.TrimBox = pikepdf.Array([x0, y0, x1, y1])
        target.BleedBox = pikepdf.Array([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])
        media = max(bleed, 3 * MM)
        target.MediaBox = pikepdf.Array([x0 - media, y0 - media, x1 + media, y1 + media])
    return change


def xmp(old: str, new: str):
    import re

    def change(pdf):
        data = pdf.Root.Metadata.read_bytes().decode()
        pdf.Root.Metadata.write(re.sub(old, new, data).encode())
    return change


def info(**entries):
    def change(pdf):
        for key, value in entries.items():
            if value is None:
                del pdf.docinfo[f"/{key}"]
            else:
                pdf.docinfo[f"/{key}"] = value
    return change


def intent(change_intent):
    def change(pdf):
        change_intent(pdf, pdf.Root.OutputIntents[0])
    return change


def two_intents(pdf, first):
    pdf.Root.OutputIntents.append(pdf.make_indirect(pikepdf.Dictionary(
        {key: value for key, value in first.items()} | {"/OutputConditionIdentifier": pikepdf.String("FOGRA51")})))


def replaced_profile(data: bytes, components: int):
    def change_intent(pdf, first):
        first.DestOutputProfile = pdf.make_indirect(pikepdf.Stream(pdf, data, N=components))
    return change_intent


def monitor_class(pdf, first):
    data = bytearray(first.DestOutputProfile.read_bytes())
    data[12:16] = b"mntr"
    replaced_profile(bytes(data), 4)(pdf, first)


def raw(change_bytes):
    """A fault in the file's bytes (damage), after a plain save without object streams."""
    def inject(data: bytes) -> bytes:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
        return change_bytes(out.getvalue())
    return inject


def without_id(data: bytes) -> bytes:
    import re

    return re.sub(rb"/ID \[ ?<[0-9a-f]+> ?<[0-9a-f]+> ?\]", lambda m: b" " * len(m[0]), data)


def wrong_startxref(data: bytes) -> bytes:
    head = data.rpartition(b"startxref")[0]
    return head + b"startxref\n" + str(len(head) // 3).encode() + b"\n%%EOF\n"


def broken_stream(pdf):
    damaged = pikepdf.Stream(pdf, b"this is not compressed data, though it says so")
    damaged.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].contents_add(damaged)


def encrypted(data: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        out = io.BytesIO()
        pdf.save(out, static_id=True, encryption=pikepdf.Encryption(owner="shop", user="", R=4, aes=False,
                                                                    metadata=False))
    return out.getvalue()


def forced(version: str):
    return edit(lambda pdf: None, force_version=version)


X1A = {"variant": "pdf/x-1a"}
SADDLE = {"binding": "saddle-stitch"}
K = "0 0 0 1 k"
BLEED_LEFT = -3 * MM

# name: (base, check options, rules that must fail, rules that must warn, the fault)
GOOD = {
    "good-x4": ("x4", {}, (), (), None),
    "good-x4-shipped-profile": ("x4-real-icc", {}, (), (), None),
    "good-x4-transparency": ("x4-transparency", {}, (), (), None),
    "good-x1a": ("x1a", X1A, (), (), None),
    "good-saddle-stitched": ("x4-4-pages", SADDLE, (), (), None),
    "good-crop-marks-and-slug-hairline": ("x4-marks", {}, (), (), edit(draw(
        "1 1 1 1 K 0.05 w -20 100 m -14 100 l S"))),
    "good-1bit-image-1200ppi": ("x4", {}, (), (), edit(draw(placed("/Im1", colour=K), {
        "/XObject": {"/Im1": image(960, bits=1, mask=True, value=0x55)}}))),
    "good-cmyk-image-300ppi": ("x4", {}, (), (), edit(draw(placed("/Im1"), {"/XObject": {"/Im1": image(240)}}))),
    "good-inline-image-300ppi": ("x4", {}, (), (), edit(draw(inline(240)))),
    "good-overprinted-black-text": ("x4", {}, (), (), edit(draw(text(K, 9, before="/GSop gs")
                                                              + " 0 0 0 1 K 0.5 w 20 90 m 200 90 l S", OVERPRINT))),
    "good-two-ink-text-10pt": ("x4", {}, (), (), edit(draw(text("1 0.6 0 0 k", 10)))),
    "good-rich-black-headline-24pt": ("x4", {}, (), (), edit(draw(text("0.6 0.4 0.4 1 k", 24)))),
    "good-quarter-point-line": ("x4", {}, (), (), edit(draw("0 0 0 1 K 0.25 w 20 90 m 200 90 l S"))),
    "good-link-in-the-bleed": ("x4", {}, (), (), edit(annotation(
        [BLEED_LEFT + 1, 100, -1, 110], action("URI", URI="https://example.org")))),
    "good-grey-soft-mask": ("x4", {}, (), (), edit(draw("/GSm gs 0.2 0 0 0 k 20 120 60 60 re f", {
        "/ExtGState": {"/GSm": soft_mask("/DeviceGray")}}))),
}

OUTSIDE_TRIM = [BLEED_LEFT + 1, 100, -1, 110]
JS = action("JavaScript", JS="app.alert('hello')")
CASES = {
    # colour spaces
    "bad-rgb-text": ("x4", {}, ("colour spaces",), (), edit(draw(text("0.8 0.1 0.1 rg"))), ),
    "bad-rgb-fill": ("x4", {}, ("colour spaces",), (), edit(draw("0.2 0.4 0.6 rg 20 120 60 60 re f"))),
    "bad-rgb-image": ("x4", {}, ("colour spaces",), (), edit(draw(placed("/Im1"), {
        "/XObject": {"/Im1": image(240, space="/DeviceRGB", value=120)}}))),
    "bad-icc-rgb-image": ("x4", {}, ("colour spaces",), (), edit(draw(placed("/Im1"), {
        "/XObject": {"/Im1": image(240, space="icc", value=120, icc=rgb_profile())}}))),
    "bad-rgb-shading": ("x4", {}, ("colour spaces",), (), edit(draw("20 120 60 60 re W n /Sh1 sh", {
        "/Shading": {"/Sh1": lambda pdf: pikepdf.Dictionary(
            ShadingType=2, ColorSpace=pikepdf.Name.DeviceRGB, Coords=[20, 120, 80, 180],
            Function=pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0.9, 0.8, 0.2],
                                                      C1=[0.2, 0.3, 0.6], N=1))}}))),
    "bad-rgb-annotation-appearance": ("x4", {}, ("colour spaces",), (), edit(annotation(
        OUTSIDE_TRIM, appearance=b"0.9 0.1 0.1 rg 0 0 6 10 re f", subtype="/Square"))),
    # boxes, sizes, count
    "bad-missing-bleed": ("x4", {}, ("page boxes and bleed",), (), edit(boxes(bleed_mm=0))),
    "bad-bleed-2mm": ("x4", {}, ("page boxes and bleed",), (), edit(boxes(bleed_mm=2))),
    "bad-no-trimbox": ("x4", {}, ("page boxes and bleed",), (), edit(boxes(keep=False))),
    "bad-mixed-page-sizes": ("x4-4-pages", {}, ("page sizes",), (), edit(boxes(trim_grow=30, page=2))),
    "bad-page-count-saddle-stitch": ("x4-5-pages", SADDLE, ("page count",), (), None),
    # fonts
    "bad-unembedded-font": ("x4", {}, ("fonts embedded",), (), edit(draw(
        f"BT /Helv 12 Tf {K} 20 60 Td (Helvetica) Tj ET", {"/Font": {"/Helv": lambda pdf: pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)}}))),
    # transparency and blending spaces
    "bad-x1a-transparency": ("x1a", X1A, ("transparency",), (), edit(draw(
        "/GSa gs 0 0 0 0.5 k 20 120 60 60 re f", {"/ExtGState": {"/GSa": state(ca=0.5)}}))),
    "bad-rgb-page-group": ("x4", {}, ("blending spaces",), (), edit(page_key("/Group", lambda pdf: pikepdf.Dictionary(
        S=pikepdf.Name.Transparency, CS=pikepdf.Name.DeviceRGB)))),
    "bad-rgb-form-group": ("x4", {}, ("blending spaces",), (), edit(draw("q 1 0 0 1 20 120 cm /Fm1 Do Q", {
        "/XObject": {"/Fm1": form(b"0 0 0 1 k 0 0 60 60 re f", "/DeviceRGB")}}))),
    "bad-rgb-soft-mask-group": ("x4", {}, ("blending spaces",), (), edit(draw(
        "/GSm gs 0.2 0 0 0 k 20 120 60 60 re f", {"/ExtGState": {"/GSm": soft_mask("/DeviceRGB")}}))),
    # overprint
    "bad-white-overprint-fill": ("x4", {}, ("white overprint",), (), edit(draw(
        "/GSop gs 0 0 0 0 k 20 120 60 60 re f", OVERPRINT))),
    "bad-white-overprint-text": ("x4", {}, ("white overprint",), (), edit(draw(
        text("0 0 0 0 k", before="/GSop gs"), OVERPRINT))),
    "bad-white-overprint-stroke": ("x4", {}, ("white overprint",), (), edit(draw(
        "/GSop gs 0 0 0 0 K 1 w 20 90 m 200 90 l S", OVERPRINT))),
    "bad-white-overprint-grey": ("x4", {}, ("white overprint",), (), edit(draw(
        "/GSop gs 1 g 20 120 60 60 re f", OVERPRINT))),
    # text
    "bad-small-text-two-inks": ("x4", {}, ("small text in several inks",), (), edit(draw(text("1 0.6 0 0 k", 7)))),
    "bad-small-text-scaled-three-inks": ("x4", {}, ("small text in several inks",), (), edit(draw(
        text("0.4 0.4 0.4 0 k", 12, before="0.5 0 0 0.5 0 0 cm")))),
    "bad-rich-black-text-10pt": ("x4", {}, ("rich black text",), (), edit(draw(text("0.6 0.4 0.4 1 k", 10)))),
    "bad-rich-black-text-6pt": ("x4", {}, ("rich black text",), (), edit(draw(text("0.3 0.3 0.3 1 k", 6)))),
    # lines
    "bad-hairline-zero-width": ("x4", {}, ("hairlines",), (), edit(draw("0 0 0 1 K 0 w 20 90 m 200 90 l S"))),
    "bad-hairline-0.1pt": ("x4", {}, ("hairlines",), (), edit(draw("0 0 0 1 K 0.1 w 20 90 m 200 90 l S"))),
    "bad-hairline-scaled": ("x4", {}, ("hairlines",), (), edit(draw(
        "0.1 0 0 0.1 0 0 cm 0 0 0 1 K 1 w 200 900 m 2000 900 l S"))),
    "warn-thin-line-two-inks": ("x4", {}, (), ("thin lines in several inks",), edit(draw(
        "1 1 0 0 K 0.3 w 20 90 m 200 90 l S"))),
    # annotations and actions
    "bad-link-in-trim": ("x4", {}, ("annotations",), (), edit(annotation(
        [20, 100, 120, 112], action("URI", URI="https://example.org")))),
    "bad-javascript-names": ("x4", {}, ("JavaScript and actions",), (), edit(javascript_names)),
    "bad-open-action-javascript": ("x4", {}, ("JavaScript and actions",), (), edit(root("/OpenAction", JS))),
    "bad-open-action-launch": ("x4", {}, ("JavaScript and actions",), (), edit(root(
        "/OpenAction", action("Launch", F="setup.exe")))),
    "bad-document-additional-actions": ("x4", {}, ("JavaScript and actions",), (), edit(root(
        "/AA", lambda pdf: pikepdf.Dictionary(WC=JS(pdf))))),
    "bad-page-additional-actions": ("x4", {}, ("JavaScript and actions",), (), edit(page_key(
        "/AA", lambda pdf: pikepdf.Dictionary(O=JS(pdf))))),
    "bad-javascript-link-in-the-bleed": ("x4", {}, ("JavaScript and actions",), (), edit(annotation(
        OUTSIDE_TRIM, JS))),
    # output intent
    "bad-no-output-intent": ("x4", {}, ("output intent (GTS_PDFX)",), (), edit(lambda pdf: pdf.Root.__delitem__(
        "/OutputIntents"))),
    "bad-two-output-intents": ("x4", {}, ("output intent (GTS_PDFX)",), (), edit(intent(two_intents))),
    "bad-output-intent-rgb-profile": ("x4", {}, ("output intent (GTS_PDFX)",), (), edit(intent(
        replaced_profile(rgb_profile(), 3)))),
    "bad-output-intent-monitor-profile": ("x4", {}, ("output intent (GTS_PDFX)",), (), edit(intent(
        monitor_class))),
    "bad-output-intent-wrong-condition": ("x4", {}, ("output intent (GTS_PDFX)",), (), edit(intent(
        lambda pdf, first: first.__setitem__("/OutputConditionIdentifier", pikepdf.String(
            "FOGRA51"))))),
    "bad-output-intent-without-profile": ("x4", {}, ("output intent (GTS_PDFX)",), (), edit(intent(
        lambda pdf, first: first.__delitem__("/DestOutputProfile")))),
    # labels, versions, metadata
    "bad-pdfx-label-x3-for-x4": ("x4", {}, ("PDF/X version",), (), edit(xmp(">PDF/X-4<", ">PDF/X-3:2002<"))),
    "bad-no-pdfx-label": ("x4", {}, ("PDF/X version",), (), edit(xmp(
        "<pdfx(id)?:GTS_PDFX(Version|Conformance)>[^<]*</pdfx(id)?:GTS_PDFX(Version|Conformance)>", ""))),
    "bad-pdf-1.7-for-x4": ("x4", {}, ("PDF version",), (), forced("1.7")),
    "bad-pdf-1.6-for-x1a": ("x1a", X1A, ("PDF version",), (), forced("1.6")),
    "bad-no-title": ("x4", {}, ("title and dates",), (), edit(lambda pdf: (info(Title=None)(pdf), xmp(
        "<dc:title>.*?</dc:title>", "")(pdf)))),
    "bad-no-creation-date": ("x4", {}, ("title and dates",), (), edit(info(CreationDate=None))),
    "bad-no-modification-date": ("x4", {}, ("title and dates",), (), edit(info(ModDate=None))),
    "bad-malformed-modification-date": ("x4", {}, ("title and dates",), (), edit(info(ModDate="14/11/2023"))),
    "bad-no-trapped-key": ("x4", {}, ("Trapped key",), (), edit(info(Trapped=None))),
    "bad-no-document-id": ("x4", {}, ("document identifier",), (), raw(without_id)),
    "bad-encrypted": ("x4", {}, ("encryption",), (), encrypted),
    # pictures
    "bad-low-resolution-image": ("x4", {}, ("image resolution",), (), edit(draw(placed("/Im1"), {
        "/XObject": {"/Im1": image(60)}}))),
    "bad-low-resolution-inline-image": ("x4", {}, ("image resolution",), (), edit(draw(inline(60)))),
    "bad-low-resolution-grey-image-enlarged": ("x4", {}, ("image resolution",), (), edit(draw(placed(
        "/Im1", 40), {"/XObject": {"/Im1": image(200, space="/DeviceGray", value=150)}}))),
    "bad-1bit-image-300ppi": ("x4", {}, ("1-bit image resolution",), (), edit(draw(placed("/Im1", colour=K), {
        "/XObject": {"/Im1": image(240, bits=1, mask=True, value=0x55)}}))),
    "bad-1bit-grey-image-400ppi": ("x4", {}, ("1-bit image resolution",), (), edit(draw(placed("/Im1"), {
        "/XObject": {"/Im1": image(315, space="/DeviceGray", bits=1, value=0x55)}}))),
    "warn-1bit-image-600ppi": ("x4", {}, (), ("1-bit image resolution",), edit(draw(placed("/Im1", colour=K), {
        "/XObject": {"/Im1": image(480, bits=1, mask=True, value=0x55)}}))),
    # ink
    "bad-over-ink-400": ("x4", {}, ("total ink coverage",), (), edit(draw("1 1 1 1 k 20 120 60 60 re f"))),
    "bad-over-ink-320": ("x4", {}, ("total ink coverage",), (), edit(draw("1 1 1 0.2 k 20 120 60 60 re f"))),
    "bad-over-ink-in-the-bleed": ("x4", {}, ("total ink coverage",), (), edit(draw(
        f"1 1 1 1 k {BLEED_LEFT:.3f} 120 {-BLEED_LEFT + 5:.3f} 90 re f"))),
    # damage
    "bad-damaged-not-readable": ("x4", {}, ("file structure",), (), lambda data: data[:400] + b"\n" + bytes(
        range(256)) * 8),
    # cut where the trailer was: the /ID and the Info dictionary (title, dates, Trapped) are lost with it
    "bad-damaged-truncated": ("x4", {}, ("file structure", "title and dates", "Trapped key", "document identifier"),
                              (), raw(lambda data: data[:-300])),
    "bad-damaged-xref": ("x4", {}, ("file structure",), (), raw(wrong_startxref)),
    "bad-damaged-content-stream": ("x4", {}, ("file structure",), (), edit(broken_stream)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=REPO / "tests" / "data" / "print-corpus")
    target = parser.parse_args().output
    target.mkdir(parents=True, exist_ok=True)
    made = bases()
    manifest: dict = {"about": "Written by scripts/make-print-corpus.py: each bad-* file has one fault, each "
                               "warn-* file one fault of warning severity, good-* files none. Check each with "
                               "`brochure check --pdf FILE --profile print` and the options given.",
                      "files": {}}
    for name, (base, options, fails, warns, inject) in sorted({**GOOD, **CASES}.items()):
        data = inject(made[base]) if inject else made[base]
        (target / f"{name}.pdf").write_bytes(data)
        manifest["files"][f"{name}.pdf"] = {"variant": options.get("variant", "pdf/x-4"),
                                            "condition": options.get("condition", "FOGRA39"),
                                            "binding": options.get("binding", "none"),
                                            "fails": list(fails), "warns": list(warns)}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(manifest['files'])} files into {target}")


if __name__ == "__main__":
    main()
