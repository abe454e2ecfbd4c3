"""The jobs' use-cases and services, wired: what ``Container.jobs`` holds.

With Redis, a due run goes to the worker through the broker, the tick lock is Redis's and
the dead letters are the broker's. Without it (the embedded mode), a due run is run in the
process that ticks, the lock is the process's own and there are no dead letters: several
processes on one database still send each due run once, because a tick moves a schedule
on with a compare-and-set and only the process whose move counted sends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs
import dramatiq

from selteq_core import (
    Clock,
    CreateSchedule,
    DeadLetterQueue,
    DeleteSchedule,
    DiscardAllDeadLetters,
    DiscardDeadLetter,
    EditSchedule,
    FinishRun,
    GetSchedule,
    JobDispatcher,
    JobsUnitOfWorkFactory,
    ListDeadLetters,
    ListRuns,
    ListSchedules,
    PauseSchedule,
    PurgeRuns,
    ReplayAllDeadLetters,
    ReplayDeadLetter,
    ResumeSchedule,
    RunDueSchedules,
    RunJob,
    RunScheduleNow,
    ScheduleDefaults,
    StartRun,
    TickLock,
    TriggerCalendar,
)

from .calendar import ApschedulerCalendar
from .deadletters import NoDeadLetters, RedisDeadLetters
from .dispatch import JOB_QUEUE, DramatiqJobDispatcher, InlineJobDispatcher
from .runrecorder import RecordRuns, Reports, RunObserver, install
from .settings import Settings

if TYPE_CHECKING:
    import redis


class LocalTickLock(TickLock):
    """The embedded mode's tick lock: once per (name, tick) in this process, forgotten
    after ``ttl`` ticks' worth of entries would pile up (only the recent ones matter)."""

    def __init__(self, keep: int = 4096) -> None:
        self._taken: dict[tuple[str, str], None] = {}
        self._keep = keep
        self._lock = threading.Lock()

    def acquire(self, name: str, tick: str, ttl: int) -> bool:
        with self._lock:
            if (name, tick) in self._taken:
                return False
            self._taken[(name, tick)] = None
            while len(self._taken) > self._keep:
                del self._taken[next(iter(self._taken))]
            return True


@attrs.frozen(kw_only=True)
class JobsDesk:
    """Schedules, runs and dead letters: the staff use-cases (each takes the acting staff
    user's id first), the scheduler's tick and the worker's run recorder."""

    list_schedules: ListSchedules
    get_schedule: GetSchedule
    create_schedule: CreateSchedule
    edit_schedule: EditSchedule
    pause_schedule: PauseSchedule
    resume_schedule: ResumeSchedule
    delete_schedule: DeleteSchedule
    run_schedule_now: RunScheduleNow
    list_runs: ListRuns
    list_dead_letters: ListDeadLetters
    replay_dead_letter: ReplayDeadLetter
    replay_all_dead_letters: ReplayAllDeadLetters
    discard_dead_letter: DiscardDeadLetter
    discard_all_dead_letters: DiscardAllDeadLetters
    run_due_schedules: RunDueSchedules
    """One tick of the scheduler: the scheduler process calls it every second; so does the
    API process in the embedded mode, where it also runs the jobs."""
    start_run: StartRun
    finish_run: FinishRun
    purge_runs: PurgeRuns
    run_job: RunJob
    calendar: TriggerCalendar
    record_runs: Callable[[dramatiq.Broker, RunObserver | None], None]
    """Add the middleware recording each attempt to the worker's broker, telling
    ``observer`` (its metrics)."""
    note_report: Callable[[int], None]
    """An actor's count for the run history ("3 task(s) logged"), kept for the attempt
    running on this thread until the recorder writes it."""


def build_jobs(
    settings: Settings,
    *,
    uow: JobsUnitOfWorkFactory,
    clock: Clock,
    broker: dramatiq.Broker,
    client: redis.Redis | None,
    tick_lock: TickLock | None,
    log_tasks: Callable[[int], int],
    purge_keys: Callable[[], int],
) -> JobsDesk:
    calendar = ApschedulerCalendar()
    reports = Reports()
    start, finish = StartRun(uow, clock), FinishRun(uow, clock)
    purge_runs = PurgeRuns(uow, clock)
    run_job = RunJob(log_tasks, purge_keys, purge_runs)
    if client is None:
        dispatcher: JobDispatcher = InlineJobDispatcher(run_job, start, finish)
        letters: DeadLetterQueue = NoDeadLetters()
    else:
        dispatcher = DramatiqJobDispatcher(broker)
        letters = RedisDeadLetters(client, broker, JOB_QUEUE)
    defaults = ScheduleDefaults(
        settings.report_user_id, settings.report_interval, settings.purge_interval
    )
    due = RunDueSchedules(
        uow,
        clock,
        calendar,
        tick_lock or LocalTickLock(),
        dispatcher,
        defaults,
        lock_prefix=f"{settings.broker_namespace or 'selteq'}.schedule",
    )
    return JobsDesk(
        list_schedules=ListSchedules(uow),
        get_schedule=GetSchedule(uow),
        create_schedule=CreateSchedule(uow, clock, calendar),
        edit_schedule=EditSchedule(uow, clock, calendar),
        pause_schedule=PauseSchedule(uow, clock),
        resume_schedule=ResumeSchedule(uow, clock),
        delete_schedule=DeleteSchedule(uow, clock),
        run_schedule_now=RunScheduleNow(uow, clock),
        list_runs=ListRuns(uow),
        list_dead_letters=ListDeadLetters(uow, letters),
        replay_dead_letter=ReplayDeadLetter(uow, letters, clock),
        replay_all_dead_letters=ReplayAllDeadLetters(uow, letters, clock),
        discard_dead_letter=DiscardDeadLetter(uow, letters, clock),
        discard_all_dead_letters=DiscardAllDeadLetters(uow, letters, clock),
        run_due_schedules=due,
        start_run=start,
        finish_run=finish,
        purge_runs=purge_runs,
        run_job=run_job,
        calendar=calendar,
        record_runs=lambda broker, observer: install(
            broker, RecordRuns(start, finish, observer, reports)
        ),
        note_report=reports.note,
    )
