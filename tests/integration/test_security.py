"""The argon2id hasher and the PyJWT codec, on the real libraries, also through the core."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import argon2
import jwt
import pytest

from selteq_adapters.container import Overrides, bootstrap
from selteq_adapters.hashing import Argon2PasswordHasher
from selteq_adapters.settings import Rate, Settings
from selteq_adapters.throttle import Limiter, LimitsLoginThrottle, LimitsSignupThrottle
from selteq_adapters.tokens import MAX_TOKEN_CHARS, REQUIRED_CLAIMS, PyJwtTokenCodec
from selteq_core import (
    Authenticate,
    AuthenticationFailed,
    Login,
    Password,
    RefreshSession,
    RegisterUser,
    TokenClaims,
    Username,
)
from selteq_core.memory import InMemoryDatabase, ManualClock

CHEAP = {"time_cost": 1, "memory_cost": 8 * 1024, "parallelism": 1}
SECRET = "s" * 64
ISSUER, AUDIENCE = "selteq", "selteq-api"
PASSWORD = Password("correct horse battery")


def cheap(concurrency: int = 2, **changes: int) -> Argon2PasswordHasher:
    return Argon2PasswordHasher(concurrency, **{**CHEAP, **changes})


class CountingHasher(Argon2PasswordHasher):
    """Counts how many argon2 runs are inside the semaphore at once. Once ``barrier`` is set,
    each run waits there for its partners, so with a working bound exactly that many overlap
    (and with a broken one, more pile in)."""

    def __init__(self, concurrency: int) -> None:
        super().__init__(concurrency, **CHEAP)
        self.lock = threading.Lock()
        self.barrier: threading.Barrier | None = None
        self.inside = self.most = self.runs = 0
        self.verified: list[str] = []

    def _enter(self) -> None:
        with self.lock:
            self.inside += 1
            self.runs += 1
            self.most = max(self.most, self.inside)
        if self.barrier is not None:
            self.barrier.wait(timeout=60)

    def _leave(self) -> None:
        with self.lock:
            self.inside -= 1

    def _hash(self, secret: bytes) -> str:
        self._enter()
        try:
            return super()._hash(secret)
        finally:
            self._leave()

    def _verify(self, password_hash: str, secret: bytes) -> bool:
        self.verified.append(password_hash)
        self._enter()
        try:
            return super()._verify(password_hash, secret)
        finally:
            self._leave()


def test_default_hash_is_argon2id_with_the_rfc_9106_low_memory_profile() -> None:
    hasher = Argon2PasswordHasher()
    stored = hasher.hash(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert hasher.verify(stored, PASSWORD)
    assert not hasher.needs_rehash(stored)


def test_verify_tells_good_from_bad() -> None:
    hasher = cheap()
    stored = hasher.hash(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert hasher.verify(stored, PASSWORD)
    assert not hasher.verify(stored, Password("correct horse battery!"))
    assert hasher.hash(PASSWORD) != stored  # a fresh salt every time


def test_an_unknown_user_runs_one_full_check_with_the_same_parameters() -> None:
    hasher = CountingHasher(concurrency=1)
    assert hasher.verify(None, PASSWORD) is False
    assert hasher.verify(None, PASSWORD) is False
    assert len(hasher.verified) == 2
    assert hasher.verified[0] == hasher.verified[1]  # the dummy is made once
    dummy = argon2.extract_parameters(hasher.verified[0])
    assert dummy == argon2.extract_parameters(hasher.hash(PASSWORD))


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not a hash",
        "$argon2id$v=19$m=8192,t=1,p=1$garbage",
        "$argon2id$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNo",
        "$argon2id$é",
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "pbkdf2_sha256$600000$salt$hash",
    ],
)
def test_a_garbage_hash_verifies_false_and_wants_a_rehash(garbage: str) -> None:
    hasher = cheap()
    assert hasher.verify(garbage, PASSWORD) is False
    assert hasher.needs_rehash(garbage)


def test_changed_parameters_or_type_ask_for_a_rehash() -> None:
    old = cheap()
    stored = old.hash(PASSWORD)
    assert not old.needs_rehash(stored)
    assert cheap(time_cost=2).needs_rehash(stored)
    assert cheap(memory_cost=16 * 1024).needs_rehash(stored)
    newer = cheap(time_cost=2)
    assert newer.verify(stored, PASSWORD)  # the old hash still logs in, then gets replaced
    argon2i = argon2.PasswordHasher(1, 8 * 1024, 1, type=argon2.Type.I).hash(PASSWORD.value)
    assert old.verify(argon2i, PASSWORD)
    assert old.needs_rehash(argon2i)


@pytest.mark.parametrize(
    "text",
    ["pässwörd 🔐 密码 ǅ", "é" * 512, "x" * 1024, "lone \ud800 surrogate"],
    ids=["unicode", "1024-bytes-2-byte-chars", "1024-bytes-ascii", "lone-surrogate"],
)
def test_unicode_and_longest_passwords_round_trip_without_truncation(text: str) -> None:
    hasher = cheap()
    stored = hasher.hash(Password(text))
    assert hasher.verify(stored, Password(text))
    changed = text[:-1] + ("y" if text[-1] != "y" else "z")
    assert not hasher.verify(stored, Password(changed))


def test_the_pool_bounds_concurrent_argon2_runs() -> None:
    hasher = CountingHasher(concurrency=2)
    stored = hasher.hash(PASSWORD)
    hasher.verify(None, PASSWORD)  # makes the dummy hash before the flood
    hasher.barrier = threading.Barrier(2)

    def work(i: int) -> bool:
        if i % 3 == 0:
            return hasher.verify(stored, PASSWORD)
        if i % 3 == 1:
            return not hasher.verify(None, PASSWORD)
        return hasher.hash(PASSWORD).startswith("$argon2id$")

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(work, range(24)))
    assert results == [True] * 24
    assert hasher.runs == 24 + 2
    assert hasher.most == 2


class PriorityHasher(Argon2PasswordHasher):
    """Records the scheduling policy and nice value of the thread each argon2 run is on."""

    def __init__(self) -> None:
        super().__init__(**CHEAP)
        self.seen: list[tuple[int, int]] = []

    def _hash(self, secret: bytes) -> str:
        self.seen.append(_priority())
        return super()._hash(secret)


def _priority() -> tuple[int, int]:
    """This thread's scheduling policy and nice value (pid 0: the calling thread)."""
    return os.sched_getscheduler(0), os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_hashing_runs_at_the_lowest_cpu_priority_and_leaves_the_caller_alone() -> None:
    caller = _priority()
    assert caller[0] != os.SCHED_IDLE
    hasher = PriorityHasher()
    assert hasher.hash(PASSWORD).startswith("$argon2id$")
    assert hasher.seen == [(os.SCHED_IDLE, 19)]
    assert _priority() == caller


def test_the_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="concurrency"):
        Argon2PasswordHasher(0)


# --- tokens -------------------------------------------------------------------------------


def codec(secret: str = SECRET, **changes: str) -> PyJwtTokenCodec:
    options = {"issuer": ISSUER, "audience": AUDIENCE, **changes}
    return PyJwtTokenCodec(secret, **options)


def claims(typ: str = "access", fam: str | None = None) -> TokenClaims:
    return TokenClaims(
        sub="42", typ=typ, jti="jti-1", iat=1_767_225_600, exp=1_767_225_900, fam=fam
    )


def payload(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "sub": "42",
        "typ": "access",
        "jti": "jti-1",
        "iat": 1_767_225_600,
        "exp": 1_767_225_900,
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not ...}


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def hand_signed(header: dict[str, Any], body: dict[str, Any], key: str = SECRET) -> str:
    signing_input = f"{b64(header)}.{b64(body)}"
    mac = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def test_round_trip_keeps_every_claim_and_adds_issuer_and_audience() -> None:
    c = codec()
    for original in (claims(), claims("refresh", fam="family-1")):
        token = c.encode(original)
        assert c.decode(token) == original
        raw = jwt.decode(token, options={"verify_signature": False})
        assert (raw["iss"], raw["aud"]) == (ISSUER, AUDIENCE)
        assert ("fam" in raw) == (original.fam is not None)
        assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_decoding_ignores_expiry_because_the_core_owns_time() -> None:
    old = TokenClaims(sub="42", typ="access", jti="j", iat=1, exp=2)
    assert codec().decode(codec().encode(old)) == old


def test_a_tampered_signature_or_payload_fails() -> None:
    header, body, signature = codec().encode(claims()).split(".")
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    with pytest.raises(AuthenticationFailed):
        codec().decode(f"{header}.{body}.{flipped}")
    with pytest.raises(AuthenticationFailed):
        codec().decode(f"{header}.{b64(payload(sub='1'))}.{signature}")


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload())}.", id="alg-none"),
        pytest.param(
            f"{b64({'alg': 'None', 'typ': 'JWT'})}.{b64(payload())}.", id="alg-None-mixed-case"
        ),
        pytest.param(hand_signed({"alg": "RS256", "typ": "JWT"}, payload()), id="rs256-header"),
        pytest.param(hand_signed({"typ": "JWT"}, payload()), id="no-alg"),
        pytest.param(jwt.encode(payload(), SECRET, algorithm="HS512"), id="hs512-same-key"),
        pytest.param(jwt.encode(payload(), "k" * 64, algorithm="HS256"), id="another-key"),
        pytest.param(jwt.encode(payload(iss="evil"), SECRET), id="wrong-iss"),
        pytest.param(jwt.encode(payload(aud="other-api"), SECRET), id="wrong-aud"),
        pytest.param(jwt.encode(payload(aud=[AUDIENCE, "x"]), SECRET), id="aud-list"),
        pytest.param(jwt.encode(payload(sub=42), SECRET), id="sub-int"),
        pytest.param(jwt.encode(payload(sub=""), SECRET), id="sub-empty"),
        pytest.param(jwt.encode(payload(typ=None), SECRET), id="typ-null"),
        pytest.param(jwt.encode(payload(jti=7), SECRET), id="jti-int"),
        pytest.param(jwt.encode(payload(exp="1767225900"), SECRET), id="exp-string"),
        pytest.param(jwt.encode(payload(exp=1.5), SECRET), id="exp-float"),
        pytest.param(jwt.encode(payload(iat=True), SECRET), id="iat-bool"),
        pytest.param(jwt.encode(payload(fam=["x"]), SECRET), id="fam-list"),
        pytest.param(jwt.encode(payload(pad="x" * MAX_TOKEN_CHARS), SECRET), id="too-long"),
        pytest.param(jwt.encode(payload(), SECRET) + "\ud800", id="lone-surrogate"),
        *(pytest.param(g, id=f"garbage-{i}") for i, g in enumerate(["", "abc", "a.b.c", ".."])),
        pytest.param("Bearer " + jwt.encode(payload(), SECRET), id="with-scheme"),
    ],
)
def test_every_forged_or_malformed_token_fails_the_same_way(token: str) -> None:
    with pytest.raises(AuthenticationFailed) as failure:
        codec().decode(token)
    assert str(failure.value) == "invalid token"


@pytest.mark.parametrize("missing", REQUIRED_CLAIMS)
def test_each_required_claim_is_required(missing: str) -> None:
    token = jwt.encode(payload(**{missing: ...}), SECRET)
    with pytest.raises(AuthenticationFailed):
        codec().decode(token)


def test_the_codec_refuses_a_weak_secret_or_a_non_hmac_algorithm() -> None:
    with pytest.raises(ValueError, match="too short"):
        codec("short")
    with pytest.raises(ValueError, match="too short"):
        codec("k" * 40, algorithm="HS512")
    with pytest.raises(ValueError, match="algorithm"):
        codec(algorithm="RS256")
    assert SECRET not in repr(codec())


# --- through the core ---------------------------------------------------------------------


def test_the_core_expires_tokens_by_its_clock_and_checks_their_kind() -> None:
    clock, c = ManualClock(), codec()
    db = InMemoryDatabase()
    signups = LimitsSignupThrottle(Limiter(None), Rate(5, 3600))
    user = RegisterUser(db.unit_of_work, cheap(), clock, signups)("alice", PASSWORD.value)
    sub = str(user.id)
    issued = int(clock.now().timestamp())
    access = c.encode(TokenClaims(sub, "access", "a-1", issued, issued + 300))
    refresh = c.encode(TokenClaims(sub, "refresh", "r-1", issued, issued + 900, fam="f-1"))
    authenticate = Authenticate(c, clock, db.unit_of_work)
    assert authenticate(access) == user.id
    with pytest.raises(AuthenticationFailed):
        authenticate(refresh)
    with pytest.raises(AuthenticationFailed):
        RefreshSession(db.unit_of_work, c, clock)(access)
    clock.advance(299)
    assert authenticate(access) == user.id
    clock.advance(1)
    assert c.decode(access).exp == issued + 300  # still well-formed; only the core says no
    with pytest.raises(AuthenticationFailed):
        authenticate(access)


def test_login_with_real_hasher_and_codec_rehashes_an_old_hash() -> None:
    clock, db, c = ManualClock(), InMemoryDatabase(), codec()
    old, new = cheap(), cheap(time_cost=2)
    limiter = Limiter(None)
    signups = LimitsSignupThrottle(limiter, Rate(5, 3600))
    user = RegisterUser(db.unit_of_work, old, clock, signups)("alice", PASSWORD.value)
    throttle = LimitsLoginThrottle(limiter, Rate(5, 60), Rate(50, 60))
    login = Login(db.unit_of_work, new, c, clock, throttle)
    with pytest.raises(AuthenticationFailed):
        login("alice", "wrong password", "10.0.0.1")
    session = login("alice", PASSWORD.value, "10.0.0.1")
    assert Authenticate(c, clock, db.unit_of_work)(session.access_token) == user.id
    with db.unit_of_work() as uow:
        stored = uow.users.by_username(Username("alice"))
    assert stored is not None
    assert stored.password_hash != user.password_hash
    assert not new.needs_rehash(stored.password_hash)
    assert new.verify(stored.password_hash, PASSWORD)


def test_the_container_wires_these_adapters_from_settings(settings: Settings) -> None:
    db = InMemoryDatabase()
    container = bootstrap(settings, Overrides(uow=db.unit_of_work, clock=ManualClock()))
    user = container.register_user("alice", PASSWORD.value)
    with db.unit_of_work() as uow:
        stored = uow.users.get(user.id)
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$")
    session = container.login("alice", PASSWORD.value, "10.0.0.1")
    claims = jwt.decode(
        session.access_token,
        settings.jwt_secret,
        algorithms=["HS256"],
        issuer="selteq",
        audience="selteq-api",
        options={"verify_exp": False},
    )
    assert claims["sub"] == str(user.id.value)
    assert container.authenticate(session.access_token) == user.id


def test_a_verified_token_is_remembered_but_never_outlives_its_expiry() -> None:
    clock = ManualClock()
    signer = codec()
    db = InMemoryDatabase()
    user = RegisterUser(
        db.unit_of_work, cheap(), clock, LimitsSignupThrottle(Limiter(None), Rate(5, 3600))
    )("alice", PASSWORD.value)
    now = int(clock.now().timestamp())
    claims = TokenClaims(sub=str(user.id), typ="access", jti="j", iat=now, exp=now + 300)
    token = signer.encode(claims)
    authenticate = Authenticate(signer, clock, db.unit_of_work)
    assert authenticate(token) == user.id
    assert authenticate(token) == user.id
    assert signer._verified.cache_info().hits == 1
    clock.advance(300)
    with pytest.raises(AuthenticationFailed):
        authenticate(token)  # the remembered claims are still checked against the clock


def test_a_failed_token_is_never_remembered() -> None:
    signer = codec()
    token = signer.encode(claims())
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            signer.decode(tampered)
    assert signer._verified.cache_info().currsize == 0
    assert signer.decode(token) == signer.decode(token)
    assert signer._verified.cache_info().currsize == 1
