"""The client address behind proxies: forwarded headers count only from trusted peers, and
only up to the first hop a trusted proxy did not write."""

from __future__ import annotations

from typing import Any

import pytest

from selteq_adapters.settings import Settings, SettingsError
from selteq_http.layers.clients import in_networks, networks, resolve

PROXIES = networks(("10.0.0.0/8", "::1/128"))


def scope(peer: str, *headers: tuple[str, str]) -> Any:
    return {
        "client": (peer, 50000),
        "headers": [(k.encode(), v.encode("latin-1")) for k, v in headers],
    }


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    spoofed = scope("203.0.113.9", ("x-forwarded-for", "198.51.100.1"))
    assert resolve(spoofed, ()) == "203.0.113.9"


def test_an_untrusted_peer_cannot_name_another_client() -> None:
    spoofed = scope(
        "203.0.113.9", ("x-forwarded-for", "198.51.100.1"), ("forwarded", "for=1.2.3.4")
    )
    assert resolve(spoofed, PROXIES) == "203.0.113.9"
    assert resolve(spoofed, PROXIES, "forwarded") == "203.0.113.9"


def test_the_rightmost_untrusted_hop_is_the_client() -> None:
    # The client wrote "6.6.6.6" itself; the proxy appended the address it saw.
    forged = scope("10.0.0.2", ("x-forwarded-for", "6.6.6.6, 198.51.100.7"))
    assert resolve(forged, PROXIES) == "198.51.100.7"
    chained = scope(
        "10.0.0.2", ("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "198.51.100.7, 10.1.1.1")
    )
    assert resolve(chained, PROXIES) == "198.51.100.7"


def test_forwarded_for_with_ports_quotes_and_ipv6() -> None:
    header = ("forwarded", 'for=6.6.6.6, for="[2001:db8::17]:4711";proto=https, for=10.3.3.3:80')
    assert resolve(scope("::1", header), PROXIES, "forwarded") == "2001:db8::17"


def test_only_the_configured_header_is_read() -> None:
    # A proxy that writes X-Forwarded-For passes a client's own Forwarded header through.
    both = scope("10.0.0.2", ("forwarded", "for=6.6.6.6"), ("x-forwarded-for", "198.51.100.7"))
    assert resolve(both, PROXIES) == "198.51.100.7"
    assert resolve(both, PROXIES, "forwarded") == "6.6.6.6"


def test_a_trusted_peer_without_a_header_or_with_garbage_is_itself() -> None:
    assert resolve(scope("10.0.0.2"), PROXIES) == "10.0.0.2"
    assert resolve(scope("10.0.0.2", ("x-forwarded-for", "unknown")), PROXIES) == "10.0.0.2"
    every_hop_trusted = scope("10.0.0.2", ("x-forwarded-for", "10.9.9.9"))
    assert resolve(every_hop_trusted, PROXIES) == "10.9.9.9"


def test_ipv4_mapped_peers_match_ipv4_ranges() -> None:
    assert in_networks("::ffff:10.0.0.5", PROXIES)
    assert not in_networks("testclient", PROXIES)


def test_the_settings_normalise_and_check_the_ranges() -> None:
    settings = Settings.from_env(
        {"SELTEQ_TRUSTED_PROXIES": " 10.0.0.1, 192.168.0.0/16 ", "SELTEQ_JWT_SECRET": "x" * 32}
    )
    assert settings.trusted_proxies == ("10.0.0.1/32", "192.168.0.0/16")
    assert settings.metrics_allow == ("127.0.0.1/32", "::1/128")
    for bad in ("10.0.0.1/33", "proxy.local", "10.0.0.1/8"):
        with pytest.raises(SettingsError, match="SELTEQ_TRUSTED_PROXIES"):
            Settings.from_env({"SELTEQ_TRUSTED_PROXIES": bad, "SELTEQ_JWT_SECRET": "x" * 32})
    with pytest.raises(SettingsError, match="SELTEQ_PROXY_HEADER"):
        Settings.from_env({"SELTEQ_PROXY_HEADER": "x-real-ip", "SELTEQ_JWT_SECRET": "x" * 32})
