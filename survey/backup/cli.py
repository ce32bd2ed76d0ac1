"""``survey backup`` and ``survey restore``: the commands around :mod:`survey.backup`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.backup import BackupError, backup, contents, open_rounds, restore
from survey.db import command_transaction, upgrade
from survey.i18n import _
from survey.security.audit import record_cli, verify


def _warning_open(ids: list[int]) -> str:
    return _(
        "Cảnh báo: đợt %(ids)s đang mở. Bản sao lưu chứa các phiếu đã bỏ đến lúc này, dưới mã "
        "lưu từ lúc bỏ phiếu (đến khi đóng đợt các phiếu mới được ghi lại theo thứ tự ngẫu "
        "nhiên với mã mới); hai bản sao lưu lấy trong lúc bỏ phiếu có thể được so với nhau để "
        "biết những phiếu nào được bỏ giữa hai lần. Hãy sao lưu trước khi mở và sau khi đóng "
        "đợt; giữ bản này như hòm phiếu và hủy nó khi đã có bản sao lưu sau khi đóng.",
        ids=", ".join(map(str, ids)))


@click.command("backup", help="Sao lưu cơ sở dữ liệu vào TỆP (được cả khi máy chủ đang chạy).")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the database into PATH, consistently, while the server runs."""
    engine = current_app.extensions["survey.engine"]
    ids: list[int] = []

    def note() -> None:  # in the audit log before the copy, so the copy holds it too
        with command_transaction() as session:
            ids[:] = open_rounds(session)
            record_cli(session, "database.backup", open_rounds=ids)

    try:
        backup(engine, path, current_app.config.get("PG_BIN"), before=note)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if ids:
        click.echo(_warning_open(ids), err=True)
    click.echo(_("Đã sao lưu vào %(path)s (%(size)s KB). Khôi phục bằng 'survey restore' vào "
                 "một instance trống.", path=path, size=f"{path.stat().st_size / 1024:,.0f}"))


@click.command("restore", help="Khôi phục một bản sao lưu vào instance trống này.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Restore the backup PATH into this instance, which must be empty."""
    engine = current_app.extensions["survey.engine"]
    try:
        restore(engine, path, current_app.config.get("PG_BIN"))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    upgrade()  # a backup made by an older version gets this version's schema
    with current_app.extensions["survey.sessionmaker"]() as session:
        held = contents(session)
        chain = verify(session)
    click.echo(_("Đã khôi phục từ %(path)s: %(rounds)d đợt, %(ballots)d phiếu, %(cards)d thẻ "
                 "(%(used)d đã dùng).", path=path, rounds=held.rounds, ballots=held.ballots,
                 cards=held.cards, used=held.used))
    if not chain.ok:
        click.echo(_("Nhật ký thao tác trong bản sao lưu không nguyên vẹn: hãy chạy 'survey "
                     "audit verify' và báo cho Ban kiểm phiếu."), err=True)
        raise SystemExit(1)
    click.echo(_("Nhật ký nguyên vẹn: %(n)d mục, mã đầu chuỗi %(head)s.", n=held.entries,
                 head=held.head or "-"))
