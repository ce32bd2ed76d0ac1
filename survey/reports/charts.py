"""Stacked bar charts of a subject's result, drawn by the app: SVG for pages, vectors for PDF.

One bar is the whole denominator (100 %). "Tín nhiệm thấp" is laid first, from the left edge, so
that the 1/2 and 2/3 marks drawn across the bar read the threshold bands straight off it; then
"Tín nhiệm", then "Tín nhiệm cao"; what is left is the lines left blank (or, with another
denominator, those who did not vote). The fills print in black and white: diagonal hatching,
light grey, dark grey, white.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from survey.i18n import _
from survey.reports.documents import Line, level_label, number
from survey.tally.confidence import Level

#: Fill of each part of the bar: (SVG fill, grey level 0-255 for the PDF, text is white).
FILLS = {
    Level.low.value: ("hatch", 255, False),
    Level.confidence.value: ("#c4c4c4", 196, False),
    Level.high.value: ("#3a3a3a", 58, True),
    "rest": ("#ffffff", 255, False),
    # the confidence vote's "không tín nhiệm" and a nomination's "đồng ý"
    "no_confidence": ("hatch", 255, False),
    "agree": ("#3a3a3a", 58, True),
}

#: Stacking order, left to right.
STACK = (Level.low, Level.confidence, Level.high)

#: The threshold marks, as fractions of the denominator.
MARKS = (("1/2", Decimal(1) / 2), ("2/3", Decimal(2) / 3))


@dataclass(frozen=True)
class Segment:
    key: str  # a level value, or "rest"
    start: Decimal  # fraction of the bar's width
    width: Decimal
    count: int
    percent: Decimal | None

    @property
    def label(self) -> str:
        return number(self.percent) if self.percent is not None else ""


def segments(line: Line, base: int) -> list[Segment]:
    """The parts of ``line``'s bar, as fractions of the bar's width."""
    assert line.result is not None
    counts = [line.count(level) for level in STACK]
    rest = max(base - sum(counts), 0)
    scale = Decimal(max(base, sum(counts), 1))
    parts, start = [], Decimal(0)
    for level, count in zip(STACK, counts, strict=True):
        width = Decimal(count) / scale
        parts.append(Segment(level.value, start, width, count, line.percent(level)))
        start += width
    if rest:
        parts.append(Segment("rest", start, Decimal(rest) / scale, rest, None))
    return parts


def rest_label(denominator: str) -> str:
    if denominator == "collected":
        return _("Không hợp lệ (bỏ trống)")
    return _("Không hợp lệ hoặc không có phiếu")


def description(line: Line) -> str:
    """What the bar shows, in words (the chart's accessible name)."""
    parts = [f"{level_label(level)} {number(line.percent(level))}%" for level in STACK]
    return f"{line.order}. {line.name}: " + ", ".join(parts)


# -- SVG ----------------------------------------------------------------------------------------

WIDTH, HEIGHT = 320, 46
BAR_Y, BAR_H = 14, 20
LEFT_PAD, RIGHT_PAD = 2, 2
BAR_W = WIDTH - LEFT_PAD - RIGHT_PAD
#: Narrower than this (in viewBox units) and a part carries no label.
MIN_LABEL_W = 28


def _f(value: Decimal | float) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def _hatch(pattern_id: str) -> str:
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="5" height="5" '
        'patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="5" stroke="#000" stroke-width="1.4"/></pattern>'
    )


def bar_svg(line: Line, base: int, *, chart_id: str) -> Markup:
    """One subject's bar as inline SVG (no style attributes: the CSP forbids inline styles)."""
    return svg_bar(segments(line, base), label=description(line), chart_id=str(chart_id))


def svg_bar(parts: Sequence[Segment], *, label: str, chart_id: str,
            marks: Sequence[tuple[str, Decimal]] = MARKS) -> Markup:
    """A bar of ``parts`` (fractions of its width, keys of :data:`FILLS`) as inline SVG,
    with the threshold ``marks`` drawn across it; ``label`` is its accessible name."""
    pattern = f"hatch-{chart_id}"
    out = [
        f'<svg class="bar-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label={quoteattr(label)} xmlns="http://www.w3.org/2000/svg">',
        f"<defs>{_hatch(pattern)}</defs>",
    ]
    for part in parts:
        if part.width <= 0:
            continue
        fill, _grey, light_text = FILLS[part.key]
        x = LEFT_PAD + BAR_W * part.start
        w = BAR_W * part.width
        paint = f"url(#{pattern})" if fill == "hatch" else fill
        out.append(
            f'<rect x="{_f(x)}" y="{BAR_Y}" width="{_f(w)}" height="{BAR_H}" fill="{paint}" '
            'stroke="#000" stroke-width="0.6"/>'
        )
        if part.key != "rest" and w >= MIN_LABEL_W:
            colour = "#fff" if light_text else "#000"
            halo = "" if light_text else ' paint-order="stroke" stroke="#fff" stroke-width="3"'
            out.append(
                f'<text x="{_f(x + w / 2)}" y="{BAR_Y + BAR_H / 2 + 3.5}" text-anchor="middle" '
                f'font-size="10" font-weight="bold" fill="{colour}"{halo}>'
                f"{escape(part.label)}</text>"
            )
    for mark, fraction in marks:
        x = LEFT_PAD + BAR_W * fraction
        out.append(
            f'<line x1="{_f(x)}" y1="{BAR_Y}" x2="{_f(x)}" y2="{BAR_Y + BAR_H}" '
            'stroke="#fff" stroke-width="3"/>'
            f'<line x1="{_f(x)}" y1="{BAR_Y - 5}" x2="{_f(x)}" y2="{BAR_Y + BAR_H + 5}" '
            'stroke="#000" stroke-width="1.2" stroke-dasharray="3 2"/>'
            f'<text x="{_f(x)}" y="{BAR_Y - 6}" text-anchor="middle" font-size="8">'
            f"{escape(mark)}</text>"
        )
    out.append(
        f'<text x="{LEFT_PAD}" y="{HEIGHT - 1}" font-size="8">0%</text>'
        f'<text x="{WIDTH - RIGHT_PAD}" y="{HEIGHT - 1}" font-size="8" '
        'text-anchor="end">100%</text></svg>'
    )
    return Markup("".join(out))


def legend(denominator: str) -> list[tuple[Markup, str]]:
    """The key to the fills, once per document: ``(swatch SVG, label)`` pairs."""
    items = [(level.value, level_label(level)) for level in STACK]
    items.append(("rest", rest_label(denominator)))
    return swatches(items)


def swatches(items: Sequence[tuple[str, str]]) -> list[tuple[Markup, str]]:
    """``(swatch SVG, label)`` for each ``(key of FILLS, label)``."""
    out = []
    for key, text in items:
        fill = FILLS[key][0]
        paint = f"url(#hatch-legend-{key})" if fill == "hatch" else fill
        swatch = (
            '<svg class="swatch" viewBox="0 0 16 12" aria-hidden="true" '
            'xmlns="http://www.w3.org/2000/svg">'
            f"<defs>{_hatch(f'hatch-legend-{key}')}</defs>"
            f'<rect x="0.5" y="0.5" width="15" height="11" fill="{paint}" stroke="#000" '
            'stroke-width="0.8"/></svg>'
        )
        out.append((Markup(swatch), text))
    return out
