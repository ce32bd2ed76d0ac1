"""The translation layer: every user-visible string goes through these.

Source strings are Vietnamese, the language users see by default; other languages come from
catalogs in ``survey/translations``. ``_l`` is lazy, for messages built outside a request
(operations, forms, the CLI); outside an app context it yields the Vietnamese text.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

__all__ = ["_", "_l", "ngettext"]
