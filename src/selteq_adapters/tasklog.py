"""Task reports as log records: the one format the watcher and the minute job share."""

from __future__ import annotations

import logging

from selteq_core import Task, TaskLog, UserId

log = logging.getLogger("selteq.tasks")


class LoggingTaskLog(TaskLog):
    """One record per task through ``logging`` (``selteq.tasks``), its fields also as
    ``extra`` attributes so a structured formatter can emit them as fields."""

    def task(self, task: Task) -> None:
        log.info(
            "task %d owner=%d title=%r duration=%d created_at=%s updated_at=%s",
            task.id.value,
            task.owner_id.value,
            task.title.value,
            task.duration.minutes,
            task.created_at.isoformat(),
            task.updated_at.isoformat(),
            extra={"task_id": task.id.value, "user_id": task.owner_id.value},
        )

    def summary(self, owner_id: UserId | None, count: int) -> None:
        whose = "every user" if owner_id is None else f"user {owner_id.value}"
        log.info("%d task(s) of %s", count, whose)
