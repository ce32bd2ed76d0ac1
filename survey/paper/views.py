"""Paper ballots in the browser: print, record what was handed out, enter twice, and see what
is not counted yet."""

from __future__ import annotations

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
from survey.errors import SurveyError
from survey.i18n import _, _l
from survey.kinds import kind_of
from survey.kinds.paper import BLANK, BLANK_KEY, INVALID, INVALID_KEY, MARK_LABELS, PaperGroup
from survey.paper import entry as entries
from survey.paper import reconcile, slots
from survey.paper.entry import EntryOutcome
from survey.paper.forms import (
    MAX_COPIES,
    EntryForm,
    IssuedForm,
    PaperVotersForm,
    PrintForm,
    WithdrawForm,
)
from survey.paper.printing import paper_ballots_pdf
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round
from survey.web import audit, flash_error, organizer_required, refusal_status, write

bp = Blueprint("paper", __name__)


def _page(round_id: int, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("paper.index", round_id=round_id) + (f"#{anchor}" if anchor else ""))


@bp.get("/rounds/<int:round_id>/paper")
@organizer_required
def index(round_id: int) -> ResponseReturnValue:
    """Paper ballots of a round: print, record, entry, and every ballot not yet counted."""
    round_ = round_or_404(round_id)
    db = get_session()
    kind = kind_of(round_)
    return render_template(
        "paper/index.html", round=round_, layout=kind.paper,
        counts=slots.paper_counts(db, round_),
        pending=reconcile.pending_ballots(db, round_) if kind.paper else [],
        voters=kind.paper_voters(db, round_.id),
        groups=kind.paper_groups(round_) if kind.paper else [],
        issued_form=IssuedForm(formdata=None, prefix="issued", count=round_.paper_issued),
        voters_form=PaperVotersForm(formdata=None, prefix="voters"),
        print_form=PrintForm(formdata=None, prefix="print"),
        withdraw_form=WithdrawForm(formdata=None),
    )


@bp.post("/rounds/<int:round_id>/paper/issue")
@organizer_required
def issue(round_id: int) -> ResponseReturnValue:
    """Record how many paper ballots have been handed out, in all."""
    round_ = round_or_404(round_id, write=True)
    form = IssuedForm(prefix="issued")
    if not form.validate_on_submit():
        flash_error(_("Số phiếu giấy đã phát phải là số nguyên từ 0 đến %(max)d.", max=MAX_CARDS))
        return _page(round_id, "issue")
    with write() as outcome:
        before = slots.record_paper_issued(get_session(), round_, form.count.data)
        audit(get_session(), "paper.issue", round_.id, issued=form.count.data, before=before)
    if outcome.done:
        flash(_("Đã ghi: %(n)d phiếu giấy đã phát.", n=form.count.data), "info")
    return _page(round_id, "issue")


@bp.post("/rounds/<int:round_id>/paper/voters")
@organizer_required
def voters(round_id: int) -> ResponseReturnValue:
    """Named forms: record who votes on paper (by roster number), so that they get no card."""
    round_ = round_or_404(round_id, write=True)
    form = PaperVotersForm(prefix="voters")
    text = (form.orders.data or "").strip() if form.validate_on_submit() else ""
    if not text:
        flash_error(_("Hãy ghi số thứ tự (STT) của những người bỏ phiếu bằng giấy."))
        return _page(round_id, "issue")
    with write() as outcome:
        made = kind_of(round_).record_paper_voters(get_session(), round_, parse_serials(text))
        audit(get_session(), "paper.voters", round_.id, members=text, count=len(made))
    if outcome.done:
        flash(_("Đã ghi %(n)d người bỏ phiếu bằng giấy.", n=len(made)), "info")
    return _page(round_id, "issue")


def _group_index(text: str | int | None) -> int | None:
    """A group's number (from 1) as a form or the address gives it; ``None`` if none is."""
    value = str(text or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else None


def _printed_groups(round_: Round, index: int | None) -> list[PaperGroup]:
    """:raises SurveyError: if the round has no paper ballot, or no such group."""
    slots.layout_for(round_)
    if not index:
        return entries.paper_groups(round_)
    return [entries.group_at(round_, index)]


@bp.post("/rounds/<int:round_id>/paper/pdf")
@organizer_required
def pdf(round_id: int) -> ResponseReturnValue:
    """``copies`` identical paper ballots (of each group), each on one sheet of A4.

    The PDF is drawn outside any writing transaction (voters must not wait for the database
    meanwhile); then the print is audited.
    """
    round_ = round_or_404(round_id)
    form = PrintForm(prefix="print")
    if not form.validate_on_submit():
        flash_error(_l("Số bản in phải là số nguyên từ 1 đến %(max)d.", max=MAX_COPIES))
        return _page(round_id, "print")
    try:
        groups = _printed_groups(round_, form.group.data)
    except SurveyError as exc:
        flash_error(exc)
        return _page(round_id, "print")
    data = paper_ballots_pdf(round_, slots.layout_for(round_),
                             [(group, form.copies.data) for group in groups])
    with transaction(get_session()):  # made before the audit entry: no entry without it
        audit(get_session(), "paper.print", round_id, copies=form.copies.data,
              groups=len(groups))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="phieu-giay-{round_id}.pdf"'})


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


def _chosen_group(round_: Round, form: EntryForm) -> tuple[int, PaperGroup] | None:
    """The group whose form is entered, with its number; ``None`` while one must be chosen."""
    try:
        index = _group_index(form.group.data)
        return index or 1, entries.group_at(round_, index)
    except SurveyError:
        return None


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
        groups=entries.paper_groups(round_), group=_chosen_group(round_, form),
        write_ins=_posted_write_ins() if posted else {},
        scores=_posted_scores(round_) if posted else {},
    ), status


def _outcome_message(outcome: EntryOutcome) -> tuple[str, str]:
    serial, number = outcome.counting_number, outcome.number
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
    """The entry page of one collected paper ballot (or of a correction of one's own entry);
    where a round has several forms (units), first the choice of the form."""
    round_ = _entry_round(round_id)
    form = EntryForm(formdata=None, correct=request.args.get("correct", ""),
                     group=request.args.get("group", ""))
    if form.correct.data == "1":
        form.number.data = request.args.get("number", type=int)
    return _entry_page(round_, form, {})


def _enter(round_: Round, form: EntryForm, chosen: dict[int, str]) -> EntryOutcome:
    """Read the posted entry, record it, and audit what it did."""
    db = get_session()
    correct = form.correct.data == "1"
    group = entries.group_at(round_, _group_index(form.group.data))
    reading = entries.read_ballot(
        round_, bool(form.invalid.data), chosen, subjects=group.subjects,
        write_ins=_posted_write_ins(), scores=_posted_scores(round_),
    )
    outcome = entries.enter_paper_ballot(db, round_, counting_number=form.number.data,
                                         user_id=current_user.id, reading=reading,
                                         correct=correct)
    number = outcome.counting_number
    audit(db, "paper.correct" if correct else "paper.entry", round_.id,
          counting_number=number, number=outcome.number)
    if outcome.counted:
        audit(db, "paper.count", round_.id, counting_number=number)
    elif outcome.others:
        audit(db, "paper.differ", round_.id, counting_number=number, number=outcome.number,
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
    return redirect(url_for("paper.entry", round_id=round_id,
                            group=_group_index(form.group.data)), code=303)


@bp.post("/rounds/<int:round_id>/paper/withdraw")
@organizer_required
def withdraw(round_id: int) -> ResponseReturnValue:
    """Delete one's own entry of a ballot not yet counted (its number typed wrongly)."""
    round_ = round_or_404(round_id, write=True)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    with write() as outcome:
        number = entries.withdraw_entry(get_session(), round_, counting_number=form.number.data,
                                        user_id=current_user.id)
        audit(get_session(), "paper.withdraw", round_.id, counting_number=form.number.data,
              number=number)
    if outcome.done:
        flash(_("Đã xóa lần nhập phiếu số %(serial)d của bạn.", serial=form.number.data), "info")
    return _page(round_id, "pending")
