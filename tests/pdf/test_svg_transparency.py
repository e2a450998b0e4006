"""Transparency in the variants that allow none (PDF/X-1a, PDF/X-3, PDF/A-1a, PDF/A-1b):
the preflight fails a file that has some, the archive among them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from brochure.pdf.preflight import preflight
from brochure.pdf.profiles import resolve

FADED = "<style>@page{size:A6}</style><p style='opacity: 0.5'>half</p>"


@pytest.fixture(scope="module")
def faded(tmp_path_factory):
    import weasyprint

    path = tmp_path_factory.mktemp("faded") / "faded.pdf"
    weasyprint.HTML(string=FADED).write_pdf(path)
    return path


def test_the_archive_checks_transparency():
    assert "transparency" in resolve("archive").purpose.rules


@pytest.mark.parametrize("profile, variant, status", [
    ("archive", "pdf/a-1a", "fail"), ("archive", "pdf/a-1b", "fail"), ("archive", "pdf/a-2a", "pass"),
    ("print", "pdf/x-1a", "fail"), ("print", "pdf/x-3", "fail"), ("print", "pdf/x-4", "pass")])
def test_transparency_fails_where_the_variant_allows_none(faded, profile, variant, status):
    [rule] = [rule for rule in preflight(faded, replace(resolve(profile), variant=variant))
              if rule.name == "transparency"]
    assert rule.status == status, rule
    if status == "fail":
        assert f"{variant.upper()} allows none" in rule.message and rule.pages == [1]
        assert rule.findings and rule.findings[0].limit == f"none in {variant.upper()}"
    else:
        assert f"allowed in {variant.upper()}" in rule.message

