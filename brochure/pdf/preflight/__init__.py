"""Preflight: the rules of a profile applied to any PDF, ours or not.

It reads what is really in the file (boxes, fonts, the colour operators of every
content stream, text and lines with their inks, overprint, transparency groups,
annotations, actions, output intents, images at the size they are drawn) rather than
what the file claims: scanner.py finds the facts (facts.py), rules.py, drawing.py,
document.py and ink.py judge them. Total ink coverage is measured on a CMYK raster
made by Ghostscript. A damaged file is a failed rule ("file structure"), never a crash.
"""

from __future__ import annotations

from pathlib import Path

from brochure.pdf.preflight.rules import RULES, Rule, Subject
from brochure.pdf.preflight.scanner import page_facts
from brochure.pdf.preflight.verdict import Finding
from brochure.pdf.profiles import Profile


def preflight(path: Path, profile: Profile) -> list[Rule]:
    """Every rule of `profile` applied to the PDF at `path`, in the profile's order.
    Raises ValueError for a file that is not a PDF at all."""
    import pikepdf

    with path.open("rb") as file:
        if b"%PDF-" not in file.read(1024):
            raise ValueError("no %PDF- header")
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        return [Rule("encryption", "fail", "encrypted with a password: it cannot be opened, nor printed",
                     findings=[Finding(0, "file", "a user password", "no encryption")])]
    except Exception as error:  # qpdf cannot make sense of it, even by repairing
        problem = str(error).removeprefix(str(path)).lstrip(": ")
        return [Rule("file structure", "fail", f"damaged: qpdf cannot read it ({problem[:160]})",
                     findings=[Finding(0, "file", problem[:300], "a file qpdf can read")])]
    with pdf:
        repairs = [str(warning).removeprefix(str(path)).lstrip(": ")[:200] for warning in pdf.get_warnings()]
        try:
            if len(pdf.pages) == 0:
                return [Rule("pages", "fail", "the PDF has no pages")]
            subject = Subject(path, pdf, page_facts(pdf), profile, repairs)
            return [rule for name in profile.purpose.rules if (rule := RULES[name](subject)) is not None]
        except (pikepdf.PdfError, KeyError, AttributeError, TypeError, ValueError) as error:
            # an object that is not what the specification says it is (a page tree, a box, a font)
            problem = f"{type(error).__name__}: {str(error)[:160]}"
            return [Rule("file structure", "fail", f"damaged: {problem}",
                         findings=[Finding(0, "file", problem, "a file qpdf can read")])]
