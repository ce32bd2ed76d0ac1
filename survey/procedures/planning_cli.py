"""``survey planning``: the planning lists and their yearly reviews from the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import click
from flask.cli import AppGroup

from survey.console import echo_json
from survey.db import command_transaction
from survey.procedures import planning as ops
from survey.procedures.forms import read_proposals
from survey.procedures.models import PlanningEntry, PlanningReview
from survey.security.audit import record_cli
from survey.tally.procedure import Nominee

planning_cli = AppGroup("planning", help="Danh sách quy hoạch và rà soát hằng năm.")


def _entry_json(entry: PlanningEntry) -> dict[str, Any]:
    return {"id": entry.id, "body": entry.body, "post": entry.post, "name": entry.name,
            "current_position": entry.current, "source": entry.source,
            "added_at": entry.added_at.isoformat()}


def _print(data: dict[str, Any], as_json: bool, short: object) -> None:
    if as_json:
        echo_json(data)
    else:
        click.echo(str(short))


@planning_cli.command("show")
@click.option("--body", default=None, help="One body's list only.")
@click.option("--json", "as_json", is_flag=True)
def show_command(body: str | None, as_json: bool) -> None:
    """The people planned now, per body and post, and the warnings."""
    with command_transaction() as session:
        entries = ops.active_entries(session, body)
        data = {"entries": [_entry_json(e) for e in entries],
                "warnings": [{"code": "over_three_posts", "body": b, "name": w.name,
                              "posts": list(w.posts)} for b, w in ops.warnings(entries)]}
    if as_json:
        echo_json(data)
        return
    for item in data["entries"]:
        click.echo(f"{item['id']:>4}  {item['body']} · {item['post']}: {item['name']}")
    for warning in data["warnings"]:
        click.echo(f"! {warning['name']}: {', '.join(warning['posts'])}", err=True)


@planning_cli.command("add")
@click.option("--body", default="")
@click.option("--post", required=True)
@click.option("--name", required=True)
@click.option("--current", default="")
@click.option("--reason", required=True)
@click.option("--json", "as_json", is_flag=True)
def add_command(body: str, post: str, name: str, current: str, reason: str,
                as_json: bool) -> None:
    """Put a person on a planning list directly, with the reason."""
    with command_transaction() as session:
        reason = ops.reason_text(reason)
        entry = ops.add_entry(session, body=body, person=Nominee(post, name, current),
                              source="Ghi trực tiếp (cli): " + reason,
                              now=datetime.now(UTC))
        record_cli(session, "planning.add", entry=entry.id, body=entry.body, post=entry.post,
                   name=entry.name, reason=reason)
        data = _entry_json(entry)
    _print(data, as_json, data["id"])


@planning_cli.command("remove")
@click.argument("entry_id", type=int)
@click.option("--reason", required=True)
def remove_command(entry_id: int, reason: str) -> None:
    """Take entry ENTRY_ID off its planning list, with the reason."""
    with command_transaction() as session:
        reason = ops.reason_text(reason)
        entry = ops.remove_entry(session, entry_id, removal="Ghi trực tiếp (cli): " + reason,
                                 now=datetime.now(UTC))
        record_cli(session, "planning.remove", entry=entry.id, body=entry.body,
                   post=entry.post, name=entry.name, reason=reason)
    click.echo(str(entry_id))


@planning_cli.command("review")
@click.option("--body", default="")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--members", type=click.IntRange(min=1), required=True)
@click.option("--min-ballots", type=click.IntRange(min=1), default=5, show_default=True)
@click.option("--proposal", "proposals", multiple=True, required=True,
              help='"+; post; name; current position; reason" or "-; post; name; reason".')
@click.option("--json", "as_json", is_flag=True)
def review_command(body: str, year: int, members: int, min_ballots: int,
                   proposals: tuple[str, ...], as_json: bool) -> None:
    """Prepare a yearly review: a draft vote of the leadership collective on each proposal."""
    body = " ".join(body.split())
    with command_transaction() as session:
        entries = [(e.id, e.post, e.name) for e in ops.active_entries(session, body)]
        review = ops.create_review(session, body=body, year=year, members=members,
                                   proposals=read_proposals("\n".join(proposals), entries),
                                   now=datetime.now(UTC), min_ballots=min_ballots)
        record_cli(session, "planning.review", review.round_id, review=review.id, year=year,
                   proposals=len(review.proposals))
        data = {"id": review.id, "round_id": review.round_id, "year": year,
                "proposals": [{"action": p.action, "post": p.post, "name": p.name,
                               "reason": p.reason} for p in review.proposals]}
    _print(data, as_json, data["round_id"])


@planning_cli.command("apply")
@click.argument("review_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def apply_command(review_id: int, as_json: bool) -> None:
    """Write closed review REVIEW_ID's result into the planning list."""
    with command_transaction() as session:
        review = session.get(PlanningReview, review_id)
        if review is None:
            raise click.ClickException(f"No review {review_id}.")
        changed = ops.apply_review(session, review, now=datetime.now(UTC))
        record_cli(session, "planning.apply", review.round_id, review=review.id, changed=changed)
        data = {"id": review.id, "changed": changed,
                "entries": [_entry_json(e) for e in ops.active_entries(session, review.body)]}
    _print(data, as_json, changed)
