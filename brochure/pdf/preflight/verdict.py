"""What a rule says: its status (pass, fail, warn, skip), its severity, and each finding
with the page, the object, the value found and the limit, so that a print operator can
act on it. And the Subject the rules judge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from brochure.pdf.preflight.facts import PageFacts
from brochure.pdf.profiles import Profile

SHOWN_FINDINGS = 8  # findings printed under a rule in the text report (JSON has them all)


@dataclass
class Finding:
    page: int  # 0: the document as a whole
    object: str  # which picture, font, box, text or line, and where
    value: str  # what was found
    limit: str = ""  # what the rule allows

    def as_dict(self) -> dict:
        return {"page": self.page, "object": self.object, "value": self.value, "limit": self.limit}

    def __str__(self) -> str:
        where = f"page {self.page}: " if self.page else ""
        limit = f" (limit: {self.limit})" if self.limit else ""
        return f"{where}{self.object}: {self.value}{limit}"


@dataclass
class Rule:
    name: str
    status: str  # pass, fail, warn (reported, never refuses a file) or skip
    message: str
    pages: list[int] = field(default_factory=list)
    severity: str = "error"  # error or warning, as the Ghent Workgroup grades its checks
    findings: list[Finding] = field(default_factory=list)
    value: str = ""  # the worst value found
    limit: str = ""  # the rule's limit

    def as_dict(self) -> dict:
        first = self.findings[0] if self.findings else None
        return {"rule": self.name, "status": self.status, "severity": self.severity, "message": self.message,
                "pages": self.pages, "object": first.object if first else "", "value": self.value,
                "limit": self.limit, "findings": [finding.as_dict() for finding in self.findings]}

    def __str__(self) -> str:
        pages = f" (pages {pages_text(self.pages)})" if self.pages else ""
        lines = [f"{self.status.upper():<5} {self.name}: {self.message}{pages}"]
        if self.status in ("fail", "warn"):
            lines += [f"        {finding}" for finding in self.findings[:SHOWN_FINDINGS]]
            if len(self.findings) > SHOWN_FINDINGS:
                lines.append(f"        … and {len(self.findings) - SHOWN_FINDINGS} more (--format json lists all)")
        return "\n".join(lines)


def pages_text(numbers) -> str:
    """Page numbers for a message: the first twelve, then how many in all."""
    numbers = sorted(set(numbers))
    return ", ".join(str(n) for n in numbers[:12]) + (f" … ({len(numbers)} pages)" if len(numbers) > 12 else "")


def judged(name: str, errors: list[Finding], message: str, passed: str, limit: str = "",
           warnings: list[Finding] | None = None, severity: str = "error") -> Rule:
    """A rule from its findings: fail on any error, else warn on any warning, else pass.
    `message` may use {count} (findings) and {first} (the first finding's value)."""
    found = errors or warnings or []
    if not found:
        return Rule(name, "pass", passed, severity=severity, limit=limit)
    status = "fail" if errors else "warn"
    text = message.format(count=len(found), first=found[0].value)
    return Rule(name, status, text, sorted({f.page for f in found if f.page}), "error" if errors else "warning",
                found, found[0].value, limit)


@dataclass
class Subject:
    """What the rules judge: the file, open, with its page facts, against a profile."""

    path: Path
    pdf: Any  # an open pikepdf.Pdf (only scanner.py and __init__.py import pikepdf)
    facts: list[PageFacts]
    profile: Profile
    repairs: list[str] = field(default_factory=list)  # what qpdf had to repair to open it

    def trim(self, number: int) -> list[float]:
        page = self.pdf.pages[number - 1]
        return [float(v) for v in page.get("/TrimBox", page.get("/CropBox", page.MediaBox))]

    def bleed(self, number: int) -> list[float]:
        page = self.pdf.pages[number - 1]
        return [float(v) for v in page.get("/BleedBox", page.get("/CropBox", page.MediaBox))]  # as PDF defaults it
