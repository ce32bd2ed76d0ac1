"""Procedures of linked conferences, and planning lists (docs/procedure.md).

A procedure records which round each ballot step is and, for a step without a ballot, its
meeting. It stores nothing about a ballot: the rounds keep their anonymous cards and ballots
exactly as any round does, and the procedure only links them and their results.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey.db import Base
from survey.rounds.models import BodyKind, quorum_met


class Procedure(Base):
    """An appointment (bổ nhiệm) or planning (quy hoạch) procedure: its posts and steps."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    #: ``appointment`` (bổ nhiệm) or ``planning`` (quy hoạch).
    purpose: Mapped[str] = mapped_column(String(16))
    #: ``internal``: five conferences, people from the body's own staff; ``external``: three
    #: steps, a person from elsewhere (survey.procedures.stages).
    variant: Mapped[str] = mapped_column(String(16))
    #: The organising body, as its rounds name it.
    body: Mapped[str] = mapped_column(String(300), default="")
    body_kind: Mapped[str] = mapped_column(String(16), default=BodyKind.party)
    place: Mapped[str] = mapped_column(String(200), default="")
    #: Members of the leadership collective: summoned to its conferences; its deciding vote
    #: is taken of this number.
    members: Mapped[int]
    #: The steps' rounds show no figure below this many ballots.
    min_ballots: Mapped[int] = mapped_column(default=5)
    created_at: Mapped[datetime]
    #: A planning procedure: when its result was written into the planning list.
    planned_at: Mapped[datetime | None]

    posts: Mapped[list[ProcedurePost]] = relationship(
        order_by="ProcedurePost.order", cascade="all, delete-orphan", passive_deletes=True
    )
    steps: Mapped[list[Step]] = relationship(
        order_by="Step.order", cascade="all, delete-orphan", passive_deletes=True
    )


class ProcedurePost(Base):
    """A post the procedure fills or plans for."""

    __tablename__ = "procedure_posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    order: Mapped[int]
    title: Mapped[str] = mapped_column(String(250))
    #: How many people it takes: 1 to 3.
    seats: Mapped[int]


class Step(Base):
    """One conference of a procedure: a round (a ballot step) or a meeting without a ballot."""

    __tablename__ = "procedure_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(
        ForeignKey("procedures.id", ondelete="CASCADE"), index=True
    )
    #: 1-based place in the procedure.
    order: Mapped[int]
    #: A ballot step's round, once derived; a deleted draft leaves the step to derive again.
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL"), unique=True
    )
    # -- a meeting without a ballot --
    held_on: Mapped[date | None]
    summoned: Mapped[int | None]
    present: Mapped[int | None]
    #: What the meeting concluded (structure, standards, the report sent on).
    note: Mapped[str] = mapped_column(String(2000), default="")
    #: Set when the meeting is recorded: the step is then done.
    recorded_at: Mapped[datetime | None]

    people: Mapped[list[StepPerson]] = relationship(
        order_by="StepPerson.order", cascade="all, delete-orphan", passive_deletes=True
    )
    changes: Mapped[list[StepChange]] = relationship(
        order_by="StepChange.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def has_quorum(self) -> bool:
        return (self.summoned is not None and self.present is not None
                and quorum_met(self.summoned, self.present))


class StepPerson(Base):
    """A person on a meeting's list, with the post they are considered for."""

    __tablename__ = "step_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_steps.id", ondelete="CASCADE"), index=True
    )
    order: Mapped[int]
    post: Mapped[str] = mapped_column(String(250))
    name: Mapped[str] = mapped_column(String(120))
    current: Mapped[str] = mapped_column(String(250), default="")


class StepChange(Base):
    """A name the officer added to or removed from a step's derived list, and why."""

    __tablename__ = "step_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(
        ForeignKey("procedure_steps.id", ondelete="CASCADE"), index=True
    )
    #: ``add`` or ``remove``.
    action: Mapped[str] = mapped_column(String(8))
    post: Mapped[str] = mapped_column(String(250))
    name: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(500))
    #: Who made it (an organizer account or ``cli:<user>``), and when (UTC).
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime]


class PlanningEntry(Base):
    """A person on a body's planning list for a post (quy hoạch), until removed."""

    __tablename__ = "planning_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(300), index=True)
    post: Mapped[str] = mapped_column(String(250))
    name: Mapped[str] = mapped_column(String(120))
    current: Mapped[str] = mapped_column(String(250), default="")
    #: Where the entry comes from: a procedure, a review, or a direct entry and its reason.
    source: Mapped[str] = mapped_column(String(600))
    added_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]
    #: Why it was removed (a review, or a direct entry and its reason).
    removal: Mapped[str] = mapped_column(String(600), default="")


class PlanningReview(Base):
    """A yearly review of a planning list: a round votes on proposals to add or remove."""

    __tablename__ = "planning_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(300))
    year: Mapped[int]
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("rounds.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime]
    #: Set when the result is written into the planning list.
    applied_at: Mapped[datetime | None]

    proposals: Mapped[list[PlanningProposal]] = relationship(
        order_by="PlanningProposal.order", cascade="all, delete-orphan", passive_deletes=True
    )


class PlanningProposal(Base):
    """One proposal of a review: add a person to a post's list, or remove an entry."""

    __tablename__ = "planning_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        ForeignKey("planning_reviews.id", ondelete="CASCADE"), index=True
    )
    #: Its line on the review round's ballot.
    order: Mapped[int]
    #: ``add`` or ``remove``.
    action: Mapped[str] = mapped_column(String(8))
    post: Mapped[str] = mapped_column(String(250))
    name: Mapped[str] = mapped_column(String(120))
    current: Mapped[str] = mapped_column(String(250), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
    #: The entry a removal is about.
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("planning_entries.id", ondelete="SET NULL")
    )
