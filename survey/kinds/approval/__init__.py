"""Votes of agreement on people proposed for a post: Đồng ý / Không đồng ý per person.

Two kinds (docs/rules.md#agreement-votes): ``approval``, the key cadres' conference of an
appointment procedure, whose shares inform the next conference; and ``collective_vote``, the
leadership collective's vote, which approves a person with more than half of its members and
leaves exactly half to the head of the body. In both a line names the person and the post they
are proposed for (the subject's ``position``; ``unit`` holds their current position).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from flask import render_template
from sqlalchemy.orm import Session

from survey.documents.frame import Frame
from survey.documents.text import number
from survey.i18n import _l
from survey.kinds.approval import summary
from survey.kinds.approval.decisions import KIND as COLLECTIVE_KIND
from survey.kinds.approval.decisions import pending_subjects
from survey.kinds.approval.documents import (
    agreement_minutes_pdf,
    agreement_summary_pdf,
    agreement_workbook,
)
from survey.kinds.approval.models import head_decisions
from survey.kinds.approval.results import (
    LEVEL_LABELS,
    approval_csv,
    approval_json,
    approval_result,
    page_labels,
    recount_text,
    standings,
)
from survey.kinds.approval.views import bp, decision_form
from survey.kinds.confidence import poll_context
from survey.kinds.confidence.report import RoundReport, build_report
from survey.kinds.lines import LinesKind
from survey.kinds.paper import PaperLayout, paper_levels
from survey.rounds.importing import SubjectRow
from survey.rounds.models import Round
from survey.security.audit import head as audit_head
from survey.tally import approval as ap
from survey.tally import marks_file
from survey.tally.approval import Level
from survey.tally.confidence import Denominator
from survey.tally.files import recount_round, whole_ballots
from survey.tally.procedure import Nominee, Post, Shares, Standing, unique_shares
from survey.tally.recount import decode as decode_v1


class Approval(LinesKind):
    """The key cadres' conference: agreement per person, for information."""

    name = "approval"
    label = _l("Lấy phiếu đồng ý đối với nhân sự")
    levels = LEVEL_LABELS
    blueprint = bp
    summary_orders = summary.ORDERS
    documents = {"minutes": "reports/_minutes.html", "summary": "kinds/approval/_summary.html"}
    paper = PaperLayout(
        title=_l("PHIẾU LẤY Ý KIẾN ĐỒNG Ý ĐỐI VỚI NHÂN SỰ"),
        instruction=_l(
            "Đánh dấu X vào một ô ở mỗi dòng. Dòng không đánh dấu, hoặc đánh dấu cả hai ô, "
            "không hợp lệ đối với người ở dòng đó."
        ),
        levels=paper_levels(LEVEL_LABELS),
    )
    #: The vote decides (more than half of the members) rather than informs.
    decisive: ClassVar[bool] = False

    def result(self, session: Session, round_: Round) -> Any:
        return approval_result(session, round_, decisive=self.decisive)

    def tally_json(self, session: Session, round_: Round) -> dict[str, Any]:
        return approval_json(round_, self.result(session, round_))

    def tally_csv(self, session: Session, round_: Round) -> str:
        return approval_csv(self.tally_json(session, round_))

    def report(self, session: Session, round_: Round, frame: Frame, *,
               published_only: bool) -> RoundReport:
        return build_report(session, round_, frame, published_only_history=published_only,
                            kind_result=self.result(session, round_),
                            denominator=Denominator.summoned)

    def results_page(self, session: Session, round_: Round) -> str:
        return render_template(
            "reports/results_kind.html", round=round_, table="kinds/approval/_table.html",
            result=self.result(session, round_), number=number, **page_labels(),
            audit_head=audit_head(session), **self.decisions_context(session, round_),
        )

    def decisions_context(self, session: Session, round_: Round) -> dict[str, Any]:
        """What the results page shows of the head's decisions (a deciding vote only)."""
        return {}

    def page_context(self, report: RoundReport, order: str) -> dict[str, Any]:
        return {**poll_context(report, order), **page_labels(), "orders": summary.ORDERS,
                "ks": summary, "table": "kinds/approval/_table.html"}

    def minutes_pdf(self, report: RoundReport) -> bytes:
        return agreement_minutes_pdf(report)

    def summary_pdf(self, report: RoundReport, order: str) -> bytes:
        return agreement_summary_pdf(report, order)

    def workbook(self, report: RoundReport) -> bytes:
        return agreement_workbook(report)

    def recount(self, data: bytes) -> dict[str, Any]:
        if whole_ballots(data):  # version 1: read, never written any more
            v1 = decode_v1(data)
            return ap.recount_document(recount_round(v1.round, self.name), v1,
                                       decisive=self.decisive)
        v2 = marks_file.decode(data)
        return ap.recount_marks(recount_round(v2.round, v2.kind), v2, decisive=self.decisive)

    def recount_text(self, document: dict[str, Any]) -> str:
        return recount_text(document)

    # -- a step of a procedure -------------------------------------------------------------------

    def nominees(self, round_: Round) -> list[Nominee]:
        return [Nominee(s.position, s.name, s.unit) for s in round_.subjects]

    def set_nominees(self, session: Session, round_: Round, posts: Sequence[Post],
                     nominees: Sequence[Nominee], *, write_ins: bool) -> None:
        rows = [SubjectRow(order, n.name, n.post, n.current)
                for order, n in enumerate(nominees, start=1)]
        self.replace_subjects(session, round_, rows)

    def standings(self, session: Session, round_: Round) -> list[Standing] | None:
        return standings(session, round_, decisive=self.decisive)

    def shares_by_name(self, session: Session, round_: Round) -> dict[str, Shares]:
        label = str(LEVEL_LABELS[Level.agree])
        return unique_shares((s.name, ((label, s.percent),))
                             for s in self.standings(session, round_) or []
                             if s.percent is not None)


class CollectiveVote(Approval):
    """The leadership collective's vote: more than half of the members approve; exactly half
    is left to the head, whose decision the officer records afterwards."""

    name = COLLECTIVE_KIND
    label = _l("Biểu quyết nhân sự của tập thể lãnh đạo")
    decisive = True
    paper = PaperLayout(
        title=_l("PHIẾU BIỂU QUYẾT NHÂN SỰ"),
        instruction=_l(
            "Đánh dấu X vào một ô ở mỗi dòng. Dòng không đánh dấu, hoặc đánh dấu cả hai ô, "
            "không hợp lệ đối với người ở dòng đó."
        ),
        levels=paper_levels(LEVEL_LABELS),
    )

    def decisions_context(self, session: Session, round_: Round) -> dict[str, Any]:
        pending = pending_subjects(session, round_)
        return {
            "extra": "kinds/approval/_decisions.html",
            "decided": head_decisions(session, round_.id),
            "decision_forms": {sid: decision_form(sid, formdata=None) for sid in pending},
        }


APPROVAL = Approval()
COLLECTIVE_VOTE = CollectiveVote()

__all__ = ["APPROVAL", "COLLECTIVE_VOTE", "Approval", "CollectiveVote"]
