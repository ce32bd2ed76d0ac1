"""Ballots of one level per subject (the confidence poll and the confidence vote).

A line is ``s<subject id>`` = a level; a blank line has no row. The voter's pages are built
once per open round and language and then served without loading a subject
(:class:`BallotView`); the cast checks the posted lines against the same kept view.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import get_template_attribute, render_template
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from markupsafe import Markup, escape
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from survey.ballots.forms import CardOnPage
from survey.ballots.models import Mark
from survey.ballots.operations import MAX_SERIAL, CardCheck, reject
from survey.db import get_session
from survey.kinds.ballot_file import lines_file
from survey.kinds.base import BallotIds, Form, Kind
from survey.kinds.paper import Reading
from survey.rounds.models import Round, RoundState, Subject
from survey.tally import marks_file
from survey.tally.files import whole_ballots
from survey.tally.recount import decode, recount_document
from survey.web.pages import Kept, voter_page

#: How many (round, language) ballots each worker keeps.
BALLOT_CACHE_SIZE = 32


def posted_choices(form: Form) -> dict[int, str]:
    """The marked lines of a posted ballot (``s<subject id>`` → level); blanks are left out.

    Whether each subject and level belongs to the card's ballot is checked later.

    :raises CardRejected: if a line is posted twice.
    """
    chosen: dict[int, str] = {}
    for key, values in form.lists():
        if not (key.startswith("s") and key[1:].isascii() and key[1:].isdigit() and len(key) <= 12):
            continue  # the code, the CSRF token
        marked = [value for value in values if value != ""]
        if len(marked) > 1:  # two marks on one line
            raise reject("bad_ballot")
        if marked:
            chosen[int(key[1:])] = marked[0]
    return chosen


def posted_write_ins(form: Form) -> dict[int, list[str]]:
    """The posted write-in fields (``w<position id>``, one per seat); empty ones are left out.

    Whether each position takes write-ins is checked later.
    """
    names: dict[int, list[str]] = {}
    for key, values in form.lists():
        if key.startswith("w") and key[1:].isascii() and key[1:].isdigit() and len(key) <= 12:
            if filled := [value for value in values if value.strip()]:
                names[int(key[1:])] = filled
    return names


@dataclass(frozen=True)
class Posted:
    """A posted ballot of radio lines: the marked lines, and the names written in (only a
    nomination ballot has write-in fields)."""

    choices: dict[int, str]
    write_ins: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, form: Form) -> Posted:
        """:raises CardRejected: if a line is posted twice."""
        return cls(posted_choices(form), posted_write_ins(form))


def check_levels(levels: Mapping[str, object], choices: Mapping[int, str]) -> None:
    """:raises CardRejected: if a line holds a level that is not one of ``levels``."""
    if any(choice not in levels for choice in choices.values()):
        raise reject("bad_ballot")


def check_subjects(subject_ids: Any, choices: Mapping[int, str]) -> None:
    """:raises CardRejected: if a line names a subject not in ``subject_ids``."""
    if any(sid not in subject_ids for sid in choices):
        raise reject("bad_ballot")


def check_stored(session: Session, round_id: int, choices: Mapping[int, str]) -> None:
    """:func:`check_subjects` against the database: one count, no subject loaded."""
    if not choices:
        return
    if any(not 0 < sid <= MAX_SERIAL for sid in choices):  # no such id in a 32-bit column
        raise reject("bad_ballot")
    on_ballot = session.scalar(
        select(func.count()).where(Subject.round_id == round_id, Subject.id.in_(list(choices)))
    )
    if on_ballot != len(choices):
        raise reject("bad_ballot")


_NEW_MARK = insert(Mark.__table__)


def store_marks(session: Session, ballot_id: str, choices: Mapping[int, str]) -> None:
    """Insert a ballot's marked lines (Core: a ballot of 45 lines is one executemany)."""
    if choices:
        session.connection().execute(
            _NEW_MARK,
            [{"ballot_id": ballot_id, "subject_id": s, "choice": c} for s, c in choices.items()],
        )


def data_lang() -> Markup | str:
    """Names and titles stay Vietnamese whatever the page's language: say so to screen readers."""
    return Markup(' lang="vi"') if str(get_locale()) != "vi" else ""


@dataclass(frozen=True)
class BallotView:
    """A round's ballot as HTML pieces, for one language.

    Built once per open round and language in each worker (a round's subjects are frozen while
    it is open, so the empty ballot and every review line are the same for every voter) and
    then served without loading a subject from the database.
    """

    #: The empty ballot's lines.
    lines: Markup
    #: Subject ids in ballot order.
    order: tuple[int, ...]
    #: ``(subject id, level or None)`` → that line of the review page.
    review_rows: dict[tuple[int, str | None], Markup]
    #: The same ids as a set, to check a posted ballot against.
    subject_ids: frozenset[int] = frozenset()

    @property
    def total(self) -> int:
        return len(self.order)

    def review(self, chosen: Mapping[int, str]) -> Markup:
        return Markup("").join(self.review_rows[sid, chosen.get(sid)] for sid in self.order)


class LinesKind(Kind):
    """A ballot of one level per subject."""

    def _lines(self, round_: Round, labels: dict[str, str], chosen: Mapping[int, str]) -> Markup:
        return Markup(render_template(
            "kinds/lines/_lines.html", round=round_, chosen=chosen, levels=list(labels),
            labels=labels, total=len(round_.subjects), data_lang=data_lang(),
        ))

    def _build_view(self, round_: Round) -> BallotView:
        labels = self.level_labels()
        line = get_template_attribute("kinds/lines/_review_line.html", "line")
        rows = {
            (s.id, level): Markup(line(s, level, labels, data_lang()))
            for s in round_.subjects
            for level in [*labels, None]
        }
        order = tuple(s.id for s in round_.subjects)
        return BallotView(self._lines(round_, labels, {}), order, rows, frozenset(order))

    def ballot_view(self, round_id: int) -> BallotView:
        """The :class:`BallotView` of an open round in this request's language, kept while it
        is open (its subjects cannot change then)."""
        locale = str(get_locale())
        views = Kept.of("ballot_views", BALLOT_CACHE_SIZE)
        if (view := views.get((round_id, locale))) is not None:
            return view  # type: ignore[no-any-return]
        round_ = get_session().get(Round, round_id)
        assert round_ is not None
        view = self._build_view(round_)
        if round_.state is RoundState.open:  # closed meanwhile: nothing to keep
            views.put((round_id, locale), view)
        return view

    def ballot_ids(self, round_id: int) -> frozenset[int]:
        return self.ballot_view(round_id).subject_ids

    def cached_ids(self) -> BallotIds | None:
        return self.ballot_ids

    # -- the ballot --------------------------------------------------------------------------

    def read_ballot(self, form: Form) -> Posted:
        return Posted.read(form)

    def check_ballot(self, session: Session, card: CardCheck, ballot: Posted, *,
                     ballot_ids: BallotIds | None = None, cast: bool = False) -> dict[int, str]:
        if ballot.write_ins:  # only nominations take write-ins
            raise reject("bad_ballot")
        choices = ballot.choices
        check_levels(self.levels, choices)
        if ballot_ids is None:
            check_stored(session, card.round_id, choices)
        else:
            check_subjects(ballot_ids(card.round_id), choices)
        return choices

    def store_ballot(self, session: Session, round_id: int, ballot_id: str,
                     checked: Any) -> None:
        store_marks(session, ballot_id, checked)

    def ballot_lines(self, session: Session, round_: Round) -> Iterator[bytes]:
        return lines_file(session, round_, [str(level) for level in self.levels])

    def paper_store(self, session: Session, round_: Round, ballot_id: str,
                    reading: Reading) -> None:
        """A blank or over-marked line has no mark (invalid for that subject only)."""
        assert self.paper is not None
        store_marks(session, ballot_id, {sid: mark for sid, mark in reading.lines.items()
                                         if mark in self.paper.values})

    def recount(self, data: bytes) -> dict[str, Any]:
        if whole_ballots(data):  # version 1: read, never written any more
            return recount_document(decode(data))
        return marks_file.recount_document(marks_file.decode(data))

    # -- the voter's pages -------------------------------------------------------------------

    def ballot_page(self, session: Session, card: CardCheck, code: str,
                    ballot: Posted | None = None) -> ResponseReturnValue:
        view = self.ballot_view(card.round_id)
        if ballot is not None and ballot.choices:  # back from the review: marks put back
            round_ = session.get(Round, card.round_id)
            assert round_ is not None
            chosen = ballot.choices
            return render_template(
                "kinds/lines/ballot.html", round=round_, form=CardOnPage(code), chosen=chosen,
                lines=self._lines(round_, self.level_labels(), chosen), total=view.total,
            )
        return voter_page(
            ("ballot", card.round_id, str(get_locale())),
            lambda code: render_template(
                "kinds/lines/ballot.html", round=session.get(Round, card.round_id),
                form=CardOnPage(code), chosen={}, lines=view.lines, total=view.total,
            ),
            code=escape(code),
        )

    def review_page(self, session: Session, card: CardCheck, code: str,
                    ballot: Posted) -> ResponseReturnValue:
        view = self.ballot_view(card.round_id)
        blank = view.total - len(ballot.choices)
        return voter_page(
            ("review", card.round_id, str(get_locale()), blank),
            lambda code, rows: render_template(
                "kinds/lines/review.html", round=session.get(Round, card.round_id),
                form=CardOnPage(code), rows=rows, blank=blank,
            ),
            code=escape(code),
            rows=view.review(ballot.choices),
        )


__all__ = ["BallotView", "LinesKind", "Posted", "check_levels", "posted_choices", "store_marks"]
