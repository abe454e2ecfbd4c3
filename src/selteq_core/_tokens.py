"""The rules a signed token must still meet, and a short memory of what users' rows said.

The codec proves who signed a token; whether it is still good is decided here, against
the Clock port, so every use-case that reads a token applies the same rules.
"""

from __future__ import annotations

from datetime import datetime

from ._entities import TokenClaims
from ._errors import AuthenticationFailed
from ._ports import Clock, TokenCodec
from ._values import UserId, require_utc

LEEWAY = 30
"""Seconds a token's ``iat`` or ``nbf`` may lie ahead of this clock: another host's clock."""
_MAX_ID_DIGITS = len(str(2**63 - 1))


def timestamp(moment: datetime) -> int:
    return int(require_utc(moment).timestamp())


def verified(codec: TokenCodec, clock: Clock, token: str, kind: str, lifetime: int) -> TokenClaims:
    """Signature and claims by the codec; kind and times here. A token issued in the future,
    not yet valid, expired, or living longer than this issuer's ``lifetime`` is refused."""
    claims = codec.decode(token)
    now = timestamp(clock.now())
    if claims.typ != kind:
        raise AuthenticationFailed("wrong token type")
    if claims.exp <= now:
        raise AuthenticationFailed("token expired")
    if claims.iat > now + LEEWAY or (claims.nbf is not None and claims.nbf > now + LEEWAY):
        raise AuthenticationFailed("token not valid yet")
    if claims.exp - claims.iat > lifetime:
        raise AuthenticationFailed("token outlives its issuer's rule")
    return claims


def subject(claims: TokenClaims) -> UserId:
    """The user a token names: ``sub`` must be the plain decimal of a positive id, exactly as
    the issuer writes it (not " 1", "01", "+1", "1_0" or other scripts' digits)."""
    sub = claims.sub
    canonical = 0 < len(sub) <= _MAX_ID_DIGITS and sub.isascii() and sub.isdigit()
    if not canonical or sub[0] == "0" or int(sub) > 2**63 - 1:
        raise AuthenticationFailed("invalid token subject")
    return UserId(int(sub))


class UserStates:
    """What recent reads said of users (active or not), kept for ``fresh_for`` seconds.

    One per process and bounded: past ``size`` users it starts over. Only single dict
    operations touch it, so an event loop and worker threads share it without a lock."""

    def __init__(self, fresh_for: float, size: int = 10_000) -> None:
        self.fresh_for = fresh_for
        self.size = size
        self._seen: dict[int, tuple[bool, float]] = {}

    def get(self, user_id: UserId, now: float) -> bool | None:
        """True or False as a fresh read said; None when nothing fresh is known."""
        seen = self._seen.get(user_id.value)
        if seen is None or not 0 <= now - seen[1] < self.fresh_for:
            return None
        return seen[0]

    def forget(self, user_id: UserId) -> None:
        self._seen.pop(user_id.value, None)

    def put(self, user_id: UserId, active: bool, now: float) -> None:
        if len(self._seen) >= self.size:
            self._seen.clear()
        self._seen[user_id.value] = (active, now)
