"""Stacked bars drawn by the app: SVG for pages, vectors for PDF, the same geometry in both.

A bar is the whole of something (100 %): its parts (:class:`Segment`) are laid from the left
edge, each with a key into a table of fills. A fill prints in black and white: diagonal
hatching, a grey, or white; a dark fill carries white text. Threshold marks (1/2, 2/3) may be
drawn across the bar, so that a band reads straight off it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from fpdf.enums import RenderStyle
from markupsafe import Markup

from survey.documents.pdf import LEFT, SERIF, WIDTH, Document, ellipsis
from survey.documents.text import number

#: A fill: (SVG fill or ``"hatch"``, grey level 0–255 for the PDF, whether its text is white).
Fill = tuple[str, int, bool]

#: The threshold marks drawn on the bars: more than half, and two thirds.
HALF = (("1/2", Decimal(1) / 2),)
HALF_AND_TWO_THIRDS = (*HALF, ("2/3", Decimal(2) / 3))


@dataclass(frozen=True)
class Segment:
    #: The part's key in the table of fills (a level's value, or ``"rest"``).
    key: str
    #: Where it starts and how wide it is, as fractions of the bar's width.
    start: Decimal
    width: Decimal
    count: int
    percent: Decimal | None

    @property
    def label(self) -> str:
        return number(self.percent) if self.percent is not None else ""


def stack(counts: Sequence[tuple[str, int, Decimal | None]], whole: int,
          rest: int = 0) -> list[Segment]:
    """Parts laid left to right from ``(key, count, percent)``, as fractions of ``whole``
    (or of the counts' sum if larger); ``rest`` more is drawn last, as ``"rest"``."""
    scale = Decimal(max(whole, sum(c for _k, c, _p in counts), 1))
    parts, start = [], Decimal(0)
    for key, count, share in counts:
        width = Decimal(count) / scale
        parts.append(Segment(key, start, width, count, share))
        start += width
    if rest:
        parts.append(Segment("rest", start, Decimal(rest) / scale, rest, None))
    return parts


def label_places(spans: Sequence[tuple[float, float, float]], marks: Sequence[float], *,
                 gap: float) -> list[float | None]:
    """Where each part's label starts, from ``(left, right, label width)`` of each part and the
    marks' positions (all in one unit): centred in its part when that clears every mark and
    every label placed before it by ``gap``, else the place inside the part nearest the centre
    that does; ``None`` when no place inside the part does (the tables carry every figure)."""
    taken: list[tuple[float, float]] = [(m - gap, m + gap) for m in marks]
    places: list[float | None] = []
    for left, right, width in spans:
        lo, hi = left + gap, right - gap - width
        centre = (left + right - width) / 2
        candidates = [centre, lo, hi]
        for a, b in taken:
            candidates += [a - width, b]
        fits = [x for x in candidates if lo <= x <= hi
                and all(x + width <= a or x >= b for a, b in taken)]
        place = min(fits, key=lambda x: (abs(x - centre), x)) if fits else None
        if place is not None:
            taken.append((place - gap, place + width + gap))
        places.append(place)
    return places


# -- SVG ----------------------------------------------------------------------------------------

SVG_W, SVG_H = 320, 46
BAR_Y, BAR_H = 14, 20
PAD = 2
BAR_W = SVG_W - 2 * PAD
#: A label's width in viewBox units per character (10-unit bold digits), and its clearance.
LABEL_CHAR_W, LABEL_GAP = 6.0, 2.0


def _f(value: Decimal | float) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


def svg_hatch(pattern_id: str) -> str:
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="5" height="5" '
        'patternTransform="rotate(45)"><rect width="5" height="5" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="5" stroke="#000" stroke-width="1.4"/></pattern>'
    )


def svg_bar(parts: Sequence[Segment], fills: Mapping[str, Fill], *, label: str,
            pattern: str, marks: Sequence[tuple[str, Decimal]] = ()) -> Markup:
    """A bar of ``parts`` as inline SVG (no style attribute: the CSP forbids inline styles),
    with ``marks`` drawn across it; ``label`` is its accessible name, ``pattern`` the id of its
    hatching (unique on the page)."""
    out = [
        f'<svg class="bar-chart" viewBox="0 0 {SVG_W} {SVG_H}" role="img" '
        f'aria-label={quoteattr(label)} xmlns="http://www.w3.org/2000/svg">',
        f"<defs>{svg_hatch(pattern)}</defs>",
    ]
    shown = [part for part in parts if part.width > 0]
    labelled = [part for part in shown if part.key != "rest"]
    places = label_places(
        [(float(PAD + BAR_W * p.start), float(PAD + BAR_W * (p.start + p.width)),
          LABEL_CHAR_W * len(p.label)) for p in labelled],
        [float(PAD + BAR_W * fraction) for _mark, fraction in marks], gap=LABEL_GAP)
    for part in shown:
        x = PAD + BAR_W * part.start
        w = BAR_W * part.width
        fill = fills[part.key][0]
        paint = f"url(#{pattern})" if fill == "hatch" else fill
        out.append(
            f'<rect x="{_f(x)}" y="{BAR_Y}" width="{_f(w)}" height="{BAR_H}" fill="{paint}" '
            'stroke="#000" stroke-width="0.6"/>'
        )
    for part, place in zip(labelled, places, strict=True):
        if place is None:
            continue
        light_text = fills[part.key][2]
        colour = "#fff" if light_text else "#000"
        halo = "" if light_text else ' paint-order="stroke" stroke="#fff" stroke-width="3"'
        out.append(
            f'<text x="{_f(place + LABEL_CHAR_W * len(part.label) / 2)}" '
            f'y="{BAR_Y + BAR_H / 2 + 3.5}" text-anchor="middle" '
            f'font-size="10" font-weight="bold" fill="{colour}"{halo}>'
            f"{escape(part.label)}</text>"
        )
    for mark, fraction in marks:
        x = PAD + BAR_W * fraction
        out.append(
            f'<line x1="{_f(x)}" y1="{BAR_Y}" x2="{_f(x)}" y2="{BAR_Y + BAR_H}" '
            'stroke="#fff" stroke-width="3"/>'
            f'<line x1="{_f(x)}" y1="{BAR_Y - 5}" x2="{_f(x)}" y2="{BAR_Y + BAR_H + 5}" '
            'stroke="#000" stroke-width="1.2" stroke-dasharray="3 2"/>'
            f'<text x="{_f(x)}" y="{BAR_Y - 6}" text-anchor="middle" font-size="8">'
            f"{escape(mark)}</text>"
        )
    out.append(
        f'<text x="{PAD}" y="{SVG_H - 1}" font-size="8">0%</text>'
        f'<text x="{SVG_W - PAD}" y="{SVG_H - 1}" font-size="8" '
        'text-anchor="end">100%</text></svg>'
    )
    return Markup("".join(out))


def swatches(items: Sequence[tuple[str, str]], fills: Mapping[str, Fill], *,
             prefix: str = "hatch-legend-") -> list[tuple[Markup, str]]:
    """The key to the fills: ``(swatch SVG, label)`` for each ``(key, label)``."""
    out = []
    for key, text in items:
        fill = fills[key][0]
        paint = f"url(#{prefix}{key})" if fill == "hatch" else fill
        swatch = (
            '<svg class="swatch" viewBox="0 0 16 12" aria-hidden="true" '
            'xmlns="http://www.w3.org/2000/svg">'
            f"<defs>{svg_hatch(f'{prefix}{key}')}</defs>"
            f'<rect x="0.5" y="0.5" width="15" height="11" fill="{paint}" stroke="#000" '
            'stroke-width="0.8"/></svg>'
        )
        out.append((Markup(swatch), text))
    return out


# -- PDF ----------------------------------------------------------------------------------------


def hatch(pdf: Document, x: float, y: float, w: float, h: float) -> None:
    """Diagonal hatching inside a rectangle, outlined again on top."""
    with pdf.rect_clip(x, y, w, h):
        pdf.set_line_width(0.25)
        offset = -h
        while offset < w:
            pdf.line(x + offset, y + h, x + offset + h, y)
            offset += 1.6
    pdf.set_line_width(0.2)
    pdf.rect(x, y, w, h, style=RenderStyle.D)


def fill_box(pdf: Document, fill: Fill, x: float, y: float, w: float, h: float) -> None:
    """A rectangle in ``fill``, outlined."""
    pdf.set_fill_color(fill[1])
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0)
    pdf.rect(x, y, w, h, style=RenderStyle.DF)
    if fill[0] == "hatch":
        hatch(pdf, x, y, w, h)


def draw_bar(pdf: Document, title: str, parts: Sequence[Segment], fills: Mapping[str, Fill], *,
             bold: bool = False, note: str | None = None,
             marks: Sequence[tuple[str, Decimal]] = ()) -> None:
    """A titled bar of ``parts`` across the text width, with ``marks`` and a scale under it,
    and ``note`` (an italic line) under that."""
    label_h, bar_h, scale_h = 5.5, 7.0, 4.0
    note_h = 4.0 if note is not None else 0.0
    height = label_h + bar_h + scale_h + note_h + 2.5
    pdf.ensure(height)
    top = pdf.get_y()
    pdf.font("B" if bold else "", 9.5)
    pdf.set_x(LEFT)
    pdf.cell(WIDTH, label_h - 1, ellipsis(pdf, title, WIDTH))
    y = top + label_h
    x0, width = LEFT, WIDTH
    shown = [part for part in parts if part.width > 0]
    for part in shown:
        fill_box(pdf, fills[part.key], x0 + width * float(part.start), y,
                 width * float(part.width), bar_h)
    # labels where they clear the marks and each other (their white halo included)
    labelled = [part for part in shown if part.key != "rest"]
    pdf.set_font(SERIF, "B", 8)
    halo = 0.6
    places = label_places(
        [(x0 + width * float(p.start), x0 + width * float(p.start + p.width),
          pdf.get_string_width(p.label) + 2 * halo) for p in labelled],
        [x0 + width * float(fraction) for _mark, fraction in marks], gap=1.0)
    for part, place in zip(labelled, places, strict=True):
        if place is None:
            continue
        light_text = fills[part.key][2]
        tx, ty = place + halo, y + bar_h / 2
        if not light_text:
            pdf.set_fill_color(255)
            pdf.rect(place, ty - 1.9, pdf.get_string_width(part.label) + 2 * halo, 3.8,
                     style=RenderStyle.F)
        pdf.set_text_color(255 if light_text else 0)
        pdf.text(tx, ty + 1.1, part.label)
        pdf.set_text_color(0)
    scale_y = y + bar_h + 3.6
    pdf.set_font(SERIF, "", 7)
    for label, fraction in marks:
        x = x0 + width * float(fraction)
        # a white line under the dashes keeps the mark visible on the dark fill
        pdf.set_draw_color(255)
        pdf.set_line_width(0.9)
        pdf.line(x, y + 0.3, x, y + bar_h - 0.3)
        pdf.set_draw_color(0)
        pdf.set_dash_pattern(dash=1.0, gap=0.7)
        pdf.set_line_width(0.35)
        pdf.line(x, y - 1.0, x, y + bar_h + 1.0)
        pdf.set_dash_pattern()
        pdf.text(x - pdf.get_string_width(label) / 2, scale_y, label)
    pdf.set_line_width(0.2)
    pdf.text(x0, scale_y, "0%")
    pdf.text(x0 + width - pdf.get_string_width("100%"), scale_y, "100%")
    if note is not None:
        pdf.set_font(SERIF, "I", 8)
        pdf.text(x0, scale_y + note_h, note)
    pdf.set_y(top + height)
    pdf.font()


def draw_legend(pdf: Document, items: Sequence[tuple[str, str]], fills: Mapping[str, Fill], *,
                size: float = 9, wrap: bool = False) -> None:
    """The key to the bars' fills: ``(key, label)`` pairs on a line (``wrap``: on as many
    lines as they need)."""
    pdf.ensure(14 if wrap else 8)
    y = pdf.get_y() + 1
    x = LEFT
    pdf.set_font(SERIF, "", size)
    for key, text in items:
        width = 7.5 + pdf.get_string_width(text) + (5 if wrap else 6)
        if wrap and x + width > LEFT + WIDTH:
            x, y = LEFT, y + 5.5
        fill_box(pdf, fills[key], x, y, 6, 4)
        pdf.text(x + 7.5, y + 3.3, text)
        x += width
    pdf.set_y(y + 7)
    pdf.font()


__all__ = [
    "HALF", "HALF_AND_TWO_THIRDS", "Fill", "Segment", "draw_bar", "draw_legend", "fill_box",
    "hatch", "label_places", "stack", "svg_bar", "svg_hatch", "swatches",
]
