"""Which Host headers a local server answers: the defence against DNS rebinding.

A web page the user visits can make the browser send requests to 127.0.0.1
under a name the page's author controls (DNS rebinding); the browser then lets
that page read the answers, embargoed releases included. Such a request carries
the foreign name in its Host header. A server of pressgen answers only Host
headers that name the address it listens on: loopback names and addresses,
the address given with ``--host``, and, when it listens on every interface,
any IP address (no DNS is involved) and this machine's own names.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
WILDCARDS = frozenset({"", "0.0.0.0", "::"})


def split_host(header: str) -> str | None:
    """Return the host name or address of a Host header, lower-case, without port; None if malformed."""
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        end = header.find("]")
        if end < 0 or (header[end + 1:] and not header[end + 1:].startswith(":")):
            return None
        return header[1:end]
    name, _, port = header.partition(":")
    if port and not port.isdigit():
        return None
    return name.rstrip(".") or None


def _ip(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def is_loopback(name: str) -> bool:
    """Whether a host name or address (without port) names this machine's loopback interface."""
    name = name.strip("[]").lower().rstrip(".")
    address = _ip(name)
    return name in LOOPBACK_NAMES or (address is not None and address.is_loopback)


@lru_cache(maxsize=1)
def _own_names() -> frozenset[str]:
    return frozenset(name.lower() for name in (socket.gethostname(), socket.getfqdn()) if name)


def host_allowed(header: str | None, listening: str) -> bool:
    """Return whether a request with Host ``header`` may be answered by a server bound to ``listening``."""
    if not header:
        return False
    name = split_host(header)
    if name is None:
        return False
    if is_loopback(name):
        return True
    address = _ip(name)
    listening = listening.strip("[]").lower()
    if name == listening.rstrip("."):
        return True
    if listening in WILDCARDS:
        return address is not None or name in _own_names()
    return False
