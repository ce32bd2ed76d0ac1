"""Every table of the app, gathered for Alembic and for tests that build a database directly."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Engine

from survey.db import Base


def import_models() -> None:
    """Import every module that declares tables, so that ``Base.metadata`` knows them all."""
    import survey.auth.models  # noqa: F401
    import survey.ballots.models  # noqa: F401
    import survey.kinds  # noqa: F401  (each kind imports the tables it declares)
    import survey.paper.models  # noqa: F401
    import survey.procedures.models  # noqa: F401
    import survey.rounds.models  # noqa: F401
    import survey.security.models  # noqa: F401


def create_all(engine: Engine | None = None) -> None:
    """Create every table directly (tests); a real database is built by migrations."""
    import_models()
    Base.metadata.create_all(engine or current_app.extensions["survey.engine"])
