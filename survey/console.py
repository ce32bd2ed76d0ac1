"""What every ``survey`` command shares: JSON output and the address phones use."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import current_app

from survey.https import scheme as configured_scheme
from survey.net import guess_base_url


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def base_url(option: str | None, host: str = "0.0.0.0", port: int = 8000,
             scheme: str | None = None) -> str:
    """The address printed in QR codes: the ``--base-url`` given, the configured one, or this
    machine's LAN address (``https`` when the server has a certificate)."""
    config = current_app.config
    return (option or config.get("BASE_URL")
            or guess_base_url(host, port, scheme or configured_scheme(config))).rstrip("/")
