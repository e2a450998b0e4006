"""Benchmark: brochure against plain WeasyPrint on the same HTML, at several sizes.

    .venv/bin/python bench/run.py                      # 14, 100, 500 and 2000 items, 3 runs each
    .venv/bin/python bench/run.py --sizes 14 100 --runs 5

For each size it generates a synthetic project of the seed's shape (A4, cover,
contents with page numbers, one picture and five paragraphs per item; deterministic
text, a distinct picture per item, dates over ten years), then measures, as separate
processes run one after the other:

- `brochure build --force`: wall time and peak memory (the largest process);
- plain WeasyPrint writing the very HTML brochure renders (same stylesheets, fonts,
  pictures, PDF variant), read from a file with file:// addresses;
- `brochure build` again with nothing changed (the no-op rebuild);

and prints medians with the ratios brochure / plain WeasyPrint, of time and of
memory (the largest process, and all of brochure's processes together). It also times
`brochure --help` and `brochure check` on the repository's own 14 items.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BROCHURE = [sys.executable, "-m", "brochure"]
WORDS = [
    "the", "programme", "partners", "agreed", "to", "strengthen", "cooperation", "on", "prevention", "justice",
    "health", "data", "training", "border", "customs", "officers", "survey", "report", "victims", "trafficking",
    "corruption", "wildlife", "crime", "member", "states", "regional", "office", "meeting", "support", "evidence",
    "policy", "results", "community", "capacity",
]


def make_project(folder: Path, items: int, years: int = 10) -> None:
    """A project of `items` entries like the seed's, dated over `years` years, the same for
    the same size."""
    from PIL import Image, ImageDraw

    randomness = random.Random(items)
    (folder / "entries" / "images").mkdir(parents=True)
    (folder / "brochure.yaml").write_text(
        "title: Synthetic brochure\nsubtitle: A benchmark of the same shape as the seed\n"
        "publisher: Benchmark Office\nintro: Ten years of synthetic news.\n")
    start = dt.date(2015, 1, 1)
    for number in range(items):
        day = start + dt.timedelta(days=number * 365 * years // max(items, 1))
        picture = Image.new("RGB", (1200, 800), (randomness.randrange(256), randomness.randrange(256),
                                                  randomness.randrange(256)))
        ImageDraw.Draw(picture).rectangle([number % 600, 100, number % 600 + 500, 700], fill=(250, 250, 250))
        picture.save(folder / "entries" / "images" / f"{number:05d}.jpg", quality=80)
        paragraphs = "\n\n".join(" ".join(randomness.choice(WORDS) for _ in range(90)).capitalize() + "."
                                 for _ in range(5))
        body = "".join(f"  {line}\n" if line else "\n" for line in paragraphs.split("\n"))
        title = " ".join(randomness.choice(WORDS) for _ in range(8)).capitalize()
        (folder / "entries" / f"{day.isoformat()}-{number:05d}.yaml").write_text(
            f"title: {title} {number}\ndate: {day.isoformat()}\nimage:\n  src: images/{number:05d}.jpg\n"
            f"  alt: Picture {number}\n  credit: © Benchmark\nbody: |\n{body}tags: [bench]\n")


def plain_html(project: Path, target: Path) -> None:
    """The HTML brochure renders for `project`, with file:// addresses for its files."""
    from brochure.content.catalogue import catalogue, document_date
    from brochure.content.settings import load_settings, theme_folder
    from brochure.html.theme import render_html
    from brochure.model import PROJECT_URL, THEME_URL, Selection

    settings = load_settings(project)
    found = catalogue(settings, Selection())
    theme = theme_folder(settings)
    html, _ = render_html(settings, found.entries, theme, document_date(found.entries))
    html = html.replace(PROJECT_URL, project.resolve().as_uri() + "/")
    html = html.replace(THEME_URL, theme.resolve().as_uri() + "/")
    target.write_text(html, "utf-8")


def _tree_memory(pid: int) -> int:
    """Memory (KiB) of a process and all its descendants, now: the sum of their
    proportional set sizes, so that pages forked processes share count once."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(rollup.split("\nPss:")[1].split()[0]) if "\nPss:" in rollup else 0
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError, IndexError):
            continue
    return total


def measure(command: list[str], cwd: Path, sample: bool = False) -> tuple[float, float, float]:
    """Wall seconds, peak resident memory of the largest process, and with `sample` the
    peak memory of all its processes together (MiB; proportional set sizes sampled
    every 250 ms: reading them costs the measured processes time, so only brochure's
    runs, which may fork, are sampled), of one command."""
    began = time.monotonic()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    together = [0]
    done = threading.Event()

    def sampling():
        while not done.wait(0.25):
            together[0] = max(together[0], _tree_memory(process.pid))

    sampler = threading.Thread(target=sampling, daemon=True)
    if sample:
        sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - began
    done.set()
    if sample:
        sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    # ru_maxrss of a waited child covers it and its own waited children: the largest one.
    return wall, usage.ru_maxrss / 1024, together[0] / 1024


def median(values) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[14, 100, 500, 2000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    help_times = [measure([*BROCHURE, "--help"], REPO)[0] for _ in range(5)]
    check_times = [measure([*BROCHURE, "check"], REPO)[0] for _ in range(5)]
    print(f"start: brochure --help {median(help_times):.2f} s, brochure check (14 items) "
          f"{median(check_times):.2f} s (medians of 5)\n")
    print("| items | pages | brochure build | memory, largest process | all processes | plain WeasyPrint "
          "| its memory | time, brochure / plain | memory, brochure / plain (largest / all) | no-op rebuild |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for items in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"brochure-bench-{items}-") as folder:
            project = Path(folder) / "project"
            make_project(project, items)
            plain_html(project, project / "plain.html")
            plain = [sys.executable, "-c", "import weasyprint; weasyprint.HTML('plain.html')"
                     ".write_pdf('plain.pdf', pdf_variant='pdf/ua-1')"]
            ours, theirs, noop = [], [], []
            for _ in range(args.runs):  # side by side, alternating, so drift hits both alike
                ours.append(measure([*BROCHURE, "build", "--force", "-q"], project, sample=True))
                theirs.append(measure(plain, project))
                noop.append(measure([*BROCHURE, "build", "-q"], project)[0])
            import pikepdf

            with pikepdf.open(project / "build" / "brochure.pdf") as pdf:
                pages = len(pdf.pages)
            our_time, our_memory = median(t for t, _, _ in ours), median(m for _, m, _ in ours)
            our_total = median(a for _, _, a in ours)
            plain_time, plain_memory = median(t for t, _, _ in theirs), median(m for _, m, _ in theirs)
            print(f"| {items} | {pages} | {our_time:.2f} s | {our_memory:.0f} MiB | {our_total:.0f} MiB "
                  f"| {plain_time:.2f} s | {plain_memory:.0f} MiB | {our_time / plain_time:.2f} "
                  f"| {our_memory / plain_memory:.2f} / {our_total / plain_memory:.2f} | {median(noop):.2f} s |",
                  flush=True)


if __name__ == "__main__":
    main()
