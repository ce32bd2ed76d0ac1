"""The voter's appraisal form: every line but the member's own, grouped by unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from survey.ballots.forms import CardOnPage
from survey.ballots.operations import CardCheck
from survey.i18n import _
from survey.kinds.appraisal.ballot import SKIP, Line, ballot_subjects, card_member
from survey.rounds.models import Round, Subject
from survey.tally.appraisal import Level


def level_labels() -> dict[str, str]:
    """The level names in this request's language."""
    return {
        Level.excellent.value: _("Hoàn thành xuất sắc nhiệm vụ"),
        Level.good.value: _("Hoàn thành tốt nhiệm vụ"),
        Level.completed.value: _("Hoàn thành nhiệm vụ"),
        Level.failed.value: _("Không hoàn thành nhiệm vụ"),
        SKIP: _("Không có ý kiến"),
    }


def _groups(subjects: Sequence[Subject]) -> list[tuple[str, list[Subject]]]:
    """Subjects grouped by unit, in ballot order of each unit's first subject."""
    groups: dict[str, list[Subject]] = {}
    for subject in subjects:
        groups.setdefault(subject.unit, []).append(subject)
    return list(groups.items())


def card_ballot(session: Session, card: CardCheck) -> tuple[Round, list[Subject]]:
    """The round and the subjects on the named card's form.

    :raises CardRejected: for an anonymous card (appraisal rounds vote with named cards).
    """
    member = card_member(session, card.member_id)
    round_ = session.get(Round, card.round_id)
    assert round_ is not None
    return round_, ballot_subjects(round_, member)


def form_page(session: Session, card: CardCheck, code: str,
              lines: Mapping[int, Line] | None, status: int = 200) -> ResponseReturnValue:
    """The form, empty or with every answer put back."""
    round_, subjects = card_ballot(session, card)
    lines = lines or {}
    answered = sum(1 for s in subjects if lines.get(s.id, Line()).level)
    return render_template(
        "kinds/appraisal/ballot.html", round=round_, form=CardOnPage(code), lines=lines,
        groups=_groups(subjects), total=len(subjects), answered=answered,
        levels=[level.value for level in Level], labels=level_labels(), empty=Line(),
    ), status


def review_page(session: Session, card: CardCheck, code: str,
                lines: Mapping[int, Line]) -> ResponseReturnValue:
    """The answers listed before the final submit; warns, never refuses, on a level that
    contradicts the scores; a line with a bad score goes back to the form."""
    if any(line.errors for line in lines.values()):
        return form_page(session, card, code, lines, 422)
    round_, subjects = card_ballot(session, card)
    untouched = [s for s in subjects if not lines.get(s.id, Line()).level]
    contradictions = [s for s in subjects if s.id in lines and lines[s.id].contradiction]
    return render_template(
        "kinds/appraisal/review.html", round=round_, form=CardOnPage(code),
        lines=lines, groups=_groups(subjects), untouched=untouched,
        contradictions=contradictions, labels=level_labels(), empty=Line(), skip=SKIP,
    )
