"""The results pages and downloads of an appraisal round; :mod:`survey.reports.views` hands
appraisal rounds to these functions after checking who may read them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, jsonify, render_template, request

from survey.db import get_session
from survey.reports.appraisal import (
    AppraisalReport,
    appraisal_csv,
    appraisal_json,
    build_appraisal,
)
from survey.reports.appraisal_documents import (
    cohort_text,
    minutes_frame,
    minutes_pdf,
    quota_texts,
    rules_text,
    short_labels,
)
from survey.reports.appraisal_summary import (
    ORDER_LABELS,
    SummaryOrder,
    bar_svg,
    legend,
    method_lines,
    quota_rows,
    sorted_lines,
)
from survey.reports.appraisal_summary_pdf import summary_pdf
from survey.reports.appraisal_xlsx import appraisal_xlsx
from survey.reports.documents import RoundReport, number
from survey.rounds.models import Round
from survey.security import audit
from survey.tally.appraisal import Level


def _context(round_: Round) -> dict:
    report = build_appraisal(get_session(), round_)
    return {
        "round": round_,
        "report": report,
        "levels": list(Level),
        "short": short_labels(),
        "number": number,
        "rules": rules_text(report),
        "quota": quota_texts(report),
        "cohort": cohort_text(report),
    }


def results(round_: Round):
    return render_template("reports/appraisal_results.html", audit_head=audit.head(get_session()),
                           **_context(round_))


def results_json(round_: Round):
    return jsonify(appraisal_json(build_appraisal(get_session(), round_)))


def results_csv(round_: Round):
    text = appraisal_csv(build_appraisal(get_session(), round_))
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="ket-qua-{round_.id}.csv"'},
    )


def _frame(round_: Round):
    return minutes_frame(get_session(), round_,
                         tz=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def minutes(round_: Round):
    return render_template("reports/appraisal_minutes.html", frame=_frame(round_),
                           **_context(round_))


def minutes_pdf_response(round_: Round):
    data = minutes_pdf(_frame(round_), build_appraisal(get_session(), round_))
    return Response(
        data, mimetype="application/pdf",
        headers={"Content-Disposition":
                 f'attachment; filename="bien-ban-kiem-phieu-{round_.id}.pdf"'},
    )


def _summary_order() -> SummaryOrder:
    try:
        return SummaryOrder(request.args.get("order", SummaryOrder.ballot.value))
    except ValueError:
        abort(400)


def summary_context(report: AppraisalReport, frame: RoundReport,
                    order: SummaryOrder | str) -> dict:
    """What the summary's template needs (the page and the CLI's standalone file)."""
    order = SummaryOrder(order)
    return {
        "round": report.round,
        "report": report,
        "frame": frame,
        "order": order,
        "orders": ORDER_LABELS,
        "lines": sorted_lines(report, order),
        "levels": list(Level),
        "short": short_labels(),
        "number": number,
        "cohort": cohort_text(report),
        "quota_rows": quota_rows(report),
        "method": method_lines(report),
        "legend": legend(),
        "bar_svg": bar_svg,
    }


def summary(round_: Round):
    order = _summary_order()
    report = build_appraisal(get_session(), round_)
    return render_template("reports/appraisal_summary.html",
                           **summary_context(report, _frame(round_), order))


def summary_pdf_response(round_: Round):
    order = _summary_order()
    data = summary_pdf(_frame(round_), build_appraisal(get_session(), round_), order)
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="bao-cao-{round_.id}.pdf"'})


def results_xlsx(round_: Round):
    data = appraisal_xlsx(_frame(round_), build_appraisal(get_session(), round_))
    return Response(
        data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="ket-qua-{round_.id}.xlsx"'},
    )
