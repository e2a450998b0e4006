"""Rules on what is drawn: text sizes in several inks, rich black, hairlines and thin
lines, white set to overprint, blending spaces, and the resolution of pictures.

Thresholds follow the Ghent Workgroup's GWG2015 specification, variant SheetCmyk_CMYK
(sheet-fed offset, CMYK, on PDF/X-4), and its severities (error: the file is refused;
warning: reported, never refuses a file). Where a figure is ours, it says so. (The public
descriptions at hand confirm GWG2015's checks by name; the figures are the SheetCmyk
ones as we know them: compare with the specification itself before relying on one.)
Only what lies inside the BleedBox is judged: crop marks and slug text are cut away.
"""

from __future__ import annotations

from brochure.pdf.preflight.facts import Colour, overlaps, position
from brochure.pdf.preflight.verdict import Finding, Rule, Subject, judged

# GWG2015 "Small Text": text in two or more inks must be at least 9 pt (misregistration
# blurs it); error.
SMALL_TEXT_PT = 9.0
# GWG2015 "Rich Black Text": black text below 12 pt must be black ink only; error.
# Black is K at 85 % or more (our reading of "black"); rich: any C, M or Y with it.
RICH_BLACK_TEXT_PT = 12.0
BLACK_FROM = 0.85
# GWG2015 "Effective Line Width": lines thinner than 0.125 pt (0.044 mm) break up on
# press; a width of 0 is a device hairline, the thinnest line the device can draw; error.
HAIRLINE_PT = 0.125
# Lines in several inks thinner than 0.5 pt (0.18 mm) show misregistration: printers'
# usual advice, graded a warning here (ours).
THIN_MULTI_INK_PT = 0.5
# GWG2015 "Image Resolution for 1-bit Images" (SheetCmyk): error below 550 ppi, warning
# below 800 ppi. Continuous-tone images use the profile's min_ppi (300 by default, stricter
# than GWG's 150 ppi error / 225 ppi warning).
ONE_BIT_ERROR_PPI, ONE_BIT_WARNING_PPI = 550, 800
# GWG2015 "Transparency Blend Color Space": every group's blending space must be CMYK.
# A luminosity soft mask measures grey, so its group may also blend in grey (ours).
CMYK_SPACES = {"DeviceCMYK", "ICCBased(4)"}
MASK_SPACES = CMYK_SPACES | {"DeviceGray", "ICCBased(1)"}


def _inside(subject: Subject, number: int, box) -> bool:
    return overlaps(box, subject.bleed(number))


def _at(subject: Subject, number: int, box) -> str:
    return position(box, subject.trim(number))


def _text(subject: Subject, number: int, text) -> str:
    box = (text.at[0], text.at[1], text.at[0], text.at[1] + text.size)
    return f"text in {text.font} at {text.size:.1f} pt, {_at(subject, number, box)}"


def _texts(subject: Subject):
    for number, page in enumerate(subject.facts, 1):
        for text in page.texts.values():
            box = (text.at[0], text.at[1], text.at[0] + text.size, text.at[1] + text.size)
            inks = text.colour.inks()
            if inks is not None and _inside(subject, number, box):
                yield number, text, inks


def small_text(subject: Subject) -> Rule:
    errors = [Finding(number, _text(subject, number, text), f"{text.size:.1f} pt in {len(inks)} inks ({text.colour})",
                      f"{SMALL_TEXT_PT:g} pt in two or more inks")
              for number, text, inks in _texts(subject)
              if len(inks) >= 2 and text.colour.black() < BLACK_FROM and text.size < SMALL_TEXT_PT - 0.01]
    return judged("small text in several inks", errors, f"text below {SMALL_TEXT_PT:g} pt in several inks "
                  "({count} found): misregistration blurs it; use one ink or a larger size",
                  f"no text below {SMALL_TEXT_PT:g} pt in several inks", f"{SMALL_TEXT_PT:g} pt")


def rich_black_text(subject: Subject) -> Rule:
    errors = [Finding(number, _text(subject, number, text), f"{text.colour}", f"black text below "
                      f"{RICH_BLACK_TEXT_PT:g} pt in K only")
              for number, text, inks in _texts(subject)
              if text.colour.black() >= BLACK_FROM and inks - {"K"} and text.size < RICH_BLACK_TEXT_PT - 0.01]
    return judged("rich black text", errors, f"black text below {RICH_BLACK_TEXT_PT:g} pt "
                  "also in C, M or Y ({count} found): small black text must be 100 % K only",
                  f"no rich black text below {RICH_BLACK_TEXT_PT:g} pt", f"{RICH_BLACK_TEXT_PT:g} pt")


def _line(subject: Subject, number: int, stroke) -> str:
    return f"line in {stroke.colour}, {_at(subject, number, stroke.box)}"


def hairlines(subject: Subject) -> Rule:
    errors = [Finding(number, _line(subject, number, stroke),
                      "width 0 (a device hairline)" if stroke.width == 0 else f"{stroke.width:.3f} pt wide",
                      f"{HAIRLINE_PT} pt")
              for number, page in enumerate(subject.facts, 1) for stroke in sorted(page.strokes, key=str)
              if stroke.width < HAIRLINE_PT - 0.0005 and _inside(subject, number, stroke.box)]
    return judged("hairlines", errors, f"lines thinner than {HAIRLINE_PT} pt ({{count}} found, e.g. "
                  "{first}): they break up or vanish on press", f"no line thinner than {HAIRLINE_PT} pt",
                  f"{HAIRLINE_PT} pt")


def thin_lines(subject: Subject) -> Rule:
    warnings = [Finding(number, _line(subject, number, stroke), f"{stroke.width:.3f} pt wide in "
                        f"{len(inks)} inks", f"{THIN_MULTI_INK_PT} pt in two or more inks")
                for number, page in enumerate(subject.facts, 1) for stroke in sorted(page.strokes, key=str)
                if (inks := stroke.colour.inks()) is not None and len(inks) >= 2
                and HAIRLINE_PT - 0.0005 <= stroke.width < THIN_MULTI_INK_PT - 0.0005
                and _inside(subject, number, stroke.box)]
    return judged("thin lines in several inks", [], f"lines below {THIN_MULTI_INK_PT} pt in several inks "
                  "({count} found): misregistration shows; use one ink", f"no line thinner than {THIN_MULTI_INK_PT} pt "
                  "in several inks", f"{THIN_MULTI_INK_PT} pt", warnings, "warning")


def _white(colour: Colour) -> bool:
    return colour.inks() == frozenset() and colour.space != "Separation"


def white_overprint(subject: Subject) -> Rule:
    """GWG2015 "Overprint White Text" and "Overprint White Paths": error. White set to
    overprint disappears on press."""
    errors = []
    for number, page in enumerate(subject.facts, 1):
        for fill in sorted(page.fills, key=str):
            if _white(fill.colour) and _inside(subject, number, fill.box):
                errors.append(Finding(number, f"{fill.what}, {_at(subject, number, fill.box)}",
                                      f"white ({fill.colour}) set to overprint", "white must knock out"))
        for stroke in sorted(page.strokes, key=str):
            if stroke.overprint and _white(stroke.colour) and _inside(subject, number, stroke.box):
                errors.append(Finding(number, _line(subject, number, stroke), "white line set to overprint",
                                      "white must knock out"))
    return judged("white overprint", errors, "white set to overprint ({count} found): it vanishes on press",
                  "no white object set to overprint")


def blending_spaces(subject: Subject) -> Rule:
    errors = [Finding(number, which, space, "CMYK (DeviceCMYK or a CMYK ICC profile)" + (
                      ", or grey for a soft mask" if which.startswith("soft mask") else ""))
              for number, page in enumerate(subject.facts, 1) for which, space in page.groups
              if space not in (MASK_SPACES if which.startswith("soft mask") else CMYK_SPACES)]
    count = sum(len(page.groups) for page in subject.facts)
    passed = f"{count} groups and soft masks, all blending in CMYK" if count else \
        "no transparency group declares a blending space"
    return judged("blending spaces", errors, "transparency groups or soft masks blending in {first} "
                  "({count} found): print needs CMYK", passed, "CMYK")


def _picture(subject: Subject, number: int, image) -> str:
    width_mm, height_mm = ((image.box[2] - image.box[0]) / 72 * 25.4, (image.box[3] - image.box[1]) / 72 * 25.4)
    return (f"image {image.name} ({image.width} × {image.height} px, drawn {width_mm:.1f} × {height_mm:.1f} mm "
            f"at {_at(subject, number, image.box)})")


def _placed(subject: Subject, one_bit: bool):
    for number, page in enumerate(subject.facts, 1):
        for image in page.placed:
            if (image.bits == 1) == one_bit and _inside(subject, number, image.box):
                yield number, image


def resolution(subject: Subject) -> Rule:
    floor = subject.profile.min_ppi
    every = [image.ppi for _, image in _placed(subject, False)]
    errors = sorted((Finding(number, _picture(subject, number, image), f"{image.ppi:.0f} ppi", f"{floor} ppi")
                     for number, image in _placed(subject, False) if image.ppi < floor - 0.5),
                    key=lambda finding: float(finding.value.split()[0]))
    passed = f"{len(every)} images, {min(every):.0f} to {max(every):.0f} ppi" if every else "no images"
    return judged("image resolution", errors, f"lowest {{first}}; at least {floor} ppi needed", passed, f"{floor} ppi")


def one_bit_resolution(subject: Subject) -> Rule:
    found = [(number, image) for number, image in _placed(subject, True)]
    errors = [Finding(number, _picture(subject, number, image), f"{image.ppi:.0f} ppi", f"{ONE_BIT_ERROR_PPI} ppi")
              for number, image in found if image.ppi < ONE_BIT_ERROR_PPI - 0.5]
    warnings = [Finding(number, _picture(subject, number, image), f"{image.ppi:.0f} ppi",
                        f"{ONE_BIT_WARNING_PPI} ppi recommended")
                for number, image in found if ONE_BIT_ERROR_PPI - 0.5 <= image.ppi < ONE_BIT_WARNING_PPI - 0.5]
    passed = f"{len(found)} 1-bit images, {min(i.ppi for _, i in found):.0f} ppi or more" if found else \
        "no 1-bit images"
    return judged("1-bit image resolution", errors, "1-bit images at {first} or less ({count} found): line art needs "
                  f"at least {ONE_BIT_ERROR_PPI} ppi ({ONE_BIT_WARNING_PPI} recommended)", passed,
                  f"{ONE_BIT_ERROR_PPI} ppi", warnings)
