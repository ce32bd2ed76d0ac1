"""Fitting text into the boxes of a printed card: the title, wrapped lines, long addresses."""

from __future__ import annotations

from fpdf import FPDF

SANS = "DejaVuSans"
ELLIPSIS = "…"


def fit_title(pdf: FPDF, title: str, width: float) -> tuple[float, list[str]]:
    """The round's title on one line, or on two balanced lines, at the largest size (9 pt
    down to 7 pt) that holds it whole: no word is ever left alone on a line of its own.
    A title too long for two lines at 7 pt is cut with an ellipsis. The font is left set."""
    sizes = (9.0, 8.5, 8.0, 7.5, 7.0)
    for size in sizes:
        pdf.set_font(SANS, "B", size)
        if pdf.get_string_width(title) <= width:
            return size, [title]
    words = title.split()
    for size in sizes:
        pdf.set_font(SANS, "B", size)
        best: tuple[float, list[str]] | None = None
        for cut in range(1, len(words)):
            lines = [" ".join(words[:cut]), " ".join(words[cut:])]
            widest = max(pdf.get_string_width(line) for line in lines)
            if widest <= width and (best is None or widest < best[0]):
                best = (widest, lines)
        if best is not None:
            return size, best[1]
    return sizes[-1], wrap(pdf, title, width, 2)


def wrap(pdf: FPDF, text: str, width: float, max_lines: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` mm in the current font.

    Lines beyond ``max_lines`` are dropped and the last kept line ends with an ellipsis.
    A word wider than a line (a long address) is broken, after a ``/`` or ``.`` if possible.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if pdf.get_string_width(candidate) <= width:
            current = candidate
            continue
        if pdf.get_string_width(word) > width:
            # Start the long word on this line rather than leave a stub of a line behind.
            head = f"{current} " if current else ""
            cut = prefix_fitting(pdf, word, width - pdf.get_string_width(head), separator=True)
            if cut or current:
                lines.append(head + word[:cut] if cut else current)
            word = word[cut:]
            while pdf.get_string_width(word) > width:
                cut = prefix_fitting(pdf, word, width) or 1
                lines.append(word[:cut])
                word = word[cut:]
        elif current:
            lines.append(current)
        current = word
        if len(lines) >= max_lines:
            return ellipsize(pdf, lines[:max_lines], width)
    if current:
        lines.append(current)
    return lines


def prefix_fitting(pdf: FPDF, word: str, width: float, *, separator: bool = False) -> int:
    """How much of ``word`` fits ``width``, preferably cut after a URL separator.

    With ``separator``, only such a cut will do (0 if there is none).
    """
    cut = len(word)
    while cut and pdf.get_string_width(word[:cut]) > width:
        cut -= 1
    after = max(word.rfind(ch, 0, cut) for ch in "/.:-?#&=") + 1
    if separator:
        return after
    return after if after > cut // 2 else cut


def ellipsize(pdf: FPDF, lines: list[str], width: float) -> list[str]:
    """``lines`` with an ellipsis closing the last one, dropping whole words to make room."""
    last = lines[-1]
    while pdf.get_string_width(last.rstrip(" ,.;:–-") + ELLIPSIS) > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    return [*lines[:-1], last.rstrip(" ,.;:–-") + ELLIPSIS]
