"""Language tags (BCP 47) as brochure.yaml, `--language` and the names of translation
files write them. Imports nothing heavy: the command line checks `--language` with it."""

from __future__ import annotations

import re

# The pattern of the schemas' `language` and `lang`: a language, then subtags (script,
# region, variants) of 2 to 8 letters or digits.
TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def canonical(text: str) -> str:
    """The tag in the case BCP 47 recommends (fr, fr-BE, zh-Hans, sr-Latn-RS); tags are
    compared without regard to case. Raises ValueError saying what is wrong."""
    tag = text.strip()
    if not TAG.fullmatch(tag):
        raise ValueError(f"{text!r} is not a language tag (write e.g. fr, fr-BE or zh-Hans)")
    first, *rest = tag.split("-")
    parts = [first.lower()]
    for part in rest:
        if len(part) == 4 and part.isalpha():
            parts.append(part.title())  # script
        elif len(part) == 2 and part.isalpha():
            parts.append(part.upper())  # region
        else:
            parts.append(part.lower())
    return "-".join(parts)


def same(first: str, second: str) -> bool:
    return first.lower() == second.lower()


def lookup(language: str) -> list[str]:
    """The tags that serve `language`, best first, in lower case (RFC 4647's lookup):
    fr-BE is served by a fr-BE translation, else by a fr one."""
    parts = language.lower().split("-")
    return ["-".join(parts[:count]) for count in range(len(parts), 0, -1)]
