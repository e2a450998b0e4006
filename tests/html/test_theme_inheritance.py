"""A project theme styles/NAME/ holds only what it changes and inherits the rest of the
default theme (docs/themes.md): its theme.css is added after the default's brochure.css,
its print.css after the default's print.css, a template of its own may extend the
default's page and override named blocks, and every other file it lacks is the
default's. Each case builds the real PDF and compares it with the default's."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from conftest import copy_project, page_texts, run, run_json

from brochure.confine import default_theme
from brochure.html.theme import supports_parts

ACCENT = "#c0392b"  # the theme's accent: 0.752941 0.223529 0.168627 in the PDF
ONE_STYLESHEET = f":root {{ --accent: {ACCENT}; }}\n.cover-title {{ font-size: 30pt; }}\n"
RED = b"0.752941 0.223529 0.168627 rg"
DEFAULT_BLUE = b"0.043137 0.32549 0.580392 rg"  # the default's --accent, #0b5394
COVER_TITLE = b"50.666016"  # 38 pt, in the 3/4-scaled units WeasyPrint writes font sizes in
A5_COVER_TITLE = b"37.333008"  # 28 pt: the default's cover title on A5 (print-shop)
SMALLER_TITLE = b"40"  # 30 pt


def _theme(project: Path, files: dict[str, str], name: str = "acme") -> Path:
    folder = project / "styles" / name
    folder.mkdir(parents=True)
    for relative, text in files.items():
        (folder / relative).write_text(text)
    settings = project / "brochure.yaml"
    settings.write_text(settings.read_text() + f"theme: {name}\n")
    return folder


def _build(project: Path, name: str, *options: str) -> Path:
    target = project / "build" / f"{name}.pdf"
    result = run("build", "-q", "--force", *options, "-o", str(target), cwd=project)
    assert result.exit_code == 0, result.output
    return target


def _contents(path: Path) -> bytes:
    with pikepdf.open(path) as pdf:
        streams = [page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents] for page in pdf.pages]
        return b"\n".join(b"".join(part.read_bytes() for part in parts) for parts in streams)


def _cmyk(path: Path) -> set[bytes]:
    """The DeviceCMYK colours the pages paint with (WeasyPrint: /DeviceCMYK cs, then scn)."""
    return set(re.findall(rb"([\d.]+ [\d.]+ [\d.]+ [\d.]+) (?:scn|SCN)", _contents(path)))


def _rgb(path: Path) -> bool:
    """Whether anything on the pages is painted in RGB."""
    return bool(re.search(rb"\s(rg|RG)\s|/DeviceRGB (cs|CS)", _contents(path)))


def _words(path: Path) -> list[str]:
    """The words of every page (a title of another size may break its lines elsewhere)."""
    return [" ".join(text.split()) for text in page_texts(path)]


def _sizes(path: Path) -> set[bytes]:
    return set(re.findall(rb"/\w+ ([\d.]+) Tf", _contents(path)))


def _fonts(path: Path) -> set[str]:
    """The fonts of every page, without their subset prefix (ABCDEF+)."""
    with pikepdf.open(path) as pdf:
        return {str(font.BaseFont).split("+")[-1] for page in pdf.pages
                for font in page.Resources.get("/Font", {}).values()}


def _pixels(path: Path) -> list[bytes]:
    document = pypdfium2.PdfDocument(path)
    try:
        return [document[index].render(scale=0.5).to_pil().tobytes() for index in range(len(document))]
    finally:
        document.close()


@pytest.fixture
def default_screen(tmp_path):
    project = copy_project("minimal", tmp_path / "default")
    return _build(project, "default")


def test_one_stylesheet_changes_one_thing_on_screen(tmp_path, default_screen):
    project = copy_project("minimal", tmp_path / "themed")
    _theme(project, {"theme.css": ONE_STYLESHEET})
    themed = _build(project, "themed")
    assert RED in _contents(themed) and DEFAULT_BLUE not in _contents(themed)
    assert DEFAULT_BLUE in _contents(default_screen) and RED not in _contents(default_screen)
    assert COVER_TITLE in _sizes(default_screen) and COVER_TITLE not in _sizes(themed)
    assert _sizes(themed) - {SMALLER_TITLE} == _sizes(default_screen) - {COVER_TITLE}
    # Everything else is the default's: pages, words, running heads, fonts.
    assert _words(themed) == _words(default_screen)
    assert _fonts(themed) == _fonts(default_screen)


def test_one_stylesheet_in_print_keeps_the_default_print_colours(tmp_path):
    plain = copy_project("print-shop", tmp_path / "default")
    default = _build(plain, "default", "--profile", "print")
    project = copy_project("print-shop", tmp_path / "themed")
    _theme(project, {"theme.css": ONE_STYLESHEET})
    result, report = run_json("build", "--force", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    themed = Path(report["output"])
    assert {rule["status"] for rule in report["preflight"]} == {"pass"}, report["preflight"]
    assert "colour spaces" in {rule["rule"] for rule in report["preflight"]}
    # The accent stays the default's CMYK: print.css comes after theme.css; no RGB at all.
    assert b"1 0.5 0 0.1" in _cmyk(themed) and not _rgb(themed)
    assert _cmyk(themed) == _cmyk(default)
    assert _sizes(themed) - {SMALLER_TITLE} == _sizes(default) - {A5_COVER_TITLE}
    assert SMALLER_TITLE in _sizes(themed)  # the theme's own size wins over the default's A5 size
    assert _words(themed) == _words(default)
    assert _fonts(themed) == _fonts(default)


def test_a_print_css_of_the_theme_is_added_after_the_defaults(tmp_path):
    project = copy_project("print-shop", tmp_path / "themed")
    _theme(project, {"theme.css": ONE_STYLESHEET, "print.css": ":root { --accent: device-cmyk(0 0.9 0.8 0); }\n"})
    result, report = run_json("build", "--force", "--profile", "print", cwd=project)
    assert result.exit_code == 0, result.output
    themed = Path(report["output"])
    assert {rule["status"] for rule in report["preflight"]} == {"pass"}, report["preflight"]
    assert b"0 0.9 0.8 0" in _cmyk(themed) and b"1 0.5 0 0.1" not in _cmyk(themed)  # the theme's print accent
    assert {b"0 0 0 1", b"1 0 0 0", b"1 0.6 0 0.45"} <= _cmyk(themed)  # the default's text, small accent, cover
    assert not _rgb(themed)


BLOCK_THEME = """{% extends "default/brochure.html.j2" %}
{% block item_links %}
{% if entry.links %}<aside class="item-links"><h3>Read more</h3><ul>
{% for item_link in entry.links %}<li>{{ link(item_link.url, item_link.title) }}</li>{% endfor %}
</ul></aside>{% endif %}
{% endblock %}
"""


def test_a_template_overriding_one_block_changes_only_that_block(tmp_path, default_screen):
    project = copy_project("minimal", tmp_path / "themed")
    _theme(project, {"brochure.html.j2": BLOCK_THEME})
    themed = _build(project, "themed")
    before, after = page_texts(default_screen), page_texts(themed)
    assert any("FURTHER INFORMATION" in page.upper() for page in before)
    assert not any("FURTHER INFORMATION" in page.upper() for page in after)
    assert [page.replace("FURTHER INFORMATION", "READ MORE") for page in before] == after
    assert _fonts(themed) == _fonts(default_screen)


def test_a_complete_copied_theme_works_as_before(tmp_path, default_screen):
    """A theme copied whole from the default before inheritance existed: its own page
    with the stylesheets written out, its own CSS, fonts and page numbers."""
    project = copy_project("minimal", tmp_path / "copied")
    folder = project / "styles" / "copy"
    shutil.copytree(default_theme(), folder)
    template = folder / "brochure.html.j2"
    text = re.sub(r"\{% block stylesheets %\}.*?\{% endblock %\}\n",
                  '<link rel="stylesheet" href="{{ theme_url }}brochure.css">\n'
                  '{% if profile == "print" %}<link rel="stylesheet" href="{{ theme_url }}print.css">\n{% endif %}\n',
                  template.read_text(), count=1, flags=re.S)
    assert "print_stylesheets" not in text
    template.write_text(text)
    (project / "brochure.yaml").write_text((project / "brochure.yaml").read_text() + "theme: copy\n")
    assert _pixels(_build(project, "copied")) == _pixels(default_screen)
    assert supports_parts(folder)
    css = folder / "brochure.css"
    css.write_text(css.read_text().replace("--accent: #0b5394", f"--accent: {ACCENT}"))
    assert RED in _contents(_build(project, "changed"))


def test_theme_new_builds_as_it_is_and_never_overwrites(tmp_path, default_screen):
    project = copy_project("minimal", tmp_path / "new")
    result = run("theme", "new", "house", cwd=project)
    assert result.exit_code == 0, result.output
    folder = project / "styles" / "house"
    assert sorted(path.name for path in folder.iterdir()) == ["brochure.html.j2", "print.css", "theme.css"]
    assert "next: set `theme: house` in brochure.yaml" in result.output
    assert "--accent" in (folder / "theme.css").read_text() and "device-cmyk" in (folder / "print.css").read_text()
    assert '{% extends "default/brochure.html.j2" %}' in (folder / "brochure.html.j2").read_text()
    (project / "brochure.yaml").write_text((project / "brochure.yaml").read_text() + "theme: house\n")
    assert _pixels(_build(project, "house")) == _pixels(default_screen)
    assert supports_parts(folder)
    (folder / "theme.css").write_text("/* mine */\n")
    again = run("theme", "new", "house", cwd=project)
    assert again.exit_code == 1
    assert again.stderr.startswith("styles/house: a theme named 'house' is already here; nothing was changed")
    assert (folder / "theme.css").read_text() == "/* mine */\n"
    for name in ("default", "../out", "a b"):
        assert run("theme", "new", name, cwd=project).exit_code == 2
    assert not (project / "out").exists() and not (project / "styles" / "default").exists()


SECRET = "THE-SECRET-BESIDE-THE-PROJECT"


@pytest.mark.parametrize("files", [
    {"theme.css": "@import url(../../../secret.css);\nbody { background: url(/etc/hostname); }\n"},
    {"theme.css": "@import url(default/../../../../secret.css);\n"},
    {"brochure.css": "LINK"},  # a link out never falls back to the default's file of that name
    {"theme.css": "LINK"},
    {"brochure.html.j2": "LINK"},
    {"brochure.html.j2": '{% extends "default/brochure.html.j2" %}{% block back %}{% include "../../../secret.css" %}'
                         "{% endblock %}"},
    {"brochure.html.j2": '{% extends "default/../../../../secret.css" %}'},
], ids=["css-dotdot", "css-default-dotdot", "link-replacing", "link-added", "link-template", "include-out",
        "extends-out"])
def test_a_theme_cannot_read_outside_its_folder_and_the_default(tmp_path, files):
    project = copy_project("minimal", tmp_path / "project")
    (tmp_path / "project" / "secret.css").write_text(f"body::before {{ content: '{SECRET}'; }}\n")
    secret = tmp_path / "secret.css"
    secret.write_text(f"body::before {{ content: '{SECRET}'; }}\n")
    folder = _theme(project, {name: text for name, text in files.items() if text != "LINK"})
    for name, text in files.items():
        if text == "LINK":
            (folder / name).symlink_to(secret)
    result = run("build", "--force", cwd=project)
    assert result.exit_code == 1, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert re.search(r"^styles/acme(/[\w.]+)?(:\d+:\d+)?: ", result.stderr, re.M), result.stderr
    assert SECRET not in result.output
    assert not (project / "build" / "brochure.pdf").exists()


def test_an_inheriting_theme_is_an_input_of_the_up_to_date_check(tmp_path):
    project = copy_project("minimal", tmp_path / "project")
    folder = _theme(project, {"theme.css": ONE_STYLESHEET})
    assert run_json("build", cwd=project)[1]["up_to_date"] is False
    assert run_json("build", cwd=project)[1]["up_to_date"] is True
    (folder / "theme.css").write_text(ONE_STYLESHEET.replace("30pt", "31pt"))
    assert run_json("build", cwd=project)[1]["up_to_date"] is False


def test_which_themes_are_laid_out_in_parts(tmp_path):
    """The default's page numbers fit the default's page only."""
    assert supports_parts(default_theme())
    theme = tmp_path / "styles" / "t"
    theme.mkdir(parents=True)
    (theme / "theme.css").write_text(ONE_STYLESHEET)
    assert supports_parts(theme)  # the default's page, with a stylesheet added
    (theme / "brochure.html.j2").write_text('{% extends "default/brochure.html.j2" %}{% block cover %}{% endblock %}')
    assert supports_parts(theme)
    (theme / "brochure.html.j2").write_text("<html><body>{{ items | length }}</body></html>")
    assert not supports_parts(theme)  # a page of its own, without page numbers of its own
    (theme / "numbers.html.j2").write_text("<html></html>")
    assert supports_parts(theme)
