"""The voter's phone pages (no login) and the organizer's card pages."""

from __future__ import annotations

import secrets

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from survey.appraisal import views as appraisal
from survey.ballots import operations
from survey.ballots.cards import card_url, normalize_code, qr_svg
from survey.ballots.forms import (
    CardsPdfForm,
    ClaimForm,
    CreateCardsForm,
    IssueCardsForm,
    SerialForm,
    VoteForm,
)
from survey.ballots.operations import NewCard
from survey.ballots.printing import PrintedCard, cards_pdf
from survey.db import begin_write, get_session
from survey.errors import CardRejected, NotFound, SurveyError
from survey.i18n import _
from survey.reports.export import LEVEL_LABELS
from survey.rounds.models import Round, RoundKind
from survey.rounds.operations import get_round
from survey.security.throttle import CARD_PER_ADDRESS, CARD_PER_BROWSER, Limit
from survey.tally.confidence import Level
from survey.web import audit, client_address, flash_error, organizer_required, throttle

bp = Blueprint("ballots", __name__)

NOT_FOUND_REASONS = {"malformed", "unknown"}


def base_url() -> str:
    """Where phones reach this server: configured, found at start, or this request's host."""
    return (
        current_app.config.get("BASE_URL")
        or current_app.config.get("DETECTED_BASE_URL")
        or request.host_url
    ).rstrip("/")


# -- voter pages ---------------------------------------------------------------------------------


def _guess_checks() -> list[tuple[Limit, str]]:
    """Whose failed codes count: this browser (its own budget) and its address (a large one)."""
    checks = [(CARD_PER_ADDRESS, client_address())]
    if "cid" in session:
        checks.append((CARD_PER_BROWSER, session["cid"]))
    return checks


def _too_many():
    """Refuse while this browser or address has used up its failed attempts."""
    wait = throttle().blocked(_guess_checks())
    if not wait:
        return None
    minutes = max(1, (wait + 59) // 60)
    message = _("Đã nhập sai mã quá nhiều lần. Hãy chờ %(minutes)d phút rồi thử lại, hoặc báo "
                "ban kiểm phiếu.", minutes=minutes)
    response = render_template("ballots/rejected.html", reason="throttled", message=message)
    return response, 429, {"Retry-After": str(wait)}


def _rejected(exc: CardRejected):
    status = 404 if exc.reason in NOT_FOUND_REASONS else 409
    if exc.reason in NOT_FOUND_REASONS:  # a guess, or a typing mistake: count it
        session.setdefault("cid", secrets.token_hex(16))
        throttle().fail(_guess_checks())
    return render_template("ballots/rejected.html", reason=exc.reason, message=str(exc)), status


def _choices() -> dict[int, str]:
    """The marked lines of the posted ballot (``s<subject id>`` → level); blanks are left out.

    Whether each subject and level belongs to the card's ballot is checked by the operation.

    :raises CardRejected: if a line is posted twice.
    """
    chosen: dict[int, str] = {}
    for key, values in request.form.lists():
        if not (key.startswith("s") and key[1:].isdigit() and len(key) <= 12):
            continue  # the code, the CSRF token
        marked = [value for value in values if value != ""]
        if len(marked) > 1:  # two marks on one line
            raise operations.reject("bad_ballot")
        if marked:
            chosen[int(key[1:])] = marked[0]
    return chosen


def _labels() -> dict[Level, str]:
    """The level names in this request's language, translated once, not once per line."""
    return {level: str(label) for level, label in LEVEL_LABELS.items()}


def _ballot_page(round_: Round, form: VoteForm, chosen: dict[int, str], status: int = 200):
    return render_template(
        "ballots/ballot.html", round=round_, form=form, chosen=chosen, levels=list(Level),
        labels=_labels(),
    ), status


@bp.get("/v")
def landing():
    """The page a card's QR code opens: its script submits the code from the fragment."""
    return render_template("ballots/landing.html", form=ClaimForm(formdata=None))


@bp.post("/v")
def claim():
    """Check the card and show the ballot."""
    if blocked := _too_many():
        return blocked
    form = ClaimForm(formdata=request.form)
    if not form.validate_on_submit():
        return render_template("ballots/landing.html", form=form), 400
    code = normalize_code(form.code.data)
    if code is None:
        form.code.errors = [str(operations.REJECTIONS["malformed"])]
        return render_template("ballots/landing.html", form=form), 400
    try:
        round_ = operations.round_for_card(get_session(), code)
    except CardRejected as exc:
        return _rejected(exc)
    if round_.kind == RoundKind.appraisal:
        return appraisal.claim(get_session(), round_, code, _rejected)
    vote = VoteForm(formdata=None, code=code)
    return _ballot_page(round_, vote, {})


def _posted_ballot() -> tuple[Round, VoteForm, dict[int, str]]:
    form = VoteForm(formdata=request.form)
    if not form.validate_on_submit():
        abort(400)
    chosen = _choices()
    round_ = operations.round_for_card(get_session(), form.code.data)
    operations.check_choices(round_, chosen)
    return round_, form, chosen


@bp.post("/v/ballot")
def edit_ballot():
    """Back from the review step to the ballot, with the choices kept."""
    if blocked := _too_many():
        return blocked
    if appraisal.is_appraisal_card(get_session(), request.form.get("code")):
        return appraisal.edit(get_session(), _rejected)
    try:
        round_, form, chosen = _posted_ballot()
    except CardRejected as exc:
        return _rejected(exc)
    return _ballot_page(round_, form, chosen)


@bp.post("/v/review")
def review():
    """Show the choices, and warn of blank lines, before the final submit."""
    if blocked := _too_many():
        return blocked
    if appraisal.is_appraisal_card(get_session(), request.form.get("code")):
        return appraisal.review(get_session(), _rejected)
    try:
        round_, form, chosen = _posted_ballot()
    except CardRejected as exc:
        return _rejected(exc)
    blank = [s for s in round_.subjects if s.id not in chosen]
    return render_template(
        "ballots/review.html", round=round_, form=form, chosen=chosen, blank=blank,
        labels=_labels(),
    )


@bp.post("/v/cast")
def cast():
    """Record the ballot and spend the card, in one transaction."""
    if blocked := _too_many():
        return blocked
    form = VoteForm(formdata=request.form)
    if not form.validate_on_submit():
        abort(400)
    db = begin_write(get_session())
    try:
        if appraisal.is_appraisal_card(db, form.code.data):
            appraisal.cast(db, form.code.data)
        else:
            operations.cast_ballot(db, form.code.data, _choices())
    except CardRejected as exc:
        db.rollback()
        return _rejected(exc)
    db.commit()
    return redirect(url_for("ballots.thanks"), code=303)


@bp.get("/v/thanks")
def thanks():
    """Confirms that a ballot was recorded; never shows what it said."""
    return render_template("ballots/thanks.html")


# -- organizer pages: cards ----------------------------------------------------------------------


def _round_or_404(round_id: int, *, write: bool = False) -> Round:
    db = get_session()
    if write:
        begin_write(db)
    try:
        return get_round(db, round_id)
    except NotFound:
        abort(404)


def _printed(cards: list[NewCard], round_: Round) -> list[PrintedCard]:
    url = base_url()
    names: dict[int, str] = {}
    if round_.kind == RoundKind.appraisal:  # named cards: the member's name is printed
        names = appraisal.operations.holders(get_session(), round_.id, [c.serial for c in cards])
    return [PrintedCard(c.serial, c.code, card_url(url, c.code), names.get(c.serial))
            for c in cards]


def _sheet(round_: Round, cards: list[NewCard]):
    printed = _printed(cards, round_)
    pdf_form = CardsPdfForm(formdata=None, codes="\n".join(c.code for c in cards))
    return render_template(
        "ballots/sheet.html",
        round=round_,
        cards=[(card, qr_svg(card.url)) for card in printed],
        vote_address=f"{base_url()}/v",
        pdf_form=pdf_form,
    )


@bp.post("/rounds/<int:round_id>/cards")
@organizer_required
def create_cards(round_id: int):
    """Create cards and show their codes, once, as a printable sheet."""
    round_ = _round_or_404(round_id, write=True)
    form = CreateCardsForm()
    if not form.validate_on_submit():
        flash_error(_("Số thẻ phải là số nguyên từ 1 đến %(max)d.", max=operations.MAX_CARDS))
        return redirect(url_for("rounds.show", round_id=round_id) + "#cards")
    db = get_session()
    try:
        cards = operations.create_cards(db, round_, form.count.data)
        audit(db, "cards.create", round_.id, count=len(cards),
              serials=f"{cards[0].serial}-{cards[-1].serial}")
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return redirect(url_for("rounds.show", round_id=round_id) + "#cards")
    db.commit()
    return _sheet(round_, cards)


@bp.post("/rounds/<int:round_id>/cards/pdf")
@organizer_required
def cards_pdf_view(round_id: int):
    """The sheet just shown, as a PDF; the codes come from that page, nothing is stored."""
    round_ = _round_or_404(round_id)
    form = CardsPdfForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        cards = operations.cards_for_codes(get_session(), round_, form.codes.data.split())
    except SurveyError as exc:
        flash_error(exc)
        return redirect(url_for("rounds.show", round_id=round_id) + "#cards")
    pdf = cards_pdf(
        title=round_.title, body=round_.body, vote_address=f"{base_url()}/v",
        cards=_printed(cards, round_),
    )
    first, last = cards[0].serial, cards[-1].serial
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="the-{round_.id}-{first}-{last}.pdf"'
        },
    )


@bp.post("/rounds/<int:round_id>/cards/issue")
@organizer_required
def issue_cards(round_id: int):
    """Activate all cards, or the serials typed."""
    round_ = _round_or_404(round_id, write=True)
    form = IssueCardsForm()
    db = get_session()
    if not form.validate_on_submit():
        abort(400)
    try:
        serials = operations.parse_serials(form.serials.data) if form.serials.data else None
        n = operations.issue_cards(db, round_, serials)
        audit(db, "cards.issue", round_.id, serials=form.serials.data or "all", issued=n)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
    else:
        db.commit()
        flash(_("Đã kích hoạt %(n)d thẻ.", n=n), "info")
    return redirect(url_for("rounds.show", round_id=round_id) + "#cards")


@bp.post("/rounds/<int:round_id>/cards/<any(void, replace):action>")
@organizer_required
def change_card(round_id: int, action: str):
    """Void a lost card, or void it and print an issued replacement."""
    round_ = _round_or_404(round_id, write=True)
    form = SerialForm()
    db = get_session()
    if not form.validate_on_submit():
        flash_error(_("Hãy ghi số thẻ."))
        return redirect(url_for("rounds.show", round_id=round_id) + "#cards")
    try:
        if action == "void":
            operations.void_card(db, round_, form.serial.data)
            audit(db, "cards.void", round_.id, serial=form.serial.data)
        else:
            card = operations.replace_card(db, round_, form.serial.data)
            audit(db, "cards.replace", round_.id, serial=form.serial.data, new=card.serial)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return redirect(url_for("rounds.show", round_id=round_id) + "#cards")
    db.commit()
    if action == "void":
        flash(_("Đã hủy thẻ số %(serial)d.", serial=form.serial.data), "info")
        return redirect(url_for("rounds.show", round_id=round_id) + "#cards")
    flash(
        _("Đã hủy thẻ số %(old)d và tạo thẻ thay thế số %(new)d (đã kích hoạt).",
          old=form.serial.data, new=card.serial),
        "info",
    )
    return _sheet(round_, [card])
