"""``survey cards``: create, print, issue and void cards from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey.ballots import operations
from survey.ballots.cards import card_url
from survey.ballots.printing import PrintedCard, cards_pdf
from survey.cli import echo_json
from survey.db import begin_write
from survey.errors import SurveyError
from survey.i18n import _
from survey.rounds.operations import get_round
from survey.security.audit import record_cli

cards_cli = AppGroup("cards", help="Thẻ bỏ phiếu có mã QR.")


def _base_url(option: str | None) -> str:
    from survey.https import scheme
    from survey.net import guess_base_url

    return (option or current_app.config.get("BASE_URL")
            or guess_base_url("0.0.0.0", 8000, scheme(current_app.config))).rstrip("/")


@cards_cli.command("create")
@click.argument("round_id", type=int)
@click.option("--count", type=click.IntRange(min=1, max=operations.MAX_CARDS), required=True)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the printable card sheet here.")
@click.option("--base-url", help="Address phones use, e.g. http://192.168.1.10:8000")
@click.option("--json", "as_json", is_flag=True, help="Print serial, code and url of each card.")
def create_command(round_id: int, count: int, pdf_path: Path | None, base_url: str | None,
                   as_json: bool) -> None:
    """Create COUNT cards; their codes are shown only in this output."""
    base = _base_url(base_url)
    try:
        with current_app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)  # BEGIN IMMEDIATE on SQLite: a concurrent cast waits, not fails
            round_ = get_round(session, round_id)
            cards = operations.create_cards(session, round_, count)
            record_cli(session, "cards.create", round_id, count=count,
                       serials=f"{cards[0].serial}-{cards[-1].serial}")
            printed = [PrintedCard(c.serial, c.code, card_url(base, c.code)) for c in cards]
            if pdf_path is not None:
                # before the commit: cards whose codes were never printed must not exist
                pdf_path.write_bytes(
                    cards_pdf(title=round_.title, body=round_.body, vote_address=f"{base}/v",
                              cards=printed)
                )
            session.commit()
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(
            _("Không ghi được tệp in thẻ %(path)s (%(error)s); chưa tạo thẻ nào.",
              path=pdf_path, error=exc.strerror or exc)
        ) from exc
    if as_json:
        echo_json({
            "round": round_id,
            "pdf": str(pdf_path) if pdf_path else None,
            "cards": [{"serial": c.serial, "code": c.code, "url": c.url} for c in printed],
        })
        return
    for card in printed:
        click.echo(f"{card.serial:>5}  {card.code}  {card.url}")
    if pdf_path is not None:
        click.echo(_("Đã ghi tệp in thẻ: %(path)s", path=pdf_path))


@cards_cli.command("issue")
@click.argument("round_id", type=int)
@click.option("--all", "all_", is_flag=True, help="Issue every card of the round.")
@click.option("--serials", help="Serials to issue, e.g. 1-40,45")
@click.option("--json", "as_json", is_flag=True)
def issue_command(round_id: int, all_: bool, serials: str | None, as_json: bool) -> None:
    """Activate the cards handed out."""
    if all_ == bool(serials):
        raise click.UsageError(_("Dùng một trong hai: --all hoặc --serials."))
    try:
        with current_app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)
            round_ = get_round(session, round_id)
            wanted = operations.parse_serials(serials) if serials else None
            n = operations.issue_cards(session, round_, wanted)
            record_cli(session, "cards.issue", round_id, serials=serials or "all", issued=n)
            counts = operations.card_counts(session, round_id)
            session.commit()
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json({"round": round_id, "newly_issued": n, "issued": counts.issued})
    else:
        click.echo(_("Đã kích hoạt %(n)d thẻ; tổng số thẻ phát ra: %(total)d.", n=n,
                     total=counts.issued))


@cards_cli.command("void")
@click.argument("round_id", type=int)
@click.argument("serial", type=int)
@click.option("--json", "as_json", is_flag=True)
def void_command(round_id: int, serial: int, as_json: bool) -> None:
    """Void a lost card."""
    try:
        with current_app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)
            discarded = operations.void_card(session, get_round(session, round_id), serial)
            record_cli(session, "cards.void", round_id, serial=serial,
                       **({"paper_entries_discarded": discarded} if discarded else {}))
            counts = operations.card_counts(session, round_id)
            session.commit()
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json({"round": round_id, "voided": serial, "issued": counts.issued})
    else:
        click.echo(_("Đã hủy thẻ số %(serial)d.", serial=serial))
