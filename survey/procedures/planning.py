"""Planning lists (quy hoạch "động và mở"): each body's people per post, reviewed yearly.

A list changes in three ways, each recorded with where it came from: a planning procedure's
result, a review round's result (the leadership collective votes on each proposal to add or to
remove someone), or a direct entry with its reason. At most :data:`MAX_PER_POST` people are
planned for one post; a person planned for more than three posts is warned about, never refused
(docs/rules.md#planning-list). Every function takes the session first and never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.desk.operations import create_round
from survey.errors import InvalidInput, NotFound, RoundStateError
from survey.i18n import _l
from survey.kinds.approval import COLLECTIVE_VOTE
from survey.procedures.models import (
    PlanningEntry,
    PlanningProposal,
    PlanningReview,
    Procedure,
)
from survey.procedures.operations import view_steps
from survey.procedures.stages import PLANNING, in_vietnamese
from survey.rounds.models import Round
from survey.tally.nomination import name_key
from survey.tally.procedure import MAX_PER_POST, Nominee, Overplanned, overplanned

ADD, REMOVE = "add", "remove"
ACTIONS = {ADD: _l("Bổ sung vào quy hoạch"), REMOVE: _l("Đưa ra khỏi quy hoạch")}


def _clean(value: str, limit: int, message: object) -> str:
    value = " ".join(value.split())
    if not value or len(value) > limit:
        raise InvalidInput(message)
    return value


def active_entries(session: Session, body: str | None = None) -> list[PlanningEntry]:
    """The people planned now, by body, post and the order they were added."""
    query = select(PlanningEntry).where(PlanningEntry.removed_at.is_(None))
    if body is not None:
        query = query.where(PlanningEntry.body == body)
    return list(session.scalars(query.order_by(PlanningEntry.body, PlanningEntry.post,
                                               PlanningEntry.added_at, PlanningEntry.id)))


def warnings(entries: Sequence[PlanningEntry]) -> list[tuple[str, Overplanned]]:
    """People planned for more than three posts of one body: ``(body, warning)``."""
    out = []
    for body in dict.fromkeys(e.body for e in entries):
        out += [(body, w) for w in overplanned((e.post, e.name) for e in entries
                                               if e.body == body)]
    return out


def add_entry(session: Session, *, body: str, person: Nominee, source: str,
              now: datetime) -> PlanningEntry:
    """Put ``person`` on ``body``'s list for their post.

    :raises InvalidInput: if the post already has :data:`MAX_PER_POST` people, or the person is
        already planned for it.
    """
    body = " ".join(body.split())
    post = _clean(person.post, 250, _l("Cần có tên chức danh."))
    name = _clean(person.name, 120, _l("Họ và tên trống hoặc quá dài."))
    planned = [e for e in active_entries(session, body) if name_key(e.post) == name_key(post)]
    if any(name_key(e.name) == name_key(name) for e in planned):
        raise InvalidInput(_l("%(name)s đã có trong quy hoạch chức danh %(post)s.",
                              name=name, post=post))
    if len(planned) >= MAX_PER_POST:
        raise InvalidInput(_l("Chức danh %(post)s đã có %(n)d người trong quy hoạch (tối đa "
                              "%(n)d): cần đưa một người ra trước.", post=post, n=MAX_PER_POST))
    entry = PlanningEntry(body=body, post=post, name=name,
                          current=" ".join(person.current.split()), source=source[:600],
                          added_at=now, removal="")
    session.add(entry)
    session.flush()
    return entry


def _entry(session: Session, entry_id: int) -> PlanningEntry:
    entry = session.get(PlanningEntry, entry_id)
    if entry is None or entry.removed_at is not None:
        raise NotFound(_l("Không có người này trong quy hoạch."))
    return entry


def remove_entry(session: Session, entry_id: int, *, removal: str,
                 now: datetime) -> PlanningEntry:
    """:raises NotFound: if the entry is not on a list now."""
    entry = _entry(session, entry_id)
    entry.removed_at, entry.removal = now, removal[:600]
    session.flush()
    return entry


def reason_text(reason: str) -> str:
    return _clean(reason, 500, _l("Cần ghi lý do (tối đa %(n)d ký tự).", n=500))


def plan_procedure(session: Session, procedure: Procedure, *, now: datetime) -> list[PlanningEntry]:
    """Write who passed a planning procedure's last step into the body's planning list.

    :raises InvalidInput: if the procedure is not a planning one, or is done and written.
    :raises RoundStateError: if its last step has no result yet.
    """
    if procedure.purpose != PLANNING:
        raise InvalidInput(_l("Chỉ quy trình quy hoạch mới ghi vào danh sách quy hoạch."))
    if procedure.planned_at is not None:
        raise InvalidInput(_l("Kết quả của quy trình này đã được ghi vào danh sách quy hoạch."))
    last = view_steps(session, procedure)[-1]
    if not last.done:
        raise RoundStateError(_l("Bước cuối của quy trình chưa có kết quả."))
    source = in_vietnamese(_l("Quy trình số %(id)d: %(title)s", id=procedure.id,
                              title=procedure.title))
    added = [add_entry(session, body=procedure.body, person=s.nominee, source=source, now=now)
             for s in last.standings or [] if s.passed]
    procedure.planned_at = now
    return added


# -- yearly reviews ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """A proposal of a review: add ``person`` to their post's list, or remove entry
    ``entry_id``."""

    action: str
    reason: str
    person: Nominee | None = None
    entry_id: int | None = None


def create_review(session: Session, *, body: str, year: int, proposals: Sequence[Proposal],
                  members: int, now: datetime, min_ballots: int = 5) -> PlanningReview:
    """A review of ``body``'s planning list: a draft vote of the leadership collective (its
    ``members`` summoned) with one line per proposal, linked to the review.

    :raises InvalidInput: if there is no proposal, or one is not valid.
    """
    if not proposals:
        raise InvalidInput(_l("Cần có ít nhất một đề xuất bổ sung hoặc đưa ra khỏi quy hoạch."))
    review = PlanningReview(body=" ".join(body.split()), year=year, created_at=now)
    nominees = []
    for order, proposal in enumerate(proposals, start=1):
        reason = reason_text(proposal.reason)
        if proposal.action == REMOVE and proposal.entry_id is not None:
            entry = _entry(session, proposal.entry_id)
            if entry.body != review.body:
                raise NotFound(_l("Không có người này trong quy hoạch."))
            person = Nominee(entry.post, entry.name, entry.current)
        elif proposal.action == ADD and proposal.person is not None:
            person = proposal.person
            _clean(person.post, 250, _l("Cần có tên chức danh."))
            _clean(person.name, 120, _l("Họ và tên trống hoặc quá dài."))
        else:
            raise InvalidInput(_l("Thao tác không hợp lệ."))
        review.proposals.append(PlanningProposal(
            order=order, action=proposal.action, post=person.post, name=person.name,
            current=person.current, reason=reason, entry_id=proposal.entry_id))
        line = in_vietnamese(_l("%(action)s: %(post)s", action=ACTIONS[proposal.action],
                                post=person.post))
        nominees.append(Nominee(line, person.name, person.current))
    title = in_vietnamese(_l("Rà soát quy hoạch năm %(year)d – %(body)s", year=year,
                             body=review.body or "…"))
    round_ = create_round(session, title=title[:300], now=now, kind=COLLECTIVE_VOTE.name,
                          body=review.body, summoned=members, min_ballots=min_ballots)
    COLLECTIVE_VOTE.set_nominees(session, round_, [], nominees, write_ins=False)
    round_.list_locked = True
    review.round_id = round_.id
    session.add(review)
    session.flush()
    return review


def apply_review(session: Session, review: PlanningReview, *, now: datetime) -> int:
    """Write a closed review's result into the planning list: the removals approved, then the
    additions approved; returns how many entries changed.

    :raises RoundStateError: if the round is not closed, its figures are withheld, or a head's
        decision is still to be recorded.
    :raises InvalidInput: if the review is already applied, or an approved addition does not
        fit its post (nothing is written then).
    """
    if review.applied_at is not None:
        raise InvalidInput(_l("Kết quả rà soát này đã được ghi vào danh sách quy hoạch."))
    round_ = session.get(Round, review.round_id) if review.round_id is not None else None
    if round_ is None or not round_.results_ready:
        raise RoundStateError(_l("Đợt biểu quyết của rà soát chưa kết thúc."))
    standings = COLLECTIVE_VOTE.standings(session, round_)
    if standings is None:
        raise RoundStateError(_l("Đợt này thu về quá ít phiếu: không có kết quả để dựa vào."))
    if any(s.pending for s in standings):
        raise RoundStateError(_l("Cần ghi quyết định của người đứng đầu đối với người đạt đúng "
                                 "1/2 trước khi ghi kết quả."))
    approved = [p for p, s in zip(review.proposals, standings, strict=True) if s.passed]
    source = in_vietnamese(_l("Rà soát quy hoạch năm %(year)d (đợt số %(round)d)",
                              year=review.year, round=round_.id))
    for proposal in approved:
        if proposal.action == REMOVE and proposal.entry_id is not None:
            remove_entry(session, proposal.entry_id, removal=f"{source}: {proposal.reason}",
                         now=now)
    for proposal in (p for p in approved if p.action == ADD):
        add_entry(session, body=review.body,
                  person=Nominee(proposal.post, proposal.name, proposal.current),
                  source=f"{source}: {proposal.reason}", now=now)
    review.applied_at = now
    session.flush()
    return len(approved)


__all__ = ["ACTIONS", "ADD", "REMOVE", "Proposal", "active_entries", "add_entry",
           "apply_review", "create_review", "plan_procedure", "reason_text", "remove_entry",
           "warnings"]
