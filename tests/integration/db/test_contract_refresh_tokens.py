"""RefreshTokenStore contract, on every engine: above all, mark_used is atomic."""

from __future__ import annotations

import threading
from datetime import timedelta

import attrs

from selteq_adapters.db import Database
from selteq_core import RefreshRecord, UserId
from tests.integration.db import given
from tests.integration.db.given import T0

EXPIRES = T0 + timedelta(days=1, microseconds=654321)


def record(owner: UserId, jti: str = "jti-1", family: str = "fam-1") -> RefreshRecord:
    return RefreshRecord(jti, family, owner, EXPIRES, used=False, revoked=False)


def stored(db: Database, jti: str) -> RefreshRecord | None:
    with db.unit_of_work() as uow:
        return uow.refresh_tokens.get(jti)


def test_add_then_get_round_trips(db: Database) -> None:
    alice = given.user(db)
    with db.unit_of_work() as uow:
        uow.refresh_tokens.add(record(alice.id), T0)
        used = RefreshRecord("jti-2", "fam-1", alice.id, EXPIRES, used=True, revoked=True)
        uow.refresh_tokens.add(used, T0)
        uow.commit()
    assert stored(db, "jti-1") == record(alice.id)
    assert stored(db, "jti-2") == attrs.evolve(used, used_at=T0, revoked_at=T0)
    assert stored(db, "unknown") is None


def test_mark_used_flips_once_then_reports_a_replay(db: Database) -> None:
    alice = given.user(db)
    with db.unit_of_work() as uow:
        uow.refresh_tokens.add(record(alice.id), T0)
        uow.commit()
    results = []
    for _ in range(2):
        with db.unit_of_work() as uow:
            results.append(uow.refresh_tokens.mark_used("jti-1", T0))
            uow.commit()
    assert results == [True, False]
    with db.unit_of_work() as uow:
        assert uow.refresh_tokens.mark_used("unknown", T0) is False
    after = stored(db, "jti-1")
    assert after is not None
    assert (after.used, after.revoked) == (True, False)


def test_mark_used_racing_in_two_threads_lets_exactly_one_win(db: Database) -> None:
    alice = given.user(db)
    with db.unit_of_work() as uow:
        uow.refresh_tokens.add(record(alice.id), T0)
        uow.commit()
    start = threading.Barrier(2, timeout=10)
    results: list[bool] = []

    def use() -> None:
        start.wait()
        with db.unit_of_work() as uow:
            results.append(uow.refresh_tokens.mark_used("jti-1", T0))
            uow.commit()

    threads = [threading.Thread(target=use) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]


def test_revoke_family_revokes_each_live_member_once(db: Database) -> None:
    alice = given.user(db)
    with db.unit_of_work() as uow:
        for jti in ("a1", "a2", "a3"):
            uow.refresh_tokens.add(record(alice.id, jti, "fam-a"), T0)
        uow.refresh_tokens.add(
            RefreshRecord("a0", "fam-a", alice.id, EXPIRES, used=True, revoked=True), T0
        )
        uow.refresh_tokens.add(record(alice.id, "b1", "fam-b"), T0)
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.refresh_tokens.revoke_family("fam-a", T0) == 3
        assert uow.refresh_tokens.revoke_family("fam-a", T0) == 0
        assert uow.refresh_tokens.revoke_family("no-such-family", T0) == 0
        uow.commit()
    revoked = [stored(db, jti) for jti in ("a1", "a2", "a3")]
    assert all(r is not None and r.revoked for r in revoked)
    other = stored(db, "b1")
    assert other is not None
    assert not other.revoked


def test_a_revoked_token_cannot_be_marked_used(db: Database) -> None:
    """A logout that commits between a refresh's read and its mark_used wins: the refresh
    sees False and fails, instead of minting a token into a revoked family."""
    alice = given.user(db)
    with db.unit_of_work() as uow:
        uow.refresh_tokens.add(record(alice.id), T0)
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.refresh_tokens.revoke_family("fam-1", T0) == 1
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.refresh_tokens.mark_used("jti-1", T0) is False


def test_used_and_revoked_times_are_kept(db: Database) -> None:
    """The web's reuse window and its reasons read when a token was spent and revoked."""
    alice = given.user(db)
    later = T0 + timedelta(seconds=7)
    with db.unit_of_work() as uow:
        uow.refresh_tokens.add(record(alice.id), T0)
        uow.refresh_tokens.mark_used("jti-1", T0)
        uow.refresh_tokens.revoke_family("fam-1", later)
        uow.commit()
    after = stored(db, "jti-1")
    assert after is not None
    assert (after.used_at, after.revoked_at) == (T0, later)
