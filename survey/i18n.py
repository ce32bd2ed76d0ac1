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
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import get_translations, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

#: The catalogs shipped with the package: ``<locale>/LC_MESSAGES/messages.po``.
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

__all__ = [
    "_", "_l", "ngettext", "compile_catalogs", "compile_translations", "install_template_gettext"
]


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


# -- templates ------------------------------------------------------------------------------------
#
# Jinja's i18n extension, as Flask-Babel installs it, costs about 40 µs per ``{{ _("…") }}``: a
# hop through ``_gettext_alias``, Flask-Babel's context lookups for the catalog, a fresh
# ``Markup`` and a ``%`` format even when there is nothing to format. A ballot page has dozens
# of strings. The functions below do the same thing (Jinja's "newstyle" gettext: the
# translation is trusted markup, variables are escaped and ``%``-formatted, ``%%`` is a
# percent sign) with the catalog looked up once per rendered page and each translated string
# prepared once per catalog.

_TRANSLATIONS = "_survey_translations"

#: Kept on each catalog object: msgid → (the translation as markup, whether to ``%``-format it).
_PREPARED = "_survey_prepared"


def _catalog(context: Context) -> Any:
    translations = context.get(_TRANSLATIONS)
    return translations if translations is not None else get_translations()


@pass_context
def _template_gettext(context: Context, string: str, **variables: Any) -> str:
    translations = _catalog(context)
    prepared = translations.__dict__.get(_PREPARED)
    if prepared is None:
        prepared = translations.__dict__[_PREPARED] = {}
    entry = prepared.get(string)
    if entry is None:
        text = translations.ugettext(string)
        entry = prepared[string] = (Markup(text), "%" in text)
    rv, formatted = entry
    if not context.eval_ctx.autoescape:
        rv = str(rv)
    return rv % variables if formatted or variables else rv


@pass_context
def _template_ngettext(
    context: Context, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("num", num)
    rv = _catalog(context).ungettext(singular, plural, num)
    rv = Markup(rv) if context.eval_ctx.autoescape else rv
    return rv % variables


def install_template_gettext(app: Flask) -> None:
    """Replace the templates' ``_``, ``gettext`` and ``ngettext`` with the cheaper ones above.

    Call after Flask-Babel's ``init_app``. The catalog of the request's language is put in every
    template's context once per render; templates imported without context (macros) look it up.
    """
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )

    @app.context_processor
    def _translations() -> dict[str, Any]:
        return {_TRANSLATIONS: get_translations()}
