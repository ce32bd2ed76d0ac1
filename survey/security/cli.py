"""``survey audit``: check the audit log's hash chain, list entries."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from survey.i18n import _
from survey.security import audit

audit_cli = AppGroup("audit", help="Nhật ký thao tác của cán bộ tổ chức.")


@audit_cli.command("verify")
@click.option("--head", "expected_head", multiple=True,
              help="A head hash printed in minutes; it must still be in the chain. Repeatable.")
def verify_command(expected_head: tuple[str, ...]) -> None:
    """Recompute the hash chain; exit 1 if any entry was edited or deleted."""
    with current_app.extensions["survey.sessionmaker"]() as session:
        result = audit.verify(session)
    problems = []
    if result.broken:
        problems.append(_("Mục bị sửa hoặc chuỗi bị đứt từ mục số %(id)d.", id=result.broken[0]))
    if result.missing:
        problems.append(_("Thiếu mục số: %(ids)s.", ids=", ".join(map(str, result.missing[:20]))))
    known = set(result.hashes)
    for head in expected_head:
        if head not in known:
            problems.append(_("Mã %(head)s đã in trong biên bản không còn trong nhật ký: các mục "
                              "đến thời điểm đó đã bị sửa hoặc xóa.", head=head))
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise SystemExit(1)
    click.echo(
        _(
            "Nhật ký nguyên vẹn: %(n)d mục, mã đầu chuỗi %(head)s.",
            n=result.entries,
            head=result.head or "-",
        )
    )


@audit_cli.command("list")
@click.option("--round", "round_id", type=int, help="Only this round's entries.")
def list_command(round_id: int | None) -> None:
    """Print the entries, oldest first."""
    from sqlalchemy import select

    from survey.security.models import AuditEntry

    with current_app.extensions["survey.sessionmaker"]() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if round_id is not None:
            query = query.where(AuditEntry.round_id == round_id)
        for entry in session.scalars(query):
            click.echo(
                f"{entry.id:>6}  {entry.at:%Y-%m-%d %H:%M:%S}  {entry.actor:<16} "
                f"{entry.action:<18} {entry.round_id or '-':>5}  {entry.details}"
            )
