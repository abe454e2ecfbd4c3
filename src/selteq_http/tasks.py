"""Task routes: parse, call one use-case on the container, map the result.

Writes are synchronous handlers in a worker thread (they block on the database). List
requests that arrive together share one query (``selteq_http.batching``). The reads run
on the event loop when a warm pooled connection is idle: one short indexed
SELECT in autocommit (about 0.1 ms) costs less than the hop to a thread and back, and the
pool hands such a connection over without waiting, connecting or pinging. When none is
idle (or ``SELTEQ_INLINE_READS=0``) the same use-case runs in a thread, as writes do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from litestar import Request, Router, delete, get, post, put
from litestar.concurrency import sync_to_thread
from litestar.di import Provide
from litestar.params import FromPath, JSONBody

from selteq_adapters.container import WouldBlock

from .auth import REQUIRED, BearerAuth, Caller, caller
from .bodies import StrictJson
from .deps import Services, batcher_of, services_of
from .problems import problem_specs
from .schemas import TaskIn, TaskOut, TaskRename

T = TypeVar("T")


async def read(at_once: Callable[..., T], in_thread: Callable[..., T], *args: int) -> T:
    """``at_once(*args)`` on the loop if it need not wait, else ``in_thread(*args)``."""
    try:
        return at_once(*args)
    except WouldBlock:
        return await sync_to_thread(in_thread, *args)


_COMMON = (401, 503)


@post(
    "/",
    dto=StrictJson[TaskIn],
    return_dto=None,
    sync_to_thread=True,
    summary="Create a task",
    responses=problem_specs(400, 413, 415, *_COMMON),
)
def create_task(data: JSONBody[TaskIn], container: Services, user_id: Caller) -> TaskOut:
    return TaskOut.of(container.create_task(user_id, data.title, data.duration))


@get(
    "/",
    summary="The caller's 4 newest tasks, newest first",
    responses=problem_specs(*_COMMON),
)
async def list_tasks(request: Request[int, Any, Any]) -> list[TaskOut]:
    # The container and the caller come from the request itself: no dependency to resolve.
    batcher = batcher_of(request)
    if batcher is not None:
        tasks = await batcher(request.user)
    else:
        container = services_of(request)
        tasks = await read(
            container.list_recent_tasks_at_once, container.list_recent_tasks, request.user
        )
    return [TaskOut.of(task) for task in tasks]


@get(
    "/{task_id:int}",
    summary="One of the caller's tasks",
    responses=problem_specs(404, *_COMMON),
)
async def get_task(task_id: FromPath[int], request: Request[int, Any, Any]) -> TaskOut:
    container = services_of(request)
    task = await read(container.get_task_at_once, container.get_task, request.user, task_id)
    return TaskOut.of(task)


@put(
    "/{task_id:int}",
    dto=StrictJson[TaskRename],
    return_dto=None,
    sync_to_thread=True,
    summary="Rename a task (other fields in the body are ignored)",
    responses=problem_specs(400, 404, 413, 415, *_COMMON),
)
def rename_task(
    task_id: FromPath[int], data: JSONBody[TaskRename], container: Services, user_id: Caller
) -> TaskOut:
    return TaskOut.of(container.rename_task(user_id, task_id, data.title))


@delete(
    "/{task_id:int}",
    sync_to_thread=True,
    summary="Delete a task",
    responses=problem_specs(404, *_COMMON),
)
def delete_task(task_id: FromPath[int], container: Services, user_id: Caller) -> None:
    container.delete_task(user_id, task_id)


def task_router() -> Router:
    """Every task route behind the bearer check, marked as protected in the OpenAPI document."""
    return Router(
        path="/api/tasks",
        route_handlers=[create_task, list_tasks, get_task, rename_task, delete_task],
        middleware=[BearerAuth],
        dependencies={"user_id": Provide(caller, sync_to_thread=False)},
        security=REQUIRED,
        tags=["tasks"],
    )
