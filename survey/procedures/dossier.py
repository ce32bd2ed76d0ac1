"""The dossier of a procedure: what its PDF and its workbook show, gathered once.

The cover (each step's conference and figures, who passed which step with which share, every
change of a list with its reason, the head's decisions, each person's trend in earlier rounds
of the same body, the audit chain's head) is built here from the steps' results; each ballot
step's minutes are its kind's own (survey.procedures.dossier_pdf).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.documents.text import number
from survey.i18n import _
from survey.kinds import kind_of
from survey.kinds.approval.models import head_decisions
from survey.kinds.counts import round_figures
from survey.procedures.models import Procedure, Step, StepChange
from survey.procedures.operations import StepView, view_steps
from survey.procedures.stages import PURPOSES, VARIANTS
from survey.rounds.models import Round
from survey.security import audit
from survey.tally.confidence import RoundFigures
from survey.tally.nomination import name_key
from survey.tally.procedure import CoverRow, Standing, TrendPoint, cover_rows, people_named, trend

#: How many earlier closed rounds of the same body are searched for a person's trend.
EARLIER_ROUNDS = 40


@dataclass(frozen=True)
class Decision:
    """The head's decision on one person at exactly half."""

    step: int
    name: str
    agreed: bool
    note: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class StepSheet:
    """One step as the dossier shows it."""

    view: StepView
    #: The round's figures (attendance, ballots); ``None`` for a meeting or a step not derived.
    figures: RoundFigures | None
    changes: tuple[StepChange, ...]

    @property
    def order(self) -> int:
        return self.view.order

    @property
    def title(self) -> str:
        return str(self.view.stage.title)

    @property
    def held_on(self) -> date | None:
        round_ = self.view.round
        return round_.held_on if round_ is not None else self.view.step.held_on

    @property
    def summoned(self) -> int | None:
        return self.figures.summoned if self.figures else self.view.step.summoned

    @property
    def present(self) -> int | None:
        return self.figures.present if self.figures else self.view.step.present

    @property
    def state(self) -> str:
        """Where the step stands, in words."""
        view = self.view
        if view.done:
            return _("Đã xong")
        if view.round is not None:
            return view.round.state_label
        return _("Chưa tiến hành")


@dataclass(frozen=True)
class Dossier:
    procedure: Procedure
    steps: tuple[StepSheet, ...]
    cover: tuple[CoverRow, ...]
    decisions: tuple[Decision, ...]
    #: Each person (as first written) and their points in earlier rounds, oldest first.
    trends: tuple[tuple[str, tuple[TrendPoint, ...]], ...]
    audit_head: str | None
    made_on: date

    @property
    def purpose_label(self) -> str:
        return str(PURPOSES[self.procedure.purpose])

    @property
    def variant_label(self) -> str:
        return str(VARIANTS[self.procedure.variant])

    @property
    def outcome(self) -> list[Standing] | None:
        """Who passed the last step; ``None`` while it is not done."""
        last = self.steps[-1].view
        return [s for s in last.standings or [] if s.passed] if last.done else None

    # -- what a heading needs (survey.documents.minutes.Heading) --

    @property
    def body(self) -> str:
        return self.procedure.body

    @property
    def parent_body(self) -> str:
        return ""

    @property
    def is_party(self) -> bool:
        return self.procedure.body_kind == "party"

    def place_date_text(self) -> str:
        d = self.made_on
        return _("%(place)s, %(date)s", place="……………",
                 date=_("ngày %(d)02d tháng %(m)02d năm %(y)d", d=d.day, m=d.month, y=d.year))


def _decisions(session: Session, views: list[StepView]) -> list[Decision]:
    out = []
    for view in views:
        if view.round is None:
            continue
        names = {s.id: s.name for s in view.round.subjects}
        for subject_id, decision in head_decisions(session, view.round.id).items():
            out.append(Decision(view.order, names.get(subject_id, "?"), decision.agreed,
                                decision.note, decision.recorded_by, decision.recorded_at))
    return out


def _point_label(session: Session, round_: Round) -> str:
    step = session.scalar(select(Step).where(Step.round_id == round_.id))
    if step is None:
        return round_.title
    procedure = session.get(Procedure, step.procedure_id)
    title = procedure.title if procedure is not None else "?"
    return _("%(title)s, bước %(n)d", title=title, n=step.order)


def earlier_trends(session: Session, procedure: Procedure,
                   names: list[str]) -> list[tuple[str, tuple[TrendPoint, ...]]]:
    """Each person's figures in earlier closed rounds of the same body (a confidence poll, an
    earlier procedure's steps): matched by name, as the poll's "earlier" column is."""
    wanted = people_named(names)
    body = name_key(procedure.body)
    query = (select(Round).where(Round.closed_at.is_not(None),
                                 Round.closed_at < procedure.created_at)
             .order_by(Round.closed_at.desc(), Round.id.desc()).limit(EARLIER_ROUNDS))
    found: dict[str, list[TrendPoint]] = {key: [] for key in wanted}
    for other in session.scalars(query):
        if name_key(other.body) != body:
            continue
        shares = kind_of(other).shares_by_name(session, other)
        matches = [key for key in wanted if key in shares]
        if not matches:
            continue
        assert other.closed_at is not None
        on = other.held_on or other.closed_at.date()
        label = _point_label(session, other)
        for key in matches:
            found[key].append(TrendPoint(on, label, shares[key], other.id))
    return [(wanted[key], tuple(trend(points))) for key, points in found.items() if points]


def build_dossier(session: Session, procedure: Procedure, *, today: date) -> Dossier:
    views = view_steps(session, procedure)
    sheets = tuple(
        StepSheet(view, round_figures(session, view.round) if view.round is not None else None,
                  tuple(view.step.changes))
        for view in views
    )
    cover = tuple(cover_rows([view.standings for view in views]))
    return Dossier(
        procedure=procedure, steps=sheets, cover=cover,
        decisions=tuple(_decisions(session, views)),
        trends=tuple(earlier_trends(session, procedure, [row.name for row in cover])),
        audit_head=audit.head(session), made_on=today,
    )


def cell_text(standing: Standing | None, *, ballot: bool) -> str:
    """A person's result at one step, as the cover table prints it."""
    if standing is None:
        return "—"
    if not ballot:
        return _("Có tên")
    share = f"{number(standing.percent)}%" if standing.percent is not None else ""
    return f"{share}\n{verdict(standing)}"


def verdict(standing: Standing) -> str:
    if standing.head_decides:
        if standing.decided is None:
            return _("Đúng 1/2: chờ người đứng đầu")
        return _("Người đứng đầu đồng ý") if standing.decided else _("Người đứng đầu không "
                                                                      "đồng ý")
    if standing.tied:
        return _("Bằng phiếu")
    if standing.advisory:
        return _("Tham khảo")
    return _("Đạt") if standing.passed else _("Không đạt")


__all__ = ["Decision", "Dossier", "StepSheet", "build_dossier", "cell_text", "earlier_trends",
           "verdict"]
