"""``survey procedure``: run a procedure of linked conferences from the command line.

Each data command takes ``--json`` and prints one JSON object (docs/procedure.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from survey.console import echo_json
from survey.db import command_transaction
from survey.kinds.approval.decisions import record_head_decision
from survey.procedures import operations as ops
from survey.procedures.dossier import build_dossier
from survey.procedures.dossier_pdf import dossier_pdf
from survey.procedures.dossier_xlsx import dossier_workbook
from survey.procedures.forms import read_posts
from survey.procedures.models import Procedure
from survey.procedures.planning import plan_procedure
from survey.procedures.stages import EXTERNAL, INTERNAL, in_vietnamese
from survey.rounds.operations import get_round
from survey.security.audit import record_cli
from survey.tally.procedure import Nominee, Standing

procedure_cli = AppGroup("procedure", help="Quy trình bổ nhiệm, quy hoạch: các hội nghị nối "
                                            "tiếp nhau.")


def _standing(s: Standing) -> dict[str, Any]:
    return {"post": s.post, "name": s.name, "current_position": s.current, "votes": s.votes,
            "base": s.base, "percent": str(s.percent) if s.percent is not None else None,
            "passed": s.passed, "tied": s.tied, "head_decides": s.head_decides,
            "head_decision": s.decided, "written_in": s.written_in, "advisory": s.advisory}


def procedure_json(session: Session, procedure: Procedure) -> dict[str, Any]:
    """A procedure, its steps, each step's list and result (docs/procedure.md)."""
    views = ops.view_steps(session, procedure)
    current = ops.current_step(views)
    return {
        "id": procedure.id, "title": procedure.title, "purpose": procedure.purpose,
        "variant": procedure.variant, "body": procedure.body, "members": procedure.members,
        "min_ballots": procedure.min_ballots,
        "posts": [{"title": p.title, "seats": p.seats} for p in procedure.posts],
        "current_step": current.order if current else None,
        "steps": [{
            "order": v.order, "conference": in_vietnamese(v.stage.title), "kind": v.stage.kind,
            "round_id": v.round.id if v.round else None,
            "status": v.round.state.value if v.round else None, "done": v.done,
            "summoned": v.round.summoned if v.round else v.step.summoned,
            "present": v.round.present if v.round else v.step.present,
            "list": [{"post": n.post, "name": n.name, "current_position": n.current}
                     for n in v.nominees],
            "results": None if v.standings is None else [_standing(s) for s in v.standings],
            "changes": [{"action": c.action, "post": c.post, "name": c.name,
                         "reason": c.reason, "actor": c.actor, "at": c.at.isoformat()}
                        for c in v.step.changes],
        } for v in views],
        "planned_at": procedure.planned_at.isoformat() if procedure.planned_at else None,
    }


def _run(procedure_id: int, action: str, step: Any, as_json: bool) -> None:
    """Run ``step(session, procedure)`` in one transaction, audited as ``action``, then print
    the procedure (``--json``) or a line."""
    with command_transaction() as session:
        procedure = ops.get_procedure(session, procedure_id)
        details, round_id = step(session, procedure)
        record_cli(session, action, round_id, procedure=procedure.id, **details)
        data = procedure_json(session, procedure)
    if as_json:
        echo_json(data)
    else:
        click.echo(f"{data['id']}: {data['title']} — current step {data['current_step']}")


@procedure_cli.command("create")
@click.option("--title", required=True)
@click.option("--purpose", type=click.Choice(["appointment", "planning"]), default="appointment",
              show_default=True)
@click.option("--variant", type=click.Choice([INTERNAL, EXTERNAL]), default=INTERNAL,
              show_default=True)
@click.option("--body", default="")
@click.option("--body-kind", type=click.Choice(["party", "state"]), default="party")
@click.option("--place", default="")
@click.option("--members", type=click.IntRange(min=1), required=True,
              help="Members of the leadership collective.")
@click.option("--min-ballots", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--post", "posts", multiple=True, required=True,
              help='A post as "title; seats" (repeat for several).')
@click.option("--json", "as_json", is_flag=True)
def create_command(title: str, purpose: str, variant: str, body: str, body_kind: str,
                   place: str, members: int, min_ballots: int, posts: tuple[str, ...],
                   as_json: bool) -> None:
    """Create a procedure with its posts and steps."""
    with command_transaction() as session:
        procedure = ops.create_procedure(
            session, title=title, purpose=purpose, variant=variant, body=body,
            members=members, posts=read_posts("\n".join(posts)), now=datetime.now(UTC),
            body_kind=body_kind, place=place, min_ballots=min_ballots)
        record_cli(session, "procedure.create", procedure=procedure.id, title=procedure.title,
                   variant=variant, purpose=purpose)
        data = procedure_json(session, procedure)
    if as_json:
        echo_json(data)
    else:
        click.echo(f"{data['id']}: {data['title']}")


@procedure_cli.command("show")
@click.argument("procedure_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def show_command(procedure_id: int, as_json: bool) -> None:
    """Show a procedure's steps, lists and results."""
    with command_transaction() as session:
        data = procedure_json(session, ops.get_procedure(session, procedure_id))
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['id']}: {data['title']}")
    for step in data["steps"]:
        mark = "✓" if step["done"] else " "
        click.echo(f" {mark} {step['order']}. {step['conference']} "
                   f"({step['kind'] or '—'}, {step['status'] or '—'})")
        for item in step["results"] or step["list"]:
            share = f" {item['percent']}%" if item.get("percent") else ""
            click.echo(f"      {item['name']} – {item['post']}{share}")


def _person(post: str, name: str, current: str) -> Nominee:
    return Nominee(post, name, current)


@procedure_cli.command("meeting")
@click.argument("procedure_id", type=int)
@click.argument("order", type=int)
@click.option("--date", "held_on", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--summoned", type=click.IntRange(min=1))
@click.option("--present", type=click.IntRange(min=0))
@click.option("--note", default="")
@click.option("--person", "people", multiple=True,
              help='Step 1: "name; current position; post" (repeat).')
@click.option("--json", "as_json", is_flag=True)
def meeting_command(procedure_id: int, order: int, held_on: datetime | None,
                    summoned: int | None, present: int | None, note: str,
                    people: tuple[str, ...], as_json: bool) -> None:
    """Record meeting ORDER of PROCEDURE_ID (a step without a ballot)."""
    from survey.procedures.forms import read_people

    def step(session: Session, procedure: Procedure) -> tuple[dict[str, Any], None]:
        found = next((s for s in procedure.steps if s.order == order), None)
        if found is None:
            raise click.ClickException(f"No step {order}.")
        listed = read_people("\n".join(people), [p.title for p in procedure.posts])
        ops.record_meeting(session, procedure, found, held_on=held_on.date() if held_on else None,
                           summoned=summoned, present=present, note=note, people=listed,
                           now=datetime.now(UTC))
        return {"step": order, "people": len(found.people)}, None

    _run(procedure_id, "procedure.meeting", step, as_json)


@procedure_cli.command("derive")
@click.argument("procedure_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def derive_command(procedure_id: int, as_json: bool) -> None:
    """Prepare the next ballot step of PROCEDURE_ID from the previous step's result."""

    def step(session: Session, procedure: Procedure) -> tuple[dict[str, Any], int | None]:
        derived = ops.derive_step(session, procedure, now=datetime.now(UTC))
        names = [n.name for n in ops.view_step(session, procedure, derived).nominees]
        return {"step": derived.order, "names": names}, derived.round_id

    _run(procedure_id, "procedure.derive", step, as_json)


def _change(action: str) -> click.Command:
    @procedure_cli.command(f"{action}-name")
    @click.argument("procedure_id", type=int)
    @click.argument("order", type=int)
    @click.option("--post", required=True)
    @click.option("--name", required=True)
    @click.option("--current", default="", help="Current position (when adding).")
    @click.option("--reason", required=True)
    @click.option("--json", "as_json", is_flag=True)
    def command(procedure_id: int, order: int, post: str, name: str, current: str,
                reason: str, as_json: bool) -> None:
        def step(session: Session, procedure: Procedure) -> tuple[dict[str, Any], int | None]:
            found = next((s for s in procedure.steps if s.order == order), None)
            if found is None:
                raise click.ClickException(f"No step {order}.")
            change = ops.change_names(session, procedure, found, action=action,
                                      person=_person(post, name, current), reason=reason,
                                      actor=f"cli:{_user()}", now=datetime.now(UTC))
            return {"step": order, "name": change.name, "post": change.post,
                    "reason": change.reason}, found.round_id

        _run(procedure_id, f"procedure.name_{action}", step, as_json)

    command.help = (f"{'Add a person to' if action == 'add' else 'Remove a person from'} step "
                    "ORDER's derived list, with the reason.")
    return command


_change("add")
_change("remove")


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"


@procedure_cli.command("decide")
@click.argument("round_id", type=int)
@click.argument("subject_order", type=int)
@click.option("--agree/--disagree", required=True)
@click.option("--note", default="")
@click.option("--json", "as_json", is_flag=True)
def decide_command(round_id: int, subject_order: int, agree: bool, note: str,
                   as_json: bool) -> None:
    """Record the head's decision on line SUBJECT_ORDER of closed vote ROUND_ID (exactly half)."""
    with command_transaction() as session:
        round_ = get_round(session, round_id)
        subject = next((s for s in round_.subjects if s.order == subject_order), None)
        if subject is None:
            raise click.ClickException(f"No line {subject_order}.")
        decision = record_head_decision(session, round_, subject.id, agreed=agree, note=note,
                                        actor=f"cli:{_user()}", now=datetime.now(UTC))
        record_cli(session, "round.head_decision", round_.id, subject=subject.id,
                   agreed=decision.agreed, note=decision.note)
        data = {"round_id": round_.id, "name": subject.name, "agreed": decision.agreed,
                "note": decision.note}
    if as_json:
        echo_json(data)
    else:
        click.echo(f"{data['name']}: {data['agreed']}")


@procedure_cli.command("dossier")
@click.argument("procedure_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["pdf", "xlsx"]), default="pdf",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def dossier_command(procedure_id: int, fmt: str, out: Path) -> None:
    """Write PROCEDURE_ID's dossier: the cover and every conference's minutes (PDF), or its
    figures (XLSX)."""
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    with command_transaction() as session:
        dossier = build_dossier(session, ops.get_procedure(session, procedure_id),
                                today=datetime.now(tz).date())
        data = dossier_pdf(session, dossier, tz=tz) if fmt == "pdf" else dossier_workbook(dossier)
    out.write_bytes(data)
    click.echo(str(out))


@procedure_cli.command("plan")
@click.argument("procedure_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def plan_command(procedure_id: int, as_json: bool) -> None:
    """Write who passed planning procedure PROCEDURE_ID into the planning list."""

    def step(session: Session, procedure: Procedure) -> tuple[dict[str, Any], None]:
        added = plan_procedure(session, procedure, now=datetime.now(UTC))
        return {"names": [e.name for e in added]}, None

    _run(procedure_id, "planning.from_procedure", step, as_json)
