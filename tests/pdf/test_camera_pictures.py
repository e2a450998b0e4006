"""Pictures as real offices send them (scripts/make-camera-pictures.py): EXIF-rotated,
16-bit grey, CMYK for another press, ProPhoto and Adobe RGB, alpha, palette, 1-bit.
Each edition must show them upright, inked, in the right colours, and pass the
independent checkers (qpdf, Ghostscript, PDFBox) as well as its own preflight."""

from __future__ import annotations

import hashlib
import io
import math
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from conftest import run, run_json
from PIL import Image, ImageCms, ImageStat

from brochure.html.theme import PROJECT_URL
from brochure.pdf.profiles import DEFAULT_ICC

ROOT = Path(__file__).resolve().parents[2]
PICTURES = ["exif-rotated.jpg", "grey-16bit.png", "grey-8bit.jpg", "grey-as-rgb.jpg", "cmyk-swop.jpg", "prophoto.jpg",
            "adobe-rgb.png", "alpha-fade.png", "palette-alpha.png", "bilevel.png"]
COLOURED = ["exif-rotated.jpg", "cmyk-swop.jpg", "prophoto.jpg", "adobe-rgb.png"]
GREY = ["grey-16bit.png", "grey-8bit.jpg", "grey-as-rgb.jpg", "bilevel.png"]
EDITIONS = {"screen": ("screen", ""), "print": ("print", ""), "print-x1a": ("print", "print:\n  variant: pdf/x-1a\n"),
            "archive": ("archive", "")}


def make_pictures(folder: Path) -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make-camera-pictures.py"), str(folder)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr  # needs Ghostscript's ICC profiles: CI installs ghostscript


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Path]:
    """The camera pictures, one item each, built as every edition."""
    base = tmp_path_factory.mktemp("camera")
    make_pictures(base / "pictures")
    built = {}
    for name, (profile, extra) in EDITIONS.items():
        project = base / name
        (project / "entries" / "images").mkdir(parents=True)
        (project / "brochure.yaml").write_text(f"title: Camera pictures\npublisher: Test Office\n{extra}")
        for day, picture in enumerate(PICTURES, 1):
            (project / "entries" / "images" / picture).write_bytes((base / "pictures" / picture).read_bytes())
            (project / "entries" / f"2022-01-{day:02d}-item.yaml").write_text(
                f"title: Picture {picture}\ndate: 2022-01-{day:02d}\nimage:\n  src: images/{picture}\n"
                f"  alt: The scene as {picture}\nbody: A picture from a camera.\n")
        result, report = run_json("build", "--profile", profile, cwd=project)
        assert result.exit_code == 0, result.output
        assert all(rule["status"] != "fail" for rule in report["preflight"])
        built[name] = project / "build" / "brochure.pdf"
    return built


def _images(path: Path, only: str = "") -> dict:
    """Every picture of the brochure by its file name, as embedded, with its dictionary."""
    if only:  # the last pixel row's middle of the picture at `only`, in CMYK
        wanted = hashlib.md5(f"{PROJECT_URL}{only}".encode()).hexdigest()
        with pikepdf.open(path) as pdf:
            for resource, xobject in pdf.pages[0].Resources.XObject.items():
                if str(resource)[2:34] == wanted:
                    picture = pikepdf.PdfImage(xobject).as_pil_image()
                    return list(picture.getpixel((picture.width // 2, picture.height - 1)))
        raise AssertionError(f"{only} is not in {path}")
    names = {hashlib.md5(f"{PROJECT_URL}entries/images/{name}".encode()).hexdigest(): name for name in PICTURES}
    found = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for resource, xobject in page.Resources.get("/XObject", {}).items():
                name = names.get(str(resource)[2:34])
                if xobject.get("/Subtype") == "/Image" and name and name not in found:
                    found[name] = (pikepdf.PdfImage(xobject).as_pil_image(),
                                   {"space": str(xobject.ColorSpace), "smask": "/SMask" in xobject})
    assert sorted(found) == sorted(PICTURES)
    return found


def _lab(picture: Image.Image) -> list[tuple[int, int, int]]:
    """CIE Lab of a thumbnail: CMYK through the press profile, the rest as sRGB."""
    picture = picture.convert("RGB") if picture.mode in ("L", "RGBA", "1") else picture
    picture = picture.resize((120, 80))
    source = ImageCms.getOpenProfile(str(DEFAULT_ICC)) if picture.mode == "CMYK" else ImageCms.createProfile("sRGB")
    transform = ImageCms.buildTransform(source, ImageCms.createProfile("LAB"), picture.mode, "LAB",
                                        ImageCms.Intent.RELATIVE_COLORIMETRIC, ImageCms.Flags.BLACKPOINTCOMPENSATION)
    return list(ImageCms.applyTransform(picture, transform).get_flattened_data())


def delta_e(one: Image.Image, other: Image.Image) -> float:
    """Mean CIE76 colour difference (Pillow's Lab: L 0-255, a and b offset by 128)."""
    pairs = list(zip(_lab(one), _lab(other), strict=True))
    return sum(math.sqrt(((p[0] - q[0]) * 100 / 255) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2)
               for p, q in pairs) / len(pairs)


def _scene() -> Image.Image:
    """The scene every camera picture shows, in sRGB, from the script that made them."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("camera", ROOT / "scripts" / "make-camera-pictures.py")
    assert spec and spec.loader
    camera = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(camera)
    return camera.scene()


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_every_picture_is_upright_in_every_edition(editions, edition):
    """Sky at the top, dark foot at the bottom: the EXIF-rotated photo too (it used to
    print sideways, and to be refused as 239 ppi when it has 359)."""
    for name, (picture, facts) in _images(editions[edition]).items():
        assert picture.size == (2400, 1600), name
        if name == "bilevel.png" or (name == "alpha-fade.png" and not facts["smask"]):
            continue  # line art's threshold whitens sky and bands; flattened, the clear foot is the page
        grey = picture.convert("RGB").convert("L")  # CMYK naively: enough to tell sky from foot
        top, bottom = grey.crop((0, 0, 2400, 200)), grey.crop((0, 1450, 2400, 1600))
        assert ImageStat.Stat(top).mean[0] > ImageStat.Stat(bottom).mean[0] + 40, (edition, name)


def test_print_pictures_are_within_a_small_colour_difference_of_the_screen_edition(editions):
    """Converted from each picture's own profile (ProPhoto, Adobe RGB, a SWOP CMYK) to the
    press's: the print colours, proofed through the output intent, match the screen."""
    printed, screen, archived = (_images(editions[name]) for name in ("print", "screen", "archive"))
    for name in COLOURED:
        assert printed[name][1]["space"] == "/DeviceCMYK"
        assert delta_e(printed[name][0], screen[name][0]) < 2.5, name  # measured: 0.7 to 1.2
        assert delta_e(archived[name][0], screen[name][0]) < 1.0, name
        if name != "cmyk-swop.jpg":  # RGB: the embedded profile was honoured (dropped, ProPhoto is 11.8 off)
            assert delta_e(screen[name][0], _scene()) < 2.5, name


def test_a_cmyk_photo_made_for_another_press_is_converted_from_its_own_profile(editions, tmp_path):
    """SWOP CMYK read through its embedded SWOP profile, not taken as the press's."""
    make_pictures(tmp_path)
    with Image.open(tmp_path / "cmyk-swop.jpg") as source:
        source.load()
        swop = ImageCms.ImageCmsProfile(io.BytesIO(source.info["icc_profile"]))
        honoured = ImageCms.profileToProfile(source, swop, ImageCms.createProfile("sRGB"), outputMode="RGB",
                                             renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                             flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
        dropped = delta_e(source, honoured)  # its numbers read as the press's CMYK
    screen, printed = _images(editions["screen"])["cmyk-swop.jpg"][0], _images(editions["print"])["cmyk-swop.jpg"][0]
    assert dropped > 3
    assert delta_e(screen, honoured) < 1.0 and delta_e(printed, honoured) < 2.0


def test_grey_pictures_print_on_black_only_and_carry_ink(editions):
    printed, screen = _images(editions["print"]), _images(editions["screen"])
    for name in GREY:
        picture, facts = printed[name]
        assert facts["space"] == "/DeviceGray", name  # the black plate only
        low, high = picture.convert("L").getextrema()
        assert high - low > 100, name  # not blank: the 16-bit grey used to print no ink at all
    sixteen, eight = screen["grey-16bit.png"][0].convert("L"), screen["grey-8bit.jpg"][0].convert("L")
    assert delta_e(sixteen, eight) < 1.5  # 16-bit grey on screen is the photo, not striped noise


def test_transparency_is_kept_in_x4_and_flattened_where_the_variant_forbids_it(editions):
    for name in ("alpha-fade.png", "palette-alpha.png"):
        assert _images(editions["print"])[name][1] == {"space": "/DeviceCMYK", "smask": True}
        assert _images(editions["screen"])[name][1]["smask"]
        assert not _images(editions["print-x1a"])[name][1]["smask"]
        assert not _images(editions["archive"])[name][1]["smask"]
    faded = _images(editions["print-x1a"])["alpha-fade.png"][0]
    ink = sum(faded.convert("CMYK").getpixel((1200, 1599)))
    assert ink < 10  # the clear foot is the white page behind it, not the picture's colour


@pytest.mark.parametrize("edition", ["print", "print-x1a", "archive"])
def test_camera_editions_pass_qpdf_and_ghostscript(editions, edition):
    path = editions[edition]
    with pikepdf.open(path) as pdf:
        assert pdf.check_pdf_syntax() == []
    done = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dPDFSTOPONERROR", "-sDEVICE=nullpage", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_archive_with_camera_pictures_is_valid_pdf_a_for_pdfbox(editions):
    jars = ["preflight", "pdfbox2", "fontbox2", "xmpbox", "commons-logging", "javax.activation", "jaxb-api"]
    classpath = ":".join(f"/usr/share/java/{jar}.jar" for jar in jars)
    done = subprocess.run(["java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b",
                           str(editions["archive"])], capture_output=True, text=True, timeout=300)
    assert "is a valid PDF/A-1b file" in done.stdout, done.stdout + done.stderr


def test_a_cover_that_fades_out_is_flattened_onto_the_cover_colour_in_x1a(tmp_path):
    """The cover text is white on the theme's dark cover: flattened onto white, a picture
    fading out took the text with it. Flattened onto what lies behind, X-1a looks like X-4."""
    from conftest import copy_project

    make_pictures(tmp_path / "pictures")
    project = copy_project("print-shop", tmp_path)
    with Image.open(tmp_path / "pictures" / "alpha-fade.png") as faded:
        faded.resize((4800, 3200)).save(project / "entries" / "images" / "fade.png")
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text().replace("entries/images/cover.jpg", "entries/images/fade.png"))
    item = project / "entries" / "2022-03-01-sharp-picture.yaml"  # the same picture on a white page too
    item.write_text(item.read_text().replace("images/sharp.jpg", "images/fade.png"))
    pixels, foot = {}, {}
    for variant in ("pdf/x-4", "pdf/x-1a"):
        settings.write_text(settings.read_text() + f"  variant: {variant}\n" if variant == "pdf/x-1a"
                            else settings.read_text())
        result = run("build", "--profile", "print", "-o", f"{variant[4:]}.pdf", cwd=project)
        assert result.exit_code == 0, result.output
        import pypdfium2

        page = pypdfium2.PdfDocument(project / f"{variant[4:]}.pdf")[0]
        bitmap = page.render(scale=0.3).to_pil().convert("RGB")
        pixels[variant] = bitmap.getpixel((bitmap.width // 2, bitmap.height * 9 // 10))
        foot[variant] = _images(project / f"{variant[4:]}.pdf", "entries/images/fade.png")
    assert max(pixels["pdf/x-1a"]) < 120, pixels  # dark, as in X-4, not the white paper
    assert max(abs(a - b) for a, b in zip(pixels["pdf/x-1a"], pixels["pdf/x-4"], strict=True)) < 30, pixels
    assert foot["pdf/x-1a"] == [0, 0, 0, 0]  # in the item, on its white page, the clear foot is paper


def test_every_pillow_mode_comes_out_plain_and_inked():
    from brochure.pdf.pictures import Target, prepare

    scene = _scene().resize((300, 200))
    grey = scene.convert("L")
    sources = {
        "1": grey.convert("1"), "L": grey, "LA": grey.convert("LA"), "P": scene.quantize(32),
        "PA": scene.quantize(32).convert("PA"), "I;16": grey.point(lambda v: v * 257, "I").convert("I;16"),
        "I": grey.point(lambda v: v * 257, "I"), "F": grey.convert("F").point(lambda v: v / 255),
        "RGB": scene, "RGBA": scene.convert("RGBA"), "CMYK": scene.convert("CMYK"),
        "YCbCr": scene.convert("YCbCr"), "LAB": ImageCms.applyTransform(scene, ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"), ImageCms.createProfile("LAB"), "RGB", "LAB")),
    }
    for mode, source in sources.items():
        buffer = io.BytesIO()
        source.save(buffer, "TIFF")
        for target in (Target(DEFAULT_ICC, True), Target(None, True), Target(None, False)):
            result = prepare(buffer.getvalue(), target)
            with Image.open(io.BytesIO(result.data)) as made:
                assert made.mode in ("L", "RGB", "RGBA", "CMYK"), (mode, made.mode)
                bands = made.getextrema() if made.mode != "L" else [made.getextrema()]
                assert any(high - low > 50 for low, high in bands), (mode, target)


def test_a_picture_that_comes_out_blank_is_refused_naming_its_entry(tmp_path):
    """A float picture in a range no convention covers turns into one flat colour: the
    build says so against the entry rather than printing an empty box."""
    from brochure.commands.blame import Picture
    from brochure.commands.pictures import prepare_pictures
    from brochure.errors import ContentError
    from brochure.model import Settings
    from brochure.pdf.profiles import resolve

    path = tmp_path / "float.tif"
    Image.linear_gradient("L").convert("F").point(lambda v: 1000 + v).save(path)
    picture = Picture(path, PROJECT_URL + "float.tif", "entries/2022-01-01-x.yaml", "images/float.tif", (4, 8))
    with pytest.raises(ContentError) as caught:
        prepare_pictures(Settings(root=tmp_path, title="T"), resolve("print"), [picture])
    [problem] = caught.value.problems
    where = (problem.path, problem.line, problem.column, problem.field)
    assert where == ("entries/2022-01-01-x.yaml", 4, 8, "image.src")
    assert "single colour" in problem.message


def test_a_logo_on_transparency_and_a_damaged_profile_build_in_every_profile(tmp_path):
    """A one-colour logo is a colour and a shape: not a blank picture. A photo whose
    embedded ICC profile is damaged is taken as untagged, not a crash."""
    from conftest import copy_project
    from PIL import ImageDraw

    project = copy_project("print-shop", tmp_path)
    images = project / "entries" / "images"
    logo = Image.new("RGBA", (2800, 1400), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((200, 200, 2600, 1200), fill=(0, 0, 0, 255))
    logo.save(images / "logo.png")
    with Image.open(images / "sharp.jpg") as photo:
        photo.save(images / "damaged.jpg", icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
                   .tobytes()[:-40] + b"x" * 10)
    for name, picture in (("logo", "logo.png"), ("damaged", "damaged.jpg")):
        (project / "entries" / f"2022-04-0{len(name) % 9}-{name}.yaml").write_text(
            f"title: {name}\ndate: 2022-04-0{len(name) % 9}\nimage:\n  src: images/{picture}\n  alt: A {name}\n"
            "body: Text.\n")
    for profile in ("print", "screen", "archive"):
        result = run("build", "--profile", profile, "-o", f"{profile}.pdf", cwd=project)
        assert result.exit_code == 0, (profile, result.output)
    with pikepdf.open(project / "print.pdf") as pdf:
        masks = [x for x in pdf.pages[0].Resources.XObject.values() if x.get("/Subtype") == "/Image" and "/SMask" in x]
        assert masks  # the logo keeps its shape in X-4


def test_a_dark_16_bit_picture_stays_dark():
    """16 bits by its mode: values up to 255 of 65535 are nearly black, not a full range."""
    from brochure.pdf.pictures import Target, prepare

    dark = Image.linear_gradient("L").resize((300, 200)).point(lambda v: v, "I").convert("I;16")
    buffer = io.BytesIO()
    dark.save(buffer, "PNG")
    for target in (Target(DEFAULT_ICC, True), Target(None, True)):
        with Image.open(io.BytesIO(prepare(buffer.getvalue(), target).data)) as made:
            assert made.convert("L").getextrema()[1] <= 2
