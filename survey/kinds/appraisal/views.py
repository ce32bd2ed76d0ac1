"""The organizer's pages of an appraisal round: its rules, and its named cards."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from survey.ballots.cards import new_seed
from survey.ballots.forms import OnceForm
from survey.ballots.issuing import spend_form_token
from survey.ballots.sheet import remember_batch
from survey.db import get_session
from survey.i18n import _
from survey.kinds.appraisal import roster
from survey.kinds.appraisal.forms import SettingsForm
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round
from survey.web import audit, organizer_required, write

bp = Blueprint("appraisal", __name__)


def _round(round_id: int, *, write: bool = False) -> Round:
    round_ = round_or_404(round_id, write=write)
    if round_.kind != "appraisal":
        abort(404)
    return round_


def _settings_page(round_: Round, form: SettingsForm, status: int = 200) -> ResponseReturnValue:
    members = roster.roster(get_session(), round_.id)
    return render_template(
        "kinds/appraisal/settings.html", round=round_, form=form,
        units=roster.roster_units(members), members=len(members),
    ), status


@bp.get("/rounds/<int:round_id>/appraisal")
@organizer_required
def settings(round_id: int) -> ResponseReturnValue:
    """The rules of an appraisal round (frozen at open) and its roster by unit."""
    round_ = _round(round_id)
    return _settings_page(round_, SettingsForm(obj=round_))


@bp.post("/rounds/<int:round_id>/appraisal")
@organizer_required
def save_settings(round_id: int) -> ResponseReturnValue:
    """Save the rules of a draft appraisal round."""
    round_ = _round(round_id, write=True)
    form = SettingsForm(obj=round_)
    if not form.validate_on_submit():
        return _settings_page(round_, form, 422)
    with write() as outcome:
        roster.update_settings(get_session(), round_, roster.Settings(
            min_raters=form.min_raters.data, quota_percent=form.quota_percent.data,
            quota_group=form.quota_group.data, same_unit_only=form.same_unit_only.data,
        ))
        audit(get_session(), "appraisal.settings", round_.id, min_raters=round_.min_raters,
              quota_percent=round_.quota_percent, quota_group=round_.quota_group,
              same_unit_only=round_.same_unit_only)
    if outcome.refusal:
        return _settings_page(round_, form, 409)
    flash(_("Đã lưu."), "info")
    return redirect(url_for("rounds.show", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/cards/named")
@organizer_required
def create_named_cards(round_id: int) -> ResponseReturnValue:
    """One card per roster member without one, once per form; the sheet, printed next, shows
    each member's name."""
    round_ = _round(round_id, write=True)
    form, seed = OnceForm(), new_seed()
    if not form.validate_on_submit():
        abort(400)
    with write() as outcome:
        spend_form_token(get_session(), round_.id, form.once.data)
        made = roster.create_named_cards(get_session(), round_, seed=seed)
        audit(get_session(), "cards.create_named", round_.id, count=len(made),
              serials=f"{made[0].card.serial}-{made[-1].card.serial}")
    if outcome.refusal:
        return redirect(url_for("rounds.show", round_id=round_id) + "#cards")
    remember_batch(round_.id, seed, [named.card for named in made])
    return redirect(url_for("cards.created", round_id=round_.id))
