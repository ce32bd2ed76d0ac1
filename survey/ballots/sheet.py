"""The page that shows new cards once, with their QR codes, to print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import current_app, render_template, request

from survey.ballots.cards import card_url, qr_svg
from survey.ballots.forms import CardsPdfForm
from survey.ballots.operations import NewCard
from survey.ballots.printing import PrintedCard
from survey.rounds.models import Round


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


def card_sheet(round_: Round, cards: Sequence[NewCard], names: Mapping[int, str]) -> str:
    """New cards shown once, as a printable page; its button asks for the same cards as a PDF."""
    pdf_form = CardsPdfForm(formdata=None, codes="\n".join(c.code for c in cards))
    return render_template(
        "cards/sheet.html",
        round=round_,
        cards=[(card, qr_svg(card.url)) for card in printed(cards, names)],
        vote_address=f"{base_url()}/v",
        pdf_form=pdf_form,
    )
