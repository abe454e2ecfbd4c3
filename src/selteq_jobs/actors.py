"""The project's Dramatiq actors, declared against an explicit broker.

Nothing here runs at import: ``@dramatiq.actor`` without a broker would call
``dramatiq.get_broker()`` and create a default broker as a side effect of importing this
module. ``declare_actors(broker, container)`` is called once per process by the edge that
owns the broker (the worker module, the scheduler, a test).
"""

from __future__ import annotations

import logging
from typing import Any

import attrs
import dramatiq
from dramatiq.middleware import TimeLimitExceeded

from selteq_adapters.container import Container
from selteq_core import (
    PURGE_IDEMPOTENCY_KEYS,
    REPORT_USER_TASKS,
    InvalidField,
    NotFound,
    Unavailable,
)

PRINT_USER_TASKS = REPORT_USER_TASKS
"""An actor's name is its job's kind in the schedules' catalogue."""
QUEUE = "default"
log = logging.getLogger("selteq.purge")


@attrs.frozen
class ActorPolicy:
    """How hard a job tries. The defaults fit a report sent every minute: five retries with
    exponential backoff from one second finish well within the minute, a stuck run is cut
    off after 60 s, and a message older than 15 minutes is stale (a newer one is queued)."""

    max_retries: int = 5
    min_backoff_ms: int = 1_000
    max_backoff_ms: int = 30_000
    time_limit_ms: int = 60_000
    max_age_ms: int = 15 * 60_000

    def should_retry(self, retries: int, exc: BaseException) -> bool:
        """Only a passing outage is worth retrying; a bad user id or a bug never heals."""
        return isinstance(exc, Unavailable | TimeLimitExceeded) and retries < self.max_retries


@attrs.frozen
class Actors:
    """The declared actors; ``send`` on them is the only way the edges enqueue work."""

    print_user_tasks: dramatiq.Actor[[int], None]
    purge_idempotency_keys: dramatiq.Actor[[], None]


def declare_actors(
    broker: dramatiq.Broker, container: Container, policy: ActorPolicy | None = None
) -> Actors:
    """Declare every actor on ``broker``, running against ``container``. Call once per broker:
    Dramatiq refuses a second actor of the same name."""
    policy = policy or ActorPolicy()

    def print_user_tasks(user_id: int) -> None:
        """Log each of the user's tasks and a summary; how many goes to the run history.
        Only reads, so a retry is harmless. One span per run (each retry is a run of its
        own) when tracing is on."""
        with container.span(PRINT_USER_TASKS, **{"messaging.system": "dramatiq"}):
            container.jobs.note_report(container.log_tasks(user_id))

    def purge_idempotency_keys() -> None:
        """Forget the expired idempotency keys, then the runs past their retention; how many.
        Each batch commits on its own, so a run cut off by the time limit (or retried)
        keeps what it did and the next one goes on."""
        with container.span(PURGE_IDEMPOTENCY_KEYS, **{"messaging.system": "dramatiq"}):
            purged = container.purge_idempotency_keys()
            runs = container.jobs.purge_runs()
        log.info("purged %d expired idempotency key(s)", purged)
        container.jobs.note_report(purged + runs)

    def options(name: str) -> dict[str, Any]:
        return {
            "broker": broker,
            "actor_name": name,
            "queue_name": QUEUE,
            "retry_when": policy.should_retry,
            "throws": (InvalidField, NotFound),
            "min_backoff": policy.min_backoff_ms,
            "max_backoff": policy.max_backoff_ms,
            "time_limit": policy.time_limit_ms,
            "max_age": policy.max_age_ms,
        }

    return Actors(
        print_user_tasks=dramatiq.actor(print_user_tasks, **options(PRINT_USER_TASKS)),
        purge_idempotency_keys=dramatiq.actor(
            purge_idempotency_keys, **options(PURGE_IDEMPOTENCY_KEYS)
        ),
    )
