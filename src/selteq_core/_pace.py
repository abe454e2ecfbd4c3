"""The Django project's pace of reporting: every task once, one at a time, then done."""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ._ports import Clock, TaskLog
from ._tasks import ReportTasks
from ._values import UserId


@attrs.frozen
class LogTasksOneByOne:
    """Write one record per task (every task, or one user's) in id order, calling ``pause``
    between two records, then the summary; the number of tasks logged.

    ``pause`` waits one interval and answers True when the walk is to stop instead: the
    records logged so far are summarised and nothing else is read. The tasks are read as
    ``ReportTasks`` reads them, a keyset batch at a time when the walk reaches it, so a
    walk over millions of tasks holds one batch, and each task is logged as it was when
    its batch was read. Nothing waits before the first record or after the last, so an
    empty table ends the walk at once.

    The walk covers the tasks created before it began: one created later is passed over
    without a pause, so a steady stream of new tasks cannot keep the walk from ending."""

    report: ReportTasks
    log: TaskLog
    clock: Clock

    def __call__(self, pause: Callable[[], bool], user_id: int | None = None) -> int:
        began = self.clock.now()
        count = 0
        for task in self.report(user_id):
            if task.created_at > began:
                continue
            if count and pause():
                break
            self.log.task(task)
            count += 1
        self.log.summary(None if user_id is None else UserId(user_id), count)
        return count
