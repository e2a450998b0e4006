"""Record the SHA-256 of the seed brochure in each profile (tests/data/seed-digests.json).

tests/test_seed_bytes.py compares every build with these: a change of the code that
changes a single byte of the seed brochure shows there. Run this only when a change
of the PDF is meant (say so in the commit), or when a library that writes the bytes
(WeasyPrint, pydyf, pikepdf, Pillow, fontTools) has a new version.

    .venv/bin/python scripts/record-seed-digests.py
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROFILES = ("screen", "print", "archive")
LIBRARIES = ("weasyprint", "pydyf", "pikepdf", "pillow", "fonttools")


def toolchain() -> dict[str, str]:
    return {name: importlib.metadata.version(name) for name in LIBRARIES}


def digests() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for profile in PROFILES:
            target = Path(folder) / f"{profile}.pdf"
            subprocess.run([sys.executable, "-m", "brochure", "build", "-q", "--force", "--profile", profile,
                            "-o", str(target)], cwd=REPO, check=True, env=environment)
            found[profile] = hashlib.sha256(target.read_bytes()).hexdigest()
    return found


if __name__ == "__main__":
    record = {"toolchain": toolchain(), "sha256": digests()}
    path = REPO / "tests" / "data" / "seed-digests.json"
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {path.relative_to(REPO)}")
