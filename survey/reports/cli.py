"""``survey tally``: a closed round's results as JSON or CSV."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.errors import SurveyError
from survey.i18n import _
from survey.reports.export import result_csv, result_json
from survey.reports.queries import confidence_result
from survey.rounds.operations import get_round


@click.command("tally")
@click.argument("round_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@with_appcontext
def tally_command(round_id: int, fmt: str, out: Path | None) -> None:
    """Print the tally of a closed round."""
    with current_app.extensions["survey.sessionmaker"]() as session:
        try:
            round_ = get_round(session, round_id)
        except SurveyError as exc:
            raise click.ClickException(str(exc)) from exc
        if not round_.results_ready:
            raise click.ClickException(_("Kết quả chỉ xem được sau khi kết thúc bỏ phiếu."))
        result = confidence_result(session, round_)
        if fmt == "json":
            text = json.dumps(result_json(round_, result), ensure_ascii=False, indent=2) + "\n"
        else:
            text = result_csv(round_, result)
    if out is None:
        click.echo(text, nl=False)
    else:
        try:
            # newline="": the CSV already ends its rows in CRLF; Windows must not add a CR
            out.write_text(("\ufeff" if fmt == "csv" else "") + text, encoding="utf-8",
                           newline="")
        except OSError as exc:
            raise click.ClickException(
                _("Không ghi được tệp %(path)s (%(error)s).", path=out,
                  error=exc.strerror or exc)
            ) from exc
        click.echo(_("Đã ghi %(path)s", path=out), err=True)
