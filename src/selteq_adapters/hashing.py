"""Password hashing with argon2id (argon2-cffi), behind the core's PasswordHasher port."""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import argon2
from argon2.exceptions import VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

from selteq_core import Password, PasswordHasher

_PROFILE = RFC_9106_LOW_MEMORY
_LOWEST_PRIORITY = 19
T = TypeVar("T")


def _lower_priority() -> None:
    """Run this hashing thread at the lowest CPU priority Linux has (a thread's policy and
    nice value are its own, and argon2's lane threads inherit them): a hash then uses only
    the CPU that other requests leave idle, so a login flood slows logins, not the task
    routes.

    SCHED_IDLE first: the scheduler runs it only when nothing else wants the core, where a
    nice-19 thread still gets a share of a busy one, which showed in the list's tail latency
    beside a login flood (docs/decisions/0009-idle-priority-hashing.md). Nice 19 stays as
    the fallback where SCHED_IDLE is refused.
    """
    with contextlib.suppress(AttributeError, OSError):  # not Linux: normal priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _LOWEST_PRIORITY)
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # 0: this thread


def _secret(password: Password) -> bytes:
    # The Password value object measures itself with surrogatepass, so a lone surrogate that
    # arrived through JSON must encode the same way here instead of raising mid-login.
    return password.value.encode("utf-8", "surrogatepass")


class Argon2PasswordHasher(PasswordHasher):
    """argon2id with RFC 9106's low-memory profile (64 MiB, t=3, p=4) unless told otherwise.

    Each hash or verify holds ``memory_cost`` KiB for its whole run, so they run on a pool of
    ``concurrency`` dedicated threads at the lowest CPU priority: a login flood then queues
    here instead of exhausting memory, and hashes only use CPU the other requests leave.
    """

    def __init__(
        self,
        concurrency: int = 1,
        *,
        time_cost: int = _PROFILE.time_cost,
        memory_cost: int = _PROFILE.memory_cost,
        parallelism: int = _PROFILE.parallelism,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self._argon2 = argon2.PasswordHasher(
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            hash_len=_PROFILE.hash_len,
            salt_len=_PROFILE.salt_len,
            type=argon2.Type.ID,
        )
        self._pool = ThreadPoolExecutor(
            max_workers=concurrency, thread_name_prefix="argon2", initializer=_lower_priority
        )
        self._dummy: str | None = None
        self._dummy_lock = threading.Lock()

    def hash(self, password: Password) -> str:
        return self._run(self._hash, _secret(password))

    def verify(self, password_hash: str | None, password: Password) -> bool:
        """A mismatch, an unreadable hash or an unknown user (``None``) all give False.

        The unknown user is checked against a dummy hash with the same parameters, so it
        costs one full argon2 run like a wrong password and cannot be told apart by timing."""
        target = self._dummy_hash() if password_hash is None else password_hash
        matched = self._run(self._verify, target, _secret(password))
        return matched and password_hash is not None

    def needs_rehash(self, password_hash: str) -> bool:
        """True for a hash with other parameters, and for one that cannot even be parsed."""
        try:
            return self._argon2.check_needs_rehash(password_hash)
        except ValueError:
            return True

    def _run(self, work: Callable[..., T], *args: object) -> T:
        return self._pool.submit(work, *args).result()

    def _hash(self, secret: bytes) -> str:
        """One argon2 hash, on a hashing thread (subclasses may observe it)."""
        return self._argon2.hash(secret)

    def _verify(self, password_hash: str, secret: bytes) -> bool:
        """One argon2 verify, on a hashing thread (subclasses may observe it)."""
        try:
            return self._argon2.verify(password_hash, secret)
        except (VerificationError, ValueError):
            # VerifyMismatchError is a VerificationError; InvalidHashError and a non-ASCII
            # hash (UnicodeEncodeError) are ValueErrors. None of them may fail a login loudly.
            return False

    def _dummy_hash(self) -> str:
        """Made on first need rather than at start, so processes that never log anyone in
        (migrations, the watcher) do not pay for it."""
        with self._dummy_lock:
            if self._dummy is None:
                self._dummy = self._run(self._argon2.hash, secrets.token_bytes(32))
            return self._dummy
