"""Keys for the limits: fixed-size digests, never a raw username or address in a store."""

from __future__ import annotations

import hashlib
import ipaddress

IPV6_PREFIX = 64


def address(client: str) -> str:
    """The unit a per-address limit counts: an IPv4 address, or an IPv6 address's /64.

    One IPv6 host is commonly given a whole /64, so counting single IPv6 addresses would
    give an attacker billions of fresh allowances; an IPv4-mapped address counts as its
    IPv4 address. Anything that is not an address (a unix socket, an empty client) counts
    as itself."""
    try:
        ip = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


def digest(*parts: str) -> str:
    """A fixed-size, key-safe name for any parts (length-prefixed, so ``("a:b", "c")`` and
    ``("a", "b:c")`` never collide; lone surrogates are kept, not rejected)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()
