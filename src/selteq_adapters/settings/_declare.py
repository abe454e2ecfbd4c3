"""How a setting is declared: one ``setting(...)`` call holds its default, documentation,
environment variable and bounds; the type is the field's annotation."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import attrs

PREFIX = "SELTEQ_"
METADATA_KEY = "selteq_setting"
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")
_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


class SettingsError(ValueError):
    """One or more settings are malformed, or production was asked to run insecurely.

    The message names every problem at once, separated by ``; ``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@attrs.frozen
class Rate:
    """``count`` events per ``period`` seconds, written like ``10/minute``."""

    count: int
    period: int

    @classmethod
    def parse(cls, text: str, name: str = "") -> Rate:
        match = _RATE.match(text)
        if match is None or int(match[1]) < 1:
            raise ValueError(f"{name} must look like '10/minute', got {text!r}".strip())
        return cls(int(match[1]), _PERIODS[match[2]])

    def __str__(self) -> str:
        period = {v: k for k, v in _PERIODS.items()}[self.period]
        return f"{self.count}/{period}"


@attrs.frozen
class Declared:
    """What the environment reader needs to know about one field besides its type."""

    doc: str
    env: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    normalize: Callable[[str], str] = str.strip
    parse: Callable[[str], object] | None = None
    choices: tuple[str, ...] = ()


def setting(
    default: Any,
    doc: str,
    *,
    env: str | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    normalize: Callable[[str], str] = str.strip,
    parse: Callable[[str], object] | None = None,
    choices: tuple[str, ...] = (),
    repr: Callable[[Any], str] | bool = True,
) -> Any:
    """A settings field. ``env`` defaults to ``SELTEQ_`` + the field name in capitals."""
    declared = Declared(doc, env, minimum, maximum, normalize, parse, choices)
    return attrs.field(default=default, repr=repr, metadata={METADATA_KEY: declared})


def declared(field: attrs.Attribute[Any]) -> Declared:
    found: Declared = field.metadata[METADATA_KEY]
    return found


def env_name(field: attrs.Attribute[Any]) -> str:
    return declared(field).env or PREFIX + field.name.upper()


def lower(text: str) -> str:
    return text.strip().lower()


def upper(text: str) -> str:
    return text.strip().upper()


def networks(text: str) -> tuple[str, ...]:
    """Comma-separated addresses or CIDR ranges, each normalised (``10.0.0.1`` becomes
    ``10.0.0.1/32``); a host address with bits set past the prefix is refused."""
    try:
        return tuple(
            str(ipaddress.ip_network(item.strip())) for item in text.split(",") if item.strip()
        )
    except ValueError as exc:
        raise ValueError(f"must list addresses or CIDR ranges: {exc}") from None


def otlp_endpoint(text: str) -> str:
    """An http(s) URL with a host, without a trailing slash (``/v1/traces`` is appended)."""
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"must be an http:// or https:// URL with a host, got {url!r}")
    return url.rstrip("/")


ANY_ORIGIN = "*"
_HOST = re.compile(
    r"^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$"
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origins(text: str) -> tuple[str, ...]:
    """Comma-separated browser origins, each ``scheme://host[:port]`` with an http(s) scheme
    and nothing after the host and port, written as a browser sends its ``Origin``:
    lower case, a default port dropped. ``*`` alone allows any origin (refused in
    production); no other wildcard is taken."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if ANY_ORIGIN in items:
        if len(items) > 1:
            raise ValueError("must be '*' alone or a list of origins, not both")
        return (ANY_ORIGIN,)
    return tuple(dict.fromkeys(_origin(item) for item in items))


def _origin(item: str) -> str:
    parts = urlsplit(item)
    try:
        port = parts.port
    except ValueError:
        port = -1
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if parts.netloc.startswith("[") and host:
        host = f"[{host}]"
    well_formed = (
        scheme in _DEFAULT_PORTS
        and _HOST.match(host)
        and port != -1
        and not (parts.path or parts.query or parts.fragment or "@" in parts.netloc)
        and not item.endswith(("?", "#"))
    )
    if not well_formed:
        raise ValueError(f"must list origins as scheme://host[:port] (http or https), got {item!r}")
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"
