"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
JSON messages ending in a NUL byte, read by Chromium on its fd 3 and written on its fd 4),
with the standard library only: a page stays open and is asked what it shows."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path

from conftest import chromium


class Browser:
    def __init__(self, url: str, profile: Path, size: str = "1200,900"):
        to_chromium, self._writer = os.pipe()
        self._reader, from_chromium = os.pipe()

        def onto_3_and_4() -> None:  # in the child, before exec: the pipe ends where Chromium looks
            # Out of the way first (either may be 3 or 4 already), then onto 3 and 4, inheritable.
            reading, writing = (fcntl.fcntl(end, fcntl.F_DUPFD, 10) for end in (to_chromium, from_chromium))
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self.process = subprocess.Popen(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", f"--window-size={size}",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "--no-first-run", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=onto_3_and_4, close_fds=False)
        os.close(to_chromium)
        os.close(from_chromium)
        self._next_id, self._buffer = 0, b""
        targets = self._call("Target.getTargets")["targetInfos"]
        page = next(target for target in targets if target["type"] == "page")
        self._session = self._call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
        self._call("Page.navigate", session=True, url=url)
        deadline = time.monotonic() + 30
        while self.evaluate("document.location.href") != url or self.evaluate("document.readyState") != "complete":
            assert time.monotonic() < deadline, f"{url} did not load"
            time.sleep(0.05)

    def _call(self, method: str, session: bool = False, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 60
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                answer = json.loads(raw)
                if answer.get("id") == self._next_id:
                    assert "error" not in answer, answer["error"]
                    return answer["result"]
            left = deadline - time.monotonic()
            assert left > 0 and select.select([self._reader], [], [], left)[0], f"Chromium did not answer {method}"
            chunk = os.read(self._reader, 1 << 20)
            assert chunk, "Chromium closed the pipe"
            self._buffer += chunk

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (JSON-able values only)."""
        result = self._call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self._call("Page.captureScreenshot", session=True)["data"]))

    def close(self) -> None:
        try:
            self._call("Browser.close")
        except (AssertionError, OSError):
            self.process.kill()
        self.process.wait(timeout=30)
        os.close(self._writer)
        os.close(self._reader)
