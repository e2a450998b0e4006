"""The shape of the package: which part may import which (see docs/architecture.md)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "brochure"

# The foundation (errors, model, confine) holds data and the one confinement rule.
# The stages (content, html, layout, pdf) use the foundation; layout also renders the
# HTML of each part of a large brochure and reads the profile table (pdf.profiles), which
# is data. commands orchestrate the stages; cli parses and calls commands, report prints.
# The one exception: cli_options parses --since/--until with content.timeline's period
# syntax and --language with content.languages' tag syntax, so that a bad period or tag is
# a command-line error (exit 2). cli_options holds the options and helpers several
# commands of cli share; cli_release and cli_serve the command lines of `brochure release`
# and `brochure serve`, which cli registers (modules of their own, so that cli stays
# within its size).
FOUNDATION = {"errors", "model", "confine"}
ALLOWED = {
    "__init__": set(),
    "__main__": {"cli"},
    "errors": set(),
    "model": set(),
    "confine": set(),
    "files": {"errors"},
    "content": FOUNDATION,
    "html": FOUNDATION | {"__init__"},
    "pdf": FOUNDATION | {"files", "__init__"},
    # files: the children's scratch folder and the kept layouts; __init__: the version that keys them
    "layout": FOUNDATION | {"html", "pdf.profiles", "files", "__init__"},
    "commands": FOUNDATION | {"files", "content", "html", "layout", "pdf", "__init__"},
    "report": FOUNDATION | {"content.catalogue"},  # formats its records
    "cli": {"errors", "model", "cli_options", "cli_release", "cli_serve", "pdf.profiles", "commands", "report",
            "__init__"},
    "cli_release": {"cli_options", "commands", "report", "__init__"},
    "cli_serve": {"cli_options", "commands", "report", "pdf.profiles", "__init__"},
    "cli_options": {"errors", "model", "content.timeline", "content.languages", "commands", "report", "__init__"},
}


def _room(path: Path) -> str:
    """The package (content, html, …) or top-level module a file belongs to."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> tuple[set[str], set[str]]:
    """What `path` imports of brochure (as 'content', 'pdf.profiles', …) and of others."""
    ours, others = set(), set()
    package = ".".join(("brochure", *path.relative_to(PACKAGE).parent.parts))
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: from . import x
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{module}" if module else base
            names = [module] if node.module else [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name == "brochure":
                ours.add("__init__")
            elif name.startswith("brochure."):
                ours.add(name.removeprefix("brochure."))
            else:
                others.add(name.split(".")[0])
    return ours, others


def _allowed(room: str, imported: str) -> bool:
    if imported.split(".")[0] == room:
        return True  # a room uses its own modules
    return any(imported == rule or imported.startswith(rule + ".") for rule in ALLOWED[room])


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_every_room_imports_only_what_the_design_allows():
    rooms = {_room(path) for path in _modules()}
    assert rooms == set(ALLOWED), "a new package or top-level module needs a line in ALLOWED"
    for path in _modules():
        ours, _ = _imports(path)
        wrong = {name for name in ours if not _allowed(_room(path), name)}
        assert not wrong, f"{path.relative_to(PACKAGE)} imports {wrong}"


def _importers(library: str) -> set[str]:
    return {path.relative_to(PACKAGE).as_posix() for path in _modules() if library in _imports(path)[1]}


def test_only_cli_knows_click_only_layout_knows_weasyprint_and_pydyf():
    assert _importers("click") == {"cli.py", "cli_options.py", "cli_release.py", "cli_serve.py"}
    assert _importers("weasyprint") == {"layout/engine.py", "layout/internals.py"}
    assert _importers("pydyf") == {"layout/internals.py"}
    # PDF surgery and inspection: the pdf room, and the join of parts.
    assert all(name.startswith("pdf/") or name == "layout/join.py" for name in _importers("pikepdf"))


def test_private_weasyprint_and_pydyf_names_are_used_in_internals_only():
    private = re.compile(r"\._page_box\b|\bpage_references\b|\bmd5\b|\.replacement\b|\bReplacedBox\b")
    users = {path.relative_to(PACKAGE).as_posix() for path in _modules() if private.search(path.read_text("utf-8"))}
    assert users == {"layout/internals.py"}


def test_only_files_writes_files():
    writing = re.compile(r"write_bytes\(|write_text\(|os\.replace\(|\.mkdir\(|\.unlink\(|shutil\.(copy|move|rmtree)"
                         r"|mkstemp\(|mkdtemp\(|TemporaryDirectory\(|open\([^)]*['\"][wxa]b?\+?['\"]")
    writers = {path.relative_to(PACKAGE).as_posix() for path in _modules() if writing.search(path.read_text("utf-8"))}
    assert writers == {"files.py"}


def test_no_module_over_350_lines():
    long = {path.relative_to(PACKAGE).as_posix(): lines for path in _modules()
            if (lines := len(path.read_text("utf-8").splitlines())) > 350}
    assert not long


def test_no_function_over_80_lines():
    long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > 80:
                    long.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name} ({length} lines)")
    assert not long
