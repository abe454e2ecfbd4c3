"""Which tasks the list page shows: the seam where older pages plug in.

Pages come from ``ListTaskPage``: the newest four first, then ``?before=<older>`` for the
next older page (keyset, newest first, an opaque cursor, the same as the API's).
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


PAGE = 4


async def my_tasks(container: Container, user_id: int, before: str | None = None) -> TaskPage:
    deadline = container.settings.db_timeout
    found = await in_thread(deadline, container.list_task_page, user_id, before, PAGE)
    return TaskPage(list(found.tasks), found.next)
