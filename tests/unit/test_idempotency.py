"""Creating a task with an idempotency key, against in-memory fakes: one task per key and
request within 24 hours, the first answer for every retry, another request refused."""

from __future__ import annotations

import pytest

from selteq_core import CreateTask, InvalidField, KeyReused, PurgeIdempotencyKeys, Unavailable
from selteq_core.memory import InMemoryDatabase, InMemoryUnitOfWork
from tests.fakes import FaultyUnitOfWork, RacingKeyUnitOfWork
from tests.unit.conftest import Core

ALICE, BOB = 1, 2
DAY = 24 * 3600


def test_a_retry_answers_the_first_task_and_creates_nothing(core: Core) -> None:
    first = core.create(ALICE, "Report", 30, "key-1")
    core.clock.advance(60)
    core.rename(ALICE, first.id.value, "Renamed since")
    again = core.create(ALICE, "Report", 30, "key-1")
    assert again == first  # the first answer, as it was, not the task as it is now
    assert len(core.recent(ALICE)) == 1


def test_the_same_key_for_another_request_is_refused_and_creates_nothing(core: Core) -> None:
    core.create(ALICE, "Report", 30, "key-1")
    for title, duration in (("Report", 31), ("Other", 30), (" Report", 30)):
        with pytest.raises(KeyReused):
            core.create(ALICE, title, duration, "key-1")
    assert len(core.recent(ALICE)) == 1


def test_keys_are_each_users_own(core: Core) -> None:
    alice = core.create(ALICE, "Report", 30, "shared")
    bob = core.create(BOB, "Report", 30, "shared")
    assert alice.id != bob.id
    assert (len(core.recent(ALICE)), len(core.recent(BOB))) == (1, 1)


def test_a_key_stands_for_its_create_for_24_hours(core: Core) -> None:
    first = core.create(ALICE, "Report", 30, "key-1")
    core.clock.advance(DAY - 1)
    assert core.create(ALICE, "Report", 30, "key-1") == first
    core.clock.advance(1)
    later = core.create(ALICE, "Other", 5, "key-1")
    assert later.id != first.id
    assert core.create(ALICE, "Other", 5, "key-1") == later


def test_without_a_key_every_create_is_new(core: Core) -> None:
    core.create(ALICE, "Report", 30)
    core.create(ALICE, "Report", 30)
    assert len(core.recent(ALICE)) == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "line\nbreak"])
def test_a_bad_key_is_an_invalid_field(core: Core, key: str) -> None:
    with pytest.raises(InvalidField) as error:
        core.create(ALICE, "Report", 30, key)
    assert set(error.value.fields) == {"idempotency_key"}
    assert core.recent(ALICE) == []


def test_a_create_that_loses_the_race_for_its_key_answers_the_winners_task(core: Core) -> None:
    winner = core.create(ALICE, "Report", 30, "key-1")
    blind = [1]  # the loser's first read misses the winner's key; its insert then conflicts
    racing = CreateTask(lambda: RacingKeyUnitOfWork(core.db, blind), core.clock)
    assert racing(ALICE, "Report", 30, "key-1") == winner
    assert blind == [0]
    assert len(core.recent(ALICE)) == 1  # the loser's own task was rolled back


def test_a_key_that_stays_contended_is_unavailable_not_a_duplicate(core: Core) -> None:
    core.create(ALICE, "Report", 30, "key-1")
    racing = CreateTask(lambda: RacingKeyUnitOfWork(core.db, [99]), core.clock)
    with pytest.raises(Unavailable):
        racing(ALICE, "Report", 30, "key-1")
    assert len(core.recent(ALICE)) == 1


def test_a_connection_lost_before_commit_leaves_neither_task_nor_key(core: Core) -> None:
    db = InMemoryDatabase()
    faulty = CreateTask(lambda: FaultyUnitOfWork(db, calls=2), core.clock)
    with pytest.raises(Unavailable):
        faulty(ALICE, "Report", 30, "key-1")
    healthy = CreateTask(db.unit_of_work, core.clock)
    task = healthy(ALICE, "Report", 30, "key-1")
    with db.unit_of_work() as uow:
        assert uow.tasks.page(None, None, 10) == [task]


class CountingUnitOfWork:
    """Counts the units of work a use-case opens on an in-memory database."""

    def __init__(self, db: InMemoryDatabase) -> None:
        self.db, self.opened = db, 0

    def __call__(self) -> InMemoryUnitOfWork:
        self.opened += 1
        return self.db.unit_of_work()


def test_the_purge_forgets_expired_keys_in_batches_of_their_own(core: Core) -> None:
    for n in range(5):
        core.create(ALICE, "Report", 30, f"old-{n}")
    core.clock.advance(DAY - 10)
    fresh = core.create(ALICE, "Fresh", 30, "fresh")
    core.clock.advance(11)
    counting = CountingUnitOfWork(core.db)
    purge = PurgeIdempotencyKeys(counting, core.clock, batch_size=2)
    assert purge() == 5
    assert counting.opened == 3  # 2 + 2 + 1: the short batch says none is left
    assert core.create(ALICE, "Fresh", 30, "fresh") == fresh
    again = core.create(ALICE, "Report", 30, "old-0")
    assert again.created_at == core.clock.now()  # the purged key stands for a new create
    with pytest.raises(ValueError, match="batch_size"):
        PurgeIdempotencyKeys(counting, core.clock, batch_size=0)()
