"""The confidence poll (lấy phiếu tín nhiệm): three levels per official.

Regulation 96-QĐ/TW (2023) and National Assembly Resolution 96/2023/QH15; the rules are stated
in docs/rules.md ("The confidence poll").
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey.i18n import _l
from survey.kinds.counts import mark_counts, round_figures
from survey.kinds.lines import LinesKind
from survey.kinds.paper import PaperLayout, PaperLevel
from survey.rounds.models import Round
from survey.tally.confidence import (
    Band,
    Denominator,
    Level,
    RoundResult,
    SubjectCounts,
    tally_round,
)

LEVEL_LABELS = {
    Level.high: _l("Tín nhiệm cao"),
    Level.confidence: _l("Tín nhiệm"),
    Level.low: _l("Tín nhiệm thấp"),
}

BAND_LABELS = {
    Band.over_half_low: _l("Trên 1/2 đến dưới 2/3 tín nhiệm thấp"),
    Band.two_thirds_low: _l("Từ 2/3 trở lên tín nhiệm thấp"),
}


class Confidence(LinesKind):
    name = "confidence"
    label = _l("Lấy phiếu tín nhiệm")
    levels = LEVEL_LABELS
    #: A closed poll prepares the confidence vote of those over half "low".
    follow_up = "no_confidence.derive"
    paper = PaperLayout(
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
    )


CONFIDENCE = Confidence()


def confidence_result(session: Session, round_: Round) -> RoundResult:
    """The tally of a confidence round, subjects in ballot order."""
    counts = mark_counts(session, round_.id)
    return tally_round(
        round_figures(session, round_),
        [SubjectCounts.from_mapping(counts.get(s.id, {})) for s in round_.subjects],
        denominator=Denominator(round_.denominator),
        min_ballots=round_.min_ballots,
    )
