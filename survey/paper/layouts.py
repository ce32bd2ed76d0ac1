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
    # The confidence vote that follows a poll: two levels per official.
    RoundKind.no_confidence: PaperLayout(
        title=_l("PHIẾU BỎ PHIẾU TÍN NHIỆM"),
        instruction=_l(
            "Đánh dấu X vào một ô ở mỗi dòng. Dòng không đánh dấu, hoặc đánh dấu cả hai ô, "
            "không hợp lệ đối với người ở dòng đó."
        ),
        levels=(
            PaperLevel("confidence", _l("Tín nhiệm"), "1"),
            PaperLevel("no_confidence", _l("Không tín nhiệm"), "2"),
        ),
    ),
    # Regulation 377-QĐ/TW: Đồng ý / Không đồng ý per candidate, names written in per position.
    RoundKind.nomination: PaperLayout(
        title=_l("PHIẾU GIỚI THIỆU QUY HOẠCH"),
        instruction=_l(
            "Đánh dấu X vào ô Đồng ý hoặc Không đồng ý ở mỗi người; có thể ghi thêm tên người "
            "khác vào dòng để trống của chức danh. Số người đồng ý và ghi thêm của một chức danh "
            "vượt số người cần quy hoạch thì phần phiếu của chức danh đó không hợp lệ."
        ),
        levels=(
            PaperLevel("agree", _l("Đồng ý"), "1"),
            PaperLevel("disagree", _l("Không đồng ý"), "2"),
        ),
        form=NOMINATION,
        entered=(PaperLevel("agree", _l("Đồng ý"), "1"),),
        blank_label=_l("Không đồng ý / để trống"),
    ),
    # Regulation 366-QĐ/TW, Decree 335/2025/NĐ-CP: one level and two optional scores per line.
    RoundKind.appraisal: PaperLayout(
        title=_l("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG"),
        instruction=_l(
            "Đánh dấu X vào một ô mức xếp loại ở mỗi dòng (để trống nếu không có ý kiến); có thể "
            "ghi điểm tiêu chí chung (0–30) và điểm kết quả nhiệm vụ (0–70)."
        ),
        levels=(
            PaperLevel("excellent", _l("Hoàn thành xuất sắc nhiệm vụ"), "1"),
            PaperLevel("good", _l("Hoàn thành tốt nhiệm vụ"), "2"),
            PaperLevel("completed", _l("Hoàn thành nhiệm vụ"), "3"),
            PaperLevel("failed", _l("Không hoàn thành nhiệm vụ"), "4"),
        ),
        form=APPRAISAL,
        blank_label=_l("Không có ý kiến"),
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
