"""The peer appraisal (đánh giá, xếp loại chất lượng): named cards, a member never rates
themselves; a proposed level, two optional scores and a comment per line (Regulation
366-QĐ/TW, Decree 335/2025/NĐ-CP; docs/rules.md, "The peer appraisal")."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from flask.typing import ResponseReturnValue
from sqlalchemy import Table
from sqlalchemy.orm import Session

from survey.ballots.operations import CardCheck, reject
from survey.documents.frame import Frame
from survey.errors import InvalidInput
from survey.i18n import _l
from survey.kinds.appraisal import ballot, pages, paper, report_pages, roster
from survey.kinds.appraisal.cli import appraisal_cli
from survey.kinds.appraisal.file import appraisal_ballot_file, recount_text
from survey.kinds.appraisal.minutes import minutes_pdf
from survey.kinds.appraisal.models import AppraisalMark, Comment
from survey.kinds.appraisal.results import (
    AppraisalReport,
    appraisal_csv,
    appraisal_json,
    build_appraisal,
)
from survey.kinds.appraisal.sheet import appraisal_xlsx
from survey.kinds.appraisal.summary import ORDER_LABELS
from survey.kinds.appraisal.summary_pdf import summary_pdf
from survey.kinds.appraisal.views import bp
from survey.kinds.base import BallotIds, Form, Kind, Label
from survey.kinds.paper import APPRAISAL as APPRAISAL_FORM
from survey.kinds.paper import (
    PaperGroup,
    PaperLayout,
    PaperLevel,
    PaperTable,
    Reading,
    lines_table,
)
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round, Subject
from survey.tally import appraisal_file, appraisal_recount
from survey.tally.appraisal import Level
from survey.tally.files import whole_ballots

LEVEL_LABELS: Mapping[str, Label] = {
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
    max_list_rows = roster.MAX_ROSTER
    voter_path = "a"
    blueprint = bp
    settings_endpoint = "appraisal.settings"
    settings_label = _l("Quy tắc đánh giá, xếp loại")
    commands = (appraisal_cli,)
    summary_orders = ORDER_LABELS
    documents = {"minutes": "kinds/appraisal/_minutes.html",
                 "summary": "kinds/appraisal/_summary.html"}
    paper = PaperLayout(
        title=_l("PHIẾU ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG"),
        instruction=_l(
            "Không tự đánh giá: để trống dòng có tên của chính mình. Ở mỗi dòng khác, đánh dấu X "
            "vào một ô mức xếp loại (để trống nếu không có ý kiến); có thể ghi điểm tiêu chí "
            "chung (0–30) và điểm kết quả nhiệm vụ (0–70). Không ghi tên mình lên phiếu."
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

    def check_anonymous_cards(self, round_: Round) -> None:
        raise InvalidInput(_l(
            "Đợt đánh giá, xếp loại dùng thẻ có tên: mỗi người trong danh sách có một thẻ in tên "
            "mình, và lá phiếu của thẻ không có dòng của chính người đó. Thẻ không tên không "
            "thuộc về ai nên không bỏ phiếu được. Hãy tạo thẻ bằng lệnh “survey appraisal cards "
            "%(id)d” (hoặc nút “Tạo thẻ có tên cho mỗi người trong danh sách” trên trang của "
            "đợt).", id=round_.id))

    def check_ready(self, round_: Round) -> None:
        roster.check_form_size(round_)

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

    # -- paper forms: identical within a group; paper voters recorded by name -------------------

    def paper_groups(self, round_: Round) -> list[PaperGroup]:
        return paper.groups(round_)

    def paper_read(self, round_: Round, reading: Reading, printed: Sequence[Subject],
                   write_ins: Mapping[int, Sequence[str]],
                   scores: Mapping[int, tuple[str, str]]) -> Reading:
        return paper.read(printed, reading, scores)

    def paper_store(self, session: Session, round_: Round, ballot_id: str,
                    reading: Reading) -> None:
        paper.store(session, round_, ballot_id, reading)

    def record_paper_voters(self, session: Session, round_: Round,
                            orders: Sequence[int]) -> list[int]:
        return paper.record_paper_voters(session, round_, orders)

    def paper_voters(self, session: Session, round_id: int) -> dict[int, Any] | None:
        return paper.voters(session, round_id)

    def paper_table(self, round_: Round, subjects: Sequence[Subject]) -> PaperTable:
        assert self.paper is not None
        return lines_table(self.paper, subjects, scores=True)

    # -- the close -------------------------------------------------------------------------------

    stored_tables: ClassVar[tuple[Table, ...]] = (
        AppraisalMark.__table__, Comment.__table__)

    def shuffle(self, session: Session, round_id: int) -> None:
        """Lines and comments hang off no ballot, but are rewritten alike."""
        ballot.shuffle_appraisal_marks(session, round_id)
        ballot.shuffle_comments(session, round_id)

    def round_context(self, session: Session, round_: Round) -> dict[str, Any]:
        return {"unit_turnout": roster.turnout_by_unit(session, round_.id)}

    # -- results and documents: a frame, and the appraisal's own figures ------------------------

    def tally_json(self, session: Session, round_: Round) -> dict[str, Any]:
        return appraisal_json(build_appraisal(session, round_))

    def tally_csv(self, session: Session, round_: Round) -> str:
        return appraisal_csv(build_appraisal(session, round_))

    def report(self, session: Session, round_: Round, frame: Frame, *,
               published_only: bool) -> tuple[Frame, AppraisalReport]:
        return frame, build_appraisal(session, round_)

    def results_page(self, session: Session, round_: Round) -> str:
        return report_pages.results_page(session, round_)

    def page_context(self, report: tuple[Frame, AppraisalReport], order: str) -> dict[str, Any]:
        frame, appraisal = report
        return {**report_pages.context(appraisal),
                **report_pages.summary_context(appraisal, frame, order)}

    def minutes_pdf(self, report: tuple[Frame, AppraisalReport]) -> bytes:
        return minutes_pdf(*report)

    def summary_pdf(self, report: tuple[Frame, AppraisalReport], order: str) -> bytes:
        return summary_pdf(*report, order)

    def workbook(self, report: tuple[Frame, AppraisalReport]) -> bytes:
        return appraisal_xlsx(*report)

    def ballot_lines(self, session: Session, round_: Round) -> Iterator[bytes]:
        """One record per value given, never a whole form or line; its minimum is per
        subject."""
        yield appraisal_ballot_file(session, round_)

    def recount(self, data: bytes) -> dict[str, Any]:
        if whole_ballots(data):  # version 1: read, never written any more
            return appraisal_recount.recount_document(appraisal_recount.decode(data))
        return appraisal_file.recount_document(appraisal_file.decode(data))

    def recount_text(self, document: dict[str, Any]) -> str:
        return recount_text(document)


APPRAISAL = Appraisal()
