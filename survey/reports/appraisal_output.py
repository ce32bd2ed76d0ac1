"""The documents ``survey report`` writes for an appraisal round, and its recount as text."""

from __future__ import annotations

import click
from flask import render_template
from markupsafe import Markup

from survey.i18n import _
from survey.reports.appraisal import AppraisalReport
from survey.reports.appraisal_file import recount_text
from survey.reports.appraisal_summary import SummaryOrder
from survey.reports.appraisal_summary_pdf import summary_pdf
from survey.reports.appraisal_views import summary_context
from survey.reports.appraisal_xlsx import appraisal_xlsx
from survey.reports.documents import RoundReport

__all__ = ["document", "recount_text"]


def document(frame: RoundReport, report: AppraisalReport, *, fmt: str, document: str,
             order: str, css: Markup) -> bytes:
    """The summary (PDF or a standalone HTML file) or the workbook of an appraisal round.

    :raises click.UsageError: for a format or an order this kind does not give.
    """
    if fmt == "xlsx":
        return appraisal_xlsx(frame, report)
    if document != "summary":
        raise click.UsageError(
            _("Định dạng %(format)s không dùng cho %(document)s.", format=fmt, document=document)
        )
    try:
        order = SummaryOrder(order)
    except ValueError as exc:
        raise click.UsageError(
            _("Thứ tự %(order)s không dùng cho loại đợt này.", order=order)
        ) from exc
    if fmt == "pdf":
        return summary_pdf(frame, report, order)
    title = _("Báo cáo kết quả")
    html = render_template(
        "reports/standalone.html", document="reports/_appraisal_summary_doc.html", css=css,
        lang="vi", title=f"{title} – {report.round.title}",
        **summary_context(report, frame, order),
    )
    return html.encode("utf-8")
