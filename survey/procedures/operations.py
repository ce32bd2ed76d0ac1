"""Use cases of a procedure: create it, record a meeting, derive the next step from the
previous one's result, add or remove a name with its reason. Each takes the session first,
flushes at most and never commits (docs/procedure.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.desk.operations import create_round
from survey.errors import InvalidInput, NotFound, QuorumError, RoundStateError
from survey.i18n import _l
from survey.kinds import kind_named, kind_of
from survey.procedures.models import Procedure, ProcedurePost, Step, StepChange, StepPerson
from survey.procedures.stages import PURPOSES, VARIANTS, Stage, in_vietnamese, stages_of
from survey.rounds.models import BodyKind, Round, RoundState, quorum_met
from survey.tally.nomination import name_key
from survey.tally.procedure import MAX_PER_POST, Nominee, Post, Standing, carried

#: The longest reason kept with a change of a list.
MAX_REASON = 500


def stage_of(procedure: Procedure, step: Step) -> Stage:
    return stages_of(procedure.variant)[step.order - 1]


def posts_of(procedure: Procedure) -> list[Post]:
    return [Post(p.title, p.seats) for p in procedure.posts]


def get_procedure(session: Session, procedure_id: int) -> Procedure:
    procedure = session.get(Procedure, procedure_id)
    if procedure is None:
        raise NotFound(_l("Không có quy trình số %(id)s.", id=procedure_id))
    return procedure


def list_procedures(session: Session) -> list[Procedure]:
    return list(session.scalars(select(Procedure).order_by(Procedure.created_at.desc(),
                                                           Procedure.id.desc())))


def procedure_of_round(session: Session, round_id: int) -> tuple[Procedure, Step] | None:
    """The procedure a round is a step of, and the step; ``None`` for a round of its own."""
    step = session.scalar(select(Step).where(Step.round_id == round_id))
    if step is None:
        return None
    return get_procedure(session, step.procedure_id), step


def _text(value: str, limit: int, message: object) -> str:
    value = " ".join(value.split())
    if not value or len(value) > limit:
        raise InvalidInput(message)
    return value


def create_procedure(session: Session, *, title: str, purpose: str, variant: str, body: str,
                     members: int, posts: Sequence[Post], now: datetime,
                     body_kind: str = BodyKind.party, place: str = "",
                     min_ballots: int = 5) -> Procedure:
    """A procedure with its posts and one step per conference of its variant.

    :raises InvalidInput: if a detail is missing or out of range.
    """
    title = _text(title, 300, _l("Cần có tên quy trình."))
    if purpose not in PURPOSES or variant not in VARIANTS:
        raise InvalidInput(_l("Loại quy trình không hợp lệ."))
    if members < 1:
        raise InvalidInput(_l("Số thành viên tập thể lãnh đạo phải lớn hơn 0."))
    if min_ballots < 1:
        raise InvalidInput(_l("Số phiếu tối thiểu phải lớn hơn 0."))
    if not posts:
        raise InvalidInput(_l("Cần có ít nhất một chức danh."))
    procedure = Procedure(title=title, purpose=purpose, variant=variant, body=body.strip(),
                          body_kind=body_kind, place=place.strip(), members=members,
                          min_ballots=min_ballots, created_at=now)
    seen: set[str] = set()
    for order, post in enumerate(posts, start=1):
        post_title = _text(post.title, 250, _l("Cần có tên chức danh."))
        if name_key(post_title) in seen:
            raise InvalidInput(_l("Chức danh “%(title)s” đã có.", title=post_title))
        if not 1 <= post.seats <= MAX_PER_POST:
            raise InvalidInput(_l("Số người của một chức danh phải từ 1 đến %(max)d.",
                                  max=MAX_PER_POST))
        seen.add(name_key(post_title))
        procedure.posts.append(ProcedurePost(order=order, title=post_title, seats=post.seats))
    for order in range(1, len(stages_of(variant)) + 1):
        procedure.steps.append(Step(order=order, note=""))
    session.add(procedure)
    session.flush()
    return procedure


# -- where a procedure stands --------------------------------------------------------------------


@dataclass(frozen=True)
class StepView:
    """A step as the pages, the commands and the dossier read it."""

    step: Step
    stage: Stage
    round: Round | None
    #: The result as the next step reads it; ``None`` until there is one.
    standings: list[Standing] | None

    @property
    def order(self) -> int:
        return self.step.order

    @property
    def pending(self) -> list[Standing]:
        """People at exactly half whose head's decision is not recorded yet."""
        return [s for s in self.standings or [] if s.pending]

    @property
    def done(self) -> bool:
        if self.stage.kind is None:
            return self.step.recorded_at is not None
        return self.standings is not None and not self.pending

    @property
    def nominees(self) -> list[Nominee]:
        """The step's list: its meeting's people, or its round's ballot."""
        if self.round is not None:
            return kind_of(self.round).nominees(self.round)
        return [Nominee(p.post, p.name, p.current) for p in self.step.people]


def view_step(session: Session, procedure: Procedure, step: Step) -> StepView:
    stage = stage_of(procedure, step)
    round_ = session.get(Round, step.round_id) if step.round_id is not None else None
    standings = None
    if round_ is not None and round_.results_ready:
        standings = kind_of(round_).standings(session, round_)
    elif stage.kind is None and step.recorded_at is not None:
        standings = [Standing(p.post, p.name, p.current, None, None, None, passed=True)
                     for p in step.people]
    return StepView(step, stage, round_, standings)


def view_steps(session: Session, procedure: Procedure) -> list[StepView]:
    return [view_step(session, procedure, step) for step in procedure.steps]


def current_step(views: Sequence[StepView]) -> StepView | None:
    """The first step not done; ``None`` when every step is."""
    return next((view for view in views if not view.done), None)


def _carried_from(views: Sequence[StepView], order: int) -> list[Nominee]:
    """Who step ``order`` lists: those the previous step passed (or tied at a last seat).

    :raises RoundStateError: if the previous step is not done.
    """
    previous = views[order - 2]
    if previous.pending:
        raise RoundStateError(_l("Cần ghi quyết định của người đứng đầu đối với người đạt đúng "
                                 "1/2 ở bước %(n)d trước khi sang bước sau.", n=previous.order))
    if not previous.done or previous.standings is None:
        raise RoundStateError(_l("Bước %(n)d chưa xong: chưa lập được danh sách bước sau.",
                                 n=previous.order))
    return carried(previous.standings)


# -- meetings without a ballot -------------------------------------------------------------------


def record_meeting(session: Session, procedure: Procedure, step: Step, *, held_on: date | None,
                   summoned: int | None, present: int | None, note: str,
                   people: Sequence[Nominee] = (), now: datetime) -> None:
    """Record a meeting without a ballot; it completes the step.

    The first step's meeting names the people it considers (``people``); a later meeting's
    list is the previous step's result.

    :raises RoundStateError: if the step holds a ballot, is recorded, or comes too early.
    :raises QuorumError: if fewer than two thirds of those summoned are present.
    :raises InvalidInput: if a detail is wrong.
    """
    stage = stage_of(procedure, step)
    views = view_steps(session, procedure)
    if stage.kind is not None:
        raise RoundStateError(_l("Bước này bỏ phiếu: hãy lập đợt bỏ phiếu của bước."))
    if step.recorded_at is not None:
        raise RoundStateError(_l("Bước này đã được ghi."))
    # a later meeting lists whoever passed the step before (which must be done)
    listed = list(people) if step.order == 1 else _carried_from(views, step.order)
    current = current_step(views)
    if current is None or current.step.id != step.id:
        raise RoundStateError(_l("Chỉ ghi được bước đang đến lượt."))
    if stage.attendance:
        if summoned is None or present is None or summoned < 1 or not 0 <= present <= summoned:
            raise InvalidInput(_l("Cần ghi số người được triệu tập (lớn hơn 0) và số người có "
                                  "mặt (không quá số được triệu tập)."))
        if not quorum_met(summoned, present):
            raise QuorumError(_l("Không đủ số người có mặt: cần ít nhất 2/3 của %(summoned)d "
                                 "người được triệu tập, hiện có %(present)d.",
                                 summoned=summoned, present=present))
        step.summoned, step.present = summoned, present
    note = " ".join(note.split())
    if len(note) > 2000:
        raise InvalidInput(_l("Nội dung dài tối đa %(n)d ký tự.", n=2000))
    _check_people(procedure, listed)
    step.people.clear()
    for order, person in enumerate(listed, start=1):
        step.people.append(StepPerson(order=order, post=person.post, name=person.name,
                                      current=" ".join(person.current.split())))
    step.held_on, step.note, step.recorded_at = held_on, note, now
    session.flush()


def _check_people(procedure: Procedure, people: Sequence[Nominee]) -> None:
    posts = {name_key(p.title) for p in procedure.posts}
    seen: set[tuple[str, str]] = set()
    for person in people:
        _text(person.name, 120, _l("Họ và tên trống hoặc quá dài."))
        if name_key(person.post) not in posts:
            raise InvalidInput(_l("Không có chức danh “%(title)s”.", title=person.post))
        if person.key in seen:
            raise InvalidInput(_l("%(name)s đã có trong chức danh này.", name=person.name))
        seen.add(person.key)


# -- ballot steps --------------------------------------------------------------------------------


def derive_step(session: Session, procedure: Procedure, *, now: datetime) -> Step:
    """Prepare the next ballot step: a draft round of the step's kind whose list is the
    previous step's result (those who passed, and those tied at a last seat), in one action.

    The round is a draft like any other: record its attendance, make and issue its cards, open
    it. Its list can be changed only here, each change with its reason (:func:`change_names`).

    :raises RoundStateError: if the procedure is done, the next step has no ballot or is
        already prepared, or the previous step is not done.
    """
    views = view_steps(session, procedure)
    current = current_step(views)
    if current is None:
        raise RoundStateError(_l("Quy trình đã xong mọi bước."))
    stage = current.stage
    if stage.kind is None:
        raise RoundStateError(_l("Bước %(n)d không bỏ phiếu: hãy ghi lại cuộc họp.",
                                 n=current.order))
    if current.round is not None:
        raise RoundStateError(_l("Bước %(n)d đã có đợt bỏ phiếu.", n=current.order))
    nominees = _carried_from(views, current.order)
    step_title = in_vietnamese(_l("Bước %(n)d: %(stage)s", n=current.order,
                                  stage=in_vietnamese(stage.title)))
    round_ = create_round(
        session, title=f"{procedure.title} – {step_title}"[:300],
        now=now, kind=stage.kind, body=procedure.body, body_kind=procedure.body_kind,
        place=procedure.place, summoned=procedure.members if stage.collective else None,
        min_ballots=procedure.min_ballots,
    )
    kind_named(stage.kind).set_nominees(session, round_, posts_of(procedure), nominees,
                                        write_ins=stage.write_ins)
    round_.list_locked = True
    current.step.round_id = round_.id
    session.flush()
    return current.step


@contextmanager
def _unlocked(round_: Round) -> Iterator[Round]:
    """The procedure's own change of a derived list (each with its recorded reason)."""
    round_.list_locked = False
    try:
        yield round_
    finally:
        round_.list_locked = True


def change_names(session: Session, procedure: Procedure, step: Step, *, action: str,
                 person: Nominee, reason: str, actor: str, now: datetime) -> StepChange:
    """Add a person to, or remove one from, a ballot step's derived list, with the reason.

    :raises RoundStateError: if the step has no draft round.
    :raises InvalidInput: if the reason is missing, the post unknown, the name already listed.
    :raises NotFound: if the person to remove is not on the list.
    """
    view = view_step(session, procedure, step)
    round_ = view.round
    if round_ is None or round_.state is not RoundState.draft:
        raise RoundStateError(_l("Chỉ thêm hoặc bớt người khi đợt của bước đang chuẩn bị."))
    reason = _text(reason, MAX_REASON, _l("Cần ghi lý do (tối đa %(n)d ký tự).", n=MAX_REASON))
    listed = view.nominees
    if action == "add":
        person = Nominee(person.post, " ".join(person.name.split()),
                         " ".join(person.current.split()))
        listed = [*listed, person]
        _check_people(procedure, listed)
    elif action == "remove":
        found = [n for n in listed if n.key == person.key]
        if not found:
            raise NotFound(_l("Không có người này trong danh sách."))
        person = found[0]
        listed = [n for n in listed if n.key != person.key]
    else:
        raise InvalidInput(_l("Thao tác không hợp lệ."))
    with _unlocked(round_):
        kind_of(round_).set_nominees(session, round_, posts_of(procedure), listed,
                                     write_ins=view.stage.write_ins)
    change = StepChange(action=action, post=person.post, name=person.name, reason=reason,
                        actor=actor, at=now)
    step.changes.append(change)
    session.flush()
    return change


__all__ = ["MAX_REASON", "StepView", "change_names", "create_procedure", "current_step",
           "derive_step", "get_procedure", "list_procedures", "posts_of", "procedure_of_round",
           "record_meeting", "stage_of", "view_step", "view_steps"]
