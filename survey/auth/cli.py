"""``survey user``: accounts from the command line."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from survey.auth.models import Role
from survey.db import begin_write
from survey.errors import SurveyError
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

    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(_("Mật khẩu"), hide_input=True, confirmation_prompt=True)
    try:
        with current_app.extensions["survey.sessionmaker"]() as session:
            begin_write(session)  # SQLite: BEGIN IMMEDIATE, as the views do
            create_user(session, username, password, role, datetime.now(UTC))
            record_cli(session, "user.create", user=username, role=role)
            session.commit()
    except SurveyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(_("Đã tạo tài khoản %(name)s (%(role)s).", name=username, role=role))
