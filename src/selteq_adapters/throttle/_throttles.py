"""The core's LoginThrottle and SignupThrottle ports on one Limiter."""

from __future__ import annotations

from selteq_adapters.settings import Rate
from selteq_core import LoginThrottle, RateLimited, SignupThrottle

from ._keys import address, digest
from ._limiter import Limiter


class LimitsLoginThrottle(LoginThrottle):
    """Failed logins per (client address, username) at ``per_user``, and per address at
    ``per_address`` so one address cannot try a password against many usernames either.

    Nothing is counted per username alone: failures from other addresses never refuse a
    login. The correct password from an address whose ``per_user`` window is spent is
    refused too (the check comes before the password is verified), for at most one
    ``per_user`` period after the failure that spent it, since refused attempts are not
    counted (``SELTEQ_LOGIN_RATE``: 10 failures, one minute, by default; see
    docs/decisions/0244). A success clears the address and username's window, not the
    address's."""

    def __init__(self, limiter: Limiter, per_user: Rate, per_address: Rate) -> None:
        self._limiter = limiter
        self._user = limiter.window("login-user", per_user)
        self._address = limiter.window("login-address", per_address)

    def check(self, client: str, username: str) -> None:
        user_key, address_key = _keys(client, username)
        waits = [
            wait
            for wait in (
                self._limiter.retry_after(self._user, user_key),
                self._limiter.retry_after(self._address, address_key),
            )
            if wait is not None
        ]
        if waits:
            raise RateLimited(max(waits))

    def failed(self, client: str, username: str) -> None:
        user_key, address_key = _keys(client, username)
        self._limiter.hit(self._user, user_key)
        self._limiter.hit(self._address, address_key)

    def succeeded(self, client: str, username: str) -> None:
        user_key, _ = _keys(client, username)
        self._limiter.clear(self._user, user_key)


class LimitsSignupThrottle(SignupThrottle):
    """Sign-up attempts per client address at ``rate``, checked and counted in one step."""

    def __init__(self, limiter: Limiter, rate: Rate) -> None:
        self._limiter = limiter
        self._window = limiter.window("signup", rate)

    def hit(self, client: str) -> None:
        key = digest(address(client))
        if not self._limiter.hit(self._window, key):
            wait = self._limiter.retry_after(self._window, key) or self._window.period
            raise RateLimited(wait, "too many sign-ups from this address")


def _keys(client: str, username: str) -> tuple[str, str]:
    where = address(client)
    return digest(where, username), digest(where)
