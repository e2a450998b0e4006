"""A branded project for the tests: entries only, a _brand.yml with a primary colour,
an SVG logo and a font file (a shipped font, renamed), and no CSS."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO

FONT = REPO / "brochure" / "styles" / "default" / "fonts" / "OpenSans-Bold.ttf"
LOGO = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40" width="120" height="40">
  <rect width="40" height="40" fill="#ffffff"/>
  <circle cx="20" cy="20" r="14" fill="#c8102e"/>
  <path d="M50 10 h60 v8 h-60 z" style="fill: #ffffff"/>
</svg>
"""
BRAND = """meta:
  name: Acme Relief Agency
  link: https://acme.example.org
logo:
  medium: brand/logo.svg
color:
  palette:
    acme-red: "#c8102e"
  primary: acme-red
  tertiary: "#eeeeee"
typography:
  fonts:
    - family: Acme Sans
      source: file
      files:
        - path: brand/AcmeSans-Bold.ttf
          weight: bold
  headings: Acme Sans
"""
ENTRY = """title: A day of the agency
date: 2024-03-05
body: |
  The agency met its partners. {extra}
"""


def make_project(root: Path, brand: str | None = BRAND, logo: str = LOGO, settings: str = "") -> Path:
    """A project of entries only, with a _brand.yml, an SVG logo and a font file."""
    (root / "entries").mkdir(parents=True)
    (root / "brand").mkdir()
    (root / "brochure.yaml").write_text("title: Agency news\npublisher: Acme\n" + settings)
    for day in range(1, 4):
        (root / "entries" / f"2024-03-0{day}-day.yaml").write_text(
            ENTRY.replace("05", f"0{day}").format(extra="Lorem ipsum dolor sit amet. " * 30))
    (root / "brand" / "logo.svg").write_text(logo)
    shutil.copy(FONT, root / "brand" / "AcmeSans-Bold.ttf")
    if brand is not None:
        (root / "_brand.yml").write_text(brand)
    return root
