"""Default configuration: safe defaults only, never a secret.

Every key can be overridden by an environment variable with the ``SURVEY_`` prefix
(``SURVEY_DATABASE_URL``, ``SURVEY_BASE_URL``, ...) or by ``instance/config.py``.
"""

from __future__ import annotations


class DefaultConfig:
    #: Set from ``SURVEY_SECRET_KEY``; otherwise a random key is generated once and kept in
    #: the instance folder (``secret_key``, mode 0600).
    SECRET_KEY: str | None = None
    #: ``None`` means an SQLite file in the instance folder.
    DATABASE_URL: str | None = None
    #: The address phones use, e.g. ``http://192.168.1.10:8000``. ``None``: the server's LAN
    #: address and port, found at start.
    BASE_URL: str | None = None

    #: A round with fewer ballots collected shows no figures (frozen into a round at creation).
    MIN_BALLOTS = 5

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

    #: A certificate (PEM, the chain after it) and its private key: ``survey serve`` then speaks
    #: HTTPS itself and prints ``https://`` addresses (``survey cert`` makes a pair for the LAN).
    CERTFILE: str | None = None
    KEYFILE: str | None = None

    #: ``__Host-survey_session`` when served over HTTPS (survey.https).
    SESSION_COOKIE_NAME = "survey_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Set ``SURVEY_SESSION_COOKIE_SECURE=true`` behind a TLS proxy: every browser uses HTTPS, so
    #: cookies are ``Secure`` and ``__Host-`` and pages carry HSTS even if the proxy's
    #: ``X-Forwarded-Proto`` is not trusted. With ``--certfile`` it is not needed.
    SESSION_COOKIE_SECURE = False
    #: ``Strict-Transport-Security: max-age=…`` on pages served over HTTPS; 0 sends none.
    HSTS_MAX_AGE = 365 * 24 * 3600
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    REMEMBER_COOKIE_DURATION = 0
    #: An organizer idle this many seconds is signed out.
    IDLE_TIMEOUT = 30 * 60
    #: A session ends this many seconds after its sign-in, however active (checked on the
    #: server: ``survey.auth.sessions``).
    ABSOLUTE_TIMEOUT = 12 * 3600

    WTF_CSRF_TIME_LIMIT = None  # a ballot left open on a phone during a long debate still works
    #: Flask-WTF would refuse every form sent over HTTPS without a same-site ``Referer``, and
    #: pages ask browsers to send none (``Referrer-Policy: no-referrer``). The check guards
    #: against a cookie planted over plain HTTP; over HTTPS the session cookie is ``__Host-``,
    #: which no plain-HTTP page can set (survey.https).
    WTF_CSRF_SSL_STRICT = False
    MAX_CONTENT_LENGTH = 4 * 1024 * 1024  # subject lists; nothing larger is ever uploaded
    #: Fields in one form, URL-encoded or multipart (survey.limits): the largest form is the
    #: appraisal form of a 500-member roster, 4 fields a line.
    MAX_FORM_PARTS = 2100

    #: Proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    PROXY_COUNT = 0
    #: The addresses (or networks) those proxies connect from, comma-separated. A request from
    #: any other address is taken at its own address, whatever X-Forwarded-For it carries.
    TRUSTED_PROXIES = "127.0.0.1, ::1"

    #: PostgreSQL: psycopg prepares a statement on the server once it has run this many times
    #: on a connection. Behind PgBouncer in transaction mode the next transaction may get
    #: another server connection, which lacks the prepared statement: set
    #: ``SURVEY_PREPARE_THRESHOLD=none`` there (never prepare).
    PREPARE_THRESHOLD: int | str | None = 5

    #: While a closed round's purge is pending (a reader held an old snapshot of the database
    #: during the close: survey.desk.purge), the server tries again this often; 0: only at
    #: start and after each close.
    PURGE_RETRY_SECONDS = 30
    #: The database the purge connects to, if not ``DATABASE_URL``: PostgreSQL itself when the
    #: app reaches it through PgBouncer in transaction mode (the purge needs one session).
    PURGE_DATABASE_URL: str | None = None

    #: The folder of PostgreSQL's ``pg_dump`` and ``pg_restore`` for ``survey backup`` and
    #: ``survey restore`` (``None``: found on the ``PATH``).
    PG_BIN: str | None = None
