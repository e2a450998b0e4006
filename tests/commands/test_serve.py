"""brochure serve (the live preview, seen in headless Chromium) and build --open."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from conftest import (
    REPO,
    child_pids,
    copy_project,
    is_running,
    page_texts,
    run,
    squash,
    subprocess_environment,
    wait_for,
)
from devtools import Browser

BAD_DATE = REPO / "tests" / "data" / "bad-entries" / "bad-date.yaml"
BAD_DATE_PROBLEM = "entries/bad-date.yaml:2:7: date: '11.04.2019' is not a date (write 2019-04-11)"


class Serving:
    """`brochure serve ARGS` in a process of its own, in `project`; its stderr read as it comes."""

    def __init__(self, project: Path, temporary: Path, *args: str, environment: dict | None = None):
        self.temporary = temporary
        self.process = subprocess.Popen(
            [sys.executable, "-m", "brochure", "serve", *args], cwd=project, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=environment or subprocess_environment(temporary))
        self.lines: list[str] = []  # stderr's
        self.printed: list[str] = []  # stdout's: the summary lines of the builds
        self._readers = [threading.Thread(target=lambda: self.lines.extend(self.process.stderr), daemon=True),
                         threading.Thread(target=lambda: self.printed.extend(self.process.stdout), daemon=True)]
        for reader in self._readers:
            reader.start()
        assert wait_for(lambda: self._said("serving the preview at ") or self.process.poll() is not None, 60)
        said = self._said("serving the preview at ")
        assert said, self.lines
        self.url = said.split(" at ")[1].split()[0]
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    def _said(self, start: str) -> str | None:
        return next((line for line in list(self.lines) if line.startswith(start)), None)

    def status(self) -> dict:
        with urllib.request.urlopen(self.url + "status", timeout=10) as answer:
            return json.loads(answer.read())

    def stop(self, signal_number: int = signal.SIGINT) -> tuple[int, str]:
        """Stop it as Ctrl-C (or a scheduler) would: its exit code and its stderr. Every
        process it had started must be gone, and its temporary folder empty."""
        children = child_pids(self.process.pid)
        self.process.send_signal(signal_number)
        self.process.wait(timeout=60)
        for reader in self._readers:
            reader.join(timeout=10)
        assert not [pid for pid in children if is_running(pid)], "a child process outlived brochure serve"
        assert not list(self.temporary.iterdir()), "brochure serve left temporary files"
        return self.process.returncode, "".join(self.lines)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_save_shows_in_the_page_and_a_broken_entry_shows_over_the_last_good_pages(tmp_path):
    project = copy_project("minimal", tmp_path)
    serving = Serving(project, tmp_path / "tmp", "--port", str(_free_port()))
    browser = None
    try:
        assert wait_for(lambda: serving.status()["pdf"], 60), serving.lines
        browser = Browser(serving.url, tmp_path / "chromium", size="1000,2600")  # tall: every page in view
        web_text = "document.getElementById('web').contentDocument?.body?.innerText ?? ''"  # '' while loading

        def pages() -> list[str] | None:
            """The addresses of the page pictures once every one has loaded."""
            return browser.evaluate("""(() => { const shown = [...document.querySelectorAll('#pages img')];
              return shown.every(i => i.complete && i.naturalWidth > 0) ? shown.map(i => i.src) : null; })()""")

        assert wait_for(lambda: "Second item of the fifteenth" in browser.evaluate(web_text), 30)
        assert wait_for(lambda: (shown := pages()) and len(shown) == 3, 30), pages()
        before = pages()

        entry = project / "entries" / "2021-02-15-second-of-the-day.yaml"
        entry.write_text(entry.read_text().replace("Second item of the fifteenth", "Renamed in the preview"))
        saved = time.monotonic()
        assert wait_for(lambda: "Renamed in the preview" in browser.evaluate(web_text), 10), "web edition"
        print(f"the web edition showed the new title {time.monotonic() - saved:.2f} s after the save")
        assert wait_for(lambda: (shown := pages()) and shown != before, 20), "pages"
        print(f"the new pages were shown {time.monotonic() - saved:.2f} s after the save")
        pdf = project / "build" / "preview" / "brochure.pdf"
        assert "Renamed in the preview" in squash(" ".join(page_texts(pdf)))
        good_pages, good_pdf = pages(), pdf.read_bytes()

        shutil.copy(BAD_DATE, project / "entries")
        problems = "document.getElementById('problems').hidden ? '' : document.getElementById('problems').innerText"
        assert wait_for(lambda: BAD_DATE_PROBLEM in browser.evaluate(problems), 10), browser.evaluate(problems)
        assert "1 problem: the last good edition is shown below" in browser.evaluate(problems)
        # The last good pages and web edition stay, in the page and on disk.
        assert pages() == good_pages
        assert "Renamed in the preview" in browser.evaluate(web_text)
        assert pdf.read_bytes() == good_pdf

        (project / "entries" / "bad-date.yaml").unlink()
        assert wait_for(lambda: browser.evaluate(problems) == "", 20), "the fixed entry's problem stays"
    finally:
        if browser:
            browser.close()
        code, stderr = serving.stop()
    assert code == 130, stderr
    assert BAD_DATE_PROBLEM in stderr and "stopped serving." in stderr


def _listening_addresses(port: int) -> set[str]:
    """Where a socket listens on `port` (Linux, /proc/net): hex addresses as the kernel lists them."""
    found = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if int(hex_port, 16) == port and state == "0A":  # LISTEN
                found.add(f"{table}:{address}")
    return found


def _get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    """GET `path` exactly as written (http.client leaves `..` and %-escapes alone)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{port}")
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def test_the_preview_listens_on_127_0_0_1_only_and_serves_only_its_own_files(tmp_path):
    project = copy_project("minimal", tmp_path)
    viewer_log = tmp_path / "opened.txt"
    environment = subprocess_environment(tmp_path / "tmp")
    # The browser Python's webbrowser (which serve --open uses) is told to take.
    environment["BROWSER"] = str(_fake_viewer(tmp_path, viewer_log) / "xdg-open")
    with socket.socket() as taken:  # another server on the port asked for
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # A port asked for that is taken: told, not swapped for another behind the user's back.
        refused = subprocess.run([sys.executable, "-m", "brochure", "serve", "--port", str(port)], cwd=project,
                                 capture_output=True, text=True, env=environment, timeout=60)
        assert refused.returncode == 1
        assert refused.stderr.startswith(f"--port: port {port} cannot be used (Address already in use) (choose "
                                         "another, or leave --port out: a free one is then chosen)"), refused.stderr
        serving = Serving(project, tmp_path / "tmp", "--port", "0", "--open", environment=environment)
        try:
            assert serving.port != port
            assert _listening_addresses(serving.port) == {"tcp:0100007F"}  # 127.0.0.1, no IPv6, no 0.0.0.0
            assert wait_for(lambda: viewer_log.exists() and viewer_log.read_text().endswith("\n"), 10)
            assert viewer_log.read_text() == f"{serving.url}\n"
            assert wait_for(lambda: serving.status()["pdf"], 60), serving.lines
            status, body = _get(serving.port, "/files/brochure.pdf")
            assert status == 200 and body.startswith(b"%PDF-")
            status, body = _get(serving.port, "/pages/1.png")
            assert status == 200 and body.startswith(b"\x89PNG")
            assert _get(serving.port, "/pages/4.png")[0] == 404  # three pages
            settings = (project / "brochure.yaml").read_bytes()
            for path in ("/files/../brochure.yaml", "/files/%2e%2e/brochure.yaml", "/files/..%2fbrochure.yaml",
                         "/files/brochure_files/../../../brochure.yaml", "/files/%2E%2E%2F%2E%2E%2Fbrochure.yaml",
                         "/files/..\\..\\brochure.yaml", "/files/.brochure.pdf.inputs", "/files//etc/passwd"):
                status, body = _get(serving.port, path)
                assert status == 403 and settings not in body and b"root:" not in body, path
            for path in ("/../brochure.yaml", "/brochure.yaml", "/entries/2021-02-15-second-of-the-day.yaml"):
                assert _get(serving.port, path)[0] == 404, path
            # A name of someone else's that resolves to 127.0.0.1 (DNS rebinding) is not let in.
            assert _get(serving.port, "/status", host="attacker.example")[0] == 421
            assert _get(serving.port, "/status", host=f"localhost:{serving.port}")[0] == 200
        finally:
            code, stderr = serving.stop(signal.SIGTERM)
    assert code == 130, stderr


def _fake_viewer(tmp_path: Path, log: Path) -> Path:
    """A folder holding an `xdg-open` that writes down what it was asked to open."""
    folder = tmp_path / "viewer"
    folder.mkdir(exist_ok=True)
    script = folder / "xdg-open"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{log}"\n')
    script.chmod(0o755)
    return folder


def test_build_open_opens_what_was_built_and_a_failed_build_opens_nothing(tmp_path, monkeypatch):
    project = copy_project("minimal", tmp_path)
    log = tmp_path / "opened.txt"
    monkeypatch.setenv("PATH", f"{_fake_viewer(tmp_path, log)}{os.pathsep}{os.environ['PATH']}")
    shutil.copy(BAD_DATE, project / "entries")
    assert run("build", "--open", cwd=project).exit_code == 1
    assert run("build", "--format", "html", "--open", cwd=project).exit_code == 1
    (project / "entries" / "bad-date.yaml").unlink()
    result = run("build", "--open", cwd=project)
    assert result.exit_code == 0, result.output
    pdf = str((project / "build" / "brochure.pdf").resolve())
    assert wait_for(lambda: log.exists() and log.read_text() == f"{pdf}\n", 10), "the PDF was not opened"
    result = run("build", "--format", "html", "--open", cwd=project)
    assert result.exit_code == 0, result.output
    html = str((project / "build" / "brochure.html").resolve())
    assert wait_for(lambda: log.read_text() == f"{pdf}\n{html}\n", 10)
    time.sleep(0.5)  # what a failed build might have launched has had its time too
    assert log.read_text() == f"{pdf}\n{html}\n"
