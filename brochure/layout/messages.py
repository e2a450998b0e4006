"""WeasyPrint's own messages, as a build reports them: collected (warnings, errors,
characters no font has) and passed on (its progress steps)."""

from __future__ import annotations

import logging
import re
import unicodedata


class Collect(logging.Handler):
    """WeasyPrint's own messages: errors (a resource that failed to load) and warnings
    (CSS it does not support, fonts). Its font warnings come one per glyph or per use of
    a font, hundreds for a page of a script no font has: the characters drawn as empty
    boxes are one line, and a warning that comes again is given once with a count."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.missing: dict[int, None] = {}  # code points drawn as .notdef, in order
        self.counted: dict[str, int] = {}  # any other warning -> how often it came, in order

    def emit(self, record):
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())
        elif str(record.msg).startswith(".notdef glyph") and len(record.args or ()) == 2:
            self.missing.setdefault(record.args[1], None)
        else:
            message = record.getMessage()
            self.counted[message] = self.counted.get(message, 0) + 1

    @property
    def warnings(self) -> list[str]:
        lines = [message + (f" ({count} times)" if count > 1 else "") for message, count in self.counted.items()]
        if self.missing:
            shown = ", ".join(f"U+{code:04X} {unicodedata.name(chr(code), '')}".rstrip()
                              for code in list(self.missing)[:8])
            more = f" and {len(self.missing) - 8} more" if len(self.missing) > 8 else ""
            lines.append(f"no font has {len(self.missing)} character(s), printed as empty boxes: {shown}{more}")
        return lines


class Steps(logging.Handler):
    """Passes WeasyPrint's progress steps on in the build's words ("Step 5 - Creating
    layout - Page 7" is "Laying out page 7")."""

    def __init__(self, progress):
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record):
        step, _, detail = record.getMessage().partition(" - ")
        if step in ("Step 6", "Step 7"):
            self.progress("Making the PDF")
        elif step == "Step 5":  # "Creating layout - Page 7", "… - Page 7 (up-to-date)", "… - Repagination #1"
            page = re.search(r"Page (\d+)", detail)
            if "up-to-date" not in detail:  # a page kept as it was is done in no time
                self.progress(f"Laying out page {page[1]}" if page else "Laying out again (page numbers)")
        else:
            self.progress("Applying the theme's styles")
