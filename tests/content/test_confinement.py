"""Nothing outside the project is read and nothing is fetched, unless asked for."""

from __future__ import annotations

import http.server
import io
import threading
from typing import ClassVar

import pikepdf
import pytest
from conftest import copy_project, run
from PIL import Image


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self):  # the http.server API names it so
        type(self).requests.append(self.path)
        if self.path == "/photo.jpg":
            buffer = io.BytesIO()
            Image.new("RGB", (600, 400), (200, 40, 40)).save(buffer, "JPEG")
            body = buffer.getvalue()
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
        else:
            body = b"body { color: red }"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    """A web server on 127.0.0.1 that records every request it gets."""
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.requests
    server.shutdown()
    server.server_close()


def test_a_theme_cannot_fetch_from_the_network_or_read_other_files(tmp_path, web_server):
    address, requests = web_server
    project = copy_project("hostile-theme", tmp_path)
    for name in ("brochure.html.j2", "brochure.css"):
        path = project / "styles" / "hostile" / name
        path.write_text(path.read_text().replace("REMOTE_ADDRESS", address))
    result = run("build", cwd=project)
    assert requests == []
    assert result.exit_code == 1
    refused = [line for line in result.stderr.splitlines() if "refused to read" in line]
    assert {line.split("refused to read ")[1].split(" (")[0] for line in refused} >= {
        f"{address}/remote.css", f"{address}/imported.css", f"{address}/font.ttf",
        f"{address}/background.png", f"{address}/pixel.png", "file:///etc/hostname"}
    assert all(line.startswith("styles/hostile: refused to read") for line in refused)
    assert not (project / "build").exists()


def test_a_remote_image_is_refused_then_fetched_only_when_allowed(tmp_path, web_server):
    address, requests = web_server
    project = copy_project("minimal", tmp_path)
    entry = project / "entries" / "2021-02-15-first-of-the-day.yaml"
    entry.write_text(entry.read_text().replace("images/square.jpg", f"{address}/photo.jpg"))
    refused = run("build", cwd=project)
    assert refused.exit_code == 1 and requests == []
    assert "is a web address; images must be files inside the project (download it into the project, " \
           "or build with --allow-remote-images)" in refused.stderr
    assert run("check", "--allow-remote-images", cwd=project).exit_code == 0 and requests == []
    allowed = run("build", "--allow-remote-images", cwd=project)
    assert allowed.exit_code == 0, allowed.output
    assert requests == ["/photo.jpg"]
    with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
        sizes = {(int(x.Width), int(x.Height)) for page in pdf.pages
                 for x in page.Resources.get("/XObject", {}).values() if x.Subtype == "/Image"}
    assert sizes == {(600, 400)}


def test_a_missing_remote_image_names_the_entry(tmp_path, web_server):
    address, _requests = web_server
    project = copy_project("minimal", tmp_path)
    entry = project / "entries" / "2021-02-15-first-of-the-day.yaml"
    entry.write_text(entry.read_text().replace("images/square.jpg", f"{address}/gone.jpg"))
    result = run("build", "--allow-remote-images", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("entries/2021-02-15-first-of-the-day.yaml: ")
    assert f"{address}/gone.jpg" in result.stderr


def test_symbolic_links_out_of_the_project_are_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    Image.new("RGB", (10, 10)).save(outside / "secret.jpg")
    (outside / "stolen.yaml").write_text("title: Stolen\ndate: 2021-01-01\nbody: x\n")
    project = copy_project("minimal", tmp_path)
    (project / "entries" / "images" / "linked.jpg").symlink_to(outside / "secret.jpg")
    (project / "entries" / "stolen.yaml").symlink_to(outside / "stolen.yaml")
    entry = project / "entries" / "2021-02-15-first-of-the-day.yaml"
    entry.write_text(entry.read_text().replace("images/square.jpg", "images/linked.jpg"))
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "entries/2021-02-15-first-of-the-day.yaml:6:8: image.src: 'images/linked.jpg' leads outside the "
        "project folder (put the image in the project (e.g. entries/images/))",
        "entries/stolen.yaml: is a link to a file outside the project folder "
        "(copy the entry into the project instead of linking to it)",
    ]


@pytest.mark.parametrize("content, message", [
    (b"not an image at all", "is not a readable image"),
    ("truncated", "is not a readable image"),
    ("bmp", "is a BMP image; use JPEG, PNG, GIF or WebP"),
])
def test_broken_images_are_found_by_check(tmp_path, content, message):
    project = copy_project("minimal", tmp_path)
    target = project / "entries" / "images" / "square.jpg"
    if content == "truncated":
        Image.effect_noise((300, 200), 60).convert("RGB").save(target, "JPEG")
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2])
    elif content == "bmp":
        Image.new("RGB", (10, 10)).save(target, "BMP")
    else:
        target.write_bytes(content)
    result = run("check", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"entries/2021-02-15-first-of-the-day.yaml:6:8: image.src: image 'images/square.jpg' {message}")
    assert "Traceback" not in result.output


def test_theme_template_errors_are_located_and_the_sandbox_holds(tmp_path):
    project = copy_project("minimal", tmp_path)
    theme = project / "styles" / "broken"
    theme.mkdir(parents=True)
    (project / "brochure.yaml").write_text("title: T\ntheme: broken\n")
    (theme / "brochure.html.j2").write_text("<html>\n<body>\n{% for x in items %}\n</body>\n")
    result = run("build", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith("styles/broken/brochure.html.j2:4:1: theme template error: Unexpected end")
    (theme / "brochure.html.j2").write_text("{{ brochure.__class__.__init__.__globals__ }}")
    result = run("build", cwd=project)
    assert result.exit_code == 1 and "theme template error" in result.stderr
    (theme / "brochure.html.j2").write_text("{% include '../../../brochure.yaml' %}")
    result = run("build", cwd=project)
    assert result.exit_code == 1 and "not found in the theme" in result.stderr


def test_oversized_and_multi_document_files(tmp_path):
    project = copy_project("minimal", tmp_path)
    (project / "entries" / "huge.yaml").write_text("title: x\nbody: |\n" + "  words words words\n" * 70_000)
    (project / "entries" / "two-documents.yaml").write_text("title: a\n---\ntitle: b\n")
    lines = run("check", cwd=project).stderr.splitlines()
    assert lines[0].startswith("entries/huge.yaml: file is too large (1,")
    assert lines[1].startswith("entries/two-documents.yaml:2:1: invalid YAML: "
                               "expected a single document in the stream, "
                               "but found another document (one entry per file: remove the '---' line)")


def test_a_theme_template_linked_from_outside_is_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("THE SECRET")
    project = copy_project("minimal", tmp_path)
    theme = project / "styles" / "linked"
    theme.mkdir(parents=True)
    (project / "brochure.yaml").write_text("title: T\ntheme: linked\n")
    (theme / "brochure.html.j2").write_text("<html><body>{% include 'part.html' %}</body></html>")
    (theme / "part.html").symlink_to(secret)
    result = run("build", cwd=project)
    assert result.exit_code == 1
    assert "template 'part.html' not found in the theme" in result.stderr
    (theme / "brochure.html.j2").unlink()
    (theme / "brochure.html.j2").symlink_to(secret)
    assert run("build", cwd=project).exit_code == 1
    assert not (project / "build").exists()


@pytest.mark.parametrize("setting, value", [("output", "../outside.pdf"), ("output", "/tmp/x.pdf"),
                                            ("entries", "../"), ("entries", "/etc")])
def test_settings_cannot_point_outside_the_project(tmp_path, setting, value):
    project = copy_project("minimal", tmp_path)
    (project / "brochure.yaml").write_text(f"title: T\n{setting}: {value}\n")
    result = run("build", cwd=project)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"brochure.yaml:2:{len(setting) + 3}: {setting}: '{value}' is not inside "
                                    "the project folder")
    assert not (tmp_path / "outside.pdf").exists()


@pytest.mark.parametrize("output", ["brochure.yaml", "entries/2021-02-15-second-of-the-day.yaml",
                                    "entries/images/square.jpg"])
def test_the_output_is_never_one_of_the_inputs(tmp_path, output):
    """Named as typed, the input is refused for its ending (exit 2); reached through a
    link with a PDF's name, for being an input (exit 1). Either way it is untouched."""
    project = copy_project("minimal", tmp_path)
    before = (project / output).read_bytes()
    result = run("build", "-o", output, cwd=project)
    assert result.exit_code == 2 and "ends neither in .pdf nor in .html" in result.stderr
    (project / "linked.pdf").symlink_to(project / output)
    result = run("build", "-o", "linked.pdf", cwd=project)
    assert result.exit_code == 1
    assert "is one of the brochure's own input files" in result.stderr
    assert (project / output).read_bytes() == before


def test_an_unwritable_output_is_a_clear_error(tmp_path):
    project = copy_project("minimal", tmp_path)
    for output, code in (("/proc/no-such-place/x.pdf", 1), ("entries", 2), ("entries.pdf/", 1)):
        if output == "entries.pdf/":
            (project / "entries.pdf").mkdir()
        result = run("build", "-o", output, cwd=project)
        assert result.exit_code == code, output
        assert "Traceback" not in result.output and "internal error" not in result.stderr
