"""Preflight: the rules of a profile applied to any PDF, ours or not.

It reads what is really in the file (boxes, fonts, the colour operators of every
content stream, transparency, annotations, output intents, images at the size they
are drawn) rather than what the file claims: scanner.py finds the facts, rules.py
judges them. Total ink coverage is measured on a CMYK raster made by Ghostscript.
"""

from __future__ import annotations

from pathlib import Path

from brochure.pdf.preflight.rules import RULES, Rule, Subject
from brochure.pdf.preflight.scanner import page_facts
from brochure.pdf.profiles import Profile


def preflight(path: Path, profile: Profile) -> list[Rule]:
    """Every rule of `profile` applied to the PDF at `path`, in the profile's order."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        if len(pdf.pages) == 0:
            return [Rule("pages", "fail", "the PDF has no pages")]
        subject = Subject(path, pdf, page_facts(pdf), profile)
        return [rule for name in profile.purpose.rules if (rule := RULES[name](subject)) is not None]
