"""What the commands that make cards share: print them, and say what was made."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from survey.ballots.cards import card_url
from survey.ballots.operations import NewCard
from survey.ballots.printing import PrintedCard, cards_pdf
from survey.console import echo_json
from survey.i18n import _
from survey.rounds.models import Round


def print_cards(round_: Round, cards: Sequence[NewCard], names: Mapping[int, str], base: str,
                pdf_path: Path | None) -> list[PrintedCard]:
    """The new cards as printed, written to ``pdf_path`` if given.

    Called inside the command's transaction: if the file cannot be written, no card is made
    (a card whose code was never printed must not exist).
    """
    printed = [PrintedCard(c.serial, c.code, card_url(base, c.code), names.get(c.serial))
               for c in cards]
    if pdf_path is not None:
        try:
            with click.progressbar(length=len(printed), label=_("Đang vẽ tệp in thẻ"),
                                   file=sys.stderr) as bar:
                pdf = cards_pdf(title=round_.title, body=round_.body, vote_address=f"{base}/v",
                                cards=printed, progress=bar.update)
            pdf_path.write_bytes(pdf)
        except OSError as exc:
            raise click.ClickException(
                _("Không ghi được tệp in thẻ %(path)s (%(error)s); chưa tạo thẻ nào.",
                  path=pdf_path, error=exc.strerror or exc)
            ) from exc
    return printed


def report_cards(round_id: int, printed: Sequence[PrintedCard], pdf_path: Path | None,
                 as_json: bool) -> None:
    """Show the codes made: the only output where they appear besides the printed sheet."""
    if as_json:
        echo_json({
            "round": round_id,
            "pdf": str(pdf_path) if pdf_path else None,
            "cards": [{"serial": c.serial, **({"holder": c.holder} if c.holder else {}),
                       "code": c.code, "url": c.url} for c in printed],
        })
        return
    for card in printed:
        click.echo(f"{card.serial:>5}  {card.code}  {card.holder or card.url}")
    if pdf_path is not None:
        click.echo(_("Đã ghi tệp in thẻ: %(path)s", path=pdf_path))
