"""Finding the address that phones on the meeting room's LAN should use."""

from __future__ import annotations

import ipaddress
import socket


def lan_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, private (LAN) ones first.

    Found from the host's own name and interfaces; no packet is sent anywhere.
    """
    found: set[str] = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    found |= _interface_addresses()
    usable = [a for a in found if not ipaddress.ip_address(a).is_loopback]
    return sorted(usable, key=lambda a: (not ipaddress.ip_address(a).is_private, a))


def _interface_addresses() -> set[str]:
    """IPv4 addresses of the network interfaces (Linux ``SIOCGIFADDR``; elsewhere none)."""
    try:
        import fcntl
        import struct
    except ImportError:  # Windows
        return set()
    addresses: set[str] = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _index, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(
                    s.fileno(), 0x8915, struct.pack("256s", name[:15].encode())  # SIOCGIFADDR
                )
            except OSError:
                continue
            addresses.add(socket.inet_ntoa(packed[20:24]))
    return addresses


def guess_base_url(host: str, port: int, scheme: str = "http") -> str:
    """The base URL for cards: the bound address if specific, else the first LAN address."""
    if host not in ("0.0.0.0", "", "::"):
        shown = f"[{host}]" if ":" in host else host
        return f"{scheme}://{shown}:{port}"
    addresses = lan_addresses()
    return f"{scheme}://{addresses[0] if addresses else '127.0.0.1'}:{port}"
