"""The pages around the news items that brochure.yaml gives: a foreword (a Markdown
file), the partners' logos of a joint publication, and the imprint of the back cover.
Each is checked where it is written: a missing file, a logo that leaves the project,
an ISBN or ISSN whose check digit is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from brochure.confine import is_inside, resolve_inside
from brochure.errors import ContentError, Problem
from brochure.model import SETTINGS_FILE, Contact, Image, Imprint, Partner, YamlDocument

FOREWORD_LIMIT = 100_000  # characters: a foreword is a page or two, not a book


def settings_file(document: YamlDocument, root: Path, location: tuple, what: str) -> tuple[Path | None, list[Problem]]:
    """A file named in brochure.yaml at `location`, relative to it and inside the project."""
    reference: Any = document.data
    for key in location:
        reference = reference[key]
    path, reason = resolve_inside(root, root, reference)
    line, column = document.where(location)
    field = ".".join(f"[{key}]" if isinstance(key, int) else key for key in location).replace(".[", "[")
    if path is None:
        return None, [Problem(SETTINGS_FILE, line, column, field, f"{reference!r} {reason}",
                              f"put the {what} in the project and name it relative to {SETTINGS_FILE}")]
    if not path.is_file():
        return None, [Problem(SETTINGS_FILE, line, column, field, f"{what} {reference!r} not found",
                              f"paths are relative to {SETTINGS_FILE}")]
    return path, []


def front_and_back(document: YamlDocument, root: Path) -> tuple[dict, list[Problem]]:
    """The Settings fields of the foreword, the partners and the imprint, and the problems."""
    found: dict = {}
    problems: list[Problem] = []
    if "foreword" in document.data:
        path, problems = settings_file(document, root, ("foreword",), "foreword")
        if path is not None:
            text, trouble = read_foreword(path)
            if trouble:
                problems.append(Problem(SETTINGS_FILE, *document.where(("foreword",)), "foreword",
                                        f"foreword {document.data['foreword']!r} {trouble}",
                                        "save it as a plain UTF-8 Markdown file"))
            found |= {"foreword": text, "foreword_file": path}
    partners = []
    for index, partner in enumerate(document.data.get("partners", [])):
        path, missing = settings_file(document, root, ("partners", index, "logo"), "logo")
        problems += missing
        logo = Image(src=partner["logo"], path=path, alt=partner["name"].strip(),
                     where=document.where(("partners", index, "logo")))
        partners.append(Partner(partner["name"].strip(), logo, partner.get("url", "")))
    found["partners"] = tuple(partners)
    if "imprint" in document.data:
        found["imprint"], wrong = _imprint(document)
        problems += wrong
    return found, problems


def read_foreword(path: Path) -> tuple[str, str]:
    """The foreword's Markdown, and what is wrong with the file ("" when nothing)."""
    try:
        with path.open("rb") as file:
            data = file.read(FOREWORD_LIMIT * 4 + 1)  # UTF-8: at most four bytes a character
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return "", f"is not UTF-8 text (byte {error.start})"
    except OSError as error:
        return "", f"cannot be read ({error.strerror})"
    if len(text) > FOREWORD_LIMIT:
        return "", f"is longer than {FOREWORD_LIMIT} characters"
    if "\0" in text:
        return "", "is not a text file"
    return text.replace("\r\n", "\n").strip(), ""


def translated_foreword(path: Path, language: str, root: Path) -> tuple[str, Path] | None:
    """The foreword of a language edition: NAME.LANG.md beside NAME.md, the nearest
    language first (zh-Hant-TW, zh-Hant, zh), when there is one. One that cannot be
    used is an error, not the original printed instead without a word."""
    from brochure.content.languages import lookup

    beside = {found.name[len(path.stem) + 1:-len(path.suffix) or None].lower(): found
              for found in path.parent.glob(f"{path.stem}.*{path.suffix}")}  # tag (lower case) -> file
    for tag in lookup(language):
        if tag not in beside:
            continue
        candidate = beside[tag]
        trouble = "is not a plain file inside the project" if not candidate.is_file() or not is_inside(
            root, candidate) else ""
        text, trouble = ("", trouble) if trouble else read_foreword(candidate)
        if trouble:
            raise ContentError([Problem(candidate.relative_to(root).as_posix(), 0, 0, "", f"foreword {trouble}",
                                        "save it as a plain UTF-8 Markdown file beside the original")])
        return text, candidate
    return None


def _imprint(document: YamlDocument) -> tuple[Imprint, list[Problem]]:
    given = document.data["imprint"]
    problems = []
    for key, valid in (("isbn", isbn_is_valid), ("issn", issn_is_valid)):
        if key in given and not valid(given[key]):
            problems.append(Problem(SETTINGS_FILE, *document.where(("imprint", key)), f"imprint.{key}",
                                    f"{key.upper()} {given[key]!r} has a wrong check digit",
                                    f"copy the {key.upper()} again from the agency's record"))
    texts = {key: given[key].strip() for key in ("address", "disclaimer", "copyright", "isbn", "issn", "number")
             if key in given}
    texts |= {key: texts[key].upper() for key in ("isbn", "issn") if key in texts}  # a check digit X, not x
    contacts = tuple(Contact(**{key: value.strip() for key, value in contact.items()})
                     for contact in given.get("contacts", []))
    return Imprint(contacts=contacts, **texts), problems


def isbn_is_valid(isbn: str) -> bool:
    """ISBN-13 (weights 1, 3) or ISBN-10 (weights 10 to 1, X = 10) check digit."""
    digits = isbn.replace("-", "").replace(" ", "").upper()
    if len(digits) == 13 and digits.isdigit():
        return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        return sum((10 - i) * (10 if d == "X" else int(d)) for i, d in enumerate(digits)) % 11 == 0
    return False


def issn_is_valid(issn: str) -> bool:
    """ISSN check digit: weights 8 to 2, modulo 11, X = 10."""
    digits = issn.replace("-", "").upper()
    if len(digits) != 8 or not digits[:7].isdigit():
        return False
    check = -sum((8 - i) * int(d) for i, d in enumerate(digits[:7])) % 11
    return digits[7] == ("X" if check == 10 else str(check))
