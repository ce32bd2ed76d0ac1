"""The voter's phone pages (no login): claim a card, fill in its ballot, review, cast.

The pages are the same for every kind of round; what the ballot looks like, how it is read,
checked and stored is the card's kind's (:mod:`survey.kinds`). A kind whose forms post to a
path of their own (an appraisal form: ``/v/a/…``) is answered there and only there.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from survey.ballots import operations
from survey.ballots.cards import normalize_code
from survey.ballots.forms import CardOnPage, ClaimForm
from survey.db import get_session, transaction
from survey.errors import CardRejected
from survey.i18n import _
from survey.kinds import KINDS
from survey.kinds.base import Kind
from survey.kinds.casting import cast as cast_ballot
from survey.security.guessing import card_checks
from survey.web import throttle
from survey.web.pages import voter_page

bp = Blueprint("voting", __name__)

NOT_FOUND_REASONS = {"malformed", "unknown"}

#: The voter pages' paths: ``/v/review`` and, for a kind with forms of its own, ``/v/a/review``.
PATHS = "<any(a):path>/"


def _too_many(wait: int | None = None) -> ResponseReturnValue | None:
    """Refuse while this browser has used up its failed attempts (never its address: see
    :mod:`survey.security.guessing`).

    The check runs on the request's own connection, which then reads the card.
    """
    if wait is None:
        wait = throttle().blocked(card_checks(), connection=get_session().connection())
    if not wait:
        return None
    minutes = max(1, (wait + 59) // 60)
    message = _("Đã nhập sai mã quá nhiều lần. Hãy chờ %(minutes)d phút rồi thử lại, hoặc báo "
                "ban kiểm phiếu.", minutes=minutes)
    response = render_template("voting/rejected.html", reason="throttled", message=message)
    return response, 429, {"Retry-After": str(wait)}


def _rejected(exc: CardRejected) -> ResponseReturnValue:
    status = 404 if exc.reason in NOT_FOUND_REASONS else 409
    if exc.reason in NOT_FOUND_REASONS:  # a guess, or a typing mistake: count it
        if wait := throttle().fail(card_checks(failed=True)):  # another took the last try
            page = _too_many(wait)
            assert page is not None  # a wait is set: the page that says so
            return page
    return render_template("voting/rejected.html", reason=exc.reason, message=str(exc)), status


def _card(path: str) -> tuple[operations.CardCheck, Kind, str]:
    """The posted card, which must be able to vote now, its kind, and its code.

    :raises CardRejected: if it cannot vote, or its kind's forms post elsewhere.
    """
    code = CardOnPage.posted().code.data
    card = operations.check_card(get_session(), code)
    kind = KINDS[card.kind]
    if kind.voter_path != path:
        raise operations.reject("bad_ballot")
    return card, kind, code


@bp.get("/v")
def landing() -> ResponseReturnValue:
    """The page a card's QR code opens: its script submits the code from the fragment."""
    return voter_page(
        ("landing", str(get_locale())),
        lambda: render_template("voting/landing.html", form=ClaimForm(formdata=None)),
    )


@bp.post("/v")
def claim() -> ResponseReturnValue:
    """Check the card and show its ballot."""
    if blocked := _too_many():
        return blocked
    # (the CSRF token has been checked by CSRFProtect before this view runs)
    typed = request.form.get("code", "")
    code = normalize_code(typed) if typed.strip() and len(typed) <= 64 else None
    if code is None:
        form = ClaimForm(formdata=request.form)
        if form.validate():  # something was typed, but not a card code
            form.code.errors = [str(operations.REJECTIONS["malformed"])]
        return render_template("voting/landing.html", form=form), 400
    try:
        card = operations.check_card(get_session(), code)
        return KINDS[card.kind].ballot_page(get_session(), card, code)
    except CardRejected as exc:
        return _rejected(exc)


def _step(path: str, page: str) -> ResponseReturnValue:
    """The ballot again (``page="ballot"``) or the review, for the posted ballot once checked."""
    if blocked := _too_many():
        return blocked
    try:
        card, kind, code = _card(path)
        ballot = kind.read_ballot(request.form)
        kind.check_ballot(get_session(), card, ballot, ballot_ids=kind.cached_ids())
        if page == "ballot":
            return kind.ballot_page(get_session(), card, code, ballot)
        return kind.review_page(get_session(), card, code, ballot)
    except CardRejected as exc:
        return _rejected(exc)


@bp.post("/v/ballot", defaults={"path": ""})
@bp.post(f"/v/{PATHS}ballot")
def edit_ballot(path: str) -> ResponseReturnValue:
    """Back from the review step to the ballot, every answer kept."""
    return _step(path, "ballot")


@bp.post("/v/review", defaults={"path": ""})
@bp.post(f"/v/{PATHS}review")
def review(path: str) -> ResponseReturnValue:
    """The answers listed before the final submit, with a warning for blank lines."""
    return _step(path, "review")


@bp.post("/v/cast", defaults={"path": ""})
@bp.post(f"/v/{PATHS}cast")
def cast(path: str) -> ResponseReturnValue:
    """Record the ballot and spend the card, in one transaction."""
    # the throttle first, on the request's connection: a blocked browser is refused without
    # taking a writer's turn (the transaction ends this read to begin the writing one)
    if blocked := _too_many():
        return blocked
    code = CardOnPage.posted().code.data
    try:
        with transaction(get_session()) as db:
            cast_ballot(db, code, form=request.form, path=path, cached=True)
    except CardRejected as exc:
        return _rejected(exc)
    return redirect(url_for("voting.thanks"), code=303)


@bp.get("/v/thanks")
def thanks() -> ResponseReturnValue:
    """Confirms that a ballot was recorded; never shows what it said."""
    return voter_page(
        ("thanks", str(get_locale())), lambda: render_template("voting/thanks.html"), form=False
    )
