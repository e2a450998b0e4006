"""The shape of the package: which module may import which (see ../shared/design.md)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "brochure"

# Stages get plain data (model, errors) and nothing else of each other; build.py
# orchestrates them and cli.py calls build.py. validate reads source's document type.
ALLOWED = {
    "__init__": set(),
    "__main__": {"cli"},
    "errors": set(),
    "model": set(),
    "source": {"errors"},
    "validate": {"errors", "model", "source"},
    "project": {"errors", "model", "source", "validate"},
    "timeline": {"model"},
    "render": {"errors", "model", "__init__"},
    "pdf": {"model"},
    "scaffold": set(),
    "watch": set(),
    "build": {"errors", "model", "project", "source", "timeline", "validate", "render", "pdf", "scaffold",
              "__init__"},
    "cli": {"errors", "model", "timeline", "build", "validate", "watch", "__init__"},
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


def test_only_cli_knows_click_and_only_pdf_knows_weasyprint():
    for path in PACKAGE.glob("*.py"):
        _, others = _imports(path)
        assert ("click" in others) == (path.stem == "cli"), path.stem
        assert ("weasyprint" in others) == (path.stem == "pdf"), path.stem


def test_only_build_writes_files():
    for path in PACKAGE.glob("*.py"):
        text = path.read_text("utf-8")
        writes = any(call in text for call in ("write_bytes(", "write_text(", "os.replace(", '"wb"', '"xb"'))
        assert writes == (path.stem == "build"), path.stem
