"""What the results page and the documents' templates of an appraisal round show."""

from __future__ import annotations

from typing import Any

from flask import render_template
from sqlalchemy.orm import Session

from survey.documents.frame import Frame
from survey.documents.text import number
from survey.kinds.appraisal.minutes import (
    cohort_text,
    paper_text,
    quota_texts,
    rules_text,
    short_labels,
)
from survey.kinds.appraisal.results import AppraisalReport, build_appraisal
from survey.kinds.appraisal.summary import (
    ORDER_LABELS,
    SummaryOrder,
    bar_svg,
    legend,
    method_lines,
    quota_rows,
    sorted_lines,
)
from survey.rounds.models import Round
from survey.security import audit
from survey.tally.appraisal import Level


def context(report: AppraisalReport) -> dict[str, Any]:
    """What the results page and the minutes show besides the round."""
    return {
        "report": report,
        "levels": list(Level),
        "short": short_labels(),
        "number": number,
        "rules": rules_text(report),
        "quota": quota_texts(report),
        "cohort": cohort_text(report),
    }


def results_page(session: Session, round_: Round) -> str:
    return render_template("kinds/appraisal/results.html", round=round_,
                           audit_head=audit.head(session),
                           **context(build_appraisal(session, round_)))


def summary_context(report: AppraisalReport, frame: Frame,
                    order: SummaryOrder | str) -> dict[str, Any]:
    """What the summary's template needs (the page and the CLI's standalone file)."""
    order = SummaryOrder(order)
    return {
        "report": report,
        "frame": frame,
        "order": order,
        "orders": ORDER_LABELS,
        "lines": sorted_lines(report, order),
        "levels": list(Level),
        "short": short_labels(),
        "number": number,
        "cohort": cohort_text(report),
        "paper_note": paper_text(report),
        "quota_rows": quota_rows(report),
        "method": method_lines(report),
        "legend": legend(),
        "bar_svg": bar_svg,
        "sortable": True,
    }
