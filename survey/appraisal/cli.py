"""``survey appraisal``: the rules and the named cards of an appraisal round."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey.appraisal import operations
from survey.ballots.cards import card_url
from survey.ballots.printing import PrintedCard, cards_pdf
from survey.cli import echo_json
from survey.db import begin_write
from survey.errors import SurveyError
from survey.i18n import _
from survey.rounds.operations import get_round
from survey.security.audit import record_cli

appraisal_cli = AppGroup("appraisal", help="Đợt đánh giá, xếp loại: quy tắc và thẻ có tên.")


@appraisal_cli.command("settings")
@click.argument("round_id", type=int)
@click.option("--min-raters", type=click.IntRange(1, 100), default=3, show_default=True)
@click.option("--quota-percent", type=click.IntRange(0, 100), default=20, show_default=True)
@click.option("--quota-group", type=click.Choice(["round", "unit"]), default="round",
              show_default=True)
@click.option("--same-unit-only/--all-units", default=False, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def settings_command(round_id: int, min_raters: int, quota_percent: int, quota_group: str,
                     same_unit_only: bool, as_json: bool) -> None:
    """Set the rules of a draft appraisal round (frozen once it opens)."""
    settings = operations.Settings(min_raters, quota_percent, quota_group, same_unit_only)
    try:
        with current_app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)
            round_ = get_round(session, round_id)
            operations.update_settings(session, round_, settings)
            record_cli(session, "appraisal.settings", round_id, min_raters=min_raters,
                       quota_percent=quota_percent, quota_group=quota_group,
                       same_unit_only=same_unit_only)
            session.commit()
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json({"round": round_id, "min_raters": min_raters, "quota_percent": quota_percent,
                   "quota_group": quota_group, "same_unit_only": same_unit_only})
    else:
        click.echo(_("Đã lưu."))


@appraisal_cli.command("cards")
@click.argument("round_id", type=int)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the printable card sheet, each card with its member's name.")
@click.option("--base-url", help="Address phones use, e.g. http://192.168.1.10:8000")
@click.option("--json", "as_json", is_flag=True,
              help="Print serial, holder, code and url of each card.")
def cards_command(round_id: int, pdf_path: Path | None, base_url: str | None,
                  as_json: bool) -> None:
    """One named card per roster member who has none; the codes are shown only here."""
    from survey.ballots.cli import _base_url

    base = _base_url(base_url)
    try:
        with current_app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)
            round_ = get_round(session, round_id)
            made = operations.create_named_cards(session, round_)
            record_cli(session, "cards.create_named", round_id, count=len(made),
                       serials=f"{made[0].card.serial}-{made[-1].card.serial}")
            printed = [PrintedCard(m.card.serial, m.card.code, card_url(base, m.card.code),
                                   m.holder) for m in made]
            if pdf_path is not None:  # before the commit: no card whose code was never printed
                pdf_path.write_bytes(cards_pdf(title=round_.title, body=round_.body,
                                               vote_address=f"{base}/v", cards=printed))
            session.commit()
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        raise click.ClickException(
            _("Không ghi được tệp in thẻ %(path)s (%(error)s); chưa tạo thẻ nào.",
              path=pdf_path, error=exc.strerror or exc)
        ) from exc
    if as_json:
        echo_json({"round": round_id, "pdf": str(pdf_path) if pdf_path else None,
                   "cards": [{"serial": c.serial, "holder": c.holder, "code": c.code,
                              "url": c.url} for c in printed]})
        return
    for card in printed:
        click.echo(f"{card.serial:>5}  {card.code}  {card.holder}")
