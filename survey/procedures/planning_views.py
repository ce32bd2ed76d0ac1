"""The planning lists' page: each body's people per post, direct entries with their reasons,
and yearly reviews voted on by the leadership collective."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from survey.db import begin_write, get_session
from survey.errors import NotFound
from survey.i18n import _, _l
from survey.procedures import planning as ops
from survey.procedures.forms import PlanningEntryForm, ReasonForm, ReviewForm, read_proposals
from survey.procedures.models import PlanningReview
from survey.procedures.stages import in_vietnamese
from survey.tally.procedure import MAX_PER_POST, Nominee
from survey.web import audit, organizer_required, write
from survey.web.forms import EmptyForm

bp = Blueprint("planning", __name__)


def _back(anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("planning.index") + (f"#{anchor}" if anchor else ""))


def _now() -> datetime:
    return datetime.now(UTC)


def _page(status: int = 200, **forms: object) -> ResponseReturnValue:
    db = get_session()
    entries = ops.active_entries(db)
    reviews = list(db.scalars(select(PlanningReview).order_by(PlanningReview.id.desc())))
    return render_template(
        "procedures/planning.html", entries=entries, warnings=ops.warnings(entries),
        reviews=reviews, entry_form=forms.get("entry_form") or PlanningEntryForm(formdata=None),
        review_form=forms.get("review_form") or ReviewForm(formdata=None),
        reason_form=ReasonForm(formdata=None), button=EmptyForm(), max_per_post=MAX_PER_POST,
        actions=ops.ACTIONS,
    ), status


@bp.get("/planning")
@organizer_required
def index() -> ResponseReturnValue:
    """Every body's planning list, per post, with its reviews."""
    return _page()


@bp.post("/planning/entries")
@organizer_required
def add() -> ResponseReturnValue:
    """Put a person on a planning list directly, with the reason."""
    begin_write(get_session())
    form = PlanningEntryForm()
    if not form.validate_on_submit():
        return _page(422, entry_form=form)
    with write() as outcome:
        reason = ops.reason_text(form.reason.data)
        entry = ops.add_entry(
            get_session(), body=form.body.data or "",
            person=Nominee(form.post.data, form.name.data, form.current.data or ""),
            source=in_vietnamese(_l("Ghi trực tiếp (%(actor)s): %(reason)s",
                                    actor=current_user.username, reason=reason)), now=_now())
        audit(get_session(), "planning.add", entry=entry.id, body=entry.body, post=entry.post,
              name=entry.name, reason=reason)
    return _page(422, entry_form=form) if outcome.refusal else _back("lists")


@bp.post("/planning/entries/<int:entry_id>/remove")
@organizer_required
def remove(entry_id: int) -> ResponseReturnValue:
    """Take a person off a planning list directly, with the reason."""
    begin_write(get_session())
    form = ReasonForm(prefix=f"r{entry_id}")
    if not form.validate_on_submit():
        flash(_("Cần ghi lý do."), "error")
        return _back("lists")
    with write(flash_refusal=False) as outcome:
        reason = ops.reason_text(form.reason.data)
        entry = ops.remove_entry(get_session(), entry_id, now=_now(), removal=in_vietnamese(_l(
            "Ghi trực tiếp (%(actor)s): %(reason)s", actor=current_user.username, reason=reason)))
        audit(get_session(), "planning.remove", entry=entry.id, body=entry.body,
              post=entry.post, name=entry.name, reason=reason)
    if isinstance(outcome.refusal, NotFound):
        abort(404)
    return _back("lists")


@bp.post("/planning/reviews")
@organizer_required
def review() -> ResponseReturnValue:
    """Prepare a review: a vote of the leadership collective on each proposal."""
    db = begin_write(get_session())
    form = ReviewForm()
    if not form.validate_on_submit():
        return _page(422, review_form=form)
    with write() as outcome:
        body = " ".join((form.body.data or "").split())
        entries = [(e.id, e.post, e.name) for e in ops.active_entries(db, body)]
        made = ops.create_review(db, body=body, year=form.year.data,
                                 proposals=read_proposals(form.proposals.data, entries),
                                 members=form.members.data, now=_now())
        audit(db, "planning.review", made.round_id, review=made.id, year=made.year,
              proposals=len(made.proposals))
    if outcome.refusal:
        return _page(422, review_form=form)
    return redirect(url_for("rounds.show", round_id=made.round_id))


@bp.post("/planning/reviews/<int:review_id>/apply")
@organizer_required
def apply(review_id: int) -> ResponseReturnValue:
    """Write a closed review's result into the planning list."""
    db = begin_write(get_session())
    review = db.get(PlanningReview, review_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with write() as outcome:
        changed = ops.apply_review(db, review, now=_now())
        audit(db, "planning.apply", review.round_id, review=review.id, changed=changed)
    if outcome.done:
        flash(_("Đã ghi kết quả rà soát: %(n)d thay đổi.", n=changed), "info")
    return _back("reviews")
