"""The seed brochure, byte for byte, in every profile: a change of the code that changes
a single byte of the PDF shows here. When the change is meant (or a library that writes
the bytes has a new version), record the new digests with scripts/record-seed-digests.py
and say why in the commit."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json

import pytest
from conftest import DATA, run

RECORD = json.loads((DATA / "seed-digests.json").read_text())


@pytest.mark.parametrize("profile", ["screen", "print", "archive"])
def test_the_seed_brochure_keeps_its_bytes(profile, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    target = tmp_path / f"{profile}.pdf"
    result = run("build", "-q", "--force", "--profile", profile, "-o", str(target))
    assert result.exit_code == 0, result.output
    installed = {name: importlib.metadata.version(name) for name in RECORD["toolchain"]}
    changed = {name: f"{RECORD['toolchain'][name]} -> {version}" for name, version in installed.items()
               if version != RECORD["toolchain"][name]}
    assert hashlib.sha256(target.read_bytes()).hexdigest() == RECORD["sha256"][profile], (
        f"the {profile} PDF of the seed changed" + (f" (libraries changed: {changed})" if changed else ""))
