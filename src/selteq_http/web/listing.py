"""Which tasks the list page shows: a page of ``ListTaskPage``, newest first, then
``?before=<token>`` for the next older page (the same keyset and cursor as the API's)."""

from __future__ import annotations

from selteq_core import DEFAULT_RECENT, TaskPage
from selteq_http.facade import Backend


async def my_tasks(backend: Backend, user_id: int, before: str | None = None) -> TaskPage:
    return await backend.run(backend.cases.list_task_page, user_id, before, DEFAULT_RECENT)
