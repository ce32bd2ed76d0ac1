"""The voter's phone pages (no login) and the organizer's card pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from survey.appraisal import views as appraisal
from survey.ballots import nomination, operations
from survey.ballots.cards import card_url, normalize_code, qr_svg
from survey.ballots.forms import (
    CardOnPage,
    CardsPdfForm,
    ClaimForm,
    CreateCardsForm,
    IssueCardsForm,
    SerialForm,
)
from survey.ballots.levels import level_labels
from survey.ballots.operations import NewCard
from survey.ballots.pages import Kept, voter_page
from survey.ballots.printing import PrintedCard, cards_pdf
from survey.db import begin_write, get_session
from survey.errors import CardRejected, SurveyError
from survey.i18n import _
from survey.rounds.models import Round, RoundKind, RoundState
from survey.security.guessing import card_checks
from survey.security.throttle import Limit
from survey.web import (
    audit,
    flash_error,
    organizer_required,
    round_or_404,
    throttle,
)

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


def _guess_checks(failed: bool = False) -> list[tuple[Limit, str]]:
    """Whose failed codes count: this browser's own budget, never its address's."""
    return card_checks(failed=failed)


def _too_many(wait: int | None = None):
    """Refuse while this browser has used up its failed attempts.

    The check runs on the request's own connection, which then reads the card.
    """
    if wait is None:
        wait = throttle().blocked(_guess_checks(), connection=get_session().connection())
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
        if wait := throttle().fail(_guess_checks(failed=True)):  # another took the last try
            return _too_many(wait)
    return render_template("ballots/rejected.html", reason=exc.reason, message=str(exc)), status


def _choices() -> dict[int, str]:
    """The marked lines of the posted ballot (``s<subject id>`` → level); blanks are left out.

    Whether each subject and level belongs to the card's ballot is checked by the operation.

    :raises CardRejected: if a line is posted twice.
    """
    chosen: dict[int, str] = {}
    for key, values in request.form.lists():
        if not (key.startswith("s") and key[1:].isascii() and key[1:].isdigit() and len(key) <= 12):
            continue  # the code, the CSRF token
        marked = [value for value in values if value != ""]
        if len(marked) > 1:  # two marks on one line
            raise operations.reject("bad_ballot")
        if marked:
            chosen[int(key[1:])] = marked[0]
    return chosen


def _write_ins() -> dict[int, list[str]]:
    """The posted write-in fields (``w<position id>``, one per seat); empty ones are kept out.

    Whether each position takes write-ins is checked by the operation.
    """
    names: dict[int, list[str]] = {}
    for key, values in request.form.lists():
        if key.startswith("w") and key[1:].isascii() and key[1:].isdigit() and len(key) <= 12:
            if filled := [value for value in values if value.strip()]:
                names[int(key[1:])] = filled
    return names


def _labels(round_: Round) -> dict[str, str]:
    """The round's level names in this request's language, translated once, not per line."""
    return {str(level): str(label) for level, label in level_labels(round_.kind).items()}


@dataclass(frozen=True)
class BallotView:
    """A round's ballot as HTML pieces, for one language.

    Built once per open round and language in each worker (a round's subjects are frozen while
    it is open, so the empty ballot and every review line are the same for every voter) and
    then served without loading a subject from the database.
    """

    #: The empty ballot's lines.
    lines: Markup
    #: Subject ids in ballot order.
    order: tuple[int, ...]
    #: ``(subject id, level or None)`` → that line of the review page.
    review_rows: dict[tuple[int, str | None], Markup]
    #: The same ids as a set, to check a posted ballot against.
    subject_ids: frozenset[int] = frozenset()

    @property
    def total(self) -> int:
        return len(self.order)

    def review(self, chosen: dict[int, str]) -> Markup:
        return Markup("").join(self.review_rows[sid, chosen.get(sid)] for sid in self.order)


#: How many (round, language) ballots each worker keeps.
BALLOT_CACHE_SIZE = 32


def _build_view(round_: Round, locale: str) -> BallotView:
    labels = _labels(round_)
    levels = list(labels)
    data_lang = Markup(' lang="vi"') if locale != "vi" else ""
    lines = Markup(render_template(
        "ballots/_lines.html", round=round_, chosen={}, levels=levels, labels=labels,
        total=len(round_.subjects), data_lang=data_lang,
    ))
    line = get_template_attribute("ballots/_review_line.html", "line")
    rows = {
        (s.id, level): Markup(line(s, level, labels, data_lang))
        for s in round_.subjects
        for level in [*levels, None]
    }
    order = tuple(s.id for s in round_.subjects)
    return BallotView(lines, order, rows, frozenset(order))


def _ballot_ids(round_id: int) -> frozenset[int]:
    return ballot_view(round_id).subject_ids


def ballot_view(round_id: int) -> BallotView:
    """The :class:`BallotView` of an open round in this request's language, kept while it is
    open (its subjects cannot change then)."""
    locale = str(get_locale())
    views = Kept.of("ballot_views", BALLOT_CACHE_SIZE)
    if (view := views.get((round_id, locale))) is not None:
        return view
    round_ = get_session().get(Round, round_id)
    view = _build_view(round_, locale)
    if round_.state is RoundState.open:  # closed meanwhile: nothing to keep
        views.put((round_id, locale), view)
    return view


def _ballot_page(card: operations.CardCheck, code: str, chosen: dict[int, str]):
    db = get_session()
    if card.kind == RoundKind.nomination:
        round_ = db.get(Round, card.round_id)
        chosen, write_ins = nomination.fold_write_ins(round_, chosen, _write_ins())
        return render_template(
            "ballots/nomination.html", round=round_, form=CardOnPage(code), chosen=chosen,
            lines=nomination.line_counts(round_, chosen, write_ins),
            write_ins=write_ins, labels=_labels(round_),
        )
    view = ballot_view(card.round_id)
    if chosen:  # back from the review: the marks are put back on the lines
        round_ = db.get(Round, card.round_id)
        labels = _labels(round_)
        lines = Markup(render_template(
            "ballots/_lines.html", round=round_, chosen=chosen, levels=list(labels),
            labels=labels, total=view.total,
            data_lang=Markup(' lang="vi"') if str(get_locale()) != "vi" else "",
        ))
        return render_template(
            "ballots/ballot.html", round=round_, form=CardOnPage(code), chosen=chosen,
            lines=lines, total=view.total,
        )
    return voter_page(
        ("ballot", card.round_id, str(get_locale())),
        lambda code: render_template(
            "ballots/ballot.html", round=db.get(Round, card.round_id), form=CardOnPage(code),
            chosen={}, lines=view.lines, total=view.total,
        ),
        code=escape(code),
    )


@bp.get("/v")
def landing():
    """The page a card's QR code opens: its script submits the code from the fragment."""
    return voter_page(
        ("landing", str(get_locale())),
        lambda: render_template("ballots/landing.html", form=ClaimForm(formdata=None)),
    )


@bp.post("/v")
def claim():
    """Check the card and show the ballot."""
    db = get_session()
    if blocked := _too_many():
        return blocked
    # (the CSRF token has been checked by CSRFProtect before this view runs)
    typed = request.form.get("code", "")
    code = normalize_code(typed) if typed.strip() and len(typed) <= 64 else None
    if code is None:
        form = ClaimForm(formdata=request.form)
        if form.validate():  # something was typed, but not a card code
            form.code.errors = [str(operations.REJECTIONS["malformed"])]
        return render_template("ballots/landing.html", form=form), 400
    try:
        card = operations.check_card(db, code)
    except CardRejected as exc:
        return _rejected(exc)
    if card.kind == RoundKind.appraisal:
        return appraisal.claim(db, card, code, _rejected)
    return _ballot_page(card, code, {})


def _posted_ballot() -> tuple[operations.CardCheck, str, dict[int, str], BallotView | None]:
    """The posted card, code and choices, checked against the card's ballot; its
    :class:`BallotView`, or ``None`` for a nomination."""
    db = get_session()
    code = CardOnPage.posted().code.data
    chosen = _choices()
    card = operations.check_card(db, code)
    if card.kind == RoundKind.appraisal:  # its form posts to the appraisal pages
        raise operations.reject("bad_ballot")
    if operations.check_ballot(db, card, chosen, _write_ins(), ballot_ids=_ballot_ids):
        return card, code, chosen, None  # a nomination
    return card, code, chosen, ballot_view(card.round_id)


@bp.post("/v/ballot")
def edit_ballot():
    """Back from the review step to the ballot, with the choices kept."""
    if blocked := _too_many():
        return blocked
    try:
        card, code, chosen, _view = _posted_ballot()
    except CardRejected as exc:
        return _rejected(exc)
    return _ballot_page(card, code, chosen)


@bp.post("/v/review")
def review():
    """Show the choices, and warn of blank lines, before the final submit."""
    db = get_session()
    if blocked := _too_many():
        return blocked
    try:
        card, code, chosen, view = _posted_ballot()
    except CardRejected as exc:
        return _rejected(exc)
    if view is None:  # a nomination
        round_ = db.get(Round, card.round_id)
        chosen, write_ins = nomination.fold_write_ins(round_, chosen, _write_ins())
        return render_template(
            "ballots/nomination_review.html", round=round_, form=CardOnPage(code),
            chosen=chosen, lines=nomination.line_counts(round_, chosen, write_ins),
            labels=_labels(round_),
        )
    blank = view.total - len(chosen)
    return voter_page(
        ("review", card.round_id, str(get_locale()), blank),
        lambda code, rows: render_template(
            "ballots/review.html", round=db.get(Round, card.round_id), form=CardOnPage(code),
            rows=rows, blank=blank,
        ),
        code=escape(code),
        rows=view.review(chosen),
    )


def _cast(record: Callable[[Session, str], None]):
    """Spend the posted card and store what ``record`` writes, in one transaction."""
    # the throttle first, on the request's connection: a blocked browser is refused without
    # taking a writer's turn (begin_write ends this read to begin the writing transaction)
    if blocked := _too_many():
        return blocked
    code = CardOnPage.posted().code.data
    db = begin_write(get_session())
    try:
        record(db, code)
    except CardRejected as exc:
        db.rollback()
        return _rejected(exc)
    db.commit()
    return redirect(url_for("ballots.thanks"), code=303)


@bp.post("/v/cast")
def cast():
    """Record the ballot and spend the card, in one transaction."""
    return _cast(lambda db, code: operations.cast_ballot(
        db, code, _choices(), _write_ins(), ballot_ids=_ballot_ids))


# An appraisal form (named cards, levels and scores per line) posts to pages of its own, so
# that the other kinds' pages never need to look up which kind a card votes in.


@bp.post("/v/a/ballot")
def appraisal_edit():
    """Back from the appraisal review to the form, every answer kept."""
    if blocked := _too_many():
        return blocked
    return appraisal.edit(get_session(), _rejected)


@bp.post("/v/a/review")
def appraisal_review():
    """The appraisal answers listed before the final submit."""
    if blocked := _too_many():
        return blocked
    return appraisal.review(get_session(), _rejected)


@bp.post("/v/a/cast")
def appraisal_cast():
    """Record an appraisal and spend its named card, in one transaction."""
    return _cast(appraisal.cast)


@bp.get("/v/thanks")
def thanks():
    """Confirms that a ballot was recorded; never shows what it said."""
    return voter_page(
        ("thanks", str(get_locale())), lambda: render_template("ballots/thanks.html"), form=False
    )


# -- organizer pages: cards ----------------------------------------------------------------------


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
    round_ = round_or_404(round_id, write=True)
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
    round_ = round_or_404(round_id)
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
    round_ = round_or_404(round_id, write=True)
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
    round_ = round_or_404(round_id, write=True)
    form = SerialForm()
    db = get_session()
    if not form.validate_on_submit():
        flash_error(_("Hãy ghi số thẻ."))
        return redirect(url_for("rounds.show", round_id=round_id) + "#cards")
    try:
        if action == "void":
            discarded = operations.void_card(db, round_, form.serial.data)
            audit(db, "cards.void", round_.id, serial=form.serial.data,
                  **({"paper_entries_discarded": discarded} if discarded else {}))
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
