"""The print preflight against a corpus of good and faulty PDF/X files made by
scripts/make-print-corpus.py: each faulty file fails exactly the rules its manifest names
(no false negative), each good file passes (no false positive), the script is
deterministic, and check --pdf tells a print operator the page, object, value and limit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest
from conftest import DATA, REPO, run, run_json

from brochure.pdf.preflight import preflight
from brochure.pdf.profiles import resolve

CORPUS = DATA / "print-corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text("utf-8"))["files"]


def _needs_ghostscript() -> None:
    if shutil.which("gs") is None:  # total ink is part of every verdict: fail, never skip
        pytest.fail("this test needs Ghostscript (gs; Debian: ghostscript, see .ci/run)")


def _profile(expected: dict):
    return replace(resolve("print"), variant=expected["variant"], condition=expected["condition"],
                   binding=expected["binding"])


def test_the_corpus_has_fifty_faulty_and_ten_good_files_named_for_what_they_are():
    bad = [name for name in MANIFEST if name.startswith("bad-")]
    warned = [name for name in MANIFEST if name.startswith("warn-")]
    good = [name for name in MANIFEST if name.startswith("good-")]
    assert len(bad) >= 50 and len(good) >= 10 and len(bad) + len(warned) + len(good) == len(MANIFEST)
    assert all(MANIFEST[name]["fails"] and not MANIFEST[name]["warns"] for name in bad)
    assert all(MANIFEST[name]["warns"] and not MANIFEST[name]["fails"] for name in warned)
    assert all(not MANIFEST[name]["fails"] and not MANIFEST[name]["warns"] for name in good)
    assert {path.name for path in CORPUS.glob("*.pdf")} == set(MANIFEST)
    assert sum(path.stat().st_size for path in CORPUS.iterdir()) < 3_000_000
    # Every rule of the print profile that can fail has a file that fails it.
    failing = {rule for expected in MANIFEST.values() for rule in expected["fails"] + expected["warns"]}
    assert failing == set(resolve("print").purpose.rules)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_each_file_fails_exactly_the_rules_its_manifest_names(name):
    _needs_ghostscript()
    expected = MANIFEST[name]
    rules = preflight(CORPUS / name, _profile(expected))
    failed = sorted(rule.name for rule in rules if rule.status == "fail")
    warned = sorted(rule.name for rule in rules if rule.status == "warn")
    assert (failed, warned) == (sorted(expected["fails"]), sorted(expected["warns"])), \
        "\n".join(str(rule) for rule in rules if rule.status != "pass")
    for rule in rules:
        assert rule.status in ("pass", "fail", "warn")  # nothing skipped
        if rule.status in ("fail", "warn"):  # a print operator can act on it
            assert rule.findings and all(finding.object and finding.value for finding in rule.findings), rule
            assert rule.severity == ("error" if rule.status == "fail" else "warning")


def _make(folder) -> dict[str, bytes]:
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "make-print-corpus.py"), "--output", str(folder)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_script_is_deterministic_and_its_files_keep_their_verdicts(tmp_path):
    """Two runs give the same bytes; the manifest is the committed one; every file made
    now still fails exactly what the manifest says. (The committed files were made by the
    same script; they are made through finish(), so a change there may change their bytes
    without changing a verdict: run the script again and commit.)"""
    _needs_ghostscript()
    first, second = _make(tmp_path / "first"), _make(tmp_path / "second")
    assert first == second
    assert sorted(first) == sorted(path.name for path in CORPUS.iterdir())
    assert json.loads(first["manifest.json"]) == json.loads((CORPUS / "manifest.json").read_text("utf-8"))
    wrong = []
    for name, expected in MANIFEST.items():
        rules = preflight(tmp_path / "first" / name, _profile(expected))
        verdict = tuple(sorted(rule.name for rule in rules if rule.status == status) for status in ("fail", "warn"))
        if verdict != (sorted(expected["fails"]), sorted(expected["warns"])):
            wrong.append((name, verdict))
    assert not wrong


def test_check_pdf_json_names_severity_page_object_value_and_limit(tmp_path):
    _needs_ghostscript()
    result, report = run_json("check", "--pdf", str(CORPUS / "bad-low-resolution-image.pdf"), cwd=tmp_path)
    assert result.exit_code == 1 and report["ok"] is False and report["errors"] == 1
    assert (report["variant"], report["condition"], report["binding"]) == ("pdf/x-4", "FOGRA39", "none")
    [rule] = [rule for rule in report["rules"] if rule["status"] == "fail"]
    assert rule["rule"] == "image resolution" and rule["severity"] == "error"
    assert (rule["value"], rule["limit"], rule["pages"]) == ("76 ppi", "300 ppi", [1])
    [finding] = rule["findings"]
    assert finding["page"] == 1 and finding["value"] == "76 ppi" and finding["limit"] == "300 ppi"
    assert finding["object"].startswith("image /Im1 (60 × 60 px, drawn 20.0 × 20.0 mm at 10.6 mm from the left")
    assert rule["object"] == finding["object"]
    text = run("check", "--pdf", str(CORPUS / "bad-low-resolution-image.pdf"), cwd=tmp_path).stdout
    assert "page 1: image /Im1 (60 × 60 px" in text and "76 ppi (limit: 300 ppi)" in text


def test_a_warning_is_reported_and_never_fails(tmp_path):
    _needs_ghostscript()
    result, report = run_json("check", "--pdf", str(CORPUS / "warn-thin-line-two-inks.pdf"), cwd=tmp_path)
    assert result.exit_code == 0 and report["ok"] is True and report["warnings"] == 1
    [rule] = [rule for rule in report["rules"] if rule["status"] == "warn"]
    assert rule["severity"] == "warning" and rule["findings"][0]["value"] == "0.300 pt wide in 2 inks"
    result = run("check", "--pdf", str(CORPUS / "warn-thin-line-two-inks.pdf"), cwd=tmp_path)
    assert result.exit_code == 0 and "passes the print preflight (1 warning)" in result.stdout


def test_variant_condition_and_binding_override_the_settings_for_one_check(tmp_path):
    _needs_ghostscript()

    def failed(name, *options):
        result, report = run_json("check", "--pdf", str(CORPUS / name), *options, cwd=tmp_path)
        return result.exit_code, sorted(rule["rule"] for rule in report["rules"] if rule["status"] == "fail")

    assert failed("bad-page-count-saddle-stitch.pdf") == (0, [])
    assert failed("bad-page-count-saddle-stitch.pdf", "--binding", "saddle-stitch") == (1, ["page count"])
    assert failed("good-x4.pdf", "--condition", "FOGRA51") == (1, ["output intent (GTS_PDFX)"])
    assert failed("good-x4.pdf", "--variant", "pdf/x-1a") == (1, ["PDF version", "PDF/X version"])
    assert failed("good-x1a.pdf", "--variant", "pdf/x-1a") == (0, [])
    assert run("check", "--pdf", str(CORPUS / "good-x4.pdf"), "--variant", "pdf/a-2b", cwd=tmp_path).exit_code == 2
    assert run("check", "--variant", "pdf/x-4", cwd=tmp_path).exit_code == 2  # only with --pdf


def test_a_damaged_file_is_a_failed_rule_not_a_traceback(tmp_path):
    for name in ("bad-damaged-not-readable.pdf", "bad-damaged-truncated.pdf", "bad-damaged-xref.pdf"):
        result = run("check", "--pdf", str(CORPUS / name), cwd=tmp_path)
        assert result.exit_code == 1 and "FAIL  file structure: damaged" in result.stdout, result.output
        assert "Traceback" not in result.output and "internal error" not in result.output
