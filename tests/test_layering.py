"""The shape of the package: which module may import which (see ../shared/design.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "brochure"

# Foundation modules (errors, model, confine) hold data and the one confinement rule;
# stages use them and nothing of each other; catalogue.py reads the project (settings,
# entries, selection) and build.py makes and writes the outputs, orchestrating the
# stages; parts.py orchestrates a render in parts (forked.py runs the child processes,
# join.py assembles their PDFs); cli.py calls catalogue and build. The one exception:
# cli parses --since/--until with timeline's
# period syntax, so that a bad period is a command-line error (exit 2).
FOUNDATION = {"errors", "model", "confine"}
ALLOWED = {
    "__init__": set(),
    "__main__": {"cli"},
    "errors": set(),
    "model": set(),
    "confine": set(),
    "source": {"errors", "model"},
    "validate": {"errors", "model", "confine"},
    "preflight": {"errors", "model"},
    "project": FOUNDATION,
    "timeline": {"model"},
    "render": FOUNDATION | {"__init__"},
    "pdf": {"model", "confine"},
    "images": set(),
    "finish": {"model"},
    "pdfcheck": {"model"},
    "scaffold": set(),
    "forked": set(),
    "join": set(),
    "parts": {"model", "render", "pdf", "forked", "join"},
    "stamp": {"__init__"},
    "watch": set(),
    "catalogue": FOUNDATION | {"project", "source", "validate", "preflight", "timeline"},
    "build": FOUNDATION | {"catalogue", "project", "source", "validate", "render", "pdf", "images", "finish",
                           "pdfcheck", "scaffold", "stamp", "parts", "forked", "__init__"},
    "cli": {"errors", "model", "timeline", "catalogue", "build", "watch", "__init__"},
}


def _imports(path: Path) -> tuple[set[str], set[str]]:
    ours, others = set(), set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        for name in names:
            if name == "brochure":
                ours.add("__init__")
            elif name.startswith("brochure."):
                ours.add(name.split(".")[1])
            else:
                others.add(name.split(".")[0])
    return ours, others


def test_modules_import_only_what_the_design_allows():
    modules = {path.stem: path for path in PACKAGE.glob("*.py")}
    assert set(modules) == set(ALLOWED), "a new module needs a line in ALLOWED"
    for name, path in modules.items():
        ours, _ = _imports(path)
        assert ours <= ALLOWED[name], f"{name} imports {ours - ALLOWED[name]}"


def test_only_cli_knows_click_only_pdf_knows_weasyprint_and_pikepdf_stays_in_three():
    for path in PACKAGE.glob("*.py"):
        _, others = _imports(path)
        assert ("click" in others) == (path.stem == "cli"), path.stem
        assert ("weasyprint" in others) == (path.stem == "pdf"), path.stem
        assert ("pikepdf" in others) == (path.stem in ("finish", "join", "pdfcheck")), path.stem


def test_only_build_writes_files():
    writing = re.compile(r"write_bytes\(|write_text\(|os\.replace\(|\.mkdir\(|\.unlink\(|shutil\.(copy|move|rmtree)|mkstemp\("
                         r"|open\([^)]*['\"][wxa]b?\+?['\"]")
    for path in PACKAGE.glob("*.py"):
        writes = bool(writing.search(path.read_text("utf-8")))
        assert writes == (path.stem == "build"), path.stem
