"""A batch of new cards between its creation and its printed sheet.

The page that answers the creation is short and never shows a code: the codes exist only in
the PDF. The batch's secret (:func:`survey.ballots.cards.new_seed`), from which every code is
derived, is kept in the officer's signed session cookie, never on the server, until the sheet
is downloaded once; then it is forgotten, and the codes with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import current_app, request, session

from survey.ballots.cards import card_url
from survey.ballots.operations import NewCard
from survey.ballots.printing import PrintedCard

#: The session key of the batch waiting to be printed.
BATCH = "card_batch"


@dataclass(frozen=True)
class Batch:
    round_id: int
    seed: bytes
    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1


def base_url() -> str:
    """Where phones reach this server: configured, found at start, or this request's host."""
    return str(
        current_app.config.get("BASE_URL")
        or current_app.config.get("DETECTED_BASE_URL")
        or request.host_url
    ).rstrip("/")


def printed(cards: Sequence[NewCard], names: Mapping[int, str]) -> list[PrintedCard]:
    """The cards as printed; ``names`` holds the holder of each named card by serial."""
    url = base_url()
    return [PrintedCard(c.serial, c.code, card_url(url, c.code), names.get(c.serial))
            for c in cards]


def remember_batch(round_id: int, seed: bytes, cards: Sequence[NewCard]) -> None:
    """Keep the batch just made (one at a time) until its sheet is downloaded."""
    session[BATCH] = {"round": round_id, "seed": seed.hex(),
                      "first": cards[0].serial, "last": cards[-1].serial}


def batch_of(round_id: int) -> Batch | None:
    """The batch of ``round_id`` waiting to be printed, if any."""
    data = session.get(BATCH)
    if not isinstance(data, dict) or data.get("round") != round_id:
        return None
    return Batch(round_id, bytes.fromhex(data["seed"]), int(data["first"]), int(data["last"]))


def forget_batch() -> None:
    session.pop(BATCH, None)
