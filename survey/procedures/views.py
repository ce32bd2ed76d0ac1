"""The organizer's pages of a procedure: its steps, derivations, changes and dossier."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.db import begin_write, get_session
from survey.documents.text import number
from survey.errors import NotFound
from survey.i18n import _
from survey.procedures import operations as ops
from survey.procedures.dossier import build_dossier, verdict
from survey.procedures.dossier_pdf import dossier_pdf
from survey.procedures.dossier_xlsx import dossier_workbook
from survey.procedures.forms import MeetingForm, NameForm, NewProcedureForm, read_people, read_posts
from survey.procedures.models import Procedure
from survey.procedures.planning import plan_procedure
from survey.procedures.stages import PLANNING, PURPOSES, VARIANTS
from survey.tally.procedure import Nominee
from survey.web import audit, organizer_required, write
from survey.web.forms import EmptyForm, choices

bp = Blueprint("procedures", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.app_template_global()
def procedure_step(round_id: int) -> tuple[Procedure, Any] | None:
    """The procedure a round is a step of (for the round's page), if any."""
    return ops.procedure_of_round(get_session(), round_id)


def _procedure(procedure_id: int, *, write: bool = False) -> Procedure:
    db = get_session()
    if write:
        begin_write(db)
    try:
        return ops.get_procedure(db, procedure_id)
    except NotFound:
        abort(404)


def _back(procedure: Procedure, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("procedures.show", procedure_id=procedure.id)
                    + (f"#{anchor}" if anchor else ""))


def _now() -> datetime:
    return datetime.now(UTC)


@bp.get("/procedures")
@organizer_required
def index() -> ResponseReturnValue:
    """Every procedure, newest first, and the form of a new one."""
    return render_template("procedures/index.html", form=NewProcedureForm(formdata=None),
                           procedures=ops.list_procedures(get_session()), purposes=PURPOSES)


@bp.post("/procedures")
@organizer_required
def create() -> ResponseReturnValue:
    """Create a procedure with its posts and steps."""
    form = NewProcedureForm()
    if not form.validate_on_submit():
        return render_template("procedures/index.html", form=form, purposes=PURPOSES,
                               procedures=ops.list_procedures(get_session())), 422
    with write() as outcome:
        procedure = ops.create_procedure(
            get_session(), title=form.title.data, purpose=form.purpose.data,
            variant=form.variant.data, body=form.body.data or "", members=form.members.data,
            posts=read_posts(form.posts.data), now=_now(), body_kind=form.body_kind.data,
            place=form.place.data or "", min_ballots=form.min_ballots.data)
        audit(get_session(), "procedure.create", procedure=procedure.id, title=procedure.title,
              variant=procedure.variant, purpose=procedure.purpose)
    if not outcome.done:
        return render_template("procedures/index.html", form=form, purposes=PURPOSES,
                               procedures=ops.list_procedures(get_session())), 422
    return _back(procedure)


def _page(procedure: Procedure, status: int = 200, **forms: Any) -> ResponseReturnValue:
    views = ops.view_steps(get_session(), procedure)
    current = ops.current_step(views)
    posts = [p.title for p in procedure.posts]
    name_form = NameForm(formdata=None, action="add")
    name_form.post.choices = choices({p: p for p in posts})
    meeting = forms.get("meeting") or MeetingForm(
        formdata=None, summoned=procedure.members if current and current.stage.collective
        else None)
    return render_template(
        "procedures/show.html", procedure=procedure, views=views, current=current,
        purposes=PURPOSES, variants=VARIANTS, meeting=meeting, name_form=name_form,
        button=EmptyForm(), verdict=verdict, number=number,
        planning=procedure.purpose == PLANNING,
    ), status


@bp.get("/procedures/<int:procedure_id>")
@organizer_required
def show(procedure_id: int) -> ResponseReturnValue:
    """A procedure's steps in order: what each one did, and what comes next."""
    return _page(_procedure(procedure_id))


@bp.post("/procedures/<int:procedure_id>/steps/<int:order>/meeting")
@organizer_required
def meeting(procedure_id: int, order: int) -> ResponseReturnValue:
    """Record a meeting without a ballot."""
    procedure = _procedure(procedure_id, write=True)
    step = next((s for s in procedure.steps if s.order == order), None) or abort(404)
    form = MeetingForm()
    if not form.validate_on_submit():
        return _page(procedure, 422, meeting=form)
    with write() as outcome:
        people = read_people(form.people.data or "", [p.title for p in procedure.posts])
        ops.record_meeting(get_session(), procedure, step, held_on=form.held_on.data,
                           summoned=form.summoned.data, present=form.present.data,
                           note=form.note.data or "", people=people, now=_now())
        audit(get_session(), "procedure.meeting", procedure=procedure.id, step=order,
              summoned=step.summoned, present=step.present, people=len(step.people))
    return _page(procedure, 422, meeting=form) if outcome.refusal else _back(procedure)


@bp.post("/procedures/<int:procedure_id>/derive")
@organizer_required
def derive(procedure_id: int) -> ResponseReturnValue:
    """Prepare the next ballot step from the previous step's result, in one action."""
    procedure = _procedure(procedure_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with write() as outcome:
        step = ops.derive_step(get_session(), procedure, now=_now())
        assert step.round_id is not None
        names = ops.view_step(get_session(), procedure, step).nominees
        audit(get_session(), "procedure.derive", step.round_id, procedure=procedure.id,
              step=step.order, names=[n.name for n in names])
    if outcome.done:
        flash(_("Đã lập đợt bỏ phiếu của bước %(n)d với %(k)d người. Hãy ghi số người có mặt, "
                "tạo và phát thẻ rồi mở bỏ phiếu.", n=step.order, k=len(names)), "info")
    return _back(procedure, "steps")


@bp.post("/procedures/<int:procedure_id>/steps/<int:order>/names")
@organizer_required
def names(procedure_id: int, order: int) -> ResponseReturnValue:
    """Add a person to, or remove one from, a step's derived list, with the reason."""
    procedure = _procedure(procedure_id, write=True)
    step = next((s for s in procedure.steps if s.order == order), None) or abort(404)
    form = NameForm()
    form.post.choices = choices({p.title: p.title for p in procedure.posts})
    if not form.validate_on_submit():
        flash(_("Cần có họ và tên, chức danh và lý do."), "error")
        return _back(procedure, f"step-{order}")
    with write() as outcome:
        change = ops.change_names(
            get_session(), procedure, step, action=form.action.data,
            person=Nominee(form.post.data or "", form.name.data, form.current.data or ""),
            reason=form.reason.data, actor=current_user.username, now=_now())
        audit(get_session(), f"procedure.name_{change.action}", step.round_id,
              procedure=procedure.id, step=order, name=change.name, post=change.post,
              reason=change.reason)
    if isinstance(outcome.refusal, NotFound):
        abort(404)
    return _back(procedure, f"step-{order}")


def _dossier(procedure: Procedure) -> Any:
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return build_dossier(get_session(), procedure, today=datetime.now(tz).date()), tz


@bp.get("/procedures/<int:procedure_id>/dossier.pdf")
@organizer_required
def dossier_pdf_view(procedure_id: int) -> ResponseReturnValue:
    """The dossier: the cover and every conference's minutes, in order, as one PDF."""
    dossier, tz = _dossier(_procedure(procedure_id))
    return Response(dossier_pdf(get_session(), dossier, tz=tz), mimetype="application/pdf",
                    headers={"Content-Disposition":
                             f'attachment; filename="ho-so-quy-trinh-{procedure_id}.pdf"'})


@bp.get("/procedures/<int:procedure_id>/dossier.xlsx")
@organizer_required
def dossier_xlsx_view(procedure_id: int) -> ResponseReturnValue:
    """The dossier's figures as a workbook."""
    dossier, _tz = _dossier(_procedure(procedure_id))
    return Response(dossier_workbook(dossier), mimetype=XLSX,
                    headers={"Content-Disposition":
                             f'attachment; filename="ho-so-quy-trinh-{procedure_id}.xlsx"'})


@bp.post("/procedures/<int:procedure_id>/plan")
@organizer_required
def plan(procedure_id: int) -> ResponseReturnValue:
    """Write who passed a planning procedure into the body's planning list."""
    procedure = _procedure(procedure_id, write=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with write() as outcome:
        added = plan_procedure(get_session(), procedure, now=_now())
        audit(get_session(), "planning.from_procedure", procedure=procedure.id,
              names=[e.name for e in added])
    if outcome.done:
        flash(_("Đã ghi %(n)d người vào danh sách quy hoạch.", n=len(added)), "info")
    return _back(procedure)

