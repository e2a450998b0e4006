"""brochure theme new NAME: a project theme that inherits the default and changes little.

What it writes builds as it is and looks like the default theme: a stylesheet whose
rules are comments to undo (the CSS variables one changes), a print stylesheet for the
same colours in CMYK, and a page that extends the default's and overrides one block
with the default's own. docs/themes.md is the contract these files rely on.
"""

from __future__ import annotations

from pathlib import Path

from brochure.confine import is_inside
from brochure.content.settings import SETTINGS_FILE, find_root
from brochure.errors import ContentError, Problem
from brochure.files import make_folder, write_atomically

THEME_CSS = """\
/* styles/{name}/theme.css: added after the default theme's brochure.css, in every
   profile (screen, print, archive). Everything this theme does not say is the
   default's: its page, fonts, contents, running heads and print colours.
   Select the theme with `theme: {name}` in brochure.yaml; docs/themes.md lists every
   variable, block and class the default theme has.

   Colours: the default's, on screen and in the archive. In print the default's
   print.css sets them again in CMYK; give yours in print.css beside this file. */
:root {{
  /* --ink: #1f2328;             text */
  /* --muted: #5b6570;           dates, captions, sources, running heads */
  /* --accent: #0b5394;          the accent: item dates, rules, page numbers */
  /* --accent-dark: #083d6e;     titles, the cover's background */
  /* --rule: #c9d3de;            thin rules of the contents */
  /* --tint: #eef3f8;            the "Further information" boxes */
  /* --on-dark: #ffffff;         text on the cover */
  /* --on-dark-soft: #cfe0f1;    the cover's publisher and count */
  /* --on-dark-softer: #e4eef8;  the cover's subtitle */
  /* --on-dark-rule: #8fb3d9;    the rule above the cover's period */

  /* Fonts: the families the theme sets text and headings in. A font of your own
     needs an @font-face rule (a file in this folder, e.g. fonts/MyFont.ttf):
     @font-face {{ font-family: "My Sans"; src: url(fonts/MySans-Regular.ttf); font-weight: 400; }} */
  /* --font-base: "Brochure Serif"; */
  /* --font-headings: "Brochure Sans"; */
}}

/* Sizes: any rule of the default's brochure.css can be changed here, for instance */
/* html {{ font-size: 10pt; }}                  the text */
/* .cover-title {{ font-size: 32pt; }}          the cover's title */
/* .item-title {{ font-size: 15pt; }}           an item's title */
/* .item-body {{ columns: 1; }}                 one column instead of two */
/* @page {{ margin: 20mm 18mm 22mm 18mm; }}      the margins (keep the foot free for page numbers) */
"""

PRINT_CSS = """\
/* styles/{name}/print.css: added after the default theme's print.css, in the print
   profile only. Every colour of the printed brochure must be CMYK (device-cmyk), or
   the print preflight refuses the file; what you leave out keeps the default's.
   Small text (below 12 pt) should use one ink; black text is 100 % K. */
:root {{
  /* --accent: device-cmyk(1 0.5 0 0.1);         12 pt and more, rules of 1.5 pt and more */
  /* --accent-dark: device-cmyk(1 0.6 0 0.45);   12 pt and more, backgrounds */
  /* --accent-small: device-cmyk(1 0 0 0);       the accent in one ink, for small text */
  /* --muted: device-cmyk(0 0 0 0.65); */
  /* --rule: device-cmyk(0.3 0 0 0); */
  /* --tint: device-cmyk(0.07 0 0 0); */
}}
"""

TEMPLATE = """\
{{# styles/{name}/brochure.html.j2: the page of the theme. It extends the default
   theme's page and replaces only the blocks it names; the others stay the default's.
   Blocks: head (meta, stylesheets, page), cover, contents (intro, toc), item
   (item_header, item_image, item_body, item_links), back. {{{{ super() }}}} inside a
   block prints the default's. What a block sees (brochure, items, sections, period,
   profile, direction, _() and ngettext() for words) is in docs/themes.md.
   Delete this file and the page is the default's, whole. #}}
{{% extends "default/brochure.html.j2" %}}

{{# The "Further information" box of an item, as the default has it. Change the
   markup here, for instance a heading of your own:
     <h3>{{{{ _("Read more", lang=item.lang) }}}}</h3>
   (a word of your own is not translated: see docs/themes.md). #}}
{{% block item_links %}}
{{{{ super() }}}}
{{% endblock %}}
"""


def new_theme(start: Path, name: str) -> list[Path]:
    """Write styles/NAME/ in the project found from `start`: theme.css, print.css and
    brochure.html.j2, each commented. Refuses (nothing written) when styles/NAME is
    there already, as a folder, a file or a link. Returns the files written."""
    root = find_root(start)
    folder = root / "styles" / name
    shown = f"styles/{name}"
    if folder.exists() or folder.is_symlink():
        raise ContentError([Problem(shown, 0, 0, "", f"a theme named {name!r} is already here; nothing was changed",
                                    f"edit {shown}/ itself, or choose another name: brochure theme new OTHER-NAME")])
    if not is_inside(root, folder.parent):
        raise ContentError([Problem("styles", 0, 0, "", "leads outside the project folder; nothing was changed",
                                    "make styles/ a folder of the project")])
    make_folder(folder, "make styles/ a folder of the project you can write to")
    files = {folder / "theme.css": THEME_CSS, folder / "print.css": PRINT_CSS, folder / "brochure.html.j2": TEMPLATE}
    for path, text in files.items():
        write_atomically(path, text.format(name=name).encode())
    return list(files)


def next_step(name: str) -> str:
    """What to do after brochure theme new NAME."""
    return f"next: set `theme: {name}` in {SETTINGS_FILE}, then brochure build"
