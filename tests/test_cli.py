"""The command line itself: help, schema, exit codes, start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
from conftest import REPO, run


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=REPO).stdout


def test_help_list_and_check_never_import_weasyprint():
    code = ("import sys; from brochure.cli import main\n"
            "for args in (['--help'], ['list'], ['check']):\n"
            "    try: main(args)\n"
            "    except SystemExit as e: assert e.code == 0, (args, e.code)\n"
            "print('weasyprint' in sys.modules)")
    assert _python(code).strip().endswith("False")


def test_help_imports_no_reader_schema_or_pdf_library():
    """`brochure --help` stays fast: it loads Click and the command line, nothing that
    reads entries or makes PDFs."""
    code = ("import sys; from brochure.cli import main\n"
            "try: main(['--help'])\n"
            "except SystemExit: pass\n"
            "print(sorted({name.split('.')[0] for name in sys.modules} & "
            "{'yaml', 'jsonschema', 'jinja2', 'markdown_it', 'PIL', 'pikepdf', 'weasyprint'}))")
    assert _python(code).strip().endswith("[]")


def test_console_script_and_module_entry_point():
    result = subprocess.run([sys.executable, "-m", "brochure", "--version"], capture_output=True, text=True,
                            cwd=REPO)
    assert result.returncode == 0 and result.stdout.startswith("brochure, version ")


def test_schema_prints_the_entry_schema_that_validates_the_seed():
    import yaml

    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"title", "date", "body"}
    validator = jsonschema.Draft202012Validator(schema)
    for path in (REPO / "entries").glob("*.yaml"):
        entry = yaml.safe_load(path.read_text("utf-8"))
        entry = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in entry.items()}
        assert not list(validator.iter_errors(entry)), path
    assert json.loads(run("schema", "settings").stdout)["required"] == ["title"]


def test_unknown_option_and_command_exit_2():
    assert run("build", "--colour").exit_code == 2
    assert run("publish").exit_code == 2
    assert run("-C", "/nonexistent/folder", "list").exit_code == 2


def test_an_internal_error_is_one_line_and_exit_3(monkeypatch):
    import brochure.commands.check

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(brochure.commands.check, "catalogue", broken)
    result = run("list")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "internal error: RuntimeError: simulated bug (a bug in brochure: please report it; "
        "--debug shows the traceback)"]
    assert "Traceback" in run("--debug", "list").stderr


def test_check_on_the_seed_is_clean():
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout == "14 entries checked: no problems.\n"
