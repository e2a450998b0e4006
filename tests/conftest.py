"""Shared helpers: run the real CLI, copy sample projects, open the PDFs we make."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from click.testing import CliRunner

from brochure.cli import main

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def run(*args: str, cwd: Path | None = None):
    """Run `brochure ARGS` in-process, the way a user would from `cwd`. Every print and
    archive PDF a build writes is handed to the independent checkers too."""
    runner = CliRunner()
    with _chdir(cwd or REPO):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        if args and args[0] == "build" and result.exit_code == 0:
            _check_independently(result)
        return result


_CHECKED: set[bytes] = set()  # digests of the files already checked, built again by another test
_PDFBOX_JARS = ["preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api"]


def _check_independently(result) -> None:
    """qpdf's structural check and Ghostscript for every print and archive file, and
    PDFBox's validator for PDF/A-1: the judges of what a print shop or an archive receives."""
    import hashlib
    import re
    import subprocess

    shown = re.search(r"^wrote (.+?)(?: and \d+ images?)?: ", result.stdout, re.M)
    if result.stdout.lstrip().startswith("{"):
        path = Path(json.loads(result.stdout).get("output") or "")
    elif shown:
        path = Path(shown[1])
    else:
        return  # up to date: nothing was written
    if path.suffix.lower() != ".pdf" or not path.is_file():
        return
    data = path.read_bytes()
    digest = hashlib.sha256(data).digest()
    if digest in _CHECKED:
        return
    with pikepdf.open(path) as pdf:
        intents = {str(intent.get("/S")) for intent in pdf.Root.get("/OutputIntents", [])}
        if not intents & {"/GTS_PDFX", "/GTS_PDFA1"}:
            return  # a screen edition
        assert pdf.check_pdf_syntax() == [], path
        metadata = pdf.Root.Metadata.read_bytes().decode("utf-8", "replace") if "/Metadata" in pdf.Root else ""
    gs = shutil.which("gs")
    assert gs, "Ghostscript (gs) is needed to check print and archive files (see .ci/run)"
    done = subprocess.run([gs, "-q", "-dNOPAUSE", "-dBATCH", "-dPDFSTOPONERROR", "-sDEVICE=nullpage", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and not done.stderr.strip(), f"Ghostscript on {path}: {done.stderr[:500]}"
    if "<pdfaid:part>1</pdfaid:part>" in metadata:
        java = shutil.which("java")
        assert java, "Java and PDFBox are needed to validate PDF/A files (see .ci/run)"
        classpath = ":".join(f"/usr/share/java/{jar}.jar" for jar in _PDFBOX_JARS)
        done = subprocess.run([java, "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(path)],
                              capture_output=True, text=True, timeout=300)
        assert "is a valid PDF/A-1b file" in done.stdout, f"PDFBox on {path}: {done.stdout[:1000]}"
    _CHECKED.add(digest)


class _chdir:
    def __init__(self, path: Path):
        self.path, self.old = path, None

    def __enter__(self):
        import os
        self.old = Path.cwd()
        os.chdir(self.path)

    def __exit__(self, *exc):
        import os
        os.chdir(self.old)


def run_json(*args: str, cwd: Path | None = None):
    result = run(*args, "--format", "json", cwd=cwd)
    return result, json.loads(result.stdout)


def copy_project(name: str, destination: Path) -> Path:
    """A fresh copy of tests/data/NAME (or 'seed': the repository's own project)."""
    target = destination / name
    if name == "seed":
        target.mkdir()
        for name in ("brochure.yaml", "_brand.yml"):
            shutil.copy(REPO / name, target)
        for folder in ("entries", "styles"):  # styles/: the house theme and its logos
            shutil.copytree(REPO / folder, target / folder)
    else:
        shutil.copytree(DATA / name, target)
    return target


PREVIOUS_PDF = b"%PDF- the previous edition"  # what a failed build must leave as it was


def with_previous_pdf(project: Path, relative: str = "build/brochure.pdf") -> Path:
    """A previous edition where the build writes: a failed build must keep it."""
    target = project / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(PREVIOUS_PDF)
    return target


def wait_for(condition, seconds: float, interval: float = 0.05) -> bool:
    """Whether `condition()` becomes true within `seconds` (polled): a readiness signal
    for a test, instead of a guessed delay."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def chromium() -> str:
    """The headless browser of the web edition's and the preview's tests."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    pytest.fail("the web edition and preview tests need Chromium (Debian: apt-get install chromium)")


def page_texts(pdf_path: Path) -> list[str]:
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def outline_titles(pdf_path: Path) -> list[str]:
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        titles = []

        def walk(items):
            for item in items:
                titles.append(item.title)
                walk(item.children)

        walk(outline.root)
        return titles


def squash(text: str) -> str:
    """Text with hyphenation and line breaks undone, for searching extracted text."""
    for hyphen in ("\u2010", "\u00ad", "-"):
        # A line ending in a hyphenation point: join the word again. A real hyphen
        # (two-million-euro) never falls at a break in the titles we search for.
        text = text.replace(hyphen + "\r\n", "" if hyphen != "-" else "-")
    # pdfium reports some hyphens in headings as U+FFFE.
    return " ".join(text.replace("\ufffe", "-").split())


@pytest.fixture(scope="session")
def seed_pdf(tmp_path_factory) -> Path:
    """The repository's own brochure, built once for the tests that only read it."""
    output = tmp_path_factory.mktemp("seed") / "brochure.pdf"
    result = run("build", "-o", str(output))
    assert result.exit_code == 0, result.output
    return output


def subprocess_environment(temporary: Path) -> dict[str, str]:
    """The environment of a brochure run in a subprocess: the brochure under test (this
    checkout), its temporary files in `temporary` (made here, empty, so that what a
    run leaves there is exactly what it left), and no SOURCE_DATE_EPOCH."""
    import os

    temporary.mkdir(parents=True, exist_ok=True)
    environment = {name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH"}
    environment["TMPDIR"] = str(temporary)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return environment


def child_pids(pid: int) -> list[int]:
    """The processes `pid` has started and not yet lost (Linux); none once it has ended."""
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def is_running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie (dead, waiting to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def tree(folder: Path) -> dict[str, tuple]:
    """What is in `folder`: each name's kind and, for a regular file, its bytes; a link's
    target. Only regular files are opened (never a named pipe)."""
    found = {}
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(parent, name)
            mode = os.lstat(path).st_mode
            content = path.read_bytes() if stat.S_ISREG(mode) else os.readlink(path) if stat.S_ISLNK(mode) else None
            found[path.relative_to(folder).as_posix()] = (stat.S_IFMT(mode), content)
    return found
