"""The peer appraisal (đánh giá, xếp loại chất lượng): named cards, a member never rates
themselves; a proposed level, two optional scores and a comment per line (Regulation
366-QĐ/TW, Decree 335/2025/NĐ-CP; docs/rules.md, "The peer appraisal")."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from survey.ballots.operations import CardCheck, reject
from survey.i18n import _l
from survey.kinds.appraisal import ballot, pages, roster
from survey.kinds.appraisal.cli import appraisal_cli
from survey.kinds.appraisal.views import bp
from survey.kinds.base import BallotIds, Form, Kind
from survey.kinds.paper import APPRAISAL as APPRAISAL_FORM
from survey.kinds.paper import PaperLayout, PaperLevel
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round
from survey.tally.appraisal import Level

LEVEL_LABELS = {
    Level.excellent: _l("Hoàn thành xuất sắc nhiệm vụ"),
    Level.good: _l("Hoàn thành tốt nhiệm vụ"),
    Level.completed: _l("Hoàn thành nhiệm vụ"),
    Level.failed: _l("Không hoàn thành nhiệm vụ"),
}


class Appraisal(Kind):
    name = "appraisal"
    label = _l("Đánh giá, xếp loại chất lượng")
    levels = LEVEL_LABELS
    named_cards = True
    voter_path = "a"
    blueprint = bp
    settings_endpoint = "appraisal.settings"
    settings_label = _l("Quy tắc đánh giá, xếp loại")
    commands = (appraisal_cli,)
    paper = PaperLayout(
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
        form=APPRAISAL_FORM,
        blank_label=_l("Không có ý kiến"),
    )

    # -- preparing: the list is the roster, and members rate each other ----------------------

    def replace_subjects(self, session: Session, round_: Round,
                         rows: Sequence[SubjectRow]) -> None:
        roster.replace_roster(session, round_, rows)

    def card_holders(self, session: Session, round_id: int,
                     serials: Collection[int]) -> dict[int, str]:
        return roster.holders(session, round_id, serials)

    # -- the form --------------------------------------------------------------------------------

    def read_ballot(self, form: Form) -> dict[int, ballot.Line]:
        return ballot.read_lines(form)

    def check_ballot(self, session: Session, card: CardCheck, lines: Any, *,
                     ballot_ids: BallotIds | None = None, cast: bool = False) -> Any:
        """A line for the card's own member, another unit's subject (``same_unit_only``) or
        another round refuses the whole form; so does, at the cast, a bad score or comment."""
        member = ballot.card_member(session, card.member_id)
        round_ = session.get(Round, card.round_id, populate_existing=True)
        assert round_ is not None
        ballot.check_lines(ballot.ballot_subjects(round_, member), lines)
        if cast and any(line.errors for line in lines.values()):
            raise reject("bad_ballot")
        return lines

    def store_ballot(self, session: Session, round_id: int, ballot_id: str,
                     checked: Any) -> None:
        ballot.store_appraisal(session, round_id, checked)  # the form's row has no lines

    def ballot_page(self, session: Session, card: CardCheck, code: str,
                    ballot: Any = None) -> ResponseReturnValue:
        return pages.form_page(session, card, code, ballot)

    def review_page(self, session: Session, card: CardCheck, code: str,
                    ballot: Mapping[int, Any]) -> ResponseReturnValue:
        return pages.review_page(session, card, code, ballot)

    # -- the close -------------------------------------------------------------------------------

    def shuffle(self, session: Session, round_id: int) -> None:
        """Lines and comments hang off no ballot, but are rewritten alike."""
        ballot.shuffle_appraisal_marks(session, round_id)
        ballot.shuffle_comments(session, round_id)

    def round_context(self, session: Session, round_: Round) -> dict[str, Any]:
        return {"unit_turnout": roster.turnout_by_unit(session, round_.id)}


APPRAISAL = Appraisal()
