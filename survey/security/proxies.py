"""Which client address to believe: forwarded headers count only from the configured proxies.

Behind a proxy every request arrives from the proxy's address and the client's is in
``X-Forwarded-For``. Anyone who can reach the app directly can send that header too, with any
address in it, a new one on each request; so it is read only when the request comes from an
address listed in ``TRUSTED_PROXIES``, and ``PROXY_COUNT`` says how many proxies stand in
line (Werkzeug's ``ProxyFix``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | Iterable[str]) -> tuple[Network, ...]:
    """``"127.0.0.1, ::1, 10.0.0.0/24"`` (or a list of the same) as networks.

    :raises ValueError: on an entry that is not an address or a network.
    """
    entries = value.replace(",", " ").split() if isinstance(value, str) else value
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


class TrustedProxies:
    """WSGI middleware: ``ProxyFix`` for requests from a trusted proxy, nothing for the rest."""

    def __init__(self, app: Any, count: int, trusted: str | Iterable[str]) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=count, x_proto=count, x_host=count)
        self.networks = parse_networks(trusted)

    def trusts(self, address: str | None) -> bool:
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.networks)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        if self.trusts(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)
