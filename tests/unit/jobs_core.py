"""The jobs' use-cases on the in-memory fakes, for the unit tests of schedules and runs."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from selteq_core import (
    CreateSchedule,
    DeleteSchedule,
    DiscardAllDeadLetters,
    DiscardDeadLetter,
    EditSchedule,
    FinishRun,
    GetSchedule,
    ListDeadLetters,
    ListRuns,
    ListSchedules,
    PauseSchedule,
    PurgeRuns,
    RegisterUser,
    ReplayAllDeadLetters,
    ReplayDeadLetter,
    ResumeSchedule,
    RunDueSchedules,
    RunScheduleNow,
    ScheduleDefaults,
    StartRun,
    TriggerCalendar,
)
from selteq_core.memory import ManualClock
from tests.fakes import (
    FakeDeadLetters,
    FakeDispatcher,
    FakeHasher,
    FakeJobsStore,
    FakeSignupThrottle,
    FakeTickLock,
    FakeTriggerCalendar,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@attrs.define(slots=False)
class Jobs:
    clock: ManualClock = attrs.Factory(lambda: ManualClock(T0))
    calendar: TriggerCalendar = attrs.Factory(FakeTriggerCalendar)
    store: FakeJobsStore = attrs.Factory(FakeJobsStore)
    lock: FakeTickLock = attrs.Factory(FakeTickLock)
    dispatcher: FakeDispatcher = attrs.Factory(FakeDispatcher)
    letters: FakeDeadLetters = attrs.Factory(FakeDeadLetters)
    defaults: ScheduleDefaults | None = None

    def __attrs_post_init__(self) -> None:
        uow, clock, calendar = self.store.unit_of_work, self.clock, self.calendar
        register = RegisterUser(uow, FakeHasher(), clock, FakeSignupThrottle(100))
        self.staff = register("root", "correct horse", staff=True).id.value
        self.alice = register("alice", "correct horse").id.value
        self.list = ListSchedules(uow)
        self.get = GetSchedule(uow)
        self.create = CreateSchedule(uow, clock, calendar)
        self.edit = EditSchedule(uow, clock, calendar)
        self.pause = PauseSchedule(uow, clock)
        self.resume = ResumeSchedule(uow, clock)
        self.delete = DeleteSchedule(uow, clock)
        self.run_now = RunScheduleNow(uow, clock)
        self.tick = self.replica()
        self.start = StartRun(uow, clock)
        self.finish = FinishRun(uow, clock)
        self.runs = ListRuns(uow)
        self.purge_runs = PurgeRuns(uow, clock, batch_size=2)
        self.dead = ListDeadLetters(uow, self.letters)
        self.replay = ReplayDeadLetter(uow, self.letters, clock)
        self.replay_all = ReplayAllDeadLetters(uow, self.letters, clock)
        self.discard = DiscardDeadLetter(uow, self.letters, clock)
        self.discard_all = DiscardAllDeadLetters(uow, self.letters, clock)

    def replica(self) -> RunDueSchedules:
        """Another scheduler on the same store, lock and dispatcher."""
        return RunDueSchedules(
            self.store.unit_of_work,
            self.clock,
            self.calendar,
            self.lock,
            self.dispatcher,
            self.defaults,
        )

    def at(self, moment: datetime) -> None:
        self.clock.current = moment
