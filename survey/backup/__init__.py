"""Backups: ``survey backup FILE`` copies the database while the server runs, and
``survey restore FILE`` puts such a copy into an empty instance.

SQLite: SQLite's online backup API copies the database in one read transaction, so the copy is
one consistent moment even while ballots are being cast (in WAL mode a reader does not hold up
the writers). The copy is a self-contained SQLite file.

PostgreSQL: ``pg_dump`` in its custom format, of the app's schema; it reads everything in one
snapshot. ``pg_restore`` restores it in a single transaction: wholly or not at all.

A copy taken while a round is open holds the ballots cast so far, under the ids they were cast
with; ``docs/deployment.md`` ("Backups") and ``docs/security.md`` say what follows for secrecy.
The command warns when a round is open, and writes an entry in the audit log before copying, so
the copy and the log of the original both show that a backup was taken, and when.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from survey.ballots.models import Ballot, Card
from survey.db import MIGRATIONS
from survey.errors import SurveyError
from survey.i18n import _
from survey.rounds.models import Round
from survey.security.audit import head
from survey.security.models import AuditEntry

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(SurveyError):
    """A backup or a restore refused or failed; ``str()`` says why, in the user's words."""


@dataclass(frozen=True)
class Contents:
    """What a database holds, as the commands report it."""

    rounds: int
    ballots: int
    cards: int
    used: int
    entries: int
    head: str | None


def contents(session: Session) -> Contents:
    def count(query) -> int:
        return session.scalar(query) or 0

    return Contents(
        rounds=count(select(func.count()).select_from(Round)),
        ballots=count(select(func.count()).select_from(Ballot)),
        cards=count(select(func.count()).select_from(Card)),
        used=count(select(func.count()).select_from(Card).where(Card.used.is_(True))),
        entries=count(select(func.count()).select_from(AuditEntry)),
        head=head(session),
    )


def open_rounds(session: Session) -> list[int]:
    """Ids of the rounds accepting ballots now."""

    return list(session.scalars(
        select(Round.id).where(Round.opened_at.is_not(None), Round.closed_at.is_(None))
        .order_by(Round.id)
    ))


# -- backup ---------------------------------------------------------------------------------------


def backup(engine: Engine, target: Path, pg_bin: str | None = None,
           before: Callable[[], None] | None = None) -> None:
    """Copy the database into the new file ``target`` (mode 0600; never overwritten).

    :param before: called once every check has passed, just before the copy is taken.
    """
    if target.exists():
        raise BackupError(_EXISTS(target))
    if not target.parent.is_dir():
        raise BackupError(_("Không có thư mục %(path)s.", path=target.parent))
    copy = _backup_sqlite if engine.dialect.name == "sqlite" else _postgres_dump(engine, pg_bin)
    if before is not None:
        before()
    # written beside the target under another name, then moved into place: a failed or
    # interrupted backup never leaves a file that looks like a backup
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy(engine, partial)
        try:
            os.link(partial, target)  # fails if the target appeared meanwhile
        except FileExistsError:
            raise BackupError(_EXISTS(target)) from None
        except OSError:  # no hard links here (a FAT memory stick, some network shares)
            if target.exists():
                raise BackupError(_EXISTS(target)) from None
            os.replace(partial, target)
    except OSError as exc:
        raise BackupError(_("Không ghi được tệp %(path)s: %(error)s", path=target,
                            error=exc.strerror or exc)) from exc
    except sqlite3.Error as exc:
        raise BackupError(_("Sao lưu không thành công: %(error)s", error=exc)) from exc
    finally:
        partial.unlink(missing_ok=True)


def _EXISTS(path: Path) -> str:  # noqa: N802 - a message, used like a constant
    return _("Tệp %(path)s đã có: hãy chọn tên khác (bản sao lưu không bao giờ ghi đè lên tệp "
             "nào).", path=path)


def _backup_sqlite(engine: Engine, partial: Path) -> None:
    raw = engine.raw_connection()  # the app's connection settings, busy timeout included
    try:
        copy = sqlite3.connect(partial)
        try:
            source = raw.driver_connection
            assert source is not None  # just checked out of the pool, so open
            source.backup(copy)  # all pages in one step: one read transaction
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            [(check,)] = copy.execute("PRAGMA quick_check").fetchall()
        finally:
            copy.close()
    finally:
        raw.close()
    if check != "ok":
        raise BackupError(_("Bản sao lưu không toàn vẹn (%(check)s).", check=check))


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """``url`` as a libpq connection string for the PostgreSQL tools, and its password as
    ``PGPASSWORD`` (so that it never shows in the process list)."""
    conninfo = url.set(drivername="postgresql", password=None)
    env = {"PGPASSWORD": str(url.password)} if url.password else {}
    return conninfo.render_as_string(hide_password=False), env


def _tool(name: str, pg_bin: str | None) -> str:
    found = shutil.which(name, path=pg_bin) if pg_bin else shutil.which(name)
    if found is None:
        raise BackupError(_(
            "Không tìm thấy %(tool)s. Hãy cài công cụ máy khách PostgreSQL (Debian/Ubuntu: gói "
            "postgresql-client; Windows: thư mục bin của PostgreSQL), cùng phiên bản với máy "
            "chủ hoặc mới hơn, rồi thêm thư mục của nó vào PATH hoặc đặt SURVEY_PG_BIN.",
            tool=name))
    return found


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=os.environ | env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace")


def _major(version_output: str) -> int:
    """15 from ``pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)``."""
    match = re.search(r"\)\s*(\d+)", version_output)
    if match is None:
        raise BackupError(_("Không đọc được phiên bản: %(text)s", text=version_output.strip()))
    return int(match.group(1))


def _postgres_dump(engine: Engine, pg_bin: str | None) -> Callable[[Engine, Path], None]:
    """Check that ``pg_dump`` can back this server up; return the copy step."""
    with engine.connect() as conn:
        server_major = int(conn.scalar(text("SHOW server_version_num"))) // 10000
        schema = conn.scalar(text("SELECT current_schema()"))
    pg_dump = _tool("pg_dump", pg_bin)
    client_major = _major(_run([pg_dump, "--version"], {}).stdout)
    if client_major < server_major:
        raise BackupError(_(
            "%(tool)s phiên bản %(client)d cũ hơn máy chủ PostgreSQL %(server)d và sẽ từ chối "
            "sao lưu: hãy cài công cụ máy khách PostgreSQL %(server)d trở lên (hoặc đặt "
            "SURVEY_PG_BIN là thư mục chứa nó).",
            tool=pg_dump, client=client_major, server=server_major))
    if schema is None:
        raise BackupError(_("Cơ sở dữ liệu chưa có lược đồ nào để sao lưu."))

    def dump(engine: Engine, partial: Path) -> None:
        conninfo, env = _libpq(engine.url)
        quoted = '"' + schema.replace('"', '""') + '"'  # a name, not a pattern
        result = _run([pg_dump, "--format=custom", "--no-owner", "--no-privileges",
                       f"--schema={quoted}", f"--file={partial}", f"--dbname={conninfo}"], env)
        if result.returncode != 0:
            raise BackupError(_("pg_dump không thành công: %(error)s",
                                error=result.stderr.strip()))

    return dump


# -- restore --------------------------------------------------------------------------------------


def restore(engine: Engine, source: Path, pg_bin: str | None = None) -> None:
    """Put the backup ``source`` into this instance's database, which must be empty."""
    try:
        with source.open("rb") as f:
            magic = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupError(_("Không đọc được tệp %(path)s: %(error)s", path=source,
                            error=exc.strerror or exc)) from exc
    if magic.startswith(SQLITE_MAGIC):
        kind = "sqlite"
    elif magic.startswith(PG_DUMP_MAGIC):
        kind = "postgresql"
    else:
        raise BackupError(_("Tệp %(path)s không phải bản sao lưu của survey (một tệp SQLite, "
                            "hoặc tệp pg_dump dạng custom).", path=source))
    if kind != engine.dialect.name:
        raise BackupError(_(
            "Tệp %(path)s là bản sao lưu %(kind)s, còn instance này dùng %(engine)s: hãy "
            "khôi phục vào một instance cùng loại cơ sở dữ liệu.",
            path=source, kind=_ENGINES[kind], engine=_ENGINES[engine.dialect.name]))
    if kind == "sqlite":
        _restore_sqlite(engine, source)
    else:
        _restore_postgres(engine, source, pg_bin)


_ENGINES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _refuse_non_empty(tables: int) -> None:
    if tables:
        raise BackupError(_(
            "Cơ sở dữ liệu đích không trống (đã có %(n)d bảng): chỉ khôi phục vào một instance "
            "trống, để không ghi đè lên dữ liệu nào (SQLite: một thư mục instance mới, "
            "SURVEY_INSTANCE_PATH; PostgreSQL: một database mới, SURVEY_DATABASE_URL).",
            n=tables))


def _check_revision(revision: str | None) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


    if revision is None:
        raise BackupError(_("Tệp không chứa cơ sở dữ liệu của survey (không có bảng "
                            "alembic_version)."))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if revision not in known:
        raise BackupError(_(
            "Bản sao lưu có lược đồ %(revision)s, mới hơn phiên bản survey này: hãy khôi phục "
            "bằng phiên bản survey đã tạo ra nó (hoặc mới hơn).", revision=revision))


def _restore_sqlite(engine: Engine, source: Path) -> None:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError(_("Instance này không dùng tệp SQLite nào để khôi phục vào."))
    try:
        backup_copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            [(check,)] = backup_copy.execute("PRAGMA quick_check").fetchall()
            if check != "ok":
                raise BackupError(_("Tệp %(path)s bị hỏng: %(error)s", path=source, error=check))
            [(versioned,)] = backup_copy.execute(
                "SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchall()
            revision = versioned and backup_copy.execute(
                "SELECT version_num FROM alembic_version").fetchone()[0]
            _check_revision(revision or None)
            target = sqlite3.connect(database)
            try:
                [(tables,)] = target.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchall()
                _refuse_non_empty(tables)
                engine.dispose()  # no connection of the app's keeps the empty file open
                backup_copy.backup(target)
            finally:
                target.close()
        finally:
            backup_copy.close()
    except sqlite3.Error as exc:
        raise BackupError(_("Khôi phục không thành công: %(error)s", error=exc)) from exc


#: A line of ``pg_restore --list``: ``dumpId; tableoid oid DESCRIPTION NAMESPACE TAG OWNER``.
_TOC = re.compile(r"^(\d+); \d+ \d+ (.*)$")


def _restore_postgres(engine: Engine, source: Path, pg_bin: str | None) -> None:
    pg_restore = _tool("pg_restore", pg_bin)
    listing = _run([pg_restore, "--list", str(source)], {})
    if listing.returncode != 0:
        raise BackupError(_(
            "pg_restore không đọc được tệp %(path)s: %(error)s (cần pg_restore cùng phiên bản "
            "hoặc mới hơn pg_dump đã tạo ra nó).", path=source, error=listing.stderr.strip()))
    toc = listing.stdout.splitlines()
    schemas = set()  # of the tables in the backup: "TABLE public ballots owner"
    for line in toc:
        if (entry := _TOC.match(line)) and entry.group(2).startswith("TABLE "):
            words = entry.group(2).split()
            if words[1] != "DATA":  # "TABLE DATA public ballots owner" is its rows
                schemas.add(words[1])
    data = _run([pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(source)], {})
    copied = re.search(r"^COPY \S+ \(version_num\) FROM stdin;\n(\S+)\n", data.stdout, re.M)
    _check_revision(copied.group(1) if copied else None)

    with engine.connect() as conn:
        schema = conn.scalar(text("SELECT current_schema()"))
        if schema is None:  # the search path names a schema that does not exist yet
            path = [p.strip().strip('"') for p in conn.scalar(text("SHOW search_path")).split(",")]
            schema = next((p for p in path if p and p != "$user"), None)
        tables = conn.scalar(text("SELECT count(*) FROM pg_tables WHERE schemaname = :s"),
                             {"s": schema})
        exists = conn.scalar(text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"),
                             {"s": schema})
    if schemas != {schema}:
        raise BackupError(_(
            "Bản sao lưu chứa lược đồ (schema) %(dumped)s, còn instance này dùng %(schema)s: "
            "hãy đặt search_path trong SURVEY_DATABASE_URL cho khớp.",
            dumped=", ".join(sorted(schemas)) or "-", schema=schema or "-"))
    _refuse_non_empty(tables)

    conninfo, env = _libpq(engine.url)
    command = [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error",
               "--single-transaction", f"--dbname={conninfo}"]
    with tempfile.TemporaryDirectory() as tmp:
        if exists:  # e.g. "public" in a new database: restore into it rather than create it
            creation = re.compile(rf"^\d+; \d+ \d+ (COMMENT - )?SCHEMA (- )?{re.escape(schema)} ")
            keep = [f";{line}" if creation.match(line) else line for line in toc]
            use_list = Path(tmp, "toc.list")
            use_list.write_text("\n".join(keep) + "\n", encoding="utf-8")
            command.append(f"--use-list={use_list}")
        result = _run([*command, str(source)], env)
    if result.returncode != 0:
        raise BackupError(_("pg_restore không thành công, không có gì được khôi phục: %(error)s",
                            error=result.stderr.strip()))


# -- commands -------------------------------------------------------------------------------------
