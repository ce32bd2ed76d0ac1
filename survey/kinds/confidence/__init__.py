"""The confidence poll (lấy phiếu tín nhiệm): three levels per official.

Regulation 96-QĐ/TW (2023) and National Assembly Resolution 96/2023/QH15; the rules are stated
in docs/rules.md ("The confidence poll").
"""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from survey.documents.frame import Frame
from survey.documents.text import number, signed
from survey.i18n import _l
from survey.kinds.confidence import charts
from survey.kinds.confidence.documents import poll_minutes_pdf, summary_pdf
from survey.kinds.confidence.export import recount_text, result_csv, result_json
from survey.kinds.confidence.labels import BAND_LABELS, LEVEL_LABELS
from survey.kinds.confidence.report import (
    BAND_CONSEQUENCES,
    ORDER_LABELS,
    Order,
    RoundReport,
    build_report,
)
from survey.kinds.confidence.result import confidence_result
from survey.kinds.confidence.sheet import poll_workbook
from survey.kinds.counts import ballot_sources, blank_ballots
from survey.kinds.lines import LinesKind
from survey.kinds.paper import PaperLayout, paper_levels
from survey.rounds.models import Round
from survey.security import audit
from survey.tally.confidence import Level
from survey.tally.procedure import Shares, unique_shares


def poll_context(report: RoundReport, order: str) -> dict[str, Any]:
    """What the documents' templates of the poll, and of the kinds built like it, need."""
    return {
        "report": report,
        "order": Order(order),
        "lines": report.sorted_lines(order),
        "levels": list(Level),
        "labels": LEVEL_LABELS,
        "bands": BAND_LABELS,
        "consequences": BAND_CONSEQUENCES,
        "number": number,
        "signed": signed,
        "sortable": not report.suppressed,
    }


class Confidence(LinesKind):
    name = "confidence"
    label = _l("Lấy phiếu tín nhiệm")
    levels = LEVEL_LABELS
    #: A closed poll prepares the confidence vote of those over half "low".
    follow_up = "no_confidence.derive"
    summary_orders = ORDER_LABELS
    documents = {"minutes": "reports/_minutes.html", "summary": "reports/_summary.html"}
    paper = PaperLayout(
        title=_l("PHIẾU TÍN NHIỆM"),
        instruction=_l(
            "Đánh dấu X vào một ô ở mỗi dòng. Dòng không đánh dấu, hoặc đánh dấu từ hai ô trở "
            "lên, không hợp lệ đối với người ở dòng đó."
        ),
        levels=paper_levels(LEVEL_LABELS),
    )

    def tally_json(self, session: Session, round_: Round) -> dict[str, Any]:
        return result_json(round_, confidence_result(session, round_),
                           ballot_sources(session, round_), blank_ballots(session, round_.id))

    def tally_csv(self, session: Session, round_: Round) -> str:
        return result_csv(round_, confidence_result(session, round_))

    def report(self, session: Session, round_: Round, frame: Frame, *,
               published_only: bool) -> RoundReport:
        return build_report(session, round_, frame, published_only_history=published_only)

    def results_page(self, session: Session, round_: Round) -> str:
        result = confidence_result(session, round_)
        return render_template(
            "reports/results.html", round=round_, result=result,
            lines=list(zip(round_.subjects, result.subjects, strict=False)),
            levels=list(Level), labels=LEVEL_LABELS, bands=BAND_LABELS,
            audit_head=audit.head(session), sources=ballot_sources(session, round_),
        )

    def page_context(self, report: RoundReport, order: str) -> dict[str, Any]:
        return {**poll_context(report, order), "orders": ORDER_LABELS, "charts": charts}

    def minutes_pdf(self, report: RoundReport) -> bytes:
        return poll_minutes_pdf(report)

    def summary_pdf(self, report: RoundReport, order: str) -> bytes:
        return summary_pdf(report, order)

    def workbook(self, report: RoundReport) -> bytes:
        return poll_workbook(report)

    def recount_text(self, document: dict[str, Any]) -> str:
        return recount_text(document)

    def shares_by_name(self, session: Session, round_: Round) -> dict[str, Shares]:
        """The three levels' shares of each official (none when figures are withheld)."""
        result = confidence_result(session, round_)
        if result.suppressed:
            return {}
        return unique_shares(
            (subject.name, tuple((str(LEVEL_LABELS[level]), line.percent[level.value])
                                 for level in Level))
            for subject, line in zip(round_.subjects, result.subjects, strict=True)
        )


CONFIDENCE = Confidence()

__all__ = ["BAND_LABELS", "CONFIDENCE", "LEVEL_LABELS", "Confidence", "confidence_result",
           "poll_context"]
