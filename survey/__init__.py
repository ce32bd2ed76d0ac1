"""``survey``: secret confidence votes, peer appraisals and nominations of officials."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

_PACKAGE = Path(__file__).resolve().parent
#: The templates: inside the package in a built wheel (setup.py copies them there), otherwise
#: the top-level folder of the repository (an editable install).
TEMPLATES = (_PACKAGE / "templates" if (_PACKAGE / "templates").is_dir()
             else _PACKAGE.parent / "templates")


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the application."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("SURVEY_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
    )
    app.config.from_object("survey.config.DefaultConfig")
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)  # instance/config.py
        app.config.from_prefixed_env("SURVEY")  # SURVEY_DATABASE_URL=...
    else:
        app.config.update(test_config)
    from survey.instance import private_folder

    private_folder(Path(app.instance_path))  # the database, the key, printed cards: 0700
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path, 'survey.sqlite')}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path, "secret_key"))

    from survey import db, web
    from survey.extensions import babel, csrf, login_manager
    from survey.i18n import install_template_gettext

    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    install_template_gettext(app)
    web.init_app(app)

    from survey.auth import sessions
    from survey.auth.views import bp as auth_bp
    from survey.desk.cards import bp as cards_bp
    from survey.desk.rounds import bp as rounds_bp
    from survey.kinds import blueprints, kind_of
    from survey.paper.views import bp as paper_bp
    from survey.procedures.planning_views import bp as planning_bp
    from survey.procedures.views import bp as procedures_bp
    from survey.reports.views import bp as reports_bp
    from survey.voting.views import bp as voting_bp

    sessions.init_app(app)  # after web's: the account is loaded through its session record
    for bp in (auth_bp, rounds_bp, cards_bp, voting_bp, paper_bp, reports_bp, procedures_bp,
               planning_bp):
        app.register_blueprint(bp)
    for bp in blueprints():  # the kinds' own pages
        app.register_blueprint(bp)
    app.jinja_env.globals["kind_of"] = kind_of

    from survey.assets import StaticAssets

    assert app.static_folder is not None  # the package's static/, served by StaticAssets
    # Flask types wsgi_app as a method, though its documentation wraps it in middleware this way
    app.wsgi_app = StaticAssets(  # type: ignore[method-assign]
        app.wsgi_app, app.static_folder, f"{app.static_url_path}/"
    )
    return app


def _instance_secret(path: Path) -> str:
    """A random signing key kept in the instance folder, created once (mode 0600)."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker won the race
            return path.read_text().strip()
        with os.fdopen(fd, "w") as f:
            f.write(key)
        return key
