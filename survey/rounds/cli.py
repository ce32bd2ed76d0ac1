"""``survey round``: script a whole round from the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey.cli import echo_json
from survey.db import begin_write
from survey.errors import SurveyError
from survey.i18n import _, _l
from survey.rounds import nomination, operations
from survey.rounds.importing import parse_subjects
from survey.rounds.models import Round, RoundKind, quorum_met
from survey.security.audit import record_cli

round_cli = AppGroup("round", help="Tạo và điều hành các đợt lấy phiếu.")


def _round_json(round_: Round) -> dict:
    return {
        "id": round_.id,
        "title": round_.title,
        "kind": round_.kind,
        "status": round_.state.value,
        "subjects": len(round_.subjects),
        "summoned": round_.summoned,
        "present": round_.present,
    }


class RoundStep:
    """Run ``fn(session, round_)`` on round ``round_id`` in one transaction, or fail cleanly."""

    def __init__(self, round_id: int, action: str) -> None:
        self.round_id = round_id
        self.action = action

    def __call__(self, fn):
        try:
            with current_app.extensions["survey.sessionmaker"]() as session:
                begin_write(session)  # SQLite: BEGIN IMMEDIATE; a concurrent cast waits
                round_ = operations.get_round(session, self.round_id)
                details = fn(session, round_) or {}
                record_cli(session, self.action, round_.id, **details)
                data = _round_json(round_)
                session.commit()
                return data
        except SurveyError as exc:
            raise click.ClickException(str(exc)) from exc


@round_cli.command("create")
@click.option("--kind", type=click.Choice([k.value for k in RoundKind]), default="confidence",
              show_default=True)
@click.option("--title", required=True)
@click.option("--subjects", "subjects_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="CSV or XLSX with a 'Họ và tên' column.")
@click.option("--summoned", type=click.IntRange(min=1))
@click.option("--body", default="", help="The organising body.")
@click.option("--body-kind", type=click.Choice(["party", "state"]), default="party",
              show_default=True)
@click.option("--place", default="")
@click.option("--date", "held_on", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--denominator", type=click.Choice(["collected", "present", "summoned"]),
              default="collected", show_default=True)
@click.option("--min-ballots", type=click.IntRange(min=1), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def create_command(kind, title, subjects_file, summoned, body, body_kind, place, held_on,
                   denominator, min_ballots, as_json) -> None:
    """Create a draft round, optionally with its subject list."""
    rows = ()
    sheet = None
    if subjects_file is not None and kind == RoundKind.nomination:
        # positions, seats and candidates from one sheet (see survey.rounds.nomination)
        sheet = nomination.parse_nominations(subjects_file.read_bytes(), subjects_file.name)
        if not sheet.ok:
            for error in sheet.errors:
                click.echo(error.message, err=True)
            raise click.ClickException(_("Tệp danh sách có lỗi; chưa nhập gì."))
    elif subjects_file is not None:
        parsed = parse_subjects(subjects_file.read_bytes(), subjects_file.name)
        if not parsed.ok:
            for error in parsed.errors:
                click.echo(error.message, err=True)
            raise click.ClickException(_("Tệp danh sách có lỗi; chưa nhập gì."))
        rows = parsed.rows
    try:
        with current_app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)
            round_ = operations.create_round(
                session, title=title, kind=kind, subjects=rows, summoned=summoned, body=body,
                body_kind=body_kind, place=place,
                held_on=held_on.date() if held_on else None, denominator=denominator,
                min_ballots=min_ballots or current_app.config["MIN_BALLOTS"],
                now=datetime.now(UTC),
            )
            if sheet is not None:
                nomination.replace_nominations(session, round_, sheet)
            record_cli(session, "round.create", round_.id, title=round_.title,
                       subjects=len(round_.subjects))
            data = _round_json(round_)
            session.commit()
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json(data)
    else:
        click.echo(_("Đã tạo đợt số %(id)d với %(n)d người được lấy phiếu.",
                     id=data["id"], n=data["subjects"]))


@round_cli.command("attendance")
@click.argument("round_id", type=int)
@click.option("--summoned", type=click.IntRange(min=1), required=True)
@click.option("--present", type=click.IntRange(min=0), required=True)
@click.option("--json", "as_json", is_flag=True)
def attendance_command(round_id: int, summoned: int, present: int, as_json: bool) -> None:
    """Record how many were summoned and how many are present."""
    def record(session, round_):
        operations.record_attendance(session, round_, summoned=summoned, present=present)
        return {"summoned": summoned, "present": present}

    data = RoundStep(round_id, "round.attendance")(record)
    data["quorum"] = quorum_met(summoned, present)
    if as_json:
        echo_json(data)
    else:
        click.echo(_("Triệu tập %(s)d, có mặt %(p)d: %(q)s.", s=summoned, p=present,
                     q=_("đủ 2/3") if data["quorum"] else _("không đủ 2/3")))


def _transition(name: str, operation, done: str, summary: str):
    # help= and not __doc__: the decorator has already read the docstring of ``command``
    @round_cli.command(name, help=summary)
    @click.argument("round_id", type=int)
    @click.option("--json", "as_json", is_flag=True)
    def command(round_id: int, as_json: bool) -> None:
        data = RoundStep(round_id, f"round.{name}")(
            lambda s, r: operation(s, r, datetime.now(UTC))
        )
        if name == "close":
            from survey.db import compact

            compact()
        if as_json:
            echo_json(data)
        else:
            click.echo(str(done) % {"id": round_id})

    return command


_transition("open", operations.open_round, _l("Đã mở bỏ phiếu đợt %(id)s."),
            "Open voting on ROUND_ID (needs a quorum).")
_transition("close", operations.close_round, _l("Đã kết thúc bỏ phiếu đợt %(id)s."),
            "Close voting on ROUND_ID now; no ballot is accepted afterwards.")
_transition("publish", operations.publish_round, _l("Đã công bố kết quả đợt %(id)s."),
            "Release the results of ROUND_ID to Standing Committee readers.")


@round_cli.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_command(as_json: bool) -> None:
    """List rounds, newest first."""
    with current_app.extensions["survey.sessionmaker"]() as session:
        data = [_round_json(r) for r in operations.list_rounds(session)]
    if as_json:
        echo_json({"rounds": data})
        return
    for item in data:
        click.echo(f"{item['id']:>4}  {item['status']:<9}  {item['title']}")



@round_cli.command("derive")
@click.argument("round_id", type=int)
@click.option("--title", default=None, help="The new round's title.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def derive_command(round_id: int, title: str | None, as_json: bool) -> None:
    """Create a confidence vote (no_confidence) from closed poll ROUND_ID.

    It lists those with over half and under two thirds "low", in ballot order, and copies
    the body, place and attendance: create and issue cards, then open it.
    """
    from survey.rounds.no_confidence import derive_no_confidence

    try:
        with current_app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)
            poll = operations.get_round(session, round_id)
            round_ = derive_no_confidence(session, poll, now=datetime.now(UTC), title=title)
            record_cli(session, "round.derive", round_.id, source=poll.id,
                       subjects=len(round_.subjects))
            data = _round_json(round_)
            session.commit()
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        echo_json(data)
    else:
        click.echo(_("Đã tạo đợt số %(id)d với %(n)d người được lấy phiếu.",
                     id=data["id"], n=data["subjects"]))
