"""The ``survey`` command: serve, demo, and every data command of the domain packages."""

from __future__ import annotations

import os
import secrets
import ssl
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from survey import create_app
from survey.auth.operations import create_user, has_users
from survey.console import base_url as console_base_url
from survey.db import command_transaction
from survey.desk.purge import PURGE_PENDING, purge_engine, purge_pending, start_retrying
from survey.i18n import _

ADMIN = "admin"


def ensure_admin() -> str | None:
    """Create the ``admin`` account on first start; return its password (shown once)."""
    with command_transaction() as session:
        if has_users(session):
            return None
        password = secrets.token_urlsafe(12)
        create_user(session, ADMIN, password, "admin", datetime.now(UTC))
        return password


def _tls_files(certfile: str | None, keyfile: str | None) -> tuple[str, str] | None:
    """The certificate and key ``survey serve`` speaks HTTPS with (none: plain HTTP), checked
    before anything starts."""
    from survey.https import check_certificate

    if not certfile and not keyfile:
        return None
    if not (certfile and keyfile):
        raise click.ClickException(_(
            "HTTPS cần cả chứng chỉ và khóa riêng: --certfile và --keyfile (hoặc SURVEY_CERTFILE "
            "và SURVEY_KEYFILE)."
        ))
    if sys.platform == "win32":
        raise click.ClickException(_(
            "Trên Windows, máy chủ (waitress) không tự phục vụ HTTPS được. Hãy đặt một proxy TLS "
            "phía trước (xem docs/deployment.md, mục HTTPS), hoặc chạy máy chủ trên Linux hay "
            "macOS."
        ))
    try:
        check_certificate(certfile, keyfile)
    except (OSError, ssl.SSLError) as exc:
        raise click.ClickException(_(
            "Không dùng được chứng chỉ %(cert)s với khóa %(key)s: %(error)s",
            cert=certfile, key=keyfile, error=exc.strerror or exc,
        )) from exc
    return certfile, keyfile


def default_threads(database_url: str) -> int:
    """Threads per worker of ``survey serve`` when ``--threads`` is not given.

    Enough to cover the waits on the database: on SQLite, whose writers take turns anyway, 4;
    on PostgreSQL, where each query waits a round trip to the database host, 8. More make a
    worker slower, not faster: they compete for the interpreter with the thread that hands the
    requests out (docs/performance.md, "Threads").
    """
    return 4 if database_url.startswith("sqlite") else 8


@click.command("serve", help="Tạo hoặc nâng cấp cơ sở dữ liệu rồi chạy máy chủ.")
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int,
              help="Worker processes (more than 1 only with PostgreSQL).")
@click.option("--threads", type=int,
              help="Threads per worker [default: 4 on SQLite, 8 on PostgreSQL].")
@click.option("--certfile", type=click.Path(dir_okay=False),
              help="Serve HTTPS with this certificate (PEM) [default: SURVEY_CERTFILE].")
@click.option("--keyfile", type=click.Path(dir_okay=False),
              help="The certificate's private key (PEM) [default: SURVEY_KEYFILE].")
@with_appcontext
def serve_command(host: str, port: int, workers: int, threads: int | None,
                  certfile: str | None, keyfile: str | None) -> None:
    """Create or upgrade the database and run the production server."""
    from survey.db import upgrade

    database_url = current_app.config["DATABASE_URL"]
    threads = threads or default_threads(database_url)
    tls = _tls_files(certfile or current_app.config.get("CERTFILE"),
                     keyfile or current_app.config.get("KEYFILE"))
    if workers > 1 and database_url.startswith("sqlite"):
        raise click.ClickException(_(
            "Với SQLite chỉ chạy được một tiến trình (--workers 1): nhiều tiến trình sẽ tranh "
            "nhau quyền ghi vào cùng một tệp. Một tiến trình đủ cho một phòng họp (thêm luồng "
            "bằng --threads nếu cần); muốn chạy nhiều tiến trình, hãy dùng PostgreSQL "
            "(SURVEY_DATABASE_URL)."
        ))

    upgrade()
    password = ensure_admin()
    # a close whose purge did not finish (the process died, a reader held an old snapshot):
    # try again now; the workers keep trying while it is pending
    if not purge_pending(purge_engine(current_app)).done:
        click.echo(str(PURGE_PENDING), err=True)
    purge_engine(current_app).dispose()
    # The workers are forked from this process: none may inherit its connections (an SQLite
    # file handle, a PostgreSQL socket shared by two processes), so none stays open here.
    current_app.extensions["survey.engine"].dispose()
    base = console_base_url(None, host, port, "https" if tls else "http")
    os.environ["SURVEY_DETECTED_BASE_URL"] = base  # the workers build their app from the env
    click.echo(_("Cơ sở dữ liệu: %(url)s", url=_safe_url(current_app.config["DATABASE_URL"])))
    if password:
        click.echo("")
        click.echo(_("Tài khoản quản trị đã được tạo (mật khẩu chỉ hiện một lần):"))
        click.echo(_("  Tên đăng nhập: %(name)s", name=ADMIN))
        click.echo(_("  Mật khẩu:      %(password)s", password=password))
        click.echo(_("Hãy đổi mật khẩu này sau khi đăng nhập (trang Đổi mật khẩu), hoặc bằng "
                     "lệnh: survey user password %(name)s", name=ADMIN))
        click.echo("")
    click.echo(_("Máy chủ đang chạy. Điện thoại trong mạng LAN mở: %(url)s/v", url=base))
    click.echo(_("Trang quản lý: %(url)s/login", url=base))
    if tls and not base.startswith("https://"):
        click.echo(_("Cảnh báo: máy chủ phục vụ HTTPS nhưng SURVEY_BASE_URL là %(url)s: mã QR "
                     "in trên thẻ sẽ không mở được trang bỏ phiếu.", url=base), err=True)
    sys.stdout.flush()
    if sys.platform == "win32":  # pragma: no cover - gunicorn does not run on Windows
        import waitress

        app = create_app()
        start_retrying(app)
        waitress.serve(app, host=host, port=port, threads=threads)
        return
    from survey.server import run

    run(host=host, port=port, workers=workers, threads=threads,
        certfile=tls[0] if tls else None, keyfile=tls[1] if tls else None)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.command(
    "demo",
    help="Tạo một đợt thử đã mở, có thẻ in sẵn, để bỏ phiếu thử trên điện thoại.",
)
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the cards (default: the instance folder).")
@click.option("--cards", "count", default=15, show_default=True, type=int)
@click.option("--base-url", help="Address phones use (default: this machine's LAN address).")
@click.option("--port", default=8000, show_default=True, type=int,
              help="The port 'survey serve' listens on.")
@with_appcontext
def demo_command(pdf_path: Path | None, count: int, base_url: str | None, port: int) -> None:
    """Set up an open demo round with printed cards, ready to vote on a phone."""
    import qrcode

    from survey.ballots.cards import card_url
    from survey.ballots.operations import create_cards, issue_cards
    from survey.ballots.printing import PrintedCard, cards_pdf
    from survey.db import upgrade
    from survey.desk.operations import create_round, open_round
    from survey.rounds.importing import parse_subjects
    from survey.rounds.operations import record_attendance

    upgrade()
    password = ensure_admin()
    # a close whose purge did not finish (the process died, a reader held an old snapshot):
    # try again now; the workers keep trying while it is pending
    if not purge_pending(purge_engine(current_app)).done:
        click.echo(str(PURGE_PENDING), err=True)
    purge_engine(current_app).dispose()
    if password:  # shown before anything else can fail: it is never shown again
        click.echo(_("Tài khoản quản trị: %(name)s / %(password)s (chỉ hiện một lần)",
                     name=ADMIN, password=password))
    base = console_base_url(base_url, port=port)
    subjects = parse_subjects(
        Path(__file__).with_name("data").joinpath("demo-subjects.csv").read_bytes(),
        "demo.csv",
    )
    now = datetime.now(UTC)
    with command_transaction() as session:
        round_ = create_round(
            session,
            title=_("Lấy phiếu tín nhiệm (thử nghiệm) đối với Ủy viên Ban Thường vụ"),
            body=_("Ban Chấp hành Đảng bộ thành phố (thử nghiệm)"),
            place=_("Hội trường"),
            held_on=date.today(),
            subjects=subjects.rows,
            now=now,
        )
        record_attendance(session, round_, summoned=count, present=count)
        cards = create_cards(session, round_, count)
        issue_cards(session, round_)
        open_round(session, round_, now)
        round_id = round_.id
        printed = [PrintedCard(c.serial, c.code, card_url(base, c.code)) for c in cards]
        pdf_path = pdf_path or Path(current_app.instance_path, f"demo-cards-{round_id}.pdf")
        pdf = cards_pdf(title=round_.title, body=round_.body, vote_address=f"{base}/v",
                        cards=printed)
        try:  # inside the transaction: no round whose card codes nobody has
            pdf_path.write_bytes(pdf)
        except OSError as exc:
            raise click.ClickException(
                _("Không ghi được tệp %(path)s: %(error)s", path=pdf_path, error=exc.strerror)
            ) from exc
    click.echo(_("Đợt thử nghiệm số %(id)d đang mở, %(n)d thẻ đã kích hoạt.", id=round_id, n=count))
    click.echo(_("Thẻ in sẵn: %(path)s", path=pdf_path))
    click.echo(_("Chạy 'survey serve' rồi quét mã QR này bằng điện thoại (thẻ số 1):"))
    qr = qrcode.QRCode(border=2)
    qr.add_data(printed[0].url)
    qr.print_ascii(out=sys.stdout, invert=True)
    click.echo(printed[0].url)


def main() -> None:
    """Entry point of the ``survey`` console script."""
    cli = FlaskGroup(create_app=create_app, add_default_commands=False, add_version_option=False,
                     help=_("Lấy phiếu tín nhiệm bí mật trên điện thoại."))
    cli.add_command(serve_command)
    cli.add_command(demo_command)
    from survey.auth.cli import user_cli
    from survey.backup.cli import backup_command, restore_command
    from survey.certificates import cert_command
    from survey.db import init_command
    from survey.desk.cli import cards_cli, round_cli
    from survey.kinds import commands
    from survey.procedures.cli import procedure_cli
    from survey.procedures.planning_cli import planning_cli
    from survey.reports.cli import recount_command, report_command, tally_command
    from survey.security.cli import audit_cli

    for command in (init_command, user_cli, round_cli, cards_cli, tally_command, report_command,
                    recount_command, audit_cli, backup_command, restore_command, cert_command,
                    procedure_cli, planning_cli):
        cli.add_command(command)
    for group in commands():  # the kinds' own commands
        cli.add_command(group)
    cli.main(prog_name="survey")
