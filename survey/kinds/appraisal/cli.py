"""``survey appraisal``: the rules and the named cards of an appraisal round."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from survey.ballots.commands import print_cards, report_cards
from survey.console import base_url, echo_json
from survey.db import command_transaction
from survey.i18n import _
from survey.kinds.appraisal import roster
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
    settings = roster.Settings(min_raters, quota_percent, quota_group, same_unit_only)
    with command_transaction() as session:
        roster.update_settings(session, get_round(session, round_id), settings)
        record_cli(session, "appraisal.settings", round_id, min_raters=min_raters,
                   quota_percent=quota_percent, quota_group=quota_group,
                   same_unit_only=same_unit_only)
    if as_json:
        echo_json({"round": round_id, "min_raters": min_raters, "quota_percent": quota_percent,
                   "quota_group": quota_group, "same_unit_only": same_unit_only})
    else:
        click.echo(_("Đã lưu."))


@appraisal_cli.command("cards")
@click.argument("round_id", type=int)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the printable card sheet, each card with its member's name.")
@click.option("--base-url", "base_option",
              help="Address phones use, e.g. http://192.168.1.10:8000")
@click.option("--json", "as_json", is_flag=True,
              help="Print serial, holder, code and url of each card.")
def cards_command(round_id: int, pdf_path: Path | None, base_option: str | None,
                  as_json: bool) -> None:
    """One named card per roster member who has none; the codes are shown only here."""
    base = base_url(base_option)
    with command_transaction() as session:
        round_ = get_round(session, round_id)
        made = roster.create_named_cards(session, round_)
        record_cli(session, "cards.create_named", round_id, count=len(made),
                   serials=f"{made[0].card.serial}-{made[-1].card.serial}")
        printed = print_cards(round_, [m.card for m in made],
                              {m.card.serial: m.holder for m in made}, base, pdf_path)
    report_cards(round_id, printed, pdf_path, as_json)
