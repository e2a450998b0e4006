"""brochure serve's HTTP side: the preview page, its event stream, the PDF's pages as
pictures and the files of the preview folder, nothing else.

The server answers on 127.0.0.1 only, to requests addressed to 127.0.0.1 or localhost
(a web page elsewhere cannot reach it through a name of its own: DNS rebinding), with
files that lie in the preview folder (no `..`, no hidden name, no link out of it).
"""

from __future__ import annotations

import json
import mimetypes
import shutil
import subprocess
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

from brochure.confine import is_inside

PAGE_DPI = 144  # sharp at the width the page shows it, on most screens; Ghostscript takes no longer than at 96
KEEP_ALIVE_SECONDS = 15  # a comment on the event stream, so that a dead reader is noticed


class PreviewState:
    """What the page shows, as one JSON-able status with a version that goes up with
    each change; the event streams wait on it."""

    def __init__(self, pictures: bool):
        self._changed = threading.Condition()
        self._version = 0
        self._closing = False
        # web, pdf: the version of the last good web edition and PDF (0: none yet);
        # problems: the last build's, as the command line prints them.
        self._status: dict = {"building": True, "web": 0, "pdf": 0, "pages": 0, "problems": [], "warnings": [],
                              "pictures": pictures, "session": time.time_ns() // 1_000_000}

    def update(self, **changes) -> None:
        with self._changed:
            self._version += 1
            self._status.update(changes)
            self._changed.notify_all()

    def status(self) -> tuple[int, dict]:
        with self._changed:
            return self._version, dict(self._status)

    def wait(self, seen: int, seconds: float) -> tuple[int, dict] | None:
        """The status once its version is past `seen` (or as it is after `seconds`);
        None once the server closes."""
        with self._changed:
            self._changed.wait_for(lambda: self._closing or self._version != seen, seconds)
            return None if self._closing else (self._version, dict(self._status))

    def close(self) -> None:
        with self._changed:
            self._closing = True
            self._changed.notify_all()


class PagePictures:
    """The PDF's pages as PNG pictures, made by Ghostscript when a page is first asked
    for and kept in memory for as long as the PDF is the same file."""

    def __init__(self, pdf: Path):
        self.pdf = pdf
        self.ghostscript = shutil.which("gs")
        self._made: dict[tuple, bytes] = {}
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self._turns = threading.Semaphore(2)  # Ghostscript runs at a time: pages come in bursts
        self._closed = False

    def png(self, number: int) -> bytes | None:
        """Page `number` (1-based) as PNG, None when the PDF has no such page (or is not there)."""
        try:
            status = self.pdf.stat()
        except OSError:
            return None
        key = (status.st_ino, status.st_mtime_ns, status.st_size, number)
        with self._lock:
            if key in self._made:
                return self._made[key]
        with self._turns:
            data = self._render(number)
        with self._lock:
            self._made = {known: value for known, value in self._made.items() if known[:3] == key[:3]}
            if data:
                self._made[key] = data
        return data

    def _render(self, number: int) -> bytes | None:
        if self.ghostscript is None:
            return None
        command = [self.ghostscript, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sstdout=%stderr", "-sDEVICE=png16m",
                   f"-r{PAGE_DPI}", "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4", f"-dFirstPage={number}",
                   f"-dLastPage={number}", "-sOutputFile=-", str(self.pdf)]
        with self._lock:
            if self._closed:
                return None
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.DEVNULL)
            self._running.add(process)
        try:
            data, _ = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return None
        finally:
            with self._lock:
                self._running.discard(process)
        return data if process.returncode == 0 and data.startswith(b"\x89PNG") else None

    def close(self) -> None:
        """Stop every Ghostscript still running, and wait for it: none outlives the server."""
        with self._lock:
            self._closed = True
            running = list(self._running)
        for process in running:
            process.kill()
            process.wait()


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an event stream still open never holds up the end

    def __init__(self, port: int, folder: Path, state: PreviewState, pictures: PagePictures):
        self.folder, self.state, self.pictures = folder, state, pictures
        super().__init__(("127.0.0.1", port), _Handler)

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a reader gone mid-answer (a reload) is no error
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"


def _page() -> bytes:
    return resources.files("brochure.commands").joinpath("serve_page.html").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "brochure-serve"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def log_message(self, format, *args) -> None:
        pass  # the terminal shows the builds, not every request

    def _answer(self, body: bool) -> None:
        port = self.server.server_address[1]
        host = self.headers.get("Host")
        if host is not None and host.lower() not in (f"127.0.0.1:{port}", f"localhost:{port}"):
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, b"this server answers to 127.0.0.1 only\n",
                              "text/plain; charset=utf-8", body)
        path = urlsplit(self.path).path
        if path == "/":
            return self._send(HTTPStatus.OK, _page(), "text/html; charset=utf-8", body)
        if path == "/status":
            return self._send(HTTPStatus.OK, json.dumps(self.server.state.status()[1]).encode(),
                              "application/json", body)
        if path == "/events" and body:
            return self._events()
        if path.startswith("/pages/") and path.endswith(".png") and path[7:-4].isdigit():
            data = self.server.pictures.png(int(path[7:-4]))
            if data is None:
                return self._send(HTTPStatus.NOT_FOUND, b"no such page (yet)\n", "text/plain; charset=utf-8", body)
            return self._send(HTTPStatus.OK, data, "image/png", body)
        if path.startswith("/files/"):
            return self._file(path.removeprefix("/files/"), body)
        self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8", body)

    def _file(self, wanted: str, body: bool) -> None:
        """A file of the preview folder; a name that would leave it is refused, whether
        its `..` is written plainly or %-encoded."""
        try:
            names = unquote(wanted, errors="strict").split("/")
        except UnicodeDecodeError:
            names = [".."]  # not a name we could have written
        if any(name in ("", ".", "..") or name.startswith(".") or "\\" in name or "\0" in name for name in names):
            return self._send(HTTPStatus.FORBIDDEN, b"refused: outside the preview\n", "text/plain; charset=utf-8",
                              body)
        path = self.server.folder.joinpath(*names)
        if not is_inside(self.server.folder, path):
            return self._send(HTTPStatus.FORBIDDEN, b"refused: outside the preview\n", "text/plain; charset=utf-8",
                              body)
        try:
            data = path.read_bytes() if path.is_file() else None
        except OSError:
            data = None
        if data is None:
            return self._send(HTTPStatus.NOT_FOUND, b"not found (yet)\n", "text/plain; charset=utf-8", body)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self._send(HTTPStatus.OK, data, kind + ("; charset=utf-8" if kind.startswith("text/") else ""), body)

    def _send(self, status: HTTPStatus, data: bytes, kind: str, body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self._common_headers()
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _common_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # every build replaces the files
        self.send_header("X-Content-Type-Options", "nosniff")

    def _events(self) -> None:
        """Server-Sent Events: the status now, then at each change, until the reader
        goes or the server closes."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self._common_headers()
        self.end_headers()
        seen = -1
        try:
            while (got := self.server.state.wait(seen, KEEP_ALIVE_SECONDS)) is not None:
                version, status = got
                self.wfile.write(b": still here\n\n" if version == seen else
                                 f"data: {json.dumps(status)}\n\n".encode())
                self.wfile.flush()
                seen = version
        except OSError:  # the page was closed or reloaded
            pass
