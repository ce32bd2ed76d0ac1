"""The translation layer: every user-visible string goes through these.

Source strings are Vietnamese, the language users see by default; other languages come from
catalogs in ``survey/translations``. ``_l`` is lazy, for messages built outside a request
(operations, forms, the CLI); outside an app context it yields the Vietnamese text.

Only the ``.po`` files are kept in the repository. :func:`compile_translations` builds each
``.mo`` when the app starts and the ``.mo`` is missing or older than its ``.po`` (a few
milliseconds), so a fresh clone or an installed wheel needs no compile step.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

#: The catalogs shipped with the package: ``<locale>/LC_MESSAGES/messages.po``.
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

__all__ = ["_", "_l", "ngettext", "compile_catalogs", "compile_translations"]


def _stale(po: Path, mo: Path) -> bool:
    try:
        return mo.stat().st_mtime < po.stat().st_mtime
    except FileNotFoundError:
        return True


def _write_mo(po: Path, mo: Path) -> None:
    """Compile ``po`` into ``mo`` atomically: concurrent workers never read half a file."""
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    mo.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        os.replace(tmp, mo)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def compile_catalogs(source: Path, fallback: Path) -> list[Path]:
    """Build every stale ``.mo`` of ``source``; return the folders that hold fresh catalogs.

    The ``.mo`` is written next to its ``.po``; where that folder is read-only (an installed
    package), into ``fallback`` instead, which is then returned as well.
    """
    folders = [source]
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not _stale(po, mo):
            continue
        try:
            _write_mo(po, mo)
        except OSError:
            relative = po.relative_to(source).with_suffix(".mo")
            spare = fallback / relative
            if _stale(po, spare):
                _write_mo(po, spare)
            if fallback not in folders:
                folders.append(fallback)  # searched after, so its fresh catalog wins
    return folders


def compile_translations(app: Flask) -> None:
    """Make the app's catalogs current, falling back to the instance folder if need be."""
    try:
        folders = compile_catalogs(TRANSLATIONS, Path(app.instance_path, "translations"))
    except OSError as exc:  # nowhere to write: the pages stay Vietnamese, which is the default
        app.logger.warning("translations not compiled: %s", exc)
        return
    babel = app.extensions["babel"]
    for folder in folders[1:]:
        if str(folder) not in babel.translation_directories:
            babel.translation_directories.append(str(folder))
