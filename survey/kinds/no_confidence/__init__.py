"""The confidence vote (bỏ phiếu tín nhiệm): Tín nhiệm / Không tín nhiệm per official,
prepared in one step from a closed confidence poll (docs/rules.md, "The confidence vote")."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from survey.documents.frame import Frame
from survey.documents.text import number
from survey.i18n import _l
from survey.kinds.confidence import poll_context
from survey.kinds.confidence.report import RoundReport, build_report
from survey.kinds.counts import blank_ballots
from survey.kinds.lines import LinesKind
from survey.kinds.no_confidence import summary
from survey.kinds.no_confidence.derive import KIND, bp
from survey.kinds.no_confidence.documents import (
    vote_minutes_pdf,
    vote_summary_pdf,
    vote_workbook,
)
from survey.kinds.no_confidence.results import (
    LEVEL_LABELS,
    no_confidence_csv,
    no_confidence_json,
    no_confidence_result,
    page_labels,
    recount_text,
)
from survey.kinds.paper import PaperLayout, paper_levels
from survey.rounds.models import Round
from survey.security.audit import head as audit_head


class NoConfidence(LinesKind):
    name = KIND
    label = _l("Bỏ phiếu tín nhiệm")
    levels = LEVEL_LABELS
    blueprint = bp
    summary_orders = summary.ORDERS
    documents = {"minutes": "reports/_minutes.html",
                 "summary": "kinds/no_confidence/_summary.html"}
    paper = PaperLayout(
        title=_l("PHIẾU BỎ PHIẾU TÍN NHIỆM"),
        instruction=_l(
            "Đánh dấu X vào một ô ở mỗi dòng. Dòng không đánh dấu, hoặc đánh dấu cả hai ô, "
            "không hợp lệ đối với người ở dòng đó."
        ),
        levels=paper_levels(LEVEL_LABELS),
    )


    def tally_json(self, session: Session, round_: Round) -> dict[str, Any]:
        return no_confidence_json(round_, no_confidence_result(session, round_),
                                  blank_ballots(session, round_.id))

    def tally_csv(self, session: Session, round_: Round) -> str:
        return no_confidence_csv(self.tally_json(session, round_))

    def report(self, session: Session, round_: Round, frame: Frame, *,
               published_only: bool) -> RoundReport:
        return build_report(session, round_, frame, published_only_history=published_only,
                            kind_result=no_confidence_result(session, round_))

    def results_page(self, session: Session, round_: Round) -> str:
        return render_template(
            "reports/results_kind.html", round=round_, table="kinds/no_confidence/_table.html",
            result=no_confidence_result(session, round_), number=number, **page_labels(),
            audit_head=audit_head(session),
        )

    def page_context(self, report: RoundReport, order: str) -> dict[str, Any]:
        return {**poll_context(report, order), **page_labels(), "orders": summary.ORDERS,
                "ks": summary, "table": "kinds/no_confidence/_table.html"}

    def minutes_pdf(self, report: RoundReport) -> bytes:
        return vote_minutes_pdf(report)

    def summary_pdf(self, report: RoundReport, order: str) -> bytes:
        return vote_summary_pdf(report, order)

    def workbook(self, report: RoundReport) -> bytes:
        return vote_workbook(report)

    def recount_text(self, document: dict[str, Any]) -> str:
        return recount_text(document)


NO_CONFIDENCE = NoConfidence()
