"""The nomination for planning (giới thiệu quy hoạch): positions with seats, Đồng ý / Không đồng
ý per candidate, and names written in (Regulation 377-QĐ/TW; docs/rules.md, "The nomination").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from survey.ballots.forms import CardOnPage
from survey.ballots.operations import CardCheck, reject
from survey.documents.frame import Frame
from survey.documents.text import number
from survey.i18n import _l
from survey.kinds.base import BallotIds, ListImport
from survey.kinds.confidence import poll_context
from survey.kinds.confidence.report import RoundReport, build_report
from survey.kinds.lines import LinesKind, Posted, check_levels, check_subjects
from survey.kinds.nomination import ballot, paper, positions, summary
from survey.kinds.nomination.documents import (
    nomination_minutes_pdf,
    nomination_summary_pdf,
    nomination_workbook,
)
from survey.kinds.nomination.file import nomination_ballot_file
from survey.kinds.nomination.models import InvalidLine, WriteIn, positions_of
from survey.kinds.nomination.results import (
    nomination_csv,
    nomination_json,
    nomination_result,
    recount_text,
)
from survey.kinds.nomination.sheet import parse_nominations
from survey.kinds.nomination.views import bp
from survey.kinds.paper import NOMINATION as NOMINATION_FORM
from survey.kinds.paper import PaperLayout, PaperLevel, PaperTable, Reading
from survey.rounds.models import Round, Subject
from survey.security.audit import head as audit_head
from survey.tally.confidence import Denominator
from survey.tally.files import whole_ballots
from survey.tally.nomination_file import decode, recount_document
from survey.tally.procedure import Nominee, Post, Shares, Standing, unique_shares
from survey.tally.recount import decode as decode_v1
from survey.tally.recount import recount_document as recount_v1

LEVEL_LABELS = {ballot.AGREE: _l("Đồng ý"), ballot.DISAGREE: _l("Không đồng ý")}


class Nomination(LinesKind):
    name = "nomination"
    label = _l("Giới thiệu quy hoạch")
    levels = LEVEL_LABELS
    has_positions = True
    per_position_validity = True
    list_endpoint = "nominations.positions"
    blueprint = bp
    summary_orders = summary.ORDERS
    documents = {"minutes": "reports/_minutes.html",
                 "summary": "kinds/nomination/_summary.html"}
    ballot_tables = (WriteIn.__table__, InvalidLine.__table__)
    paper = PaperLayout(
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
        form=NOMINATION_FORM,
        entered=(PaperLevel("agree", _l("Đồng ý"), "1"),),
        blank_label=_l("Không đồng ý / để trống"),
    )

    # -- preparing -------------------------------------------------------------------------------

    def read_list(self, data: bytes, filename: str) -> ListImport:
        """Positions, seats and candidates from one sheet."""
        sheet = parse_nominations(data, filename)
        return ListImport(sheet.errors, sheet=sheet, count=len(sheet.rows))

    def replace_list(self, session: Session, round_: Round, parsed: ListImport) -> None:
        positions.replace_nominations(session, round_, parsed.sheet)

    def check_ready(self, round_: Round) -> None:
        ballot.check_ready(round_)

    # -- the ballot ------------------------------------------------------------------------------

    def cached_ids(self) -> BallotIds | None:
        return None  # the check needs the round's positions anyway

    def check_ballot(self, session: Session, card: CardCheck, posted: Posted, *,
                     ballot_ids: BallotIds | None = None, cast: bool = False) -> Any:
        round_ = session.get(Round, card.round_id, populate_existing=True)
        assert round_ is not None
        check_levels(self.levels, posted.choices)
        check_subjects(frozenset(s.id for s in round_.subjects), posted.choices)
        if posted.write_ins and ballot.bad_write_ins(round_, posted.write_ins):
            raise reject("bad_ballot")
        return round_, posted

    def store_ballot(self, session: Session, round_id: int, ballot_id: str,
                     checked: Any) -> None:
        round_, posted = checked
        ballot.store_lines(session, round_, ballot_id, posted.choices, posted.write_ins)

    # -- the voter's pages -----------------------------------------------------------------------

    def _page(self, template: str, session: Session, card: CardCheck, code: str,
              posted: Posted | None) -> str:
        round_ = session.get(Round, card.round_id)
        assert round_ is not None
        posted = posted or Posted({})
        chosen, write_ins = ballot.fold_write_ins(round_, posted.choices, posted.write_ins)
        return render_template(
            template, round=round_, form=CardOnPage(code), chosen=chosen,
            lines=ballot.line_counts(round_, chosen, write_ins), write_ins=write_ins,
            labels=self.level_labels(),
        )

    def ballot_page(self, session: Session, card: CardCheck, code: str,
                    ballot: Any = None) -> ResponseReturnValue:
        return self._page("kinds/nomination/ballot.html", session, card, code, ballot)

    def review_page(self, session: Session, card: CardCheck, code: str,
                    ballot: Any) -> ResponseReturnValue:
        return self._page("kinds/nomination/review.html", session, card, code, ballot)



    # -- paper ballots ----------------------------------------------------------------------------

    def paper_read(self, round_: Round, reading: Reading, printed: Sequence[Subject],
                   write_ins: Mapping[int, Sequence[str]],
                   scores: Mapping[int, tuple[str, str]]) -> Reading:
        return paper.read(round_, reading, write_ins)

    def paper_store(self, session: Session, round_: Round, ballot_id: str,
                    reading: Reading) -> None:
        paper.store(session, round_, ballot_id, reading)

    def paper_table(self, round_: Round, subjects: Sequence[Subject]) -> PaperTable:
        assert self.paper is not None
        return paper.nomination_table(round_, self.paper, subjects)

    def paper_differences(self, round_: Round, readings: Sequence[Reading],
                          whole: str) -> list[tuple[int, str, tuple[str, ...]]]:
        return paper.differences(round_, readings, whole)

    # -- results and documents -------------------------------------------------------------------

    def tally_json(self, session: Session, round_: Round) -> dict[str, Any]:
        return nomination_json(round_, nomination_result(session, round_))

    def tally_csv(self, session: Session, round_: Round) -> str:
        return nomination_csv(self.tally_json(session, round_))

    def report(self, session: Session, round_: Round, frame: Frame, *,
               published_only: bool) -> RoundReport:
        return build_report(session, round_, frame, published_only_history=published_only,
                            kind_result=nomination_result(session, round_),
                            denominator=Denominator.summoned)

    def results_page(self, session: Session, round_: Round) -> str:
        return render_template(
            "reports/results_kind.html", round=round_, table="kinds/nomination/_table.html",
            result=nomination_result(session, round_), number=number,
            audit_head=audit_head(session),
        )

    def page_context(self, report: RoundReport, order: str) -> dict[str, Any]:
        return {**poll_context(report, order), "orders": summary.ORDERS, "ks": summary,
                "table": "kinds/nomination/_table.html"}

    def minutes_pdf(self, report: RoundReport) -> bytes:
        return nomination_minutes_pdf(report)

    def summary_pdf(self, report: RoundReport, order: str) -> bytes:
        return nomination_summary_pdf(report, order)

    def workbook(self, report: RoundReport) -> bytes:
        return nomination_workbook(report)

    def ballot_lines(self, session: Session, round_: Round) -> Iterator[bytes]:
        yield nomination_ballot_file(session, round_)

    def recount(self, data: bytes) -> dict[str, Any]:
        if whole_ballots(data):  # version 1: read, never written any more
            return recount_v1(decode_v1(data))
        return recount_document(decode(data))

    def recount_text(self, document: dict[str, Any]) -> str:
        return recount_text(document)

    # -- a step of a procedure -------------------------------------------------------------------

    def nominees(self, round_: Round) -> list[Nominee]:
        titles = {p.id: p.title for p in positions_of(round_)}
        return [Nominee(titles[s.position_id], s.name, s.position) for s in round_.subjects
                if s.position_id in titles]

    def set_nominees(self, session: Session, round_: Round, posts: Sequence[Post],
                     nominees: Sequence[Nominee], *, write_ins: bool) -> None:
        positions.replace_with_nominees(session, round_, posts, nominees, write_ins=write_ins)

    def standings(self, session: Session, round_: Round) -> list[Standing] | None:
        """Everyone who stood or was written in; those nominated (the most votes among those
        with more than half of those summoned) pass, those tied at the last seat are marked."""
        result = nomination_result(session, round_)
        if result.suppressed:
            return None
        return [
            Standing(post=position.title, name=entry.name, current=entry.current_position,
                     votes=entry.votes, base=result.base, percent=entry.percent,
                     passed=entry.nominated, tied=entry.tied, written_in=not entry.listed)
            for position in result.positions for entry in position.entries
        ]

    def shares_by_name(self, session: Session, round_: Round) -> dict[str, Shares]:
        label = str(_l("Giới thiệu"))
        return unique_shares((s.name, ((label, s.percent),))
                             for s in self.standings(session, round_) or []
                             if s.percent is not None)


NOMINATION = Nomination()
