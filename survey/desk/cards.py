"""The organizer's card pages: create, print, issue, void and replace cards."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from survey.ballots import issuing, operations
from survey.ballots.cards import new_seed
from survey.ballots.forms import CardsPdfForm, CreateCardsForm, IssueCardsForm, SerialForm
from survey.ballots.printing import cards_pdf
from survey.ballots.sheet import base_url, batch_of, forget_batch, printed, remember_batch
from survey.db import get_session
from survey.desk import operations as desk
from survey.desk.operations import card_holders, void_card
from survey.errors import SurveyError
from survey.i18n import _, _l
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round
from survey.web import audit, flash_error, organizer_required, write

bp = Blueprint("cards", __name__)


def _back(round_id: int) -> ResponseReturnValue:
    return redirect(url_for("rounds.show", round_id=round_id) + "#cards")


def _made(round_: Round, seed: bytes, cards: list[operations.NewCard]) -> ResponseReturnValue:
    """After a batch is made: keep its secret until the sheet is downloaded, and show the
    short page that offers it (post/redirect/get: a reload makes nothing more)."""
    remember_batch(round_.id, seed, cards)
    return redirect(url_for("cards.created", round_id=round_.id))


@bp.post("/rounds/<int:round_id>/cards")
@organizer_required
def create_cards(round_id: int) -> ResponseReturnValue:
    """Create cards, once per form; their codes go only into the PDF."""
    round_ = round_or_404(round_id, write=True)
    form = CreateCardsForm()
    if not form.validate_on_submit():
        flash_error(_("Số thẻ phải là số nguyên từ 1 đến %(max)d.", max=operations.MAX_CARDS))
        return _back(round_id)
    seed = new_seed()
    with write() as outcome:
        issuing.spend_form_token(get_session(), round_.id, form.once.data)
        cards = desk.create_cards(get_session(), round_, form.count.data, seed=seed)
        audit(get_session(), "cards.create", round_.id, count=len(cards),
              serials=f"{cards[0].serial}-{cards[-1].serial}")
    if outcome.refusal:
        return _back(round_id)
    return _made(round_, seed, cards)


@bp.get("/rounds/<int:round_id>/cards/new")
@organizer_required
def created(round_id: int) -> ResponseReturnValue:
    """The cards just made, and the button that prints them: no code is on this page."""
    round_ = round_or_404(round_id)
    batch = batch_of(round_id)
    if batch is None:
        flash(_("Không có thẻ nào đang chờ in: tệp PDF của các thẻ vừa tạo chỉ tải được một "
                "lần."), "info")
        return _back(round_id)
    return render_template("cards/created.html", round=round_, batch=batch,
                           named=bool(card_holders(get_session(), round_, [batch.first])),
                           pdf_form=CardsPdfForm(formdata=None))


@bp.post("/rounds/<int:round_id>/cards/pdf")
@organizer_required
def cards_pdf_view(round_id: int) -> ResponseReturnValue:
    """The batch just made, as a PDF, once: the only place its codes ever appear."""
    round_ = round_or_404(round_id)
    batch = batch_of(round_id)
    if not CardsPdfForm().validate_on_submit() or batch is None:
        # lazy: translated for the page it is shown on, not in the documents' language
        flash_error(_l("Tệp PDF của các thẻ này đã được tải (chỉ tải được một lần). Nếu thẻ "
                       "bị mất, hãy hủy chúng và tạo thẻ mới."))
        return _back(round_id)
    try:
        cards = operations.batch_cards(get_session(), round_, batch.seed, batch.first, batch.last)
    except SurveyError as exc:
        forget_batch()
        flash_error(exc)
        return _back(round_id)
    names = card_holders(get_session(), round_, [c.serial for c in cards])
    pdf = cards_pdf(title=round_.title, body=round_.body, vote_address=f"{base_url()}/v",
                    cards=printed(cards, names))
    forget_batch()
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
    seed = new_seed()
    with write() as outcome:
        card = operations.replace_card(get_session(), round_, form.serial.data, seed=seed)
        audit(get_session(), "cards.replace", round_.id, serial=form.serial.data, new=card.serial)
    if outcome.refusal:
        return _back(round_id)
    flash(_("Đã hủy thẻ số %(old)d và tạo thẻ thay thế số %(new)d (đã kích hoạt).",
            old=form.serial.data, new=card.serial), "info")
    return _made(round_, seed, [card])
