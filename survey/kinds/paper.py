"""What a paper ballot looks like: the layout a kind of round gives as its ``paper``.

A layout names the ballot's title, the instruction line, and its levels in ballot order, each
with the value stored, the column heading printed on paper, and the key that chooses it on the
entry page. A kind without one has no paper ballot (:func:`survey.paper.slots.layout_for`
refuses it).

Paper ballots of a group are identical sheets (:class:`PaperGroup`): the round's one ballot, or
an appraisal round's form of one unit. A kind says what its table holds (:class:`PaperTable`);
the printing lays it out on one sheet, its type as large as the sheet allows
(survey.paper.sheet).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

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


@dataclass(frozen=True)
class PaperGroup:
    """Who gets the same paper ballot: every sheet of a group is identical.

    A round has one group (its ballot); an appraisal round whose members rate their own unit
    only has one per unit (that unit's form).
    """

    #: Printed under the round's name ("" for the round's one ballot): the unit's name.
    label: str
    #: The lines of the sheet, in ballot order.
    subjects: tuple[Subject, ...]


#: The width of a paper ballot's table (mm): an A4 sheet less its margins
#: (survey.paper.sheet), narrower than the documents', which leave room to bind them.
TABLE_WIDTH = 177.0


@dataclass(frozen=True)
class PaperCell:
    """One cell of a paper ballot's table."""

    text: str = ""
    #: ``""`` regular, ``"B"`` bold, ``"I"`` italic.
    style: str = ""
    #: Aligned left (names, positions); centred otherwise.
    left: bool = False
    #: How many columns it spans.
    span: int = 1


@dataclass(frozen=True)
class PaperRow:
    cells: tuple[PaperCell, ...]
    #: A title row (a nomination's position): shaded, kept with the line after it, and
    #: repeated, marked "(tiếp)", above its lines that go on over the page.
    title: bool = False
    #: The least height of the row (mm), whatever the type: a line to write a name on by hand.
    least: float = 0.0


@dataclass(frozen=True)
class PaperTable:
    """What a paper ballot's table holds; the printing lays it out on the sheet
    (survey.paper.sheet), its heading repeated on every side."""

    #: Column widths in mm, adding up to :data:`TABLE_WIDTH`.
    widths: tuple[float, ...]
    heading: tuple[PaperCell, ...]
    rows: tuple[PaperRow, ...]


def lines_table(layout: PaperLayout, subjects: Sequence[Subject], *,
                scores: bool = False) -> PaperTable:
    """STT, Họ và tên, Chức vụ, one box per level (and the two score boxes of an appraisal)."""
    levels = layout.levels
    # the boxes only need room for a mark and their heading's longest word: the position,
    # often two titles long, takes what is left, so that most lines stay one line high
    level_w = 17.0 if len(levels) <= 2 else (15.0 if len(levels) == 3 else 12.0)
    score_w = 12.0 if scores else 0.0
    stt_w = 10.0
    name_w = 38.0 if scores else 40.0
    rest = TABLE_WIDTH - stt_w - name_w - level_w * len(levels) - 2 * score_w
    boxes = len(levels) + (2 if scores else 0)
    heading = [_("STT"), _("Họ và tên"), _("Chức vụ"), *(str(level.label) for level in levels)]
    if scores:
        heading += [_("Điểm tiêu chí chung (0–30)"), _("Điểm kết quả nhiệm vụ (0–70)")]
    widths = (stt_w, name_w, rest, *([level_w] * len(levels)), *([score_w] * (2 if scores else 0)))
    return PaperTable(
        widths=widths,
        heading=tuple(PaperCell(text) for text in heading),
        rows=tuple(
            PaperRow((PaperCell(str(subject.order)),
                      PaperCell(printed(subject.name), "B", left=True),
                      PaperCell(printed(subject.position), left=True),
                      *([PaperCell()] * boxes)))
            for subject in subjects
        ),
    )
