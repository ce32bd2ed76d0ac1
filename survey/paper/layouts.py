"""What a paper ballot looks like for each kind of round: the one table a kind plugs into.

A kind whose ballot is "one level per subject" gets paper ballots by adding an entry to
:data:`LAYOUTS`: its title, the instruction line, and its levels in ballot order, each with the
value stored in ``marks.choice``, the column heading printed on paper, and the key that chooses
it on the entry page. Kinds without an entry are refused (:func:`layout_for`).
"""

from __future__ import annotations

from dataclasses import dataclass

from survey.errors import InvalidInput
from survey.i18n import _l
from survey.rounds.models import RoundKind

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


@dataclass(frozen=True)
class PaperLayout:
    #: The ballot's title, in capitals, as the regulation prints it.
    title: object
    #: The line under the table telling the voter how to mark.
    instruction: object
    levels: tuple[PaperLevel, ...]

    @property
    def values(self) -> frozenset[str]:
        return frozenset(level.value for level in self.levels)

    def label_of(self, value: str) -> str:
        for level in self.levels:
            if level.value == value:
                return str(level.label)
        return str(MARK_LABELS[value])


MARK_LABELS = {BLANK: _l("Để trống"), INVALID: _l("Không hợp lệ (nhiều dấu)")}

LAYOUTS: dict[str, PaperLayout] = {
    # Regulation 96-QĐ/TW and Resolution 96/2023/QH15: one of three levels per official.
    RoundKind.confidence: PaperLayout(
        title=_l("PHIẾU TÍN NHIỆM"),
        instruction=_l(
            "Đánh dấu X vào một ô ở mỗi dòng. Dòng không đánh dấu, hoặc đánh dấu từ hai ô trở "
            "lên, không hợp lệ đối với người ở dòng đó."
        ),
        levels=(
            PaperLevel("high", _l("Tín nhiệm cao"), "1"),
            PaperLevel("confidence", _l("Tín nhiệm"), "2"),
            PaperLevel("low", _l("Tín nhiệm thấp"), "3"),
        ),
    ),
}


class NoPaperBallot(InvalidInput):
    """The round's kind has no paper ballot."""


def layout_for(kind: str) -> PaperLayout:
    """The paper ballot of rounds of ``kind``.

    :raises NoPaperBallot: if that kind has none (nothing is printed or entered then).
    """
    layout = LAYOUTS.get(kind)
    if layout is None:
        raise NoPaperBallot(_l("Loại đợt này chưa có phiếu giấy."))
    return layout
