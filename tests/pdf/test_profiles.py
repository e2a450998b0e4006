"""The output profiles: print (PDF/X for the print shop), archive (PDF/A), screen; and
the preflight that checks any PDF against them."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from conftest import PREVIOUS_PDF, copy_project, page_texts, run, run_json, squash, with_previous_pdf
from PIL import Image

MM = 72 / 25.4


@pytest.fixture(scope="module")
def print_pdf(tmp_path_factory):
    """The print-shop project built for print: A5, saddle-stitched, crop marks, a
    full-bleed cover picture, one picture sharper than print needs."""
    project = copy_project("print-shop", tmp_path_factory.mktemp("print"))
    result, report = run_json("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    return project / "build" / "brochure.pdf", report


def _content(page) -> bytes:
    return b"".join(stream.read_bytes() for stream in ([page.Contents] if isinstance(page.Contents, pikepdf.Stream)
                                                         else page.Contents))


def test_print_is_pdf_x4_with_a_cmyk_output_intent(print_pdf):
    path, _report = print_pdf
    with pikepdf.open(path) as pdf:
        assert pdf.pdf_version == "1.6"
        assert "PDF/X-4" in pdf.Root.Metadata.read_bytes().decode()
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4 and profile.read_bytes()[16:20] == b"CMYK"
        assert str(pdf.docinfo.Trapped) == "/False" and "/ID" in pdf.trailer


def test_print_uses_no_rgb_anywhere(print_pdf):
    path, _ = print_pdf
    with pikepdf.open(path) as pdf:
        images = {x.objgen: x for page in pdf.pages for x in page.Resources.get("/XObject", {}).values()
                  if x.Subtype == "/Image"}
        assert images and {str(x.ColorSpace) for x in images.values()} == {"/DeviceCMYK"}
        for page in pdf.pages:
            operators = {str(op) for _, op in pikepdf.parse_content_stream(page)}
            assert not operators & {"rg", "RG"}
            spaces = set(re.findall(rb"/(\w+) c[sS]", _content(page)))
            assert spaces <= {b"DeviceCMYK"}, spaces


def test_print_boxes_bleed_and_crop_marks(print_pdf):
    path, _ = print_pdf
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            media = [float(v) for v in page.MediaBox]
            assert trim == pytest.approx([0, 0, 148 * MM, 210 * MM], abs=0.01)  # A5
            assert [bleed[0] - trim[0], trim[2] - bleed[2]] == pytest.approx([-3 * MM, -3 * MM], abs=0.01)
            assert media[0] < bleed[0] - 5 * MM  # room for the marks outside the bleed
        marks = _content(pdf.pages[1]).split(b"0 0 0 1 K")[1]
        assert marks.count(b" l S") == 8  # eight short lines, black ink only


def test_the_cover_picture_fills_the_bleed(print_pdf):
    path, _ = print_pdf
    with pikepdf.open(path) as pdf:
        media = [float(v) for v in pdf.pages[0].MediaBox]
        trim = [float(v) for v in pdf.pages[0].TrimBox]
    document = pypdfium2.PdfDocument(str(path))
    try:
        bitmap = document[0].render(scale=1).to_pil().convert("RGB")  # 1 pixel a point, media box
    finally:
        document.close()
    # A spot in the bleed, 1.5 mm outside the trim's top-left corner, is picture, not paper.
    x = round(trim[0] - media[0] - 1.5 * MM)
    y = round(media[3] - trim[3] - 1.5 * MM)
    red, green, blue = bitmap.getpixel((x, y))
    assert (red, green, blue) != (255, 255, 255) and red > blue  # the warm end of the gradient
    # and just outside the bleed, in the slug, there is paper.
    assert bitmap.getpixel((x - round(3 * MM), y - round(3 * MM))) == (255, 255, 255)


def test_print_has_no_link_annotations_but_prints_addresses(print_pdf):
    path, _ = print_pdf
    with pikepdf.open(path) as pdf:
        assert all("/Annots" not in page for page in pdf.pages)
    text = squash(" ".join(page_texts(path)))
    assert re.search(r"the example site \(example\.org/ ?print\)", text)
    assert "Example (example.org/further)" in text
    # The contents keep their page numbers without links.
    contents = page_texts(path)[1].replace("\r\n", "\n")
    assert "1 MARCH 2022 3\n" in contents and "A picture sharper than print needs" in contents


def test_print_images_are_downsampled_to_the_ceiling(print_pdf):
    path, report = print_pdf
    with pikepdf.open(path) as pdf:
        widths = sorted(int(x.Width) for page in pdf.pages for x in page.Resources.get("/XObject", {}).values()
                        if x.Subtype == "/Image")
    assert 1900 <= widths[-1] < 2100 or 1900 <= widths[0] < 2100
    assert "1 image(s) above 450 ppi were downsampled" in report["warnings"]


def test_saddle_stitch_pads_to_a_multiple_of_four(print_pdf):
    path, report = print_pdf
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 8 and report["pages"] == 8
        # The last three are blank: nothing drawn but the crop marks.
        for page in pdf.pages[5:]:
            drawn = {str(op) for _, op in pikepdf.parse_content_stream(page)}
            assert drawn <= {"q", "Q", "K", "w", "m", "l", "S"}, drawn
    assert "added 3 blank page(s) at the end: saddle stitching needs a multiple of 4 pages" in report["warnings"]


def test_print_build_reports_every_preflight_rule_passing(print_pdf):
    _, report = print_pdf
    rules = {rule["rule"]: rule["status"] for rule in report["preflight"]}
    assert rules == {name: "pass" for name in (
        "file structure", "PDF version", "fonts embedded", "page boxes and bleed", "page sizes", "colour spaces",
        "blending spaces", "transparency", "white overprint", "small text in several inks", "rich black text",
        "hairlines", "thin lines in several inks", "annotations", "JavaScript and actions",
        "output intent (GTS_PDFX)", "PDF/X version", "title and dates", "Trapped key", "document identifier",
        "encryption", "image resolution", "1-bit image resolution", "total ink coverage", "page count")}


def test_print_files_are_sound_for_qpdf_ghostscript_poppler_mupdf_and_pdfium(print_pdf, tmp_path):
    path, _ = print_pdf
    with pikepdf.open(path) as pdf:
        assert pdf.check_pdf_syntax() == []  # qpdf's own structural check
    done = subprocess.run([_tool("gs"), "-q", "-dNOPAUSE", "-dBATCH", "-dPDFSTOPONERROR", "-sDEVICE=nullpage",
                           str(path)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    done = subprocess.run([_tool("pdftoppm"), "-r", "10", "-png", str(path), str(tmp_path / "poppler")],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    done = subprocess.run([_tool("mutool"), "draw", "-r", "10", "-o", str(tmp_path / "mupdf%d.png"), str(path)],
                          capture_output=True, text=True)
    # Debian's mutool is built without colour management and says so; anything else is a complaint.
    complaints = [line for line in done.stderr.splitlines() if line and "ICC support is not available" not in line
                  and not line.startswith("page ")]
    assert done.returncode == 0 and complaints == [], done.stderr
    document = pypdfium2.PdfDocument(str(path))
    try:
        for page in document:
            page.render(scale=0.2)
    finally:
        document.close()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"this test needs {name} (Debian: see .ci/run)")
    return path


def test_pictures_below_the_floor_are_errors_naming_the_entry(tmp_path):
    project = copy_project("print-shop", tmp_path)
    Image.new("RGB", (600, 400), (90, 90, 90)).save(project / "entries" / "images" / "sharp.jpg")
    (project / "build").mkdir(exist_ok=True)
    (project / "build" / "brochure.pdf").write_bytes(b"%PDF- previous")
    result = run("build", "--profile", "print", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("entries/2022-03-01-sharp-picture.yaml:4:8: image.src: image 'images/sharp.jpg' "
                                    "prints at 141 ppi (page 3); print needs at least 300 ppi")
    assert (project / "build" / "brochure.pdf").read_bytes() == b"%PDF- previous"


def test_pdf_x1a_has_no_transparency(tmp_path):
    project = copy_project("print-shop", tmp_path)
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text().replace("  marks: true", "  variant: pdf/x-1a"))
    result, report = run_json("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        assert pdf.pdf_version == "1.4" and str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-1a:2003"
        for page in pdf.pages:
            for xobject in page.Resources.get("/XObject", {}).values():
                assert "/Group" not in xobject and "/SMask" not in xobject
    assert {rule["rule"]: rule["message"] for rule in report["preflight"]}["transparency"] == "none"


def test_the_preflight_fails_a_screen_pdf_for_print(tmp_path, seed_pdf):
    result, report = run_json("check", "--pdf", str(seed_pdf), "--profile", "print", cwd=tmp_path)
    assert result.exit_code == 1 and report["ok"] is False
    failed = {rule["rule"]: rule for rule in report["rules"] if rule["status"] == "fail"}
    assert set(failed) == {"PDF version", "page boxes and bleed", "colour spaces", "annotations",
                           "output intent (GTS_PDFX)", "PDF/X version", "Trapped key"}
    assert failed["colour spaces"]["message"] == "DeviceRGB used; print needs CMYK"
    assert failed["annotations"]["pages"][:2] == [1, 2]  # the partner's logo on the cover, the contents' links


def test_the_preflight_measures_total_ink(tmp_path):
    import weasyprint

    heavy = tmp_path / "heavy.pdf"
    weasyprint.HTML(string="<style>@page { size: A6; bleed: 3mm; background: device-cmyk(1 1 1 1) }</style>"
                           "<p>Four inks at 100 %</p>").write_pdf(heavy)
    result = run("check", "--pdf", str(heavy), cwd=tmp_path)
    assert result.exit_code == 1
    assert re.search(r"FAIL  total ink coverage: up to 40\d %; the limit is 300 % \(pages 1\)", result.stdout), \
        result.stdout


def test_check_pdf_refuses_what_is_not_a_pdf(tmp_path):
    (tmp_path / "fake.pdf").write_text("hello")
    result = run("check", "--pdf", str(tmp_path / "fake.pdf"), cwd=tmp_path)
    assert result.exit_code == 1 and "not a readable PDF" in result.stderr


def test_archive_is_pdf_a_and_pdfbox_accepts_the_1b_variant(tmp_path):
    project = copy_project("seed", tmp_path)
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text() + "archive:\n  variant: pdf/a-1b\n")
    result, _report = run_json("build", "--profile", "archive", cwd=project)
    assert result.exit_code == 0, result.output
    path = project / "build" / "brochure.pdf"
    with pikepdf.open(path) as pdf:
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert "<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>" in \
            pdf.Root.Metadata.read_bytes().decode()
        for page in pdf.pages:
            for xobject in page.Resources.get("/XObject", {}).values():
                assert xobject.get("/Interpolate", False) is False
    java = _tool("java")
    jars = ["preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api"]
    classpath = ":".join(f"/usr/share/java/{jar}.jar" for jar in jars)
    done = subprocess.run([java, "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert "is a valid PDF/A-1b file" in done.stdout, done.stdout + done.stderr


def _structure(pdf) -> list[tuple[str, str]]:
    """Every structure element of a tagged PDF as (type, alt text), in reading order."""
    found, stack = [], [pdf.Root.StructTreeRoot]
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            found.append((str(element.S), str(element.get("/Alt", ""))))
        kids = element.get("/K") if isinstance(element, pikepdf.Dictionary) else None
        if isinstance(kids, pikepdf.Array):
            stack.extend(reversed(list(kids)))
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)
    return found


def test_archive_default_is_tagged_pdf_a_1a_with_the_screen_editions_structure(tmp_path):
    """PDF/A-1a: tagged, so the archive copy keeps the accessibility of the screen edition
    (headings, reading order, alt text), and PDFBox can validate it in full."""
    result, report = run_json("build", "--profile", "archive", "-o", str(tmp_path / "a.pdf"))
    assert result.exit_code == 0
    rules = {rule["rule"]: rule for rule in report["preflight"]}
    assert rules["PDF/A identification"]["message"] == "PDF/A-1a"
    assert rules["tagged for accessibility"]["status"] == "pass"
    assert run_json("build", "--profile", "screen", "-o", str(tmp_path / "s.pdf"))[0].exit_code == 0
    with pikepdf.open(tmp_path / "a.pdf") as archive, pikepdf.open(tmp_path / "s.pdf") as screen:
        assert str(archive.Root.Lang) == "en" and archive.Root.MarkInfo.Marked
        archived, shown = _structure(archive), _structure(screen)
        assert [kind for kind, _ in archived if kind in ("/H1", "/H2", "/Figure")] == \
            [kind for kind, _ in shown if kind in ("/H1", "/H2", "/Figure")]
        alts = [alt for kind, alt in archived if kind == "/Figure"]
        assert len(alts) >= 9 and all(alts) and alts == [alt for kind, alt in shown if kind == "/Figure"]


def test_profile_comes_from_the_settings_and_the_option_wins(tmp_path):
    project = copy_project("minimal", tmp_path)
    (project / "brochure.yaml").write_text("title: T\nprofile: archive\n")
    assert run_json("build", cwd=project)[1]["profile"] == "archive"
    assert run_json("build", "--profile", "screen", cwd=project)[1]["profile"] == "screen"
    assert run("build", "--profile", "poster", cwd=project).exit_code == 2


def test_print_settings_are_validated(tmp_path):
    project = copy_project("minimal", tmp_path)
    (project / "brochure.yaml").write_text("title: T\nprint:\n  bleed: 3\n  varient: pdf/x-4\n  icc: nowhere.icc\n")
    lines = run("check", cwd=project).stderr.splitlines()
    assert lines[:2] == ["brochure.yaml:3:10: print.bleed: must be text, not 3 (put the text in quotes)",
                         "brochure.yaml:4:3: print.varient: unknown field 'varient' (did you mean 'variant'?)"]


def test_every_markdown_construct_prints_in_cmyk(tmp_path):
    project = copy_project("print-shop", tmp_path)
    (project / "entries" / "2022-03-02-all-of-markdown.yaml").write_text(
        "title: All of Markdown\ndate: 2022-03-02\nbody: |\n  # Heading\n\n  *em* **strong** `code`\n\n"
        "  ---\n\n  1. one\n  2. two\n\n  - a\n  - b\n\n  > quote\n\n      indented code\n\n"
        "  <https://example.org/auto>\n  line  \n  break\n")
    result, report = run_json("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    assert {rule["rule"]: rule["message"] for rule in report["preflight"]}["colour spaces"] == "used: DeviceCMYK"


@pytest.mark.parametrize("icc, message", [
    ("/usr/share/color/icc/ghostscript/srgb.icc", "is an RGB profile, not a CMYK one"),
    (None, "is not an ICC profile"),
])
def test_the_print_shops_profile_must_be_a_cmyk_printer_profile(tmp_path, icc, message):
    project = copy_project("print-shop", tmp_path)
    target = project / "shop.icc"
    if icc and Path(icc).is_file():
        shutil.copy(icc, target)
    elif icc:
        from PIL import ImageCms
        target.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    else:
        target.write_text("not a profile")
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text().replace("print:\n", "print:\n  icc: shop.icc\n"))
    result = run("build", "--profile", "print", cwd=project)
    assert result.exit_code == 1
    assert f"print.icc: 'shop.icc' {message}" in result.stderr


def test_a_condition_needs_the_shops_profile(tmp_path):
    project = copy_project("print-shop", tmp_path)
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text().replace("print:\n", "print:\n  condition: FOGRA51\n"))
    result = run("check", cwd=project)
    assert result.exit_code == 1 and "print.condition: a condition names the print shop's own profile" in result.stderr


def test_a_wide_bleed_is_declared_in_full(tmp_path):
    project = copy_project("print-shop", tmp_path)
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text().replace("  marks: true", "  bleed: 5mm"))
    result = run("build", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        trim, bleed = [float(v) for v in pdf.pages[0].TrimBox], [float(v) for v in pdf.pages[0].BleedBox]
    assert trim[0] - bleed[0] == pytest.approx(5 * MM, abs=0.01)


def test_saddle_stitch_does_not_stop_screen_or_archive_builds(tmp_path):
    project = copy_project("print-shop", tmp_path)
    for profile in ("screen", "archive"):
        result, report = run_json("build", "--profile", profile, "-o", f"{profile}.pdf", cwd=project)
        assert result.exit_code == 0, result.output
        assert report["pages"] == 5


def test_a_low_resolution_cover_picture_names_the_setting(tmp_path):
    project = copy_project("print-shop", tmp_path)
    Image.new("RGB", (600, 850), (200, 90, 40)).save(project / "entries" / "images" / "cover.jpg")
    result = run("build", "--profile", "print", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("brochure.yaml:8:10: cover.image: image 'entries/images/cover.jpg' prints at ")


def _pdf(tmp_path, name, html, **options):
    import weasyprint

    path = tmp_path / name
    weasyprint.HTML(string=html).write_pdf(path, **options)
    return path


def test_the_preflight_finds_rgb_and_transparency_hidden_in_patterns_and_appearances(tmp_path):
    gradient = _pdf(tmp_path, "gradient.pdf", "<style>@page{size:A6; bleed:3mm}</style>"
                    "<div style='height:50mm; background: linear-gradient(red, blue)'></div>")
    rules = {rule["rule"]: rule for rule in run_json("check", "--pdf", str(gradient), cwd=tmp_path)[1]["rules"]}
    assert rules["colour spaces"]["status"] == "fail" and "DeviceRGB" in rules["colour spaces"]["message"]
    faded = _pdf(tmp_path, "faded.pdf", "<style>@page{size:A6; bleed:3mm}</style>"
                 "<p style='opacity: 0.5; color: device-cmyk(0 0 0 1)'>half</p>")
    project = copy_project("print-shop", tmp_path)
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text().replace("  marks: true", "  variant: pdf/x-1a"))
    rules = {rule["rule"]: rule for rule in run_json("check", "--pdf", str(faded), cwd=project)[1]["rules"]}
    assert rules["transparency"]["status"] == "fail" and "opacity 0.5" in rules["transparency"]["message"]
    assert rules["PDF/X version"]["status"] == "fail"  # not labelled PDF/X-1a at all


def test_the_preflight_refuses_encrypted_and_empty_files(tmp_path, seed_pdf):
    with pikepdf.open(seed_pdf) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user=""))
    rules = {rule["rule"]: rule["status"] for rule in
             run_json("check", "--pdf", str(tmp_path / "locked.pdf"), cwd=tmp_path)[1]["rules"]}
    assert rules["encryption"] == "fail"
    pikepdf.new().save(tmp_path / "empty.pdf")
    result, report = run_json("check", "--pdf", str(tmp_path / "empty.pdf"), cwd=tmp_path)
    assert result.exit_code == 1
    [rule] = report["rules"]
    assert (rule["rule"], rule["status"], rule["message"]) == ("pages", "fail", "the PDF has no pages")


def test_profile_options_that_do_not_fit_are_command_line_errors(tmp_path):
    assert run("build", "--format", "html", "--profile", "print").exit_code == 2
    assert run("build", "--format", "html", "-o", str(tmp_path / "x.pdf")).exit_code == 2
    assert run("check", "--profile", "print").exit_code == 2


def test_a_print_build_whose_preflight_fails_writes_nothing_and_names_the_entry(tmp_path):
    """The theme prints item titles in RGB: the print build's own preflight refuses the
    file, says which entry's page holds the colour, and keeps the previous PDF."""
    import brochure

    project = copy_project("print-shop", tmp_path)
    theme = project / "styles" / "rgb"
    shutil.copytree(Path(brochure.__file__).parent / "styles" / "default", theme)
    with (theme / "print.css").open("a") as css:
        css.write("article h2 { color: rgb(200, 0, 0) !important; }\n")
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text() + "theme: rgb\n")
    target = with_previous_pdf(project)
    result, report = run_json("build", "--profile", "print", cwd=project)
    assert result.exit_code == 1 and report["ok"] is False
    problems = [problem for problem in report["problems"] if "colour spaces" in problem["message"]]
    assert problems and all(problem["path"].startswith("entries/") for problem in problems), report["problems"]
    assert "DeviceRGB used; print needs CMYK" in problems[0]["message"]
    assert problems[0]["hint"].startswith("a colour the theme's print.css does not give in CMYK")
    assert target.read_bytes() == PREVIOUS_PDF
    assert not [path for path in target.parent.iterdir() if path.name.endswith(".tmp")]
