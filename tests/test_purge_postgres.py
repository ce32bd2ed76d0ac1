"""PostgreSQL after a close: no heap or index page keeps a row version written while voting,
live or dead, and the card rows keep neither their casts' transaction ids nor their order.

The pages are read with pageinspect, through the wrappers of ``scripts/pageinspect.sql``
(``scripts/test.sh`` installs them in the test database it creates).
"""

from __future__ import annotations

import os
import random
import time

import pytest
from sqlalchemy import select, text

from survey.ballots.models import Ballot, Card
from survey.desk.operations import close_round
from survey.desk.purge import purge_pending, purge_tables
from survey.kinds.appraisal.models import AppraisalMark, Comment
from survey.kinds.casting import cast_ballot
from survey.rounds.models import Round
from tests.conftest import NOW
from tests.factories import appraise, spearman

LEVELS = ("high", "confidence", "low")

SETUP = ("su postgres -c \"psql -d DATABASE -f scripts/pageinspect.sql\" (scripts/test.sh does "
         "it in the database it creates)")


@pytest.fixture
def pages(app, session):
    """The page reader, on PostgreSQL with the wrappers installed (a failure under CI)."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("heap pages and transaction ids are PostgreSQL's; see tests/test_purge.py")
    found = session.scalar(text("SELECT to_regprocedure('public.survey_raw_page(regclass,integer)')"
                                " IS NOT NULL"))
    session.rollback()
    if not found:
        message = f"pageinspect's page readers are not installed in the test database: {SETUP}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return PageReader(session)


class PageReader:
    def __init__(self, session) -> None:
        self.session = session

    def relations(self, table: str) -> list[str]:
        """The table and each of its indexes."""
        indexes = self.session.scalars(text(
            "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = CAST(:t AS regclass)"
        ), {"t": table}).all()
        return [table, *indexes]

    def raw(self, relation: str) -> bytes:
        """Every page of ``relation``, as stored."""
        rows = self.session.execute(text(
            "SELECT public.survey_raw_page(CAST(:r AS regclass), b) FROM generate_series(0, "
            "(pg_relation_size(CAST(:r AS regclass)) / current_setting('block_size')::int)::int"
            " - 1) AS b"), {"r": relation}).scalars().all()
        return b"".join(bytes(page) for page in rows)

    def xmins(self, table: str) -> set[str]:
        """The inserting transaction of every tuple in the heap, live or dead."""
        return set(self.session.scalars(text(
            "SELECT i.t_xmin FROM generate_series(0, (pg_relation_size(CAST(:r AS regclass)) / "
            "current_setting('block_size')::int)::int - 1) AS b, "
            "public.survey_heap_items(CAST(:r AS regclass), b) AS i WHERE i.t_xmin IS NOT NULL"
        ), {"r": table}))

    def everything(self) -> tuple[bytes, set[str]]:
        tables = [t.name for t in purge_tables()]
        blob = b"".join(self.raw(r) for t in tables for r in self.relations(t))
        xmins = set().union(*(self.xmins(t) for t in tables))
        self.session.rollback()
        return blob, xmins


def row_xmins(session, table: str, round_id: int) -> set[str]:
    return set(session.scalars(text(f"SELECT xmin::text FROM {table} WHERE round_id = :r"),
                               {"r": round_id}))


def card_order(session, round_id: int) -> list[tuple[int, str]]:
    """``(card id, xmin)`` of the round's cards in physical (ctid) order."""
    rows = session.execute(text("SELECT id, xmin::text FROM cards WHERE round_id = :r "
                                "ORDER BY ctid"), {"r": round_id}).all()
    return [tuple(row) for row in rows]


def purge(app, session, round_id: int) -> None:
    """Purge until done: a transaction of another test may hold the horizon for a moment."""
    session.rollback()
    engine = app.extensions["survey.engine"]
    deadline = time.monotonic() + 120
    while not purge_pending(engine).done:
        assert time.monotonic() < deadline, "the purge stayed pending for two minutes"
        time.sleep(0.5)
    assert session.get(Round, round_id, populate_existing=True).purge_pending is False


def test_a_closed_poll_leaves_no_row_version_of_voting_in_any_page(app, session, make_round,
                                                                  pages):
    n = 40
    round_ = make_round(cards=n, summoned=n, present=n, open_=True)
    subjects = [s.id for s in round_.subjects]
    order = random.sample(range(n), n)  # cards vote in an order that is not their serials'
    card_ids = dict(session.execute(select(Card.serial, Card.id).where(
        Card.round_id == round_.id)).all())
    for rank, i in enumerate(order):
        cast_ballot(session, round_.codes[i], {subjects[rank % len(subjects)]: LEVELS[rank % 3]})
        session.commit()
    rank_of = {card_ids[i + 1]: rank for rank, i in enumerate(order)}
    casts = row_xmins(session, "ballots", round_.id)
    assert len(casts) == n  # one transaction per cast
    assert row_xmins(session, "cards", round_.id) >= casts  # the link the close must erase
    before = [b.encode() for b in session.scalars(select(Ballot.id))]
    by_xmin = [rank_of[card] for card, xmin in sorted(card_order(session, round_.id),
                                                      key=lambda c: int(c[1]))]
    assert by_xmin == list(range(n))  # the cards' transaction ids give the order of voting

    close_round(session, round_, NOW)
    session.commit()
    blob, xmins = pages.everything()
    assert xmins & casts and any(b in blob for b in before)  # the reader sees what is there

    purge(app, session, round_.id)
    blob, xmins = pages.everything()
    assert not xmins & casts  # no tuple inserted by a cast, live or dead, in any table
    assert not [b for b in before if b in blob]  # nor its bytes, in a heap or an index page
    after = [b.encode() for b in session.scalars(select(Ballot.id))]
    assert len(after) == n and all(b in blob for b in after)  # the scan would have seen them
    cards = card_order(session, round_.id)
    assert len({xmin for _, xmin in cards}) == 1 and not {cards[0][1]} & casts
    physical = [rank_of[card] for card, _ in cards]
    assert abs(spearman(sorted(physical), physical)) < 0.6  # no cast order in their places


def test_a_closed_appraisal_leaves_no_rater_of_any_line_in_any_page(app, client, session,
                                                                   make_appraisal, pages):
    round_ = make_appraisal()
    names = list(round_.codes)
    for i, name in enumerate(names):
        others = [n for n in names if n != name]
        appraise(client, round_, name, {n: (("good", "excellent")[(i + j) % 2], 20 + j, 50 + i,
                                            f"nhận xét {i}-{j}") for j, n in enumerate(others)})
    session.rollback()
    casts = row_xmins(session, "appraisal_marks", round_.id)
    assert len(casts) == len(names)  # each rater's lines carry their cast's transaction id
    assert row_xmins(session, "comments", round_.id) == casts
    assert row_xmins(session, "cards", round_.id) >= casts  # and so does their named card
    before = [i.encode() for i in session.scalars(select(AppraisalMark.id))]
    before += [i.encode() for i in session.scalars(select(Comment.id))]
    assert len(before) == 2 * len(names) * (len(names) - 1)

    close_round(session, session.merge(round_), NOW)
    session.commit()
    blob, xmins = pages.everything()
    assert xmins & casts and any(i in blob for i in before)

    purge(app, session, round_.id)
    blob, xmins = pages.everything()
    assert not xmins & casts
    assert not [i for i in before if i in blob]
    cards = card_order(session, round_.id)
    assert len({xmin for _, xmin in cards}) == 1 and not {cards[0][1]} & casts
