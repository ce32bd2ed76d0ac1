"""The instance folder and the SQLite database: readable by the account that runs the app only.

The folder holds the database (every ballot), the signing key and the printed cards' PDFs. Its
modes are set explicitly rather than left to the process's umask, which a service manager or a
shell may have set to anything (gunicorn leaves it as it found it): ``mkdir`` and ``open`` can
only take bits away from the mode they are given, and ``chmod`` then makes it exact.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

FOLDER_MODE = 0o700
FILE_MODE = 0o600

#: SQLite's companions of a database file in WAL mode. SQLite creates them with the database
#: file's own mode, so a database file created 0600 keeps them 0600 too.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")

log = logging.getLogger(__name__)


def private_folder(path: Path, *, tighten: bool = True) -> None:
    """Create ``path`` and its missing parents (mode 0700) if it is missing.

    :param tighten: also take group and other permissions away from an existing folder owned by
        this account (an instance folder made by an older version, or by ``mkdir``).
    """
    if os.name == "nt":  # modes mean little there; the user profile's ACLs apply
        path.mkdir(parents=True, exist_ok=True)
        return
    if path.is_dir():
        if tighten:
            _tighten(path)
        return
    missing = [path, *(p for p in path.parents if not p.exists())]
    for folder in reversed(missing):  # parents too: ``mkdir -p`` would leave them to the umask
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # another process made it meanwhile
            continue
        os.chmod(folder, FOLDER_MODE)  # exact, whatever the umask took away


def private_sqlite_file(url: str) -> None:
    """Create the SQLite database file of ``url`` (mode 0600) before SQLite does, and take
    group and other permissions away from an existing one and its ``-wal``/``-shm`` files.

    SQLite would create the file 0644 less the umask; it gives the ``-wal`` and ``-shm`` files the
    mode of the database file, so creating that one first is enough for all three. A missing
    folder is created 0700; an existing one is left as it is (it may be shared, like ``/var/lib``).
    Other URLs (PostgreSQL, an in-memory or ``file:`` URI database) are left alone.
    """
    parsed = make_url(url)
    database = parsed.database
    if (parsed.get_backend_name() != "sqlite" or not database or database == ":memory:"
            or database.startswith("file:") or parsed.query.get("uri")):
        return
    path = Path(database)
    if os.name == "nt":
        return
    private_folder(path.parent, tighten=False)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        for file in (path, *(path.with_name(path.name + s) for s in SQLITE_COMPANIONS)):
            _tighten(file)
        return
    os.fchmod(fd, FILE_MODE)
    os.close(fd)  # an empty file is an empty SQLite database


def _tighten(path: Path) -> None:
    """Take group and other permissions away from ``path`` if this account owns it."""
    try:
        info = path.stat()
        if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, stat.S_IMODE(info.st_mode) & 0o700)
    except FileNotFoundError:
        pass
    except OSError as exc:  # not ours to change: say so, and go on
        log.warning("could not restrict the permissions of %s: %s", path, exc.strerror)
