"""Copy the screenshots that docs/guide-vi.md shows into docs/img, as small palette PNGs.

Run the browser tests first (they save test-artifacts/screenshots/), then::

    .venv/bin/python -m tests.browser.guide_images
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "screenshots"
IMG = ROOT / "docs" / "img"
#: Each image under this size: the guide is read on the organizer's laptop, offline too.
LIMIT = 150_000

#: screenshot name → file in docs/img, in the order the guide uses them.
GUIDE = {
    "organizer-1-new-round": "1-tao-dot.png",
    "organizer-2-import-errors": "2-loi-danh-sach.png",
    "organizer-3-round-ready": "3-cac-buoc.png",
    "organizer-4-cards-sheet": "4-in-the.png",
    "organizer-5-turnout-projector": "5-may-chieu.png",
    "organizer-7-round-closed": "6-ket-thuc.png",
    "voter-2-ballot": "7-la-phieu.png",
    "voter-3-review": "8-xem-lai.png",
    "voter-3-review-offline": "9-mat-ket-noi.png",
    "voter-4-thanks": "10-da-ghi-nhan.png",
}


def optimise(source: Path, target: Path, *, phone_width: int = 360) -> int:
    """Write ``source`` as a 64-colour PNG (phone shots at 1×); return the bytes written."""
    image = Image.open(source).convert("RGB")
    if image.width > 1000 and image.width < image.height:  # a 2× phone shot
        image = image.resize((phone_width, round(image.height * phone_width / image.width)),
                             Image.Resampling.LANCZOS)
    for colours in (64, 32, 16):
        image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(
            target, optimize=True)
        if target.stat().st_size <= LIMIT:
            break
    return target.stat().st_size


def main() -> int:
    missing = [name for name in GUIDE if not (SHOTS / f"{name}.png").exists()]
    if missing:
        print(f"run the browser tests first; missing in {SHOTS}: {', '.join(missing)}")
        return 1
    IMG.mkdir(parents=True, exist_ok=True)
    for name, file in GUIDE.items():
        size = optimise(SHOTS / f"{name}.png", IMG / file)
        print(f"{IMG / file}: {size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
