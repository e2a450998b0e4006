"""The preflight's reading of the graphics state and of the document, rule by rule, on
the corpus's good PDF/X-4 with one thing drawn or changed (see test_print_corpus.py for
the whole corpus)."""

from __future__ import annotations

from dataclasses import replace

import pikepdf
from conftest import DATA

from brochure.pdf.preflight import preflight
from brochure.pdf.preflight.verdict import Rule
from brochure.pdf.profiles import resolve

GOOD = DATA / "print-corpus" / "good-x4.pdf"
PRINT = resolve("print")


def _with(tmp_path, content: bytes = b"", change=None, profile=PRINT) -> dict[str, Rule]:
    """good-x4.pdf with `content` drawn on page 1 (default user space) and `change(pdf)`
    applied; the rules that did not pass, by name."""
    with pikepdf.open(GOOD) as pdf:
        page = pdf.pages[0]
        page.Resources.ExtGState.GSop = pikepdf.Dictionary(OP=True)  # stroke overprint, and fill too (no /op)
        if content:
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, b"Q q\n" + content + b"\nQ\n"))
        if change:
            change(pdf)
        pdf.save(tmp_path / "changed.pdf")
    return {rule.name: rule for rule in preflight(tmp_path / "changed.pdf", profile) if rule.status != "pass"}


def test_op_alone_sets_overprint_for_fills_too(tmp_path):
    failed = _with(tmp_path, b"/GSop gs 0 0 0 0 k 20 120 60 60 re f")
    assert set(failed) == {"white overprint"}
    assert failed["white overprint"].findings[0].value == "white (C0 M0 Y0 K0) set to overprint"


def test_text_size_is_the_size_on_the_page(tmp_path):
    with pikepdf.open(GOOD) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.keys())).encode()
    failed = _with(tmp_path, b"BT " + font + b" 4 Tf 2 0 0 2 20 60 Tm 1 0.5 0 0 k <00030004> Tj ET")
    assert set(failed) == {"small text in several inks"}
    finding = failed["small text in several inks"].findings[0]
    assert finding.value == "8.0 pt in 2 inks (C100 M50 Y0 K0)" and finding.limit == "9 pt in two or more inks"
    assert "at 8.0 pt, 7.1 mm from the left" in finding.object


def test_lines_are_judged_inside_the_bleed_only(tmp_path):
    outside = b"0 0 0 1 K 0 w -20 100 m -12 100 l S"  # in the slug, like crop marks
    assert _with(tmp_path, outside) == {}
    inside = b"0 0 0 1 K 0 w -8 100 m 5 100 l S"  # reaches into the bleed
    assert set(_with(tmp_path, inside)) == {"hairlines"}


def _annotation(rect):
    def change(pdf):
        appearance = pikepdf.Stream(pdf, b"0 0 0 1 K 0 w 0 0 m 6 0 l S", Type=pikepdf.Name.XObject,
                                    Subtype=pikepdf.Name.Form, BBox=[0, 0, 6, 10])
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Square, Rect=rect, AP=pikepdf.Dictionary(N=appearance)))]))
    return change


def test_an_annotation_is_judged_where_it_prints(tmp_path):
    page_mediabox_left = -3 * 72 / 25.4 - 1  # wholly outside the bleed
    assert _with(tmp_path, change=_annotation([page_mediabox_left - 6, 100, page_mediabox_left, 110])) == {}
    failed = _with(tmp_path, change=_annotation([100, 100, 106, 110]))
    assert set(failed) == {"hairlines", "annotations"}
    assert "35.3 mm from the left" in failed["hairlines"].findings[0].object  # at the Rect (100 pt), not at 0


def test_the_condition_is_matched_as_print_shops_write_it(tmp_path):
    def identifier(text):
        def change(pdf):
            pdf.Root.OutputIntents[0].OutputConditionIdentifier = pikepdf.String(text)
        return change

    assert _with(tmp_path, change=identifier("Coated FOGRA39 (ISO 12647-2:2004)")) == {}
    assert _with(tmp_path, change=identifier("FOGRA39L")) == {}
    failed = _with(tmp_path, change=identifier("FOGRA391"))
    assert set(failed) == {"output intent (GTS_PDFX)"}
    assert failed["output intent (GTS_PDFX)"].message == "OutputConditionIdentifier: FOGRA391, wanted FOGRA39"
    shop = replace(PRINT, condition="FOGRA51")
    assert set(_with(tmp_path, profile=shop)) == {"output intent (GTS_PDFX)"}


def test_a_broken_page_object_is_damage_not_a_crash(tmp_path):
    def break_boxes(pdf):
        pdf.pages[0].obj.TrimBox = pikepdf.Array([pikepdf.Name.Oops, 0, 1])

    failed = _with(tmp_path, change=break_boxes)
    assert list(failed) == ["file structure"] and failed["file structure"].message.startswith("damaged: ")


def test_javascript_is_refused_for_the_archive_too(tmp_path):
    def script(pdf):
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))

    rules = _with(tmp_path, change=script, profile=resolve("archive"))
    assert "JavaScript and actions" in rules
    assert rules["JavaScript and actions"].findings[0].object == "open action"


def test_every_rule_reports_the_same_json_keys():
    keys = {"rule", "status", "severity", "message", "pages", "object", "value", "limit", "findings"}
    assert set(Rule("x", "pass", "fine").as_dict()) == keys
