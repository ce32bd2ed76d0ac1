"""The stacked bar of one official's poll result, for pages (SVG) and the summary (PDF).

One bar is the whole denominator (100 %). "Tín nhiệm thấp" is laid first, from the left edge, so
that the 1/2 and 2/3 marks drawn across the bar read the threshold bands straight off it; then
"Tín nhiệm", then "Tín nhiệm cao"; what is left is the lines left blank (or, with another
denominator, those who did not vote).
"""

from __future__ import annotations

from markupsafe import Markup

from survey.documents.charts import HALF_AND_TWO_THIRDS, Fill, Segment, stack, svg_bar, swatches
from survey.documents.text import number
from survey.i18n import _
from survey.kinds.confidence.report import Line, level_label
from survey.tally.confidence import Level

#: Fill of each part of the bar.
FILLS: dict[str, Fill] = {
    Level.low.value: ("hatch", 255, False),
    Level.confidence.value: ("#c4c4c4", 196, False),
    Level.high.value: ("#3a3a3a", 58, True),
    "rest": ("#ffffff", 255, False),
}

#: Stacking order, left to right.
STACK = (Level.low, Level.confidence, Level.high)

MARKS = HALF_AND_TWO_THIRDS


def segments(line: Line, base: int) -> list[Segment]:
    """The parts of ``line``'s bar, as fractions of the bar's width."""
    assert line.result is not None
    counts = [(level.value, line.count(level), line.percent(level)) for level in STACK]
    return stack(counts, base, rest=max(base - sum(c for _k, c, _p in counts), 0))


def rest_label(denominator: str) -> str:
    if denominator == "collected":
        return _("Không hợp lệ (bỏ trống)")
    return _("Không hợp lệ hoặc không có phiếu")


def description(line: Line) -> str:
    """What the bar shows, in words (the chart's accessible name)."""
    parts = [f"{level_label(level)} {number(line.percent(level))}%" for level in STACK]
    return f"{line.order}. {line.name}: " + ", ".join(parts)


def bar_svg(line: Line, base: int, *, chart_id: str) -> Markup:
    """One subject's bar as inline SVG."""
    return svg_bar(segments(line, base), FILLS, label=description(line),
                   pattern=f"hatch-{chart_id}", marks=MARKS)


def legend_items(denominator: str) -> list[tuple[str, str]]:
    items = [(level.value, level_label(level)) for level in STACK]
    items.append(("rest", rest_label(denominator)))
    return items


def legend(denominator: str) -> list[tuple[Markup, str]]:
    """The key to the fills, once per document: ``(swatch SVG, label)`` pairs."""
    return swatches(legend_items(denominator), FILLS)
