"""What every document of a closed round says besides its results, gathered once."""

from __future__ import annotations

from datetime import tzinfo

from sqlalchemy.orm import Session

from survey.documents.frame import Frame, Member, local_time
from survey.kinds.counts import ballot_sources, round_figures
from survey.reports.ballot_file import fingerprint
from survey.rounds.models import Round
from survey.security import audit


def build_frame(session: Session, round_: Round, *, tz: tzinfo) -> Frame:
    """The frame of a closed round's documents: header, conference, committee, counts,
    fingerprints.

    :param tz: the local time zone, for the time the count ended.
    """
    assert round_.results_ready and round_.closed_at is not None
    return Frame(
        round_id=round_.id,
        kind=round_.kind,
        state=round_.state.value,
        title=round_.title,
        body=round_.body,
        parent_body=round_.parent_body,
        body_kind=round_.body_kind,
        locality=round_.locality,
        place=round_.place,
        held_on=round_.held_on,
        conference_time=round_.conference_time,
        chair=round_.chair,
        minutes_number=round_.minutes_number,
        report_number=round_.report_number,
        committee=tuple(Member(m.name, m.role) for m in round_.counting_committee),
        figures=round_figures(session, round_),
        count_ended_at=round_.count_ended_at or local_time(round_.closed_at, tz),
        fingerprint=fingerprint(session, round_),
        audit_head=audit.head(session),
        sources=ballot_sources(session, round_),
    )
