"""The text of new files: a project's brochure.yaml, a sample entry, a new entry."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

SCHEMA_FILE = "schema/entry.schema.json"  # where init and new put the schema, in the project


def slugify(title: str, limit: int = 60) -> str:
    """A readable file name from a title: accents dropped (Zürich -> zurich), other
    scripts kept as they are (Новости -> новости), words joined by hyphens."""
    decomposed = unicodedata.normalize("NFKD", title)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.findall(r"\w+", unicodedata.normalize("NFC", plain).lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug.replace("_", "-") or "item"


def _yaml_text(text: str) -> str:
    """A one-line YAML string, quoted (JSON strings are valid YAML)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def new_entry(title: str, date: dt.date, tags: tuple[str, ...], schema_path: str) -> str:
    tag_line = (f"tags: [{', '.join(tags)}]" if tags
                else "# tags: [trafficking, icat]       # lower-case words; brochure build --tag TAG")
    return f"""# yaml-language-server: $schema={schema_path}
title: {_yaml_text(title)}
date: {date.isoformat()}
# end_date: {date.isoformat()}          # last day, for an item that spans several days
# summary: One-sentence lead, printed under the title.
# image:
#   src: images/photo.jpg          # relative to this file, inside the project
#   alt: What the picture shows    # required with an image: read out to blind readers
#   credit: © Photographer         # printed as "Image © Photographer"
#   caption: What is happening
# source:
#   name: UNODC Vienna             # printed as "Originally published by UNODC Vienna."
#   url: https://www.unodc.org/
body: |
  Write the item here, in Markdown: blank lines between paragraphs,
  *emphasis*, [links](https://www.unodc.org/), "> " for a quotation
  and "- " for bullet points.
# links:                           # printed as "Further information"
#   - title: Related page
#     url: https://www.unodc.org/
{tag_line}
# draft: true                      # left out unless brochure build --drafts
# weight: 0                        # orders items of the same date, lower first
# lang: fr                         # when this item is not in the brochure's language
"""


def settings(title: str) -> str:
    return f"""# The settings of this brochure. `brochure schema settings` describes every field.
title: {_yaml_text(title)}
subtitle: News and activities        # under the title on the cover
publisher: Your organisation          # on the cover, and the PDF's author
intro: >-
  A short introduction, printed above the table of contents.
language: en                          # BCP 47 language tag
order: newest-first                   # or oldest-first
theme: default                        # or a folder under styles/
page:
  size: A4                            # A4, A5 or letter
# period: January – March 2025        # cover label; by default the span of the items
# entries: entries                    # the folder of entries
# output: build/brochure.pdf          # where build writes
# foreword: foreword.md               # a page after the cover, in Markdown
# partners:                           # a joint publication: logos on the cover and the back cover
#   - {{name: Partner organisation, logo: logos/partner.svg, url: "https://example.org"}}
# imprint:                            # the back cover, under the publisher
#   address: |
#     1 Example Street
#     1000 Example City
#   contacts: [{{email: press@example.org, phone: +43 1 26060 0}}]
#   copyright: © Your organisation, 2025
#   isbn: 978-92-1-148351-2           # its check digit is verified
# editions:                           # what `brochure release 2025-Q1` builds, in one command
#   - {{name: screen, profile: screen, file: "releases/brochure-{{period}}.pdf"}}
#   - {{name: print, profile: print, file: "releases/brochure-{{period}}-print.pdf"}}
"""


SAMPLE_IMAGE = "images/sample.jpg"


def sample_entry(date: dt.date, schema_path: str) -> str:
    return f"""# yaml-language-server: $schema={schema_path}
title: Welcome to your brochure
date: {date.isoformat()}
summary: A sample item; edit it, or delete it once you have your own.
image:
  src: {SAMPLE_IMAGE}
  alt: A blue placeholder picture
  credit: © Your organisation
body: |
  Each news item is one YAML file in the entries folder. `brochure new "A title"`
  starts a new one with every field explained.

  Run `brochure check` to find mistakes, and `brochure build` to make the PDF.
links:
  - title: Markdown in a nutshell
    url: https://commonmark.org/help/
tags: [welcome]
"""


def sample_image() -> bytes:
    """A plain placeholder picture, so the sample entry shows where images go."""
    import io

    from PIL import Image, ImageDraw

    # Large enough for print (300 ppi across the default theme's column, with room).
    picture = Image.new("RGB", (2400, 1600), (11, 83, 148))
    draw = ImageDraw.Draw(picture)
    for offset in range(-1600, 2400, 192):
        draw.line([(offset, 1600), (offset + 1600, 0)], fill=(20, 98, 166), width=80)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, dpi=(300, 300))
    return buffer.getvalue()


GITIGNORE = "/build/\n"
