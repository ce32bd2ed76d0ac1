"""Organizer pages for paper ballots: print, issue, enter twice, see the differences."""

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
from flask_login import current_user

from survey.ballots.operations import parse_serials
from survey.db import begin_write, get_session
from survey.errors import NotFound, RoundStateError, SurveyError
from survey.i18n import _
from survey.kinds import kind_of
from survey.kinds.appraisal import paper as paper_appraisal
from survey.kinds.nomination.models import positions_of
from survey.kinds.paper import (
    APPRAISAL,
    BLANK,
    BLANK_KEY,
    INVALID,
    INVALID_KEY,
    MARK_LABELS,
)
from survey.paper import operations
from survey.paper.forms import CreatePaperForm, EntryForm, PaperSerialsForm
from survey.paper.operations import EntryOutcome
from survey.paper.printing import paper_ballots_pdf
from survey.rounds.lookup import round_or_404
from survey.rounds.models import Round
from survey.web import audit, flash_error, organizer_required

bp = Blueprint("paper", __name__)


def _page(round_id: int):
    return redirect(url_for("paper.index", round_id=round_id))


@bp.get("/rounds/<int:round_id>/paper")
@organizer_required
def index(round_id: int):
    """Paper ballots of a round: print, issue, entry, and every serial not yet counted."""
    round_ = round_or_404(round_id)
    db = get_session()
    layout = kind_of(round_).paper
    return render_template(
        "paper/index.html",
        round=round_,
        layout=layout,
        counts=operations.paper_counts(db, round_.id),
        pending=operations.pending_serials(db, round_) if layout else [],
        named=(paper_appraisal.holders(db, round_.id, operations.paper_serials(db, round_))
               if layout is not None and layout.form == APPRAISAL else None),
        create_form=CreatePaperForm(formdata=None),
        issue_form=PaperSerialsForm(formdata=None, prefix="issue"),
        print_form=PaperSerialsForm(formdata=None, prefix="print"),
        members_form=PaperSerialsForm(formdata=None, prefix="members"),
    )


@bp.post("/rounds/<int:round_id>/paper/create")
@organizer_required
def create(round_id: int):
    """Take new serials for paper ballots."""
    round_ = round_or_404(round_id, write=True)
    layout = kind_of(round_).paper
    if layout is not None and layout.form == APPRAISAL:
        return _create_forms(round_)
    form = CreatePaperForm()
    db = get_session()
    if not form.validate_on_submit():
        flash_error(_("Số phiếu giấy phải là số nguyên từ 1 đến %(max)d.",
                      max=operations.MAX_CARDS))
        return _page(round_id)
    try:
        serials = operations.create_paper_ballots(db, round_, form.count.data)
        span = f"{serials[0]}-{serials[-1]}"
        audit(db, "paper.create", round_.id, count=len(serials), serials=span)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return _page(round_id)
    db.commit()
    flash(_("Đã tạo %(n)d phiếu giấy, số %(span)s. Hãy tải PDF để in.", n=len(serials),
            span=span.replace("-", "–")), "info")
    return redirect(url_for("paper.index", round_id=round_id, serials=span) + "#print")


def _create_forms(round_: Round):
    """Appraisal: one paper form for each roster member named by their number (STT)."""
    form = PaperSerialsForm(prefix="members")
    db = get_session()
    text = (form.serials.data or "").strip() if form.validate_on_submit() else ""
    if not text:
        flash_error(_("Hãy ghi số thứ tự (STT) của những người nhận phiếu giấy."))
        return _page(round_.id)
    try:
        serials = paper_appraisal.create_paper_forms(db, round_, parse_serials(text))
        span = f"{serials[0]}-{serials[-1]}"
        audit(db, "paper.create", round_.id, count=len(serials), serials=span)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return _page(round_.id)
    db.commit()
    flash(_("Đã tạo %(n)d phiếu giấy, số %(span)s. Hãy tải PDF để in.", n=len(serials),
            span=span.replace("-", "–")), "info")
    return redirect(url_for("paper.index", round_id=round_.id, serials=span) + "#print")


@bp.post("/rounds/<int:round_id>/paper/issue")
@organizer_required
def issue(round_id: int):
    """Count the paper ballots handed out as issued."""
    round_ = round_or_404(round_id, write=True)
    form = PaperSerialsForm(prefix="issue")
    db = get_session()
    if not form.validate_on_submit() or not (form.serials.data or "").strip():
        flash_error(_("Hãy ghi số các phiếu giấy đã phát."))
        return _page(round_id)
    try:
        n = operations.issue_paper_ballots(db, round_, parse_serials(form.serials.data))
        audit(db, "paper.issue", round_.id, serials=form.serials.data, issued=n)
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return _page(round_id)
    db.commit()
    flash(_("Đã ghi %(n)d phiếu giấy là đã phát.", n=n), "info")
    return _page(round_id)


@bp.post("/rounds/<int:round_id>/paper/pdf")
@organizer_required
def pdf(round_id: int):
    """The paper ballots named (all the round's when none), one per A4 page.

    The PDF is drawn outside any writing transaction (hundreds of pages take a while, and
    voters must not wait for the database meanwhile); then the print is audited.
    """
    round_ = round_or_404(round_id)
    form = PaperSerialsForm(prefix="print")
    db = get_session()
    if not form.validate_on_submit():
        abort(400)
    text = (form.serials.data or "").strip()
    try:
        layout = operations.layout_for(round_)
        serials = operations.paper_serials(db, round_, parse_serials(text) if text else None)
        if not serials:
            raise NotFound(_("Chưa có phiếu giấy nào: hãy tạo phiếu giấy trước."))
    except SurveyError as exc:
        flash_error(exc)
        return _page(round_id)
    forms = None
    if layout.form == APPRAISAL:
        forms = {serial: operations.form_subjects(db, round_, serial) for serial in serials}
    data = paper_ballots_pdf(round_, layout, serials, forms)
    begin_write(db)  # made before the audit entry: no entry without it
    audit(db, "paper.print", round_id, serials=text or "all", count=len(serials))
    db.commit()
    name = f"phieu-giay-{round_id}-{serials[0]}-{serials[-1]}.pdf"
    return Response(
        data, mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _posted_lines(round_: Round) -> dict[int, str]:
    """The posted ``s<subject id>`` radios; what each is worth is checked by the operation."""
    chosen: dict[int, str] = {}
    for subject in round_.subjects:
        value = request.form.get(f"s{subject.id}", "")
        if value:
            chosen[subject.id] = value
    return chosen


def _posted_write_ins(round_: Round) -> dict[int, list[str]]:
    """Nomination: the names typed in the ``w<position id>`` fields."""
    return {p.id: request.form.getlist(f"w{p.id}") for p in positions_of(round_)
            if request.form.getlist(f"w{p.id}")}


def _posted_scores(round_: Round) -> dict[int, tuple[str, str]]:
    """Appraisal: the scores typed in the ``g<subject id>`` and ``t<subject id>`` fields."""
    return {s.id: (request.form.get(f"g{s.id}", ""), request.form.get(f"t{s.id}", ""))
            for s in round_.subjects}


def _entry_page(round_: Round, form: EntryForm, chosen: dict[int, str], status: int = 200):
    layout = operations.layout_for(round_)
    marks = [(level.value, str(level.label), level.key) for level in layout.entry_levels]
    marks += [(BLANK, layout.label_of(BLANK), BLANK_KEY),
              (INVALID, str(MARK_LABELS[INVALID]), INVALID_KEY)]
    return render_template(
        "paper/entry.html", round=round_, form=form, chosen=chosen, marks=marks,
        correct=form.correct.data == "1", shape=layout.form,
        write_ins=_posted_write_ins(round_) if request.method == "POST" else {},
        scores=_posted_scores(round_) if request.method == "POST" else {},
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


@bp.route("/rounds/<int:round_id>/paper/entry", methods=["GET", "POST"])
@organizer_required
def entry(round_id: int):
    """Enter one collected paper ballot; two people enter each, and agreeing entries count."""
    round_ = round_or_404(round_id, write=request.method == "POST")
    try:
        operations.layout_for(round_)
    except SurveyError as exc:
        abort(409, str(exc))
    if request.method == "GET":
        form = EntryForm(formdata=None, correct=request.args.get("correct", ""))
        if form.correct.data == "1":
            form.serial.data = request.args.get("serial", type=int)
        return _entry_page(round_, form, {})
    form = EntryForm()
    chosen = _posted_lines(round_)
    if not form.validate_on_submit():
        return _entry_page(round_, form, chosen, 422)
    db = get_session()
    correct = form.correct.data == "1"
    try:
        reading = operations.read_ballot(
            round_, bool(form.invalid.data), chosen,
            subjects=operations.form_subjects(db, round_, form.serial.data),
            write_ins=_posted_write_ins(round_), scores=_posted_scores(round_),
        )
        outcome = operations.enter_paper_ballot(
            db, round_, serial=form.serial.data, user_id=current_user.id, reading=reading,
            correct=correct,
        )
        audit(db, "paper.correct" if correct else "paper.entry", round_.id,
              serial=outcome.serial, number=outcome.number)
        if outcome.counted:
            audit(db, "paper.count", round_.id, serial=outcome.serial)
        elif outcome.others:
            audit(db, "paper.differ", round_.id, serial=outcome.serial, number=outcome.number,
                  others=list(outcome.others), lines=list(outcome.differs))
    except SurveyError as exc:
        db.rollback()
        flash_error(exc)
        return _entry_page(round_, form, chosen, 409 if isinstance(exc, RoundStateError) else 422)
    db.commit()
    category, message = _outcome_message(outcome)
    flash(message, category)
    return redirect(url_for("paper.entry", round_id=round_id), code=303)
