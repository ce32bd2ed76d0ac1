"""The organizer's card pages: create, print, issue, void and replace cards."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue

from survey.ballots import operations
from survey.ballots.forms import CardsPdfForm, CreateCardsForm, IssueCardsForm, SerialForm
from survey.ballots.printing import cards_pdf
from survey.ballots.sheet import base_url, card_sheet, printed
from survey.db import get_session
from survey.desk import operations as desk
from survey.desk.operations import card_holders, void_card
from survey.errors import SurveyError
from survey.i18n import _
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round
from survey.web import audit, flash_error, organizer_required, write

bp = Blueprint("cards", __name__)


def _back(round_id: int) -> ResponseReturnValue:
    return redirect(url_for("rounds.show", round_id=round_id) + "#cards")


def _sheet(round_: Round, cards: list[operations.NewCard]) -> str:
    names = card_holders(get_session(), round_, [c.serial for c in cards])
    return card_sheet(round_, cards, names)


@bp.post("/rounds/<int:round_id>/cards")
@organizer_required
def create_cards(round_id: int) -> ResponseReturnValue:
    """Create cards and show their codes, once, as a printable sheet."""
    round_ = round_or_404(round_id, write=True)
    form = CreateCardsForm()
    if not form.validate_on_submit():
        flash_error(_("Số thẻ phải là số nguyên từ 1 đến %(max)d.", max=operations.MAX_CARDS))
        return _back(round_id)
    with write() as outcome:
        cards = desk.create_cards(get_session(), round_, form.count.data)
        audit(get_session(), "cards.create", round_.id, count=len(cards),
              serials=f"{cards[0].serial}-{cards[-1].serial}")
    if outcome.refusal:
        return _back(round_id)
    return _sheet(round_, cards)


@bp.post("/rounds/<int:round_id>/cards/pdf")
@organizer_required
def cards_pdf_view(round_id: int) -> ResponseReturnValue:
    """The sheet just shown, as a PDF; the codes come from that page, nothing is stored."""
    round_ = round_or_404(round_id)
    form = CardsPdfForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        cards = operations.cards_for_codes(get_session(), round_, form.codes.data.split())
    except SurveyError as exc:
        flash_error(exc)
        return _back(round_id)
    names = card_holders(get_session(), round_, [c.serial for c in cards])
    pdf = cards_pdf(title=round_.title, body=round_.body, vote_address=f"{base_url()}/v",
                    cards=printed(cards, names))
    name = f"the-{round_.id}-{cards[0].serial}-{cards[-1].serial}.pdf"
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/rounds/<int:round_id>/cards/issue")
@organizer_required
def issue_cards(round_id: int) -> ResponseReturnValue:
    """Activate all cards, or the serials typed."""
    round_ = round_or_404(round_id, write=True)
    form = IssueCardsForm()
    if not form.validate_on_submit():
        abort(400)
    with write() as outcome:
        serials = operations.parse_serials(form.serials.data) if form.serials.data else None
        n = operations.issue_cards(get_session(), round_, serials)
        audit(get_session(), "cards.issue", round_.id, serials=form.serials.data or "all",
              issued=n)
    if outcome.done:
        flash(_("Đã kích hoạt %(n)d thẻ.", n=n), "info")
    return _back(round_id)


@bp.post("/rounds/<int:round_id>/cards/void")
@organizer_required
def void(round_id: int) -> ResponseReturnValue:
    """Void a lost card."""
    round_ = round_or_404(round_id, write=True)
    form = SerialForm()
    if not form.validate_on_submit():
        flash_error(_("Hãy ghi số thẻ."))
        return _back(round_id)
    with write() as outcome:
        void_card(get_session(), round_, form.serial.data)
        audit(get_session(), "cards.void", round_.id, serial=form.serial.data)
    if outcome.done:
        flash(_("Đã hủy thẻ số %(serial)d.", serial=form.serial.data), "info")
    return _back(round_id)


@bp.post("/rounds/<int:round_id>/cards/replace")
@organizer_required
def replace(round_id: int) -> ResponseReturnValue:
    """Void a lost card and print an issued replacement."""
    round_ = round_or_404(round_id, write=True)
    form = SerialForm()
    if not form.validate_on_submit():
        flash_error(_("Hãy ghi số thẻ."))
        return _back(round_id)
    with write() as outcome:
        card = operations.replace_card(get_session(), round_, form.serial.data)
        audit(get_session(), "cards.replace", round_.id, serial=form.serial.data, new=card.serial)
    if outcome.refusal:
        return _back(round_id)
    flash(_("Đã hủy thẻ số %(old)d và tạo thẻ thay thế số %(new)d (đã kích hoạt).",
            old=form.serial.data, new=card.serial), "info")
    return _sheet(round_, [card])
