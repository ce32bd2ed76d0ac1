"""The organizer audit log: complete, free of ballot content, and tamper-evident."""

from __future__ import annotations

import threading

from sqlalchemy import select, text

from survey.ballots.models import Ballot
from survey.security import audit
from survey.security.cli import audit_cli
from survey.security.models import AuditEntry
from tests.conftest import NOW, PASSWORD
from tests.factories import once_token, vote


def actions(session):
    session.rollback()
    return [(e.actor, e.action, e.round_id) for e in session.scalars(
        select(AuditEntry).order_by(AuditEntry.id))]


def test_organizer_actions_are_logged_and_votes_are_not(client, logged_in, session, make_round):
    round_ = make_round(cards=0, summoned=None)
    client.post(f"/rounds/{round_.id}/attendance", data={"summoned": 10, "present": 9})
    client.post(f"/rounds/{round_.id}/cards",
                data={"count": 6, "once": once_token(client, round_.id)})
    client.post(f"/rounds/{round_.id}/cards/issue", data={"serials": ""})
    client.post(f"/rounds/{round_.id}/cards/void", data={"serial": 6})
    client.post(f"/rounds/{round_.id}/open", data={"password": "wrong password"})
    client.post(f"/rounds/{round_.id}/open", data={"password": PASSWORD})
    logged = actions(session)
    assert ("organizer", "auth.login", None) in logged
    assert [a for _, a, r in logged if r == round_.id] == [
        "round.attendance", "cards.create", "cards.issue", "cards.void",
        "round.open.refused", "round.open",
    ]
    before = len(logged)
    # votes leave no trace in the audit log
    from survey.kinds.casting import cast_ballot

    codes = [c for c in make_round(cards=3, open_=True).codes]
    for code in codes:
        cast_ballot(session, code, {})
    session.commit()
    assert len(actions(session)) == before
    dump = " ".join(e.details for e in session.scalars(select(AuditEntry)))
    for ballot_id in session.scalars(select(Ballot.id)):
        assert ballot_id not in dump
    assert "high" not in dump and "low" not in dump


def test_verify_detects_an_edited_or_deleted_entry(app, session, runner):
    for i in range(5):
        audit.record(session, actor="thu.ky", action=f"test.{i}", now=NOW, round_id=1,
                     details={"n": i})
    session.commit()
    printed = audit.verify(session)  # the head the minutes printed
    assert printed.ok and printed.entries == 5
    audit.record(session, actor="thu.ky", action="round.publish", now=NOW, round_id=1)
    session.commit()
    # later actions do not invalidate a head printed earlier
    result = runner.invoke(audit_cli, ["verify", "--head", printed.head])
    assert result.exit_code == 0 and "nguyên vẹn" in result.output

    edit = text("UPDATE audit_log SET details = :d WHERE id = 3")
    session.execute(edit, {"d": '{"n":9}'})
    session.commit()
    assert audit.verify(session).broken == (3,)
    result = runner.invoke(audit_cli, ["verify"])
    assert result.exit_code == 1 and "số 3" in result.output
    session.execute(edit, {"d": '{"n":2}'})  # put it back
    session.commit()
    assert audit.verify(session).ok

    session.execute(text("DELETE FROM audit_log WHERE id = 2"))
    session.commit()
    assert audit.verify(session).missing == (2,)


def test_verify_detects_a_cut_tail_by_the_printed_head(app, session, runner):
    for i in range(4):
        audit.record(session, actor="thu.ky", action=f"test.{i}", now=NOW)
    session.commit()
    printed = audit.head(session)
    session.execute(text("DELETE FROM audit_log WHERE id = 4"))  # the newest entry, cut off
    session.commit()
    assert audit.verify(session).ok  # the rest of the chain is intact...
    result = runner.invoke(audit_cli, ["verify", "--head", printed])
    assert result.exit_code == 1  # ...but the head printed in the minutes is gone
    assert printed in result.output


def test_appends_from_many_threads_keep_one_chain(app):
    maker = app.extensions["survey.sessionmaker"]
    barrier = threading.Barrier(8)

    def append(i):
        from survey.db import begin_write

        with maker() as session:
            barrier.wait()
            begin_write(session)
            audit.record(session, actor=f"u{i}", action="test", now=NOW)
            session.commit()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with maker() as session:
        result = audit.verify(session)
    assert result.ok and result.entries == 8


def test_results_page_shows_the_chain_head(client, logged_in, session, make_round):
    round_ = make_round(cards=6, open_=True)
    for code in round_.codes[:5]:
        vote(client, code, {round_.subjects[0].id: "high"})
    client.post(f"/rounds/{round_.id}/close", data={"password": PASSWORD})
    session.rollback()
    head = audit.head(session)
    page = client.get(f"/rounds/{round_.id}/results").text
    assert head and head in page
