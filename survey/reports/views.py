"""Results pages and downloads; reachable only once a round is closed (published for readers)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, make_response, render_template
from flask_login import current_user, login_required

from survey.db import get_session
from survey.errors import NotFound
from survey.i18n import _
from survey.reports.export import BAND_LABELS, LEVEL_LABELS, result_csv, result_json
from survey.reports.queries import confidence_result
from survey.rounds.models import Round, RoundState
from survey.rounds.operations import get_round
from survey.security import audit
from survey.tally.confidence import Level

bp = Blueprint("reports", __name__)



def _readable_round(round_id: int) -> Round:
    """The round, if the current user may see its results now; otherwise an error page."""
    try:
        round_ = get_round(get_session(), round_id)
    except NotFound:
        abort(404)
    if current_user.can_organize:
        if not round_.results_ready:
            # a page of our own: the app's error handler shows only a generic 409 text
            message = _("Kết quả chỉ xem được sau khi kết thúc bỏ phiếu.")
            page = render_template("error.html", code=409, message=message)
            abort(make_response(page, 409))
    elif round_.state is not RoundState.published:
        abort(404)
    return round_


@bp.get("/rounds/<int:round_id>/results")
@login_required
def results(round_id: int):
    """The results table of a closed round."""
    round_ = _readable_round(round_id)
    result = confidence_result(get_session(), round_)
    return render_template(
        "reports/results.html",
        round=round_,
        result=result,
        lines=list(zip(round_.subjects, result.subjects, strict=False)),
        levels=list(Level),
        labels=LEVEL_LABELS,
        bands=BAND_LABELS,
        audit_head=audit.head(get_session()),
    )


@bp.get("/rounds/<int:round_id>/results.json")
@login_required
def results_json(round_id: int):
    """The results as the JSON object documented in docs/formats.md."""
    round_ = _readable_round(round_id)
    return jsonify(result_json(round_, confidence_result(get_session(), round_)))


@bp.get("/rounds/<int:round_id>/results.csv")
@login_required
def results_csv(round_id: int):
    """The results as CSV, UTF-8 with a BOM so that Excel shows Vietnamese correctly."""
    round_ = _readable_round(round_id)
    text = result_csv(round_, confidence_result(get_session(), round_))
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="ket-qua-{round_.id}.csv"'},
    )
