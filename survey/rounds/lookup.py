"""Finding the round a request names."""

from __future__ import annotations

from flask import abort

from survey.db import begin_write, get_session
from survey.errors import NotFound
from survey.rounds.models import Round
from survey.rounds.operations import get_round


def round_or_404(round_id: int, *, write: bool = False) -> Round:
    """The round ``round_id`` in this request's session, or a 404 page.

    ``write`` starts a writing transaction first (``BEGIN IMMEDIATE`` on SQLite), so that what
    is read to decide a change cannot go stale before it is written; :func:`survey.web.write`
    then continues and ends it.
    """
    db = get_session()
    if write:
        begin_write(db)
    try:
        return get_round(db, round_id)
    except NotFound:
        abort(404)
