"""Make the placeholder photographs of the seed entries (entries/images/*.jpg).

The seed brochure's real photographs are not ours to ship, so each entry with an
image gets a plainly marked placeholder of photographic proportions instead.
Run from the repository root: python scripts/make-placeholder-images.py
"""

from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

FONT = Path("brochure/styles/default/fonts/OpenSans-Semibold.ttf")
SIZE = (2100, 1400)  # 3:2: over 300 ppi across the 170 mm text width of A4


def placeholder(title: str, credit: str, shade: int) -> Image.Image:
    top = (32 + shade * 7 % 40, 74 + shade * 5 % 30, 120 + shade * 3 % 40)
    image = Image.new("RGB", SIZE, top)
    draw = ImageDraw.Draw(image)
    # A few soft diagonal bands, so that it reads as a picture area, not a flat box.
    for band in range(0, SIZE[0] + SIZE[1], 160):
        draw.line([(band, 0), (band - SIZE[1], SIZE[1])], fill=tuple(c + 10 for c in top), width=60)
    big = ImageFont.truetype(str(FONT), 75)
    small = ImageFont.truetype(str(FONT), 47)
    draw.text((SIZE[0] // 2, SIZE[1] // 2 - 60), "PLACEHOLDER IMAGE", font=big, fill="white", anchor="mm")
    words, lines, line = title.split(), [], ""
    for word in words:
        if len(line) + len(word) > 60:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line)
    for number, text in enumerate(lines[:3]):
        draw.text((SIZE[0] // 2, SIZE[1] // 2 + 30 + 60 * number), text, font=small,
                  fill=(220, 230, 240), anchor="mm")
    draw.text((SIZE[0] - 40, SIZE[1] - 40), f"Image {credit}", font=small, fill=(200, 210, 225), anchor="rd")
    return image


for number, entry_file in enumerate(sorted(Path("entries").glob("*.yaml"))):
    entry = yaml.safe_load(entry_file.read_text("utf-8"))
    if "image" in entry:
        target = entry_file.parent / entry["image"]["src"]
        placeholder(entry["title"], entry["image"].get("credit", ""), number).save(
            target, "JPEG", quality=80, optimize=True, dpi=(300, 300))
        print(target)
