"""``survey user``: accounts from the command line."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
from flask.cli import AppGroup

from survey.auth.models import Role
from survey.db import command_transaction
from survey.i18n import _
from survey.security.audit import record_cli

user_cli = AppGroup("user", help="Tài khoản cán bộ tổ chức, quản trị và người xem.")


@user_cli.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add_command(username: str, role: str, password_stdin: bool) -> None:
    """Create an account; the password comes from a prompt or standard input."""
    from survey.auth.operations import create_user

    password = _new_password(password_stdin)
    with command_transaction() as session:
        create_user(session, username, password, role, datetime.now(UTC))
        record_cli(session, "user.create", user=username, role=role)
    click.echo(_("Đã tạo tài khoản %(name)s (%(role)s).", name=username, role=role))


@user_cli.command("password", help="Đặt mật khẩu mới cho tài khoản USERNAME (chủ tài khoản tự "
                  "đổi, hoặc quản trị đặt lại); mọi phiên đăng nhập của tài khoản kết thúc.")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Đọc mật khẩu mới từ đầu vào chuẩn.")
def password_command(username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME; every session of the account ends."""
    from survey.auth.operations import change_password, find_user

    password = _new_password(password_stdin)
    with command_transaction() as session:
        user = find_user(session, username)
        change_password(session, user, password)
        record_cli(session, "user.password", user=user.username)
        name = user.username
    click.echo(_("Đã đổi mật khẩu của %(name)s. Mọi phiên đăng nhập của tài khoản này đã kết "
                 "thúc.", name=name))


def _new_password(from_stdin: bool) -> str:
    """A password from standard input (a pipe, or ``--password-stdin``) or typed twice."""
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(_("Mật khẩu"), hide_input=True, confirmation_prompt=True)
