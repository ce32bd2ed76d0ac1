"""What a paper ballot looks like: the layout a kind of round gives as its ``paper``.

A layout names the ballot's title, the instruction line, and its levels in ballot order, each
with the value stored, the column heading printed on paper, and the key that chooses it on the
entry page. A kind without one has no paper ballot (:func:`survey.paper.slots.layout_for`
refuses it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from fpdf.fonts import FontFace

from survey.documents.pdf import WIDTH, Document, table
from survey.documents.text import printed
from survey.errors import InvalidInput
from survey.i18n import _, _l
from survey.rounds.models import Subject
from survey.tally.nomination import name_key

#: Line marks that are not a level: no mark, and two or more marks on paper.
BLANK = "blank"
INVALID = "invalid"
#: The entry keys of those two (the space bar also means blank).
BLANK_KEY = "0"
INVALID_KEY = "x"


@dataclass(frozen=True)
class PaperLevel:
    #: The value stored in ``marks.choice``.
    value: str
    #: The column heading on paper and the label on the entry page.
    label: object
    #: The key that chooses this level on the entry page.
    key: str


def paper_levels(labels: Mapping[str, object]) -> tuple[PaperLevel, ...]:
    """The paper columns of a kind's levels, in ballot order, chosen by the keys 1, 2, 3…"""
    return tuple(PaperLevel(str(value), label, str(key))
                 for key, (value, label) in enumerate(labels.items(), start=1))


#: The shapes of paper ballot: one level per line; nomination (positions, write-ins); appraisal
#: (a named form: levels and two scores per line).
LINES = "lines"
NOMINATION = "nomination"
APPRAISAL = "appraisal"


@dataclass(frozen=True)
class PaperLayout:
    #: The ballot's title, in capitals, as the regulation prints it.
    title: object
    #: The line under the table telling the voter how to mark.
    instruction: object
    #: The levels printed as columns; the stored ones unless ``entered`` says otherwise.
    levels: tuple[PaperLevel, ...]
    form: str = LINES
    #: The levels offered at entry, when not all the printed ones are stored (nomination:
    #: only Đồng ý; Không đồng ý is entered as blank).
    entered: tuple[PaperLevel, ...] | None = None
    #: The entry label of a blank line, when it means more than "no mark".
    blank_label: object = None

    @property
    def entry_levels(self) -> tuple[PaperLevel, ...]:
        return self.levels if self.entered is None else self.entered

    @property
    def values(self) -> frozenset[str]:
        return frozenset(level.value for level in self.entry_levels)

    def label_of(self, value: str) -> str:
        for level in self.entry_levels:
            if level.value == value:
                return str(level.label)
        if value == BLANK and self.blank_label is not None:
            return str(self.blank_label)
        return str(MARK_LABELS[value])


MARK_LABELS = {BLANK: _l("Để trống"), INVALID: _l("Không hợp lệ (nhiều dấu)")}

class Entry(Protocol):
    """An entry of a paper ballot as stored (:class:`survey.paper.models.PaperEntry`)."""

    invalid: bool
    lines: dict[str, Any]


@dataclass(frozen=True)
class Reading:
    """What one entry says a paper ballot holds."""

    #: The whole ballot is invalid; ``lines`` is then empty.
    invalid: bool
    #: Subject id → level value, ``"blank"`` or ``"invalid"``, for every line of the ballot.
    lines: Mapping[int, str]
    #: Nomination: position id → the names written in, cleaned, in name-key order.
    write_ins: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    #: Appraisal: subject id → (general score, tasks score), each ``None`` when not written.
    scores: Mapping[int, tuple[int | None, int | None]] = field(default_factory=dict)

    def stored(self) -> dict[str, object]:
        data: dict[str, object] = {str(sid): mark for sid, mark in sorted(self.lines.items())}
        data |= {f"w{pid}": list(names) for pid, names in sorted(self.write_ins.items())}
        data |= {f"p{sid}": list(pair) for sid, pair in sorted(self.scores.items())}
        return data

    @classmethod
    def of(cls, entry: Entry) -> Reading:
        lines: dict[int, str] = {}
        write_ins: dict[int, tuple[str, ...]] = {}
        scores: dict[int, tuple[int | None, int | None]] = {}
        for key, value in entry.lines.items():
            if key.startswith("w"):
                write_ins[int(key[1:])] = tuple(value)
            elif key.startswith("p"):
                scores[int(key[1:])] = (value[0], value[1])
            else:
                lines[int(key)] = value
        return cls(entry.invalid, lines, write_ins, scores)

    def compared(self) -> tuple[object, ...]:
        """What two entries must share to agree: written-in names by their tally key."""
        return (
            self.invalid,
            sorted(self.lines.items()),
            sorted((pid, sorted(map(name_key, names)))
                   for pid, names in self.write_ins.items() if names),
            sorted((sid, pair) for sid, pair in self.scores.items() if pair != (None, None)),
        )

    def agrees_with(self, other: Reading) -> bool:
        return self.compared() == other.compared()


class NoPaperBallot(InvalidInput):
    """The round's kind has no paper ballot."""


#: The type size of a paper ballot's tables.
PAPER_TABLE_SIZE = 9.5


def ballot_table(pdf: Document, widths: Sequence[float]) -> Any:
    """A table of a paper ballot: larger type and more room than the documents' tables."""
    return table(pdf, widths, size=PAPER_TABLE_SIZE, heading_size=9.0, padding=(1.2, 1.0))


def lines_table(pdf: Document, layout: PaperLayout, subjects: Sequence[Subject], *,
                 scores: bool = False) -> None:
    """STT, Họ và tên, Chức vụ, one box per level (and the two score boxes of an appraisal)."""
    levels = layout.levels
    level_w = 17.0 if len(levels) <= 3 else (16.0 if scores else 51.0 / len(levels))
    score_w = 15.0 if scores else 0.0
    stt_w = 10.5
    name_w = 30.5 if scores else 44.0
    rest = WIDTH - stt_w - name_w - level_w * len(levels) - 2 * score_w
    widths = (stt_w, name_w, rest, *([level_w] * len(levels)),
              *([score_w] * (2 if scores else 0)))
    with ballot_table(pdf, widths) as made:
        row = made.row()
        row.cell(_("STT"))
        row.cell(_("Họ và tên"))
        row.cell(_("Chức vụ"))
        for level in levels:
            row.cell(str(level.label))
        if scores:
            row.cell(_("Điểm tiêu chí chung (0–30)"))
            row.cell(_("Điểm kết quả nhiệm vụ (0–70)"))
        for subject in subjects:
            row = made.row()
            row.cell(str(subject.order))
            row.cell(printed(subject.name), align="LEFT", style=FontFace(emphasis="BOLD"))
            row.cell(printed(subject.position), align="LEFT")
            for _level in range(len(levels) + (2 if scores else 0)):
                row.cell("")
