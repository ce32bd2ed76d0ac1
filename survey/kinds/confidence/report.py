"""What the documents of a closed confidence poll show, gathered once.

:func:`build_report` reads the database and returns a :class:`RoundReport`; the minutes and the
summary (HTML and PDF), and the spreadsheets, are rendered from that object alone, so every
document of a round shows the same figures.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.documents.frame import Frame
from survey.i18n import _, _l
from survey.kinds.base import Label
from survey.kinds.confidence.labels import BAND_LABELS, LEVEL_LABELS
from survey.kinds.confidence.result import confidence_result
from survey.kinds.counts import blank_ballots
from survey.rounds.models import Round
from survey.tally.confidence import (
    Band,
    Denominator,
    Level,
    RoundResult,
    SubjectResult,
    tally_round,
)


def frame_fields(frame: Frame) -> dict[str, Any]:
    """The fields of ``frame``, to build a report that extends it."""
    return {f.name: getattr(frame, f.name) for f in dataclasses.fields(Frame)}

#: What each band means for the official (Regulation 96-QĐ/TW;
#: docs/rules.md#consequences-of-the-bands).
BAND_CONSEQUENCES = {
    Band.over_half_low: _l(
        "Không quy hoạch vào chức vụ cao hơn; có thể xin thôi giữ chức vụ đang đảm nhiệm; "
        "nếu không xin thôi thì cấp có thẩm quyền tiến hành bỏ phiếu tín nhiệm."
    ),
    Band.two_thirds_low: _l(
        "Cấp có thẩm quyền xem xét, cho thôi giữ chức vụ mà không chờ hết nhiệm kỳ hoặc hết "
        "thời hạn bổ nhiệm."
    ),
}

#: "Percentages of …", as the method notes and the table notes say it.
DENOMINATOR_LABELS = {
    "collected": _l("tổng số phiếu thu về"),
    "present": _l("số người có mặt"),
    "summoned": _l("số người được triệu tập"),
}


class Order(StrEnum):
    """How the summary sorts its results table."""

    ballot = "ballot"  # the ballot's order (by rank)
    low = "low"  # by share of "tín nhiệm thấp", highest first
    no_confidence = "no_confidence"  # a confidence vote: by share of "không tín nhiệm"
    votes = "votes"  # a nomination round: by votes within each position


ORDER_LABELS: Mapping[str, Label] = {
    Order.ballot: _l("Theo thứ tự trên phiếu"),
    Order.low: _l("Theo tỷ lệ tín nhiệm thấp (cao xuống thấp)"),
}


def level_label(level: Level | str) -> str:
    return str(LEVEL_LABELS[Level(level)])


def band_label(band: Band) -> str:
    return str(BAND_LABELS[band])


def band_consequence(band: Band) -> str:
    return str(BAND_CONSEQUENCES[band])


@dataclass(frozen=True)
class Earlier:
    """The same official's result in an earlier round."""

    round_id: int
    title: str
    held_on: date | None
    closed_on: date
    base: int
    percent: dict[str, Decimal]
    band: Band | None

    @property
    def date(self) -> date:
        return self.held_on or self.closed_on


@dataclass(frozen=True)
class Line:
    """One subject: who, and (unless suppressed) the result and the change since before."""

    order: int
    name: str
    position: str
    unit: str
    result: SubjectResult | None
    earlier: Earlier | None = None

    @property
    def band(self) -> Band | None:
        return self.result.band if self.result else None

    def count(self, level: Level | str) -> int:
        assert self.result is not None
        count: int = getattr(self.result.counts, Level(level).value)
        return count

    def percent(self, level: Level | str) -> Decimal:
        assert self.result is not None
        return self.result.percent[Level(level).value]

    def change(self, level: Level | str) -> Decimal | None:
        """Percentage points gained since the earlier round (``None`` without one)."""
        if self.earlier is None or self.result is None:
            return None
        key = Level(level).value
        return self.result.percent[key] - self.earlier.percent[key]


@dataclass(frozen=True, kw_only=True)
class RoundReport(Frame):
    """The documents' content of a confidence poll; a confidence vote and a nomination round
    use it too, for the counts their minutes share (``kind_result`` holds their own tally)."""

    result: RoundResult
    #: Ballots with no mark on any line; ``None`` when figures are suppressed.
    blank: int | None
    lines: tuple[Line, ...]
    levels: tuple[Level, ...] = field(default=tuple(Level))
    #: The tally of a confidence vote or a nomination round; ``None`` for a confidence poll,
    #: whose figures are ``result`` and ``lines``.
    kind_result: Any = None
    #: ``(name, position, order)`` of each subject of such a round, in ballot order.
    kind_subjects: tuple[tuple[str, str, int], ...] = ()

    def invalid_note(self) -> str:
        """What the minutes say after the number of invalid ballots."""
        if self.sources is not None and self.sources.paper_invalid:
            return _(" (phiếu không đánh dấu dòng nào, kể cả %(n)d phiếu giấy không hợp lệ cả "
                     "phiếu).", n=self.sources.paper_invalid)
        return _(" (phiếu không đánh dấu dòng nào).")

    # -- derived figures ---------------------------------------------------------------------

    @property
    def suppressed(self) -> bool:
        return self.result.suppressed

    @property
    def valid_ballots(self) -> int | None:
        return None if self.blank is None else self.figures.collected - self.blank

    @property
    def denominator_label(self) -> str:
        return str(DENOMINATOR_LABELS[self.result.denominator.value])

    def banded(self, band: Band) -> list[Line]:
        return [line for line in self.lines if line.band is band]

    def sorted_lines(self, order: Order | str = Order.ballot) -> list[Line]:
        if Order(order) is Order.ballot or self.suppressed:
            return list(self.lines)
        # the same denominator for everyone: the count orders as the share does
        return sorted(self.lines, key=lambda line: (-line.count(Level.low), line.order))

    @property
    def has_earlier(self) -> bool:
        return any(line.earlier for line in self.lines)

    # -- text the documents share ------------------------------------------------------------

    def method_lines(self) -> list[str]:
        """The summary's method section: denominator, rounding, thresholds, minimum."""
        return [
            _(
                "Tỷ lệ phần trăm tính trên %(what)s (%(n)d), theo Quy định 96-QĐ/TW: mỗi mức "
                "tín nhiệm được chia cho con số này.",
                what=self.denominator_label,
                n=self.result.base,
            ),
            _(
                "Tỷ lệ được tính từ số nguyên, làm tròn đến 2 chữ số thập phân theo quy tắc "
                "làm tròn nửa lên (0,005 thành 0,01)."
            ),
            _(
                "Một dòng không đánh dấu (hoặc đánh dấu nhiều mức trên phiếu giấy) chỉ không "
                "hợp lệ đối với người ở dòng đó; các dòng khác của phiếu vẫn được tính."
            ),
            _(
                "Trên 1/2 đến dưới 2/3 tín nhiệm thấp: 2 × số phiếu tín nhiệm thấp > %(n)d và "
                "3 × số phiếu tín nhiệm thấp < 2 × %(n)d. Đúng 1/2 không thuộc ngưỡng nào.",
                n=self.result.base,
            ),
            _(
                "Từ 2/3 trở lên tín nhiệm thấp: 3 × số phiếu tín nhiệm thấp ≥ 2 × %(n)d. Các "
                "ngưỡng được xét bằng số nguyên, không qua tỷ lệ đã làm tròn.",
                n=self.result.base,
            ),
            _(
                "Kết quả chỉ được hiển thị khi thu về ít nhất %(min)d phiếu, để bảo vệ bí mật "
                "của người bỏ phiếu.",
                min=self.result.min_ballots,
            ),
        ]


def _key(text: str) -> str:
    """A name or body as compared across rounds: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


#: How many earlier rounds are searched for a subject's previous rating.
EARLIER_ROUNDS = 20


def earlier_ratings(
    session: Session, round_: Round, *, published_only: bool
) -> dict[int, Earlier]:
    """The latest earlier rating of each subject, by ballot position.

    An earlier round counts if it is of the same kind and the same organising body and was
    closed before this one (and, for readers, published); a subject is the same official if the
    name is the same and appears once in that round. Rounds whose figures are suppressed are
    passed over.
    """
    if round_.closed_at is None:
        return {}
    query = (
        select(Round)
        .where(
            Round.id != round_.id,
            Round.kind == round_.kind,
            Round.closed_at.is_not(None),
            Round.closed_at < round_.closed_at,
        )
        .order_by(Round.closed_at.desc(), Round.id.desc())
        .limit(EARLIER_ROUNDS)
    )
    if published_only:
        query = query.where(Round.published_at.is_not(None))
    body = _key(round_.body)
    wanted = {_key(s.name): index for index, s in enumerate(round_.subjects)}
    found: dict[int, Earlier] = {}
    for other in session.scalars(query):
        if _key(other.body) != body:
            continue
        names = [_key(s.name) for s in other.subjects]
        matches = {n: i for i, n in enumerate(names) if n in wanted and names.count(n) == 1}
        matches = {n: i for n, i in matches.items() if wanted[n] not in found}
        if not matches:
            continue
        result = confidence_result(session, other)
        if result.suppressed:
            continue
        assert other.closed_at is not None
        for name, index in matches.items():
            line = result.subjects[index]
            found[wanted[name]] = Earlier(
                round_id=other.id,
                title=other.title,
                held_on=other.held_on,
                closed_on=other.closed_at.date(),
                base=result.base,
                percent=dict(line.percent),
                band=line.band,
            )
        if len(found) == len(wanted):
            break
    return found


def build_report(
    session: Session, round_: Round, frame: Frame, *, published_only_history: bool,
    kind_result: Any = None, denominator: Denominator = Denominator.collected,
) -> RoundReport:
    """Gather a closed round's documents' content around its ``frame``.

    A confidence vote or a nomination round gives its own tally as ``kind_result``: then only
    the counts their minutes share with a poll's are gathered here (with ``denominator``).

    :param published_only_history: compare with earlier *published* rounds only (readers).
    """
    if kind_result is not None:  # the header, counts and signatures are shared; the table is not
        result = tally_round(kind_result.figures, [], min_ballots=round_.min_ballots,
                             denominator=denominator)
    else:
        result = confidence_result(session, round_)
    earlier = (
        {}
        if result.suppressed or kind_result is not None
        else earlier_ratings(session, round_, published_only=published_only_history)
    )
    lines = () if kind_result is not None else tuple(
        Line(
            order=subject.order,
            name=subject.name,
            position=subject.position,
            unit=subject.unit,
            result=None if result.suppressed else result.subjects[index],
            earlier=earlier.get(index),
        )
        for index, subject in enumerate(round_.subjects)
    )
    return RoundReport(
        **frame_fields(frame),
        result=result,
        blank=None if result.suppressed else blank_ballots(session, round_.id),
        lines=lines,
        kind_result=kind_result,
        kind_subjects=tuple((s.name, s.position, s.order) for s in round_.subjects),
    )
