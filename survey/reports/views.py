"""Results pages and downloads; reachable only once a round is closed (published for readers).

The pages and documents are the same for every kind of round; what they show is the round's
kind's (:mod:`survey.kinds`).
"""

from __future__ import annotations

from typing import Any
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
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from survey.db import get_session
from survey.documents.csv import SEPARATORS, with_separator
from survey.errors import RoundStateError
from survey.i18n import _, _l
from survey.kinds import kind_of
from survey.kinds.base import Kind
from survey.reports import operations
from survey.reports.ballot_file import ballot_file, ballot_file_name
from survey.reports.forms import MinutesForm
from survey.reports.operations import MAX_MEMBERS, MinutesDetails
from survey.reports.report import build_frame
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round, RoundState
from survey.web import audit, organizer_required, refusal_status, screen_locale, write

bp = Blueprint("reports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refuse(message: object) -> None:
    """A page of our own: the app's error handler shows only a generic 409 text. It is in the
    screen's language, also where a document was asked for (a lazy message is translated
    here)."""
    with screen_locale():
        page = render_template("error.html", code=409, message=str(message))
    abort(make_response(page, 409))


def _readable_round(round_id: int) -> tuple[Round, Kind]:
    """The round and its kind, if the current user may see its results now; otherwise an
    error page."""
    round_ = round_or_404(round_id)
    if current_user.can_organize:
        if not round_.results_ready:
            _refuse(_l("Kết quả chỉ xem được sau khi kết thúc bỏ phiếu."))
    elif round_.state is not RoundState.published:
        abort(404)
    return round_, kind_of(round_)


def _report(round_: Round, kind: Kind) -> Any:
    """What every document of the round shows (readers compare with published rounds only)."""
    frame = build_frame(get_session(), round_,
                        tz=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
    return kind.report(get_session(), round_, frame,
                       published_only=not current_user.can_organize)


def _order(kind: Kind) -> str:
    """The summary's order from the query string; one the round's kind does not offer is 400."""
    order = request.args.get("order") or next(iter(kind.summary_orders))
    if order not in kind.summary_orders:
        abort(400)
    return order


def _download(data: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/rounds/<int:round_id>/results")
@login_required
def results(round_id: int) -> ResponseReturnValue:
    """The results table of a closed round."""
    round_, kind = _readable_round(round_id)
    return kind.results_page(get_session(), round_)


@bp.get("/rounds/<int:round_id>/results.json")
@login_required
def results_json(round_id: int) -> ResponseReturnValue:
    """The results as the JSON object documented in docs/formats.md."""
    round_, kind = _readable_round(round_id)
    return jsonify(kind.tally_json(get_session(), round_))


@bp.get("/rounds/<int:round_id>/results.csv")
@login_required
def results_csv(round_id: int) -> ResponseReturnValue:
    """The results as CSV, UTF-8 with a BOM so that Excel shows Vietnamese correctly;
    ``?sep=semicolon`` for Excel under Vietnamese regional settings (";" and a decimal comma)."""
    separator = request.args.get("sep", "comma")
    if separator not in SEPARATORS:
        abort(400)
    round_, kind = _readable_round(round_id)
    text = with_separator(kind.tally_csv(get_session(), round_), separator)
    return _download("\ufeff" + text, "text/csv", f"ket-qua-{round_.id}.csv")


# -- documents: minutes, summary, spreadsheets, ballot file ---------------------------------------


@bp.get("/rounds/<int:round_id>/projector")
@login_required
def projector(round_id: int) -> ResponseReturnValue:
    """The published results full-screen, for the hall's projector: the table and the bars in
    large type. Nothing before publication: 403 for organizers, 404 for readers."""
    round_, kind = _readable_round(round_id)
    if round_.state is not RoundState.published:
        abort(403)
    return render_template("reports/projector.html", round=round_,
                           document=kind.documents["summary"],
                           **kind.page_context(_report(round_, kind), _order(kind)))


@bp.get("/rounds/<int:round_id>/minutes")
@login_required
def minutes(round_id: int) -> ResponseReturnValue:
    """The minutes of the count, as a printable page."""
    round_, kind = _readable_round(round_id)
    context = kind.page_context(_report(round_, kind), next(iter(kind.summary_orders)))
    return render_template("reports/minutes.html", round=round_,
                           document=kind.documents["minutes"], **context)


@bp.get("/rounds/<int:round_id>/minutes.pdf")
@login_required
def minutes_pdf_view(round_id: int) -> ResponseReturnValue:
    """The minutes of the count as an A4 PDF."""
    round_, kind = _readable_round(round_id)
    return _download(kind.minutes_pdf(_report(round_, kind)), "application/pdf",
                     f"bien-ban-kiem-phieu-{round_.id}.pdf")


@bp.get("/rounds/<int:round_id>/summary")
@login_required
def summary(round_id: int) -> ResponseReturnValue:
    """The Standing Committee's summary: sorted results, bands, charts, method."""
    round_, kind = _readable_round(round_id)
    order = _order(kind)
    return render_template("reports/summary.html", round=round_,
                           document=kind.documents["summary"],
                           **kind.page_context(_report(round_, kind), order))


@bp.get("/rounds/<int:round_id>/summary.pdf")
@login_required
def summary_pdf_view(round_id: int) -> ResponseReturnValue:
    """The Standing Committee's summary as an A4 PDF."""
    round_, kind = _readable_round(round_id)
    order = _order(kind)
    return _download(kind.summary_pdf(_report(round_, kind), order), "application/pdf",
                     f"bao-cao-{round_.id}.pdf")


@bp.get("/rounds/<int:round_id>/results.xlsx")
@login_required
def results_xlsx_view(round_id: int) -> ResponseReturnValue:
    """The results as an Excel workbook."""
    round_, kind = _readable_round(round_id)
    return _download(kind.workbook(_report(round_, kind)), XLSX, f"ket-qua-{round_.id}.xlsx")


@bp.get("/rounds/<int:round_id>/ballots.jsonl")
@login_required
def ballots_file(round_id: int) -> ResponseReturnValue:
    """The anonymised ballots in one file, whose SHA-256 the minutes print."""
    round_, _kind = _readable_round(round_id)
    try:
        data = ballot_file(get_session(), round_)
    except RoundStateError as exc:
        _refuse(exc)
    return _download(data, "application/jsonl", ballot_file_name(round_))


# -- the minutes' details and the counting committee --------------------------------------------


def _committee_page(round_: Round, form: MinutesForm, status: int = 200) -> ResponseReturnValue:
    """The form, with the entered members and empty lines up to five (at most MAX_MEMBERS)."""
    while len(form.members) < min(max(len(round_.counting_committee) + 2, 5), MAX_MEMBERS):
        form.members.append_entry()
    return render_template(
        "reports/committee.html", round=round_, form=form,
        frozen=round_.state is RoundState.published,
        warnings=operations.committee_warnings(round_),
    ), status


@bp.get("/rounds/<int:round_id>/committee")
@organizer_required
def committee(round_id: int) -> ResponseReturnValue:
    """The minutes' details and the counting committee; editable until published."""
    round_ = round_or_404(round_id)
    form = MinutesForm(
        formdata=None, parent_body=round_.parent_body, locality=round_.locality,
        chair=round_.chair, conference_time=round_.conference_time,
        count_ended_at=round_.count_ended_at, minutes_number=round_.minutes_number,
        report_number=round_.report_number,
        members=[{"name": m.name, "role": m.role} for m in round_.counting_committee],
    )
    return _committee_page(round_, form)


def _details(form: MinutesForm) -> MinutesDetails:
    return MinutesDetails(
        parent_body=form.parent_body.data or "", locality=form.locality.data or "",
        chair=form.chair.data or "", conference_time=form.conference_time.data,
        count_ended_at=form.count_ended_at.data,
        minutes_number=form.minutes_number.data or "", report_number=form.report_number.data or "",
        members=[(entry.form.name.data or "", entry.form.role.data) for entry in form.members],
    )


@bp.post("/rounds/<int:round_id>/committee")
@organizer_required
def save_committee(round_id: int) -> ResponseReturnValue:
    """Save the minutes' details and the counting committee."""
    round_ = round_or_404(round_id, write=True)
    form = MinutesForm()
    if round_.state is RoundState.published:
        flash(_("Kết quả đã công bố: biên bản không thể sửa nữa."), "error")
        return _committee_page(round_, form, 409)
    if not form.validate_on_submit():
        return _committee_page(round_, form, 422)
    with write() as outcome:
        if changes := operations.update_minutes(get_session(), round_, _details(form)):
            audit(get_session(), "minutes.update", round_.id, **changes)
    if outcome.refusal:
        return _committee_page(round_, form, refusal_status(outcome.refusal))
    flash(_("Đã lưu thông tin biên bản."), "info")
    return redirect(url_for("reports.committee", round_id=round_.id))
