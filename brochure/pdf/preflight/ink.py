"""Total area coverage: the most C+M+Y+K anywhere the sheet gets ink, measured on a
CMYK raster of each page's BleedBox made by Ghostscript (in a scratch folder of
files.py, removed however this ends).

GWG2015 measures total ink at 150 dpi or more and ignores areas too small to matter
(a few pixels of a picture); the tolerance here is ours: an area over the limit counts
when it holds a square of AREA_MM × AREA_MM (4 × 4 mm, 16 mm²).
"""

from __future__ import annotations

import shutil
import subprocess

from brochure.errors import ContentError
from brochure.files import remove, remove_tree, scratch_folder
from brochure.model import MM
from brochure.pdf.preflight.facts import position
from brochure.pdf.preflight.verdict import Finding, Rule, Subject

DPI = 150
BATCH = 16  # pages per Ghostscript run: judged, then removed
AREA_MM = 4.0
NAME = "total ink coverage"


def total_ink(subject: Subject) -> Rule:
    ghostscript = shutil.which("gs")
    if ghostscript is None:
        return Rule(NAME, "skip", "not measured: Ghostscript (gs) is not installed", severity="error")
    try:
        folder = scratch_folder()
    except ContentError as error:  # the temporary folder cannot take the raster
        return _unmeasured(f"not measured: {error.problems[0]}")
    pages, findings, highest = len(subject.pdf.pages), list[Finding](), 0.0
    try:
        # A few pages at a time: a 150 dpi raster of a long brochure would fill the disk.
        for first in range(1, pages + 1, BATCH):
            problem = _render(ghostscript, subject, folder, first, min(pages, first + BATCH - 1))
            if problem:
                return _unmeasured(problem)
            rasters = sorted(folder.iterdir())
            found, most = _judge(subject, rasters, first)
            findings, highest = findings + found, max(highest, most)
            remove(rasters)
    finally:
        remove_tree(folder)
    return _verdict(subject, findings, highest)


def _render(ghostscript: str, subject: Subject, folder, first: int, last: int) -> str:
    """Pages first to last as CMYK TIFFs in `folder`; what went wrong, or ""."""
    seconds = 120  # for BATCH pages; a page takes Ghostscript a fraction of a second
    try:
        done = subprocess.run([ghostscript, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dUseBleedBox",
                               f"-dFirstPage={first}", f"-dLastPage={last}", "-sDEVICE=tiff32nc", f"-r{DPI}",
                               f"-sOutputFile={folder}/page-%05d.tif", str(subject.path)],
                              capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return f"not measured: Ghostscript took more than {seconds} s to render pages {first}-{last}, and was stopped"
    except OSError as error:  # found, but it cannot be run
        return f"not measured: Ghostscript ({ghostscript}) cannot be run: {error.strerror}"
    if done.returncode != 0:
        return f"Ghostscript could not render the file: {done.stderr.strip()[:200]}"
    return ""


def _unmeasured(message: str) -> Rule:
    return Rule(NAME, "fail", message, findings=[Finding(0, "the whole file", message, "a raster to measure")])


def _judge(subject: Subject, rasters, first: int) -> tuple[list[Finding], float]:
    from PIL import Image, ImageFilter, ImageMath

    limit = subject.profile.ink_limit
    threshold = (limit + 1) / 100 * 255  # one percent for rounding in the raster
    radius = max(1, round(AREA_MM * MM / 72 * DPI / 2))  # a square of 2r+1 pixels
    findings, highest = [], 0.0
    for number, raster in enumerate(rasters, first):
        with Image.open(raster) as picture:
            c, m, y, k = (band.convert("I") for band in picture.split())
        total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
        coverage = total.getextrema()[1] / 255 * 100
        highest = max(highest, coverage)
        if coverage <= limit + 1:
            continue
        over = ImageMath.lambda_eval(lambda a: (a["t"] > threshold) * 255, t=total).convert("L")
        area = over.filter(ImageFilter.BoxBlur(radius)).point(lambda v: 255 if v >= 250 else 0)
        if area.getbbox() is None:
            continue  # only specks under the area tolerance
        box = over.getbbox() or (0, 0, 0, 0)  # where the ink is too heavy, specks included
        bleed = subject.bleed(number)
        x0, y0 = bleed[0] + box[0] / DPI * 72, bleed[3] - box[3] / DPI * 72
        x1, y1 = bleed[0] + box[2] / DPI * 72, bleed[3] - box[1] / DPI * 72
        findings.append(Finding(number, f"area from {position((x0, y0, x1, y1), subject.trim(number))}, "
                                f"{(x1 - x0) / MM:.0f} × {(y1 - y0) / MM:.0f} mm", f"up to {coverage:.0f} %",
                                f"{limit} %"))
    return findings, highest


def _verdict(subject: Subject, findings: list[Finding], highest: float) -> Rule:
    limit = subject.profile.ink_limit
    tolerance = f"areas under {AREA_MM:g} × {AREA_MM:g} mm ignored, {DPI} dpi over the BleedBox"
    if findings:
        return Rule(NAME, "fail", f"up to {highest:.0f} %; the limit is {limit} %", [f.page for f in findings],
                    "error", findings, f"{highest:.0f} %", f"{limit} % ({tolerance})")
    return Rule(NAME, "pass", f"at most {highest:.0f} % (limit {limit} %; {tolerance})", value=f"{highest:.0f} %",
                limit=f"{limit} %")
