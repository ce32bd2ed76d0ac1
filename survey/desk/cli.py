"""``survey round`` and ``survey cards``: script a whole round from the command line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from survey.ballots import operations as cards
from survey.ballots.commands import print_cards, report_cards
from survey.console import base_url, echo_json
from survey.db import command_transaction
from survey.desk import operations
from survey.desk.purge import PURGE_PENDING, purge_engine, purge_pending
from survey.i18n import _, _l
from survey.kinds import KINDS, kind_named, kind_of
from survey.kinds.base import ListImport
from survey.kinds.no_confidence.derive import derive_no_confidence
from survey.rounds import operations as rounds
from survey.rounds.models import Round, quorum_met
from survey.security.audit import record_cli

round_cli = AppGroup("round", help="Tạo và điều hành các đợt lấy phiếu.")
cards_cli = AppGroup("cards", help="Thẻ bỏ phiếu có mã QR.")


def round_json(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.id,
        "title": round_.title,
        "kind": round_.kind,
        "status": round_.state.value,
        "subjects": len(round_.subjects),
        "summoned": round_.summoned,
        "present": round_.present,
    }


def round_step(round_id: int, action: str,
               step: Callable[[Session, Round], dict[str, Any] | None]) -> dict[str, Any]:
    """Run ``step`` on round ``round_id`` in one transaction, audited as ``action``; a refusal
    ends the command with its message."""
    with command_transaction() as session:
        round_ = rounds.get_round(session, round_id)
        details = step(session, round_) or {}
        record_cli(session, action, round_.id, **details)
        return round_json(round_)


def _read_list(kind: str, path: Path) -> ListImport:
    parsed = kind_named(kind).read_list(path.read_bytes(), path.name)
    if not parsed.ok:
        for error in parsed.errors:
            click.echo(error.message, err=True)
        raise click.ClickException(_("Tệp danh sách có lỗi; chưa nhập gì."))
    return parsed


@round_cli.command("create")
@click.option("--kind", type=click.Choice(list(KINDS)), default="confidence", show_default=True)
@click.option("--title", required=True)
@click.option("--subjects", "subjects_file", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="CSV or XLSX with a 'Họ và tên' column (a nomination: its "
              "positions and candidates).")
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
def create_command(kind: str, title: str, subjects_file: Path | None, summoned: int | None,
                   body: str, body_kind: str, place: str, held_on: datetime | None,
                   denominator: str, min_ballots: int | None, as_json: bool) -> None:
    """Create a draft round, optionally with its list."""
    parsed = _read_list(kind, subjects_file) if subjects_file is not None else None
    with command_transaction() as session:
        round_ = operations.create_round(
            session, title=title, kind=kind, summoned=summoned, body=body, body_kind=body_kind,
            place=place, held_on=held_on.date() if held_on else None, denominator=denominator,
            min_ballots=min_ballots or current_app.config["MIN_BALLOTS"], now=datetime.now(UTC),
        )
        if parsed is not None:
            kind_of(round_).replace_list(session, round_, parsed)
        record_cli(session, "round.create", round_.id, title=round_.title,
                   subjects=len(round_.subjects))
        data = round_json(round_)
    _created(data, as_json)


def _created(data: dict[str, Any], as_json: bool) -> None:
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
    def record(session: Session, round_: Round) -> dict[str, Any]:
        operations.record_attendance(session, round_, summoned=summoned, present=present)
        return {"summoned": summoned, "present": present}

    data = round_step(round_id, "round.attendance", record)
    data["quorum"] = quorum_met(summoned, present)
    if as_json:
        echo_json(data)
    else:
        click.echo(_("Triệu tập %(s)d, có mặt %(p)d: %(q)s.", s=summoned, p=present,
                     q=_("đủ 2/3") if data["quorum"] else _("không đủ 2/3")))


def _transition(name: str, operation: Callable[[Session, Round, operations.Moment], None],
                done: object, summary: str) -> None:
    # help= and not __doc__: the decorator has already read the docstring of ``command``
    @round_cli.command(name, help=summary)
    @click.argument("round_id", type=int)
    @click.option("--json", "as_json", is_flag=True)
    def command(round_id: int, as_json: bool) -> None:
        data = round_step(round_id, f"round.{name}",
                          lambda s, r: operation(s, r, lambda: datetime.now(UTC)))
        if name == "close" and not purge_pending(purge_engine(current_app)).done:
            click.echo(str(PURGE_PENDING), err=True)
        if as_json:
            echo_json(data)
        else:
            click.echo(str(done) % {"id": round_id})


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
        data = [round_json(r) for r in rounds.list_rounds(session)]
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
    with command_transaction() as session:
        poll = rounds.get_round(session, round_id)
        round_ = derive_no_confidence(session, poll, now=datetime.now(UTC), title=title)
        record_cli(session, "round.derive", round_.id, source=poll.id,
                   subjects=len(round_.subjects))
        data = round_json(round_)
    _created(data, as_json)


# -- cards ---------------------------------------------------------------------------------------


@cards_cli.command("create")
@click.argument("round_id", type=int)
@click.option("--count", type=click.IntRange(min=1, max=cards.MAX_CARDS), required=True)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the printable card sheet here.")
@click.option("--base-url", "base_option",
              help="Address phones use, e.g. http://192.168.1.10:8000")
@click.option("--json", "as_json", is_flag=True, help="Print serial, code and url of each card.")
def create_cards_command(round_id: int, count: int, pdf_path: Path | None,
                         base_option: str | None, as_json: bool) -> None:
    """Create COUNT cards; their codes are shown only in this output."""
    base = base_url(base_option)
    with command_transaction() as session:
        round_ = rounds.get_round(session, round_id)
        made = operations.create_cards(session, round_, count)
        record_cli(session, "cards.create", round_id, count=count,
                   serials=f"{made[0].serial}-{made[-1].serial}")
        printed = print_cards(round_, made, {}, base, pdf_path)
    report_cards(round_id, printed, pdf_path, as_json)


@cards_cli.command("issue")
@click.argument("round_id", type=int)
@click.option("--all", "all_", is_flag=True, help="Issue every card of the round.")
@click.option("--serials", help="Serials to issue, e.g. 1-40,45")
@click.option("--json", "as_json", is_flag=True)
def issue_command(round_id: int, all_: bool, serials: str | None, as_json: bool) -> None:
    """Activate the cards handed out."""
    if all_ == bool(serials):
        raise click.UsageError(_("Dùng một trong hai: --all hoặc --serials."))
    with command_transaction() as session:
        round_ = rounds.get_round(session, round_id)
        wanted = cards.parse_serials(serials) if serials else None
        n = cards.issue_cards(session, round_, wanted)
        record_cli(session, "cards.issue", round_id, serials=serials or "all", issued=n)
        counts = cards.card_counts(session, round_id)
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
    with command_transaction() as session:
        operations.void_card(session, rounds.get_round(session, round_id), serial)
        record_cli(session, "cards.void", round_id, serial=serial)
        counts = cards.card_counts(session, round_id)
    if as_json:
        echo_json({"round": round_id, "voided": serial, "issued": counts.issued})
    else:
        click.echo(_("Đã hủy thẻ số %(serial)d.", serial=serial))
