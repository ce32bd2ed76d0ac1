"""Handing out cards and ballot sheets: never more than the people present.

Every function takes the session first, flushes at most and never commits.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from survey.ballots.models import Ballot, Card, FormToken
from survey.errors import InvalidInput
from survey.i18n import _l
from survey.rounds.models import Round


def lock_counts(session: Session, round_id: int) -> None:
    """Hold the round's row until the transaction ends, so that two officers issuing at once,
    or an issue and a change of attendance, take turns: each then counts what the other wrote.
    SQLite needs nothing (a writing transaction begins with ``BEGIN IMMEDIATE``)."""
    if session.connection().dialect.name == "postgresql":
        session.execute(select(Round.id).where(Round.id == round_id).with_for_update())


def issued_count(session: Session, round_id: int) -> int:
    """Cards and named paper forms handed out (issued, not voided), plus the paper sheets the
    officer recorded as handed out (``rounds.paper_issued``)."""
    cards = session.scalar(
        select(func.count()).where(
            Card.round_id == round_id, Card.issued.is_(True), Card.voided.is_(False)
        )
    ) or 0
    sheets = session.scalar(select(Round.paper_issued).where(Round.id == round_id)) or 0
    return cards + sheets


def collected_count(session: Session, round_id: int) -> int:
    """Ballots received, from phones and paper alike."""
    return session.scalar(select(func.count()).where(Ballot.round_id == round_id)) or 0


def check_room(session: Session, round_: Round, more: int) -> None:
    """Refuse to hand out ``more`` cards or ballot sheets if the issued ones would then
    outnumber the people present.

    Every path that issues (cards from the web or the CLI, named cards, paper ballots and
    forms, replacements) calls this before it writes; a late arrival is recorded first (the
    attendance may be raised while voting), then gets a card. It takes the round's lock
    (:func:`lock_counts`), so it must run in the writing transaction that issues.

    :raises InvalidInput: if the attendance is not recorded or ``more`` would not fit.
    """
    if more <= 0:
        return
    lock_counts(session, round_.id)
    if round_.present is None:
        raise InvalidInput(_l("Chưa ghi số người có mặt: hãy ghi số người có mặt trước khi "
                              "phát thẻ (số thẻ phát ra không được nhiều hơn số người có mặt)."))
    issued = issued_count(session, round_.id)
    if issued + more > round_.present:
        raise InvalidInput(_l(
            "Không thể phát thêm %(more)d thẻ: đã phát %(issued)d thẻ cho %(present)d người có "
            "mặt, số thẻ phát ra không được nhiều hơn số người có mặt. Nếu có người đến muộn, "
            "hãy ghi lại số người có mặt trước, rồi phát thẻ.",
            more=more, issued=issued, present=round_.present,
        ))


def spend_form_token(session: Session, round_id: int, token: str) -> None:
    """Accept the form that carried ``token`` once; two requests with it at once take turns
    on its row, and the second finds it there.

    :raises InvalidInput: if that form was already accepted.
    """
    digest = hashlib.sha256(token.encode()).hexdigest()
    dialect = session.connection().dialect.name
    table = FormToken.__table__
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)
    # RETURNING: a row comes back only if this statement inserted it
    done = session.execute(
        statement.values(token_hash=digest, round_id=round_id).on_conflict_do_nothing()
        .returning(table.c.token_hash)
    ).scalar()
    if done is None:
        raise InvalidInput(_l("Biểu mẫu này đã được gửi một lần và các thẻ của nó đã được tạo: "
                              "không tạo thêm lần nữa. Muốn tạo thêm thẻ, hãy dùng biểu mẫu "
                              "trên trang của đợt."))
