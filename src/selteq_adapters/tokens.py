"""Signed JWTs (PyJWT, HMAC) behind the core's TokenCodec port."""

from __future__ import annotations

import functools
from typing import Any

import jwt

from selteq_core import AuthenticationFailed, TokenClaims, TokenCodec

MAX_TOKEN_CHARS = 4096
VERIFIED_CACHE_SIZE = 4096
REQUIRED_CLAIMS = ("sub", "iat", "exp", "jti", "iss", "aud", "typ")
HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
_INVALID = "invalid token"


class PyJwtTokenCodec(TokenCodec):
    """Signs claims with a shared secret and checks everything about a token except time.

    Expiry is deliberately not verified here (``verify_exp``, ``verify_iat`` and
    ``verify_nbf`` are off): the core compares ``exp`` with its Clock port, so the rule has one
    home and tests can expire a token by moving a ManualClock instead of sleeping; PyJWT
    would consult the system clock. Everything else is strict: the algorithm is pinned to the
    one configured (so ``none``, another HMAC size or an RS256 header is refused), issuer and
    audience must match exactly, and every claim must be present with the right type.

    A client presents the same access token on every request, and PyJWT's checks cost about
    as much as the rest of a request, so the claims of the last few thousand tokens that
    passed are kept, keyed by the whole token string (its signature included). A token that
    fails is never kept, and time and kind are still checked by the core on every call.
    """

    def __init__(
        self,
        secret: str,
        *,
        issuer: str,
        audience: str,
        algorithm: str = "HS256",
        cache_size: int = VERIFIED_CACHE_SIZE,
    ) -> None:
        if algorithm not in HMAC_ALGORITHMS:
            raise ValueError(f"algorithm must be one of {sorted(HMAC_ALGORITHMS)}")
        weakness = jwt.get_algorithm_by_name(algorithm).check_key_length(secret.encode())
        if weakness:
            # A short HMAC key can be brute-forced offline from any one token it signed.
            raise ValueError(f"JWT secret too short for {algorithm}: {weakness}")
        self._secret = secret
        self.issuer = issuer
        self.audience = audience
        self.algorithm = algorithm
        self._jwt = jwt.PyJWT(
            options={
                "require": list(REQUIRED_CLAIMS),
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "strict_aud": True,
                "enforce_minimum_key_length": True,
            }
        )
        self._verified = functools.lru_cache(maxsize=cache_size)(self._verify)

    def __repr__(self) -> str:
        return f"PyJwtTokenCodec(algorithm={self.algorithm!r}, issuer={self.issuer!r})"

    def encode(self, claims: TokenClaims) -> str:
        payload: dict[str, Any] = {
            "sub": claims.sub,
            "typ": claims.typ,
            "jti": claims.jti,
            "iat": claims.iat,
            "exp": claims.exp,
            "iss": self.issuer,
            "aud": self.audience,
        }
        if claims.fam is not None:
            payload["fam"] = claims.fam
        return self._jwt.encode(payload, self._secret, algorithm=self.algorithm)

    def decode(self, token: str) -> TokenClaims:
        """The token's claims, or AuthenticationFailed with one vague message for any fault."""
        # Capped before parsing: a megabyte of base64 JSON is work an attacker should not buy.
        # A JWT is ASCII; anything else (a lone surrogate from JSON, say) is not worth parsing.
        if (
            not isinstance(token, str)
            or not 0 < len(token) <= MAX_TOKEN_CHARS
            or not token.isascii()
        ):
            raise AuthenticationFailed(_INVALID)
        return self._verified(token)

    def _verify(self, token: str) -> TokenClaims:
        """PyJWT's full check; only a token that passes is remembered (errors are not)."""
        try:
            payload = self._jwt.decode(
                token,
                self._secret,
                algorithms=[self.algorithm],
                issuer=self.issuer,
                audience=self.audience,
            )
        except jwt.PyJWTError:
            raise AuthenticationFailed(_INVALID) from None
        return _claims(payload)


def _text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise AuthenticationFailed(_INVALID)
    return value


def _whole(payload: dict[str, Any], name: str) -> int:
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise AuthenticationFailed(_INVALID)
    return value


def _claims(payload: dict[str, Any]) -> TokenClaims:
    """PyJWT checks presence; the types are checked here, so the core gets what it expects
    (``nbf``, never issued here, is passed on when a token carries one: the core holds the
    token to it)."""
    fam = payload.get("fam")
    if fam is not None and (not isinstance(fam, str) or not fam):
        raise AuthenticationFailed(_INVALID)
    return TokenClaims(
        nbf=_whole(payload, "nbf") if "nbf" in payload else None,
        sub=_text(payload, "sub"),
        typ=_text(payload, "typ"),
        jti=_text(payload, "jti"),
        iat=_whole(payload, "iat"),
        exp=_whole(payload, "exp"),
        fam=fam,
    )
