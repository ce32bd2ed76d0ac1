"""Results pages and downloads; reachable only once a round is closed (published for readers)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from survey.db import get_session
from survey.errors import RoundStateError, SurveyError
from survey.i18n import _
from survey.kinds.confidence import BAND_LABELS, LEVEL_LABELS, confidence_result
from survey.kinds.counts import ballot_sources
from survey.reports import appraisal_views, charts, kinds, kinds_summary, operations
from survey.reports.ballots_export import ballot_file, ballot_file_name
from survey.reports.documents import (
    BAND_CONSEQUENCES,
    Order,
    RoundReport,
    build_report,
    number,
    signed,
)
from survey.reports.forms import MinutesForm
from survey.reports.operations import MAX_MEMBERS, MinutesDetails
from survey.reports.pdf import minutes_pdf, summary_pdf
from survey.reports.xlsx import results_xlsx
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round, RoundState
from survey.security import audit
from survey.tally.confidence import Level
from survey.web import audit as audit_action
from survey.web import flash_error, organizer_required

bp = Blueprint("reports", __name__)


def _readable_round(round_id: int) -> Round:
    """The round, if the current user may see its results now; otherwise an error page."""
    round_ = round_or_404(round_id)
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
    if round_.kind == "appraisal":
        return appraisal_views.results(round_)
    if round_.kind in kinds.KINDS:
        return render_template(
            "reports/results_kind.html", round=round_,
            result=kinds.kind_result(get_session(), round_), number=number,
            **kinds.page_labels(),
            audit_head=audit.head(get_session()),
        )
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
        sources=ballot_sources(get_session(), round_),
    )


@bp.get("/rounds/<int:round_id>/results.json")
@login_required
def results_json(round_id: int):
    """The results as the JSON object documented in docs/formats.md."""
    round_ = _readable_round(round_id)
    if round_.kind == "appraisal":
        return appraisal_views.results_json(round_)
    return jsonify(kinds.tally_json(get_session(), round_))


@bp.get("/rounds/<int:round_id>/results.csv")
@login_required
def results_csv(round_id: int):
    """The results as CSV, UTF-8 with a BOM so that Excel shows Vietnamese correctly."""
    round_ = _readable_round(round_id)
    if round_.kind == "appraisal":
        return appraisal_views.results_csv(round_)
    text = kinds.tally_csv(get_session(), round_)
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="ket-qua-{round_.id}.csv"'},
    )


# -- documents: minutes, summary, spreadsheets, ballot file ---------------------------------------


def _report(round_: Round) -> RoundReport:
    return build_report(
        get_session(),
        round_,
        tz=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]),
        published_only_history=not current_user.can_organize,
    )


def _order(round_: Round) -> Order:
    """The summary's order from the query string; one the round's kind does not offer is 400."""
    try:
        order = Order(request.args.get("order", Order.ballot.value))
    except ValueError:
        abort(400)
    if order not in kinds_summary.order_labels(round_.kind):
        abort(400)
    return order


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/rounds/<int:round_id>/minutes")
@login_required
def minutes(round_id: int):
    """The minutes of the count, as a printable page."""
    round_ = _readable_round(round_id)
    if round_.kind == "appraisal":
        return appraisal_views.minutes(round_)
    return render_template("reports/minutes.html", round=round_, report=_report(round_),
                           **_labels())


@bp.get("/rounds/<int:round_id>/minutes.pdf")
@login_required
def minutes_pdf_view(round_id: int):
    """The minutes of the count as an A4 PDF."""
    round_ = _readable_round(round_id)
    if round_.kind == "appraisal":
        return appraisal_views.minutes_pdf_response(round_)
    return _download(minutes_pdf(_report(round_)), "application/pdf",
                     f"bien-ban-kiem-phieu-{round_.id}.pdf")


@bp.get("/rounds/<int:round_id>/summary")
@login_required
def summary(round_id: int):
    """The Standing Committee's summary: sorted results, bands, charts, method."""
    round_ = _readable_round(round_id)
    if round_.kind == "appraisal":
        return appraisal_views.summary(round_)
    report = _report(round_)
    order = _order(round_)
    return render_template(
        "reports/summary.html", round=round_, report=report, order=order,
        lines=report.sorted_lines(order), orders=kinds_summary.order_labels(round_.kind),
        charts=charts, **_labels(),
    )


@bp.get("/rounds/<int:round_id>/summary.pdf")
@login_required
def summary_pdf_view(round_id: int):
    """The Standing Committee's summary as an A4 PDF."""
    round_ = _readable_round(round_id)
    if round_.kind == "appraisal":
        return appraisal_views.summary_pdf_response(round_)
    order = _order(round_)
    return _download(summary_pdf(_report(round_), order), "application/pdf",
                     f"bao-cao-{round_.id}.pdf")


@bp.get("/rounds/<int:round_id>/results.xlsx")
@login_required
def results_xlsx_view(round_id: int):
    """The results as an Excel workbook."""
    round_ = _readable_round(round_id)
    if round_.kind == "appraisal":
        return appraisal_views.results_xlsx(round_)
    return _download(
        results_xlsx(_report(round_)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"ket-qua-{round_.id}.xlsx",
    )


@bp.get("/rounds/<int:round_id>/ballots.jsonl")
@login_required
def ballots_file(round_id: int):
    """The anonymised ballots in one file, whose SHA-256 the minutes print."""
    round_ = _readable_round(round_id)
    try:
        data = ballot_file(get_session(), round_)
    except RoundStateError as exc:
        page = render_template("error.html", code=409, message=str(exc))
        abort(make_response(page, 409))
    return _download(data, "application/jsonl", ballot_file_name(round_))


def _labels() -> dict:
    return {
        "levels": list(Level),
        "labels": LEVEL_LABELS,
        "bands": BAND_LABELS,
        "consequences": BAND_CONSEQUENCES,
        "number": number,
        "signed": signed,
        **kinds.page_labels(),
        "ks": kinds_summary,
    }


# -- the minutes' details and the counting committee --------------------------------------------


def _member_rows(form: MinutesForm, count: int) -> None:
    """Show the entered members and empty lines up to five (at most ``MAX_MEMBERS``)."""
    while len(form.members) < min(max(count + 2, 5), MAX_MEMBERS):
        form.members.append_entry()


@bp.route("/rounds/<int:round_id>/committee", methods=["GET", "POST"])
@organizer_required
def committee(round_id: int):
    """The minutes' details and the counting committee; editable until published."""
    round_ = round_or_404(round_id, write=request.method == "POST")
    db = get_session()
    frozen = round_.state is RoundState.published
    status = 200
    if request.method == "POST":
        form = MinutesForm()
        if frozen:
            flash_error(_("Kết quả đã công bố: biên bản không thể sửa nữa."))
            status = 409
        elif form.validate_on_submit():
            details = MinutesDetails(
                parent_body=form.parent_body.data or "",
                locality=form.locality.data or "",
                chair=form.chair.data or "",
                conference_time=form.conference_time.data,
                count_ended_at=form.count_ended_at.data,
                members=[(entry.form.name.data or "", entry.form.role.data)
                         for entry in form.members],
            )
            try:
                changes = operations.update_minutes(db, round_, details)
                if changes:
                    audit_action(db, "minutes.update", round_.id, **changes)
            except SurveyError as exc:
                db.rollback()
                flash_error(exc)
                status = 409 if isinstance(exc, RoundStateError) else 422
            else:
                db.commit()
                flash(_("Đã lưu thông tin biên bản."), "info")
                return redirect(url_for("reports.committee", round_id=round_.id))
        else:
            status = 422
    else:
        form = MinutesForm(
            formdata=None,
            parent_body=round_.parent_body,
            locality=round_.locality,
            chair=round_.chair,
            conference_time=round_.conference_time,
            count_ended_at=round_.count_ended_at,
            members=[{"name": m.name, "role": m.role} for m in round_.counting_committee],
        )
    _member_rows(form, len(round_.counting_committee))
    return render_template(
        "reports/committee.html", round=round_, form=form, frozen=frozen,
        warnings=operations.committee_warnings(round_),
    ), status
