"""Casting a ballot of any kind: the card is spent and the ballot stored in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from survey.ballots.operations import check_card, reject, spend_card
from survey.kinds import KINDS
from survey.kinds.base import Form
from survey.kinds.lines import Posted


def cast(session: Session, code: str, *, form: Form | None = None, ballot: Any = None,
         path: str = "", cached: bool = False) -> None:
    """Spend the card ``code`` and store its ballot, in the caller's one transaction.

    The ballot is ``ballot`` (as the kind reads it) or read from the posted ``form``. ``path``
    is where the form was posted (``/v/<path>/cast``): a kind's forms post to their own.
    ``cached`` checks the lines against the ballot the voter pages keep (in a request).

    :raises CardRejected: if the card cannot vote or a line is not on its ballot; nothing has
        been written then.
    """
    card = check_card(session, code, lock=True)
    kind = KINDS[card.kind]
    if kind.voter_path != path:
        raise reject("bad_ballot")
    if ballot is None:
        ballot = kind.read_ballot(form) if form is not None else None
    checked = kind.check_ballot(session, card, ballot, cast=True,
                                ballot_ids=kind.cached_ids() if cached else None)
    ballot_id = spend_card(session, card.card_id, card.round_id)
    if ballot_id is None:  # compare-and-set: a second tab, a replay, or the close came first
        check_card(session, code)  # read afresh: refused as closed, or as spent
        raise reject("used")
    kind.store_ballot(session, card.round_id, ballot_id, checked)


def cast_ballot(session: Session, code: str, choices: Mapping[int, str],
                write_ins: Mapping[int, Sequence[str]] | None = None) -> None:
    """Cast a ballot of radio lines (and, for a nomination, names written in), as a phone
    would post it: see :func:`cast`. A subject left out of ``choices`` is a blank line."""
    posted = Posted(dict(choices), {pid: list(names) for pid, names in (write_ins or {}).items()})
    cast(session, code, ballot=posted)
