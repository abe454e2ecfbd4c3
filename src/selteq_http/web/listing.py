"""Which tasks the list page shows: the seam where older pages plug in.

Today the first page is ``ListRecentTasks`` (the newest few, newest first) and there is no
next page. A paged read of the caller's tasks (keyset, newest first, an opaque ``before``
cursor) fills ``older`` and answers ``before``; the template already links to
``?before=<older>`` whenever it is set.
"""

from __future__ import annotations

import attrs

from selteq_adapters.container import Container
from selteq_core import Task
from selteq_http.blocking import in_thread


@attrs.frozen
class TaskPage:
    tasks: list[Task]
    older: str | None = None
    """The cursor of the next (older) page, or None when this page is the last."""


async def my_tasks(container: Container, user_id: int) -> TaskPage:
    deadline = container.settings.db_timeout
    return TaskPage(await in_thread(deadline, container.list_recent_tasks, user_id))
