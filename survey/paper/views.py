"""Paper ballots in the browser: print, issue, enter twice, and see what is not counted yet."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from survey.ballots.operations import MAX_CARDS, parse_serials
from survey.db import get_session, transaction
from survey.errors import NotFound, SurveyError
from survey.i18n import _, _l
from survey.kinds import kind_of
from survey.kinds.paper import BLANK, BLANK_KEY, INVALID, INVALID_KEY, MARK_LABELS
from survey.paper import entry as entries
from survey.paper import reconcile, slots
from survey.paper.entry import EntryOutcome
from survey.paper.forms import CreatePaperForm, EntryForm, PaperSerialsForm
from survey.paper.printing import paper_ballots_pdf
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round
from survey.web import audit, flash_error, organizer_required, refusal_status, write

bp = Blueprint("paper", __name__)


def _page(round_id: int, **args: str) -> ResponseReturnValue:
    values: dict[str, Any] = {"round_id": round_id, **args}  # url_for's **values
    return redirect(url_for("paper.index", **values)
                    + ("#print" if args else ""))


@bp.get("/rounds/<int:round_id>/paper")
@organizer_required
def index(round_id: int) -> ResponseReturnValue:
    """Paper ballots of a round: print, issue, entry, and every serial not yet counted."""
    round_ = round_or_404(round_id)
    db = get_session()
    kind = kind_of(round_)
    return render_template(
        "paper/index.html", round=round_, layout=kind.paper,
        counts=slots.paper_counts(db, round_.id),
        pending=reconcile.pending_serials(db, round_) if kind.paper else [],
        named=kind.paper_holders(db, round_.id, slots.paper_serials(db, round_)),
        create_form=CreatePaperForm(formdata=None),
        issue_form=PaperSerialsForm(formdata=None, prefix="issue"),
        print_form=PaperSerialsForm(formdata=None, prefix="print"),
        members_form=PaperSerialsForm(formdata=None, prefix="members"),
    )


def _created(round_: Round, serials: list[int]) -> ResponseReturnValue:
    span = f"{serials[0]}-{serials[-1]}"
    flash(_("Đã tạo %(n)d phiếu giấy, số %(span)s. Hãy tải PDF để in.", n=len(serials),
            span=span.replace("-", "–")), "info")
    return _page(round_.id, serials=span)


@bp.post("/rounds/<int:round_id>/paper/create")
@organizer_required
def create(round_id: int) -> ResponseReturnValue:
    """Take new serials for paper ballots (named forms: for the roster numbers typed)."""
    round_ = round_or_404(round_id, write=True)
    if kind_of(round_).named_cards:
        return _create_forms(round_)
    form = CreatePaperForm()
    if not form.validate_on_submit():
        flash_error(_("Số phiếu giấy phải là số nguyên từ 1 đến %(max)d.", max=MAX_CARDS))
        return _page(round_id)
    with write() as outcome:
        serials = slots.create_paper_ballots(get_session(), round_, form.count.data)
        audit(get_session(), "paper.create", round_.id, count=len(serials),
              serials=f"{serials[0]}-{serials[-1]}")
    return _page(round_id) if outcome.refusal else _created(round_, serials)


def _create_forms(round_: Round) -> ResponseReturnValue:
    """Named forms: one paper form for each roster member named by their number (STT)."""
    form = PaperSerialsForm(prefix="members")
    text = (form.serials.data or "").strip() if form.validate_on_submit() else ""
    if not text:
        flash_error(_("Hãy ghi số thứ tự (STT) của những người nhận phiếu giấy."))
        return _page(round_.id)
    with write() as outcome:
        serials = kind_of(round_).create_paper_forms(get_session(), round_, parse_serials(text))
        audit(get_session(), "paper.create", round_.id, count=len(serials),
              serials=f"{serials[0]}-{serials[-1]}")
    return _page(round_.id) if outcome.refusal else _created(round_, serials)


@bp.post("/rounds/<int:round_id>/paper/issue")
@organizer_required
def issue(round_id: int) -> ResponseReturnValue:
    """Count the paper ballots handed out as issued."""
    round_ = round_or_404(round_id, write=True)
    form = PaperSerialsForm(prefix="issue")
    if not form.validate_on_submit() or not (form.serials.data or "").strip():
        flash_error(_("Hãy ghi số các phiếu giấy đã phát."))
        return _page(round_id)
    with write() as outcome:
        n = slots.issue_paper_ballots(get_session(), round_, parse_serials(form.serials.data))
        audit(get_session(), "paper.issue", round_.id, serials=form.serials.data, issued=n)
    if outcome.done:
        flash(_("Đã ghi %(n)d phiếu giấy là đã phát.", n=n), "info")
    return _page(round_id)


def _printed_serials(round_: Round, text: str) -> list[int]:
    """:raises SurveyError: if the round has no paper ballot, or a serial is not one."""
    slots.layout_for(round_)
    serials = slots.paper_serials(get_session(), round_, parse_serials(text) if text else None)
    if not serials:
        raise NotFound(_l("Chưa có phiếu giấy nào: hãy tạo phiếu giấy trước."))
    return serials


@bp.post("/rounds/<int:round_id>/paper/pdf")
@organizer_required
def pdf(round_id: int) -> ResponseReturnValue:
    """The paper ballots named (all the round's when none), one per A4 page.

    The PDF is drawn outside any writing transaction (hundreds of pages take a while, and
    voters must not wait for the database meanwhile); then the print is audited.
    """
    round_ = round_or_404(round_id)
    form = PaperSerialsForm(prefix="print")
    if not form.validate_on_submit():
        abort(400)
    text = (form.serials.data or "").strip()
    try:
        serials = _printed_serials(round_, text)
    except SurveyError as exc:
        flash_error(exc)
        return _page(round_id)
    lines = {serial: entries.form_subjects(get_session(), round_, serial) for serial in serials}
    data = paper_ballots_pdf(round_, slots.layout_for(round_), serials, lines)
    with transaction(get_session()):  # made before the audit entry: no entry without it
        audit(get_session(), "paper.print", round_id, serials=text or "all", count=len(serials))
    name = f"phieu-giay-{round_id}-{serials[0]}-{serials[-1]}.pdf"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _posted_lines(round_: Round) -> dict[int, str]:
    """The posted ``s<subject id>`` radios; what each is worth is checked by the operation."""
    return {s.id: value for s in round_.subjects if (value := request.form.get(f"s{s.id}", ""))}


def _posted_write_ins() -> dict[int, list[str]]:
    """The names typed in the ``w<position id>`` fields (a ballot with write-ins)."""
    return {int(key[1:]): values for key, values in request.form.lists()
            if key[:1] == "w" and key[1:].isascii() and key[1:].isdigit() and len(key) <= 12
            and values}


def _posted_scores(round_: Round) -> dict[int, tuple[str, str]]:
    """The scores typed in the ``g<subject id>`` and ``t<subject id>`` fields (a form with
    scores)."""
    return {s.id: (request.form.get(f"g{s.id}", ""), request.form.get(f"t{s.id}", ""))
            for s in round_.subjects}


def _entry_page(round_: Round, form: EntryForm, chosen: dict[int, str],
                status: int = 200) -> ResponseReturnValue:
    layout = slots.layout_for(round_)
    marks = [(level.value, str(level.label), level.key) for level in layout.entry_levels]
    marks += [(BLANK, layout.label_of(BLANK), BLANK_KEY),
              (INVALID, str(MARK_LABELS[INVALID]), INVALID_KEY)]
    posted = request.method == "POST"
    return render_template(
        "paper/entry.html", round=round_, form=form, chosen=chosen, marks=marks,
        correct=form.correct.data == "1", shape=layout.form,
        write_ins=_posted_write_ins() if posted else {},
        scores=_posted_scores(round_) if posted else {},
    ), status


def _outcome_message(outcome: EntryOutcome) -> tuple[str, str]:
    serial, number = outcome.serial, outcome.number
    if outcome.counted and number > 2:
        return "info", _("Đã nhập phiếu số %(serial)d (lần %(n)d): khớp với một lần nhập "
                         "trước, phiếu đã được tính.", serial=serial, n=number)
    if outcome.counted:
        return "info", _("Đã nhập phiếu số %(serial)d (lần %(n)d/2): hai lần nhập khớp nhau, "
                         "phiếu đã được tính.", serial=serial, n=number)
    if outcome.others:
        return "error", _(
            "Phiếu số %(serial)d: lần nhập %(n)d khác lần nhập %(others)s ở dòng %(lines)s. "
            "Phiếu chưa được tính: cần một người khác nhập lại phiếu này, hoặc người nhập sai "
            "sửa lần nhập của mình.",
            serial=serial, n=number, others=", ".join(map(str, outcome.others)),
            lines=", ".join(map(str, outcome.differs)) or "—",
        )
    if outcome.corrected:
        return "info", _("Đã sửa lần nhập phiếu số %(serial)d của bạn.", serial=serial)
    return "info", _("Đã nhập phiếu số %(serial)d (lần %(n)d/2).", serial=serial, n=number)


def _entry_round(round_id: int, *, write: bool = False) -> Round:
    """The round whose paper ballots are entered; a kind without paper ballots is a 409."""
    round_ = round_or_404(round_id, write=write)
    try:
        slots.layout_for(round_)
    except SurveyError as exc:
        abort(409, str(exc))
    return round_


@bp.get("/rounds/<int:round_id>/paper/entry")
@organizer_required
def entry(round_id: int) -> ResponseReturnValue:
    """The entry page of one collected paper ballot (or of a correction of one's own entry)."""
    round_ = _entry_round(round_id)
    form = EntryForm(formdata=None, correct=request.args.get("correct", ""))
    if form.correct.data == "1":
        form.serial.data = request.args.get("serial", type=int)
    return _entry_page(round_, form, {})


def _enter(round_: Round, form: EntryForm, chosen: dict[int, str]) -> EntryOutcome:
    """Read the posted entry, record it, and audit what it did."""
    db = get_session()
    correct = form.correct.data == "1"
    reading = entries.read_ballot(
        round_, bool(form.invalid.data), chosen,
        subjects=entries.form_subjects(db, round_, form.serial.data),
        write_ins=_posted_write_ins(), scores=_posted_scores(round_),
    )
    outcome = entries.enter_paper_ballot(db, round_, serial=form.serial.data,
                                         user_id=current_user.id, reading=reading,
                                         correct=correct)
    audit(db, "paper.correct" if correct else "paper.entry", round_.id,
          serial=outcome.serial, number=outcome.number)
    if outcome.counted:
        audit(db, "paper.count", round_.id, serial=outcome.serial)
    elif outcome.others:
        audit(db, "paper.differ", round_.id, serial=outcome.serial, number=outcome.number,
              others=list(outcome.others), lines=list(outcome.differs))
    return outcome


@bp.post("/rounds/<int:round_id>/paper/entry")
@organizer_required
def enter(round_id: int) -> ResponseReturnValue:
    """Enter one collected paper ballot; two people enter each, and agreeing entries count."""
    round_ = _entry_round(round_id, write=True)
    form = EntryForm()
    chosen = _posted_lines(round_)
    if not form.validate_on_submit():
        return _entry_page(round_, form, chosen, 422)
    with write() as outcome:
        entered = _enter(round_, form, chosen)
    if outcome.refusal:
        return _entry_page(round_, form, chosen, refusal_status(outcome.refusal))
    flash(_outcome_message(entered)[1], _outcome_message(entered)[0])
    return redirect(url_for("paper.entry", round_id=round_id), code=303)
