"""The client's address: the TCP peer, or what a trusted proxy says the client was.

Behind a load balancer every request's peer is the balancer. Only when the peer is listed
in SELTEQ_TRUSTED_PROXIES is the forwarded chain read, and only the header named by
SELTEQ_PROXY_HEADER (a proxy overwrites or appends to the header it writes, but passes the
other one through untouched, so reading both would let a client forge its address). The
chain is walked from the right, past every trusted hop: the first untrusted address is the
client, because everything to the left of it was written by that client and proves nothing.
The login throttle, the access log and the metrics allow-list all use this address.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Iterable, Sequence
from typing import Any

from litestar.connection import ASGIConnection
from litestar.types import Scope

from selteq_http.facade import backend_of

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_FOR = re.compile(r'(?i)(?:^|;)\s*for\s*=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*)')


def client_address(request: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The client's address for this request (see the module's docstring). The parameter
    is named ``request`` so Litestar can inject it when this is used as a dependency."""
    settings = backend_of(request).settings
    return resolve(request.scope, networks(settings.trusted_proxies), settings.proxy_header)


@functools.lru_cache(maxsize=8)
def networks(ranges: tuple[str, ...]) -> tuple[Network, ...]:
    """Parsed once per distinct setting; the settings already validated every range."""
    return tuple(ipaddress.ip_network(item) for item in ranges)


def resolve(scope: Scope, trusted: Sequence[Network], header: str = "x-forwarded-for") -> str:
    client = scope.get("client")
    peer = client[0] if client else ""
    if not trusted or not _within(_address(peer), trusted):
        return peer
    hops = _forwarded(scope) if header == "forwarded" else _x_forwarded_for(scope)
    nearest = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return nearest  # "unknown" or garbage from a trusted hop: stop at that hop
        nearest = str(address)
        if not _within(address, trusted):
            return nearest
    return nearest


def in_networks(host: str, allowed: Sequence[Network]) -> bool:
    return _within(_address(host), allowed)


def _within(address: Address | None, ranges: Iterable[Network]) -> bool:
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in ranges)


def _headers(scope: Scope, name: bytes) -> list[str]:
    return [value.decode("latin-1") for key, value in scope["headers"] if key == name]


def _x_forwarded_for(scope: Scope) -> list[str]:
    """Every ``X-Forwarded-For`` header in order, joined as one list (RFC 9110 5.3)."""
    return [hop.strip() for line in _headers(scope, b"x-forwarded-for") for hop in line.split(",")]


def _forwarded(scope: Scope) -> list[str]:
    """The ``for=`` of every element of every ``Forwarded`` header (RFC 7239), in order."""
    hops = []
    for line in _headers(scope, b"forwarded"):
        for element in line.split(","):
            match = _FOR.search(element)
            hops.append(match[1].strip('"') if match else "")
    return hops


def _address(hop: str) -> Address | None:
    """An address from ``1.2.3.4``, ``1.2.3.4:80``, ``[2001:db8::1]:80`` or ``2001:db8::1``."""
    text = hop.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
