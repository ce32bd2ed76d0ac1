"""The production server: gunicorn with threaded workers, started from ``survey serve``."""

from __future__ import annotations

import ssl
from typing import Any

from gunicorn.app.base import BaseApplication

#: The access log never shows a query string or a referrer (a card code is never in either,
#: but nothing about a request beyond its path needs keeping).
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


#: Settings of newer gunicorn releases only.
OPTIONAL = {"control_socket_disable"}


class SurveyServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in OPTIONAL and key not in self.cfg.settings:
                continue  # an older gunicorn without it
            self.cfg.set(key, value)

    def load(self):
        from survey import create_app

        return create_app()


def run(*, host: str, port: int, workers: int, threads: int, certfile: str | None = None,
        keyfile: str | None = None) -> None:
    """Serve until stopped; over HTTPS (TLS 1.2 or newer) when given a certificate and key."""
    options: dict[str, Any] = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "errorlog": "-",
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        # No control socket in the home folder: it would let the worker count be changed at
        # run time (past the one worker SQLite allows), and two servers of one account would
        # share its path.
        "control_socket_disable": True,
        "post_worker_init": _start_purge_retries,
    }
    if certfile:
        options |= {"certfile": certfile, "keyfile": keyfile, "ssl_context": _tls_context}
    SurveyServer(options).run()


def _start_purge_retries(worker: Any) -> None:
    """Each worker retries pending purges (one at a time across workers: a lock decides)."""
    from survey.desk.purge import start_retrying

    start_retrying(worker.wsgi)


def _tls_context(_config: Any, default_ssl_context_factory: Any) -> ssl.SSLContext:
    context = default_ssl_context_factory()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context
