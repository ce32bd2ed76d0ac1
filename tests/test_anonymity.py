"""Ballot secrecy: what is stored, and in what order (docs/rules.md#ballot-secrecy)."""

from __future__ import annotations

import random

from sqlalchemy import DateTime, inspect, select, text

from survey.ballots.models import Ballot, Card, Mark
from survey.db import Base
from survey.desk.operations import close_round
from survey.kinds.casting import cast_ballot
from tests.conftest import NOW
from tests.factories import spearman

LEVELS = ("high", "confidence", "low")


def test_ballot_tables_have_exactly_these_columns(app):
    """Adding a column to a ballot table is a reviewed decision: change this test with it."""
    columns = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    assert columns["ballots"] == {"id", "round_id"}
    assert columns["marks"] == {"ballot_id", "subject_id", "choice"}
    # member_id: named cards of appraisal rounds point at a roster member, never at a ballot
    assert columns["cards"] == {"id", "round_id", "serial", "code_hash", "medium", "issued",
                                "voided", "used", "member_id"}
    assert columns["appraisal_marks"] == {"id", "round_id", "subject_id", "level", "score_general",
                                          "score_tasks"}
    assert columns["comments"] == {"id", "round_id", "subject_id", "text"}
    # paper entries link a counting number (written on a ballot once out of the box, after
    # mixing) to choices until their ballot is counted (survey.paper); nothing printed on a
    # paper ballot, and nothing stored, names a person
    assert columns["paper_entries"] == {"id", "round_id", "counting_number", "number",
                                        "user_id", "invalid", "lines"}
    assert columns["paper_counted"] == {"round_id", "counting_number"}


def test_nothing_links_cards_and_ballots(app):
    tables = Base.metadata.tables
    for name in ("ballots", "marks", "appraisal_marks", "comments"):
        referred = {fk.column.table.name for fk in tables[name].foreign_keys}
        assert "cards" not in referred
        assert not any(isinstance(c.type, DateTime) for c in tables[name].columns)
    assert not any(isinstance(c.type, DateTime) for c in tables["cards"].columns)
    assert {fk.column.table.name for fk in tables["cards"].foreign_keys} == {"rounds", "members"}
    # a comment hangs off its round and subject only: a ballot link would tie words to scores
    assert {fk.column.table.name for fk in tables["comments"].foreign_keys} == {
        "rounds", "subjects"}
    entries = tables["paper_entries"]
    assert {fk.column.table.name for fk in entries.foreign_keys} == {"rounds", "users"}
    assert not any(isinstance(c.type, DateTime) for c in entries.columns)
    assert entries.dialect_options["sqlite"]["with_rowid"] is False  # no insertion order
    counted = tables["paper_counted"]
    assert {fk.column.table.name for fk in counted.foreign_keys} == {"rounds"}
    assert counted.dialect_options["sqlite"]["with_rowid"] is False


def test_database_schema_matches_the_pinned_columns(app, session):
    """The live database (not just the models) has no extra column on the ballot tables."""
    inspector = inspect(session.get_bind())
    assert {c["name"] for c in inspector.get_columns("ballots")} == {"id", "round_id"}
    assert {c["name"] for c in inspector.get_columns("marks")} == {
        "ballot_id", "subject_id", "choice"}


def _encode(index: int, width: int) -> tuple[str, ...]:
    """Ballot number ``index`` as a unique pattern of levels (base 3), one per subject."""
    digits = []
    for _ in range(width):
        index, digit = divmod(index, 3)
        digits.append(LEVELS[digit])
    return tuple(digits)


def _cast_numbered(session, round_, n):
    subjects = [s.id for s in round_.subjects]
    for i, code in enumerate(round_.codes[:n]):
        cast_ballot(session, code, dict(zip(subjects, _encode(i, len(subjects)), strict=True)))
        session.commit()
    return subjects


def _stored_order(session, round_id, subjects) -> list[int]:
    """Cast numbers of the ballots in the order the database yields them (no ORDER BY)."""
    patterns: dict[str, dict[int, str]] = {}
    for ballot_id, subject_id, choice in session.execute(
        text("SELECT ballot_id, subject_id, choice FROM marks")
    ):
        patterns.setdefault(ballot_id, {})[subject_id] = choice
    order = [
        b for (b,) in session.execute(
            text("SELECT id FROM ballots WHERE round_id = :r"), {"r": round_id}
        )
    ]
    # the order in which the marks table yields ballots must be as uninformative
    seen: dict[str, None] = {}
    for (b,) in session.execute(text("SELECT ballot_id FROM marks")):
        seen.setdefault(b, None)
    mark_order = [b for b in seen if b in patterns]
    decode = {}
    for ballot_id, pattern in patterns.items():
        value = 0
        for sid in reversed(subjects):
            value = value * 3 + LEVELS.index(pattern[sid])
        decode[ballot_id] = value
    by_marks = [decode[b] for b in mark_order]
    return [decode[b] for b in order], by_marks


def test_storage_order_does_not_follow_cast_order(session, make_round):
    n = 200
    round_ = make_round(cards=n, summoned=n, present=n, open_=True)
    subjects = _cast_numbered(session, round_, n)
    before = [b for (b,) in session.execute(select(Ballot.id))]
    if session.get_bind().dialect.name == "sqlite":
        # WITHOUT ROWID tables are stored in key order, and the keys are random.
        stored, by_marks = _stored_order(session, round_.id, subjects)
        assert sorted(stored) == list(range(n))
        assert abs(spearman(list(range(n)), stored)) < 0.3
        assert abs(spearman(list(range(n)), by_marks)) < 0.3
    close_round(session, round_, NOW)
    session.commit()
    stored, by_marks = _stored_order(session, round_.id, subjects)
    assert sorted(stored) == list(range(n))  # every ballot kept, each once
    assert abs(spearman(list(range(n)), stored)) < 0.3
    assert abs(spearman(list(range(n)), by_marks)) < 0.3
    after = {b for (b,) in session.execute(select(Ballot.id))}
    assert not after & set(before)  # no pre-close ballot id survives the close


def test_card_used_flag_is_the_only_trace_of_casting(session, make_round):
    round_ = make_round(cards=3, open_=True)
    cast_ballot(session, round_.codes[1], {round_.subjects[0].id: "low"})
    session.commit()
    rows = session.execute(
        select(Card.serial, Card.issued, Card.voided, Card.used).order_by(Card.serial)
    ).all()
    assert [tuple(r) for r in rows] == [(1, True, False, False), (2, True, False, True),
                                        (3, True, False, False)]
    (ballot,) = session.execute(select(Ballot.id, Ballot.round_id)).all()
    assert len(ballot.id) == 32 and int(ballot.id, 16) >= 0


def test_codes_are_never_stored(session, make_round):
    from survey.ballots.cards import hash_code

    round_ = make_round(cards=5)
    dump = "\n".join(
        str(tuple(row)) for table in Base.metadata.sorted_tables
        for row in session.execute(table.select())
    )
    for code in round_.codes:
        assert code not in dump and code.replace("-", "") not in dump
        assert hash_code(code) in dump  # only the hash


def test_random_ballot_ids_differ_per_cast(session, make_round):
    round_ = make_round(cards=30, open_=True)
    for code in random.sample(round_.codes, 30):
        cast_ballot(session, code, {})
    session.commit()
    ids = [b for (b,) in session.execute(select(Ballot.id))]
    assert len(set(ids)) == 30
    assert session.scalar(select(Mark.ballot_id).limit(1)) is None  # blank ballots: no marks


def test_after_close_no_trace_of_pre_close_ballots_in_database_files(app, session, make_round):
    """A byte scan of the SQLite file and its WAL after close: no old ballot id, no code."""
    engine = app.extensions["survey.engine"]
    if engine.dialect.name != "sqlite":
        import pytest

        pytest.skip("file scan is for SQLite; see the transaction-id test for PostgreSQL")
    from pathlib import Path

    from survey.db import compact

    round_ = make_round(cards=40, summoned=40, present=40, open_=True)
    subjects = [s.id for s in round_.subjects]
    for i, code in enumerate(round_.codes):
        cast_ballot(session, code, {subjects[i % len(subjects)]: LEVELS[i % 3]})
        session.commit()
    before = [b for (b,) in session.execute(select(Ballot.id))]
    close_round(session, round_, NOW)
    session.commit()
    session.close()
    compact(engine)
    path = Path(engine.url.database)
    blob = b"".join(
        p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()
    )
    assert blob  # the scan read something
    for ballot_id in before:
        assert ballot_id.encode() not in blob
    for code in round_.codes:
        assert code.encode() not in blob and code.replace("-", "").encode() not in blob
    after = [b for (b,) in session.execute(select(Ballot.id))]
    assert all(b.encode() in blob for b in after)  # the scan would have seen ids


def test_postgres_rewrite_leaves_no_cast_transaction_ids(app, session, make_round):
    """On PostgreSQL each cast's transaction id stamps the card row and the ballot row alike;
    the close rewrites every ballot in one transaction, so no ballot shares a card's xmin."""
    import pytest

    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("xmin is PostgreSQL's; SQLite has no per-row transaction id")
    round_ = make_round(cards=20, summoned=20, present=20, open_=True)
    for code in round_.codes:
        cast_ballot(session, code, {round_.subjects[0].id: "high"})
        session.commit()

    def xmins(table):
        return {
            x for (x,) in session.execute(
                text(f"SELECT xmin::text FROM {table} WHERE round_id = :r"), {"r": round_.id}
            )
        }

    cards = xmins("cards")
    assert xmins("ballots") & cards  # before the close the link is there...
    close_round(session, round_, NOW)
    session.commit()
    assert not xmins("ballots") & cards  # ...and after it, gone
    assert len(xmins("ballots")) == 1
