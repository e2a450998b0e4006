"""Benchmark: a rebuild after editing one item against a full build (layout/cache.py).

    .venv/bin/python bench/incremental.py                       # 2000 items over ten years, 150 over three
    .venv/bin/python bench/incremental.py --cases 150:3 --runs 3

For each case ITEMS:YEARS it generates bench/run.py's synthetic project (A4, cover,
contents with page numbers, one picture and five paragraphs an item), dated over
YEARS years, then measures, as separate processes run back to back:

- the full build: `brochure build --force` with no kept layouts (build/.cache/parts
  removed; the prepared pictures are kept, as they are between any two builds);
- the rebuild after editing one item (a word added to the body of the middle item):
  `brochure build`, which lays out that item's part again, and takes the other
  layouts from the cache;

and prints medians with the ratio rebuild / full build (the issue asks at most 0.25
for 2000 items, 0.40 for 150), and the size of the kept layouts. Both brochures are
laid out in parts (150 items or more over several years: layout/parts.py).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from run import BROCHURE, make_project, measure, median  # bench/run.py, beside this script


def edit_one_item(project: Path, word: str) -> None:
    """A word added at the end of the middle item's body, as an author's small edit."""
    entries = sorted((project / "entries").glob("*.yaml"))
    item = entries[len(entries) // 2]
    item.write_text(item.read_text().replace("\ntags: [bench]", f" {word}\ntags: [bench]"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=["2000:10", "150:3"], metavar="ITEMS:YEARS")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()

    print("| items | years | pages | full build | rebuild after editing one item | rebuild / full | kept layouts |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for case in args.cases:
        items, years = map(int, case.split(":"))
        with tempfile.TemporaryDirectory(prefix=f"brochure-incremental-{items}-") as folder:
            project = Path(folder) / "project"
            make_project(project, items, years)
            full, rebuilt = [], []
            for run in range(args.runs):  # back to back, so drift hits both alike
                shutil.rmtree(project / "build" / ".cache" / "parts", ignore_errors=True)
                full.append(measure([*BROCHURE, "build", "--force", "-q"], project)[0])
                edit_one_item(project, f"again{run}")
                rebuilt.append(measure([*BROCHURE, "build", "-q"], project)[0])
            kept = sum(entry.stat().st_size for entry in (project / "build" / ".cache" / "parts").iterdir())
            import pikepdf

            with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
                pages = len(pdf.pages)
            print(f"| {items} | {years} | {pages} | {median(full):.2f} s | {median(rebuilt):.2f} s "
                  f"| {median(rebuilt) / median(full):.2f} | {kept / 2**20:.0f} MiB |", flush=True)


if __name__ == "__main__":
    main()
