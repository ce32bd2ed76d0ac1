"""Which marks a ballot line may carry, per kind of round, and their names on the ballot."""

from __future__ import annotations

from survey.i18n import _l
from survey.reports.export import LEVEL_LABELS
from survey.rounds.models import RoundKind
from survey.tally import no_confidence

#: Đồng ý / Không đồng ý on a nomination ballot; only "agree" is stored (a blank line and a
#: "disagree" line count the same).
AGREE = "agree"
DISAGREE = "disagree"

NO_CONFIDENCE_LABELS = {
    no_confidence.Level.confidence: _l("Tín nhiệm"),
    no_confidence.Level.no_confidence: _l("Không tín nhiệm"),
}
NOMINATION_LABELS = {AGREE: _l("Đồng ý"), DISAGREE: _l("Không đồng ý")}

#: The levels of each kind, in ballot order, with their labels; a kind not listed (appraisal
#: today) keeps the poll's three levels.
KIND_LEVELS = {
    RoundKind.confidence: LEVEL_LABELS,
    RoundKind.no_confidence: NO_CONFIDENCE_LABELS,
    RoundKind.nomination: NOMINATION_LABELS,
}


def level_labels(kind: str) -> dict:
    """``{level: lazy label}`` of ``kind``, in ballot order."""
    return KIND_LEVELS.get(kind, LEVEL_LABELS)


def allowed_levels(kind: str) -> frozenset[str]:
    return frozenset(str(level) for level in level_labels(kind))
