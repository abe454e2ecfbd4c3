"""Task routes: parse, call one use-case on the container, map the result.

Every handler that reaches the database runs it in a worker thread (``blocking.in_thread``),
never on the event loop: a read that waits on a lock, a slow disk or a lost network then
holds one thread, not every request of the worker, and the request answers 503 at the
database deadline. List requests that arrive together share one
query (``selteq_http.batching``). Handlers take the container and the caller from the
request itself (``Caller``): Litestar resolves two or more dependencies in a task group
of their own on every request, which costs more than the route's own work.
"""

from __future__ import annotations

from litestar import Response, Router, delete, get, post, put
from litestar.params import FromPath, JSONBody

from selteq_core import TaskPage

from .auth import REQUIRED, BearerAuth, Caller
from .blocking import in_thread
from .bodies import StrictJson
from .deps import batcher_of, services_of
from .paging import LINK, Cursor, Limit, next_link
from .problems import problem_specs
from .schemas import TaskIn, TaskOut, TaskRename

RECENT = 4

_COMMON = (401, 503)


@post(
    "/",
    dto=StrictJson[TaskIn],
    return_dto=None,
    summary="Create a task",
    responses=problem_specs(400, 413, 415, *_COMMON),
)
async def create_task(data: JSONBody[TaskIn], request: Caller) -> TaskOut:
    container, user_id = services_of(request), request.user
    deadline = container.settings.db_timeout
    task = await in_thread(deadline, container.create_task, user_id, data.title, data.duration)
    return TaskOut.of(task)


@get(
    "/",
    summary="The caller's tasks, newest first: the 4 newest unless told otherwise",
    description=(
        "A bare array, as before paging existed. When older tasks exist, a "
        '`Link: <…>; rel="next"` header (RFC 8288) names the next page; `before` is its '
        "opaque cursor."
    ),
    response_headers=LINK,
    responses=problem_specs(400, *_COMMON),
)
async def list_tasks(
    request: Caller, limit: Limit = None, before: Cursor = None
) -> Response[list[TaskOut]]:
    container, user_id, batcher = services_of(request), request.user, batcher_of(request)
    deadline = container.settings.db_timeout
    if batcher is not None and limit is None and before is None:
        # The batched read holds one task more than a page (deps.app_state): is there more?
        page = TaskPage.of(await batcher(user_id), RECENT)
    else:
        size = RECENT if limit is None else limit
        page = await in_thread(deadline, container.list_task_page, user_id, before, size)
    return Response(
        [TaskOut.of(task) for task in page.tasks],
        headers=next_link(request, "before", page.next),
    )


@get(
    "/{task_id:int}",
    summary="One of the caller's tasks",
    responses=problem_specs(404, *_COMMON),
)
async def get_task(task_id: FromPath[int], request: Caller) -> TaskOut:
    container, user_id = services_of(request), request.user
    deadline = container.settings.db_timeout
    return TaskOut.of(await in_thread(deadline, container.get_task, user_id, task_id))


@put(
    "/{task_id:int}",
    dto=StrictJson[TaskRename],
    return_dto=None,
    summary="Rename a task (other fields in the body are ignored)",
    responses=problem_specs(400, 404, 413, 415, *_COMMON),
)
async def rename_task(
    task_id: FromPath[int], data: JSONBody[TaskRename], request: Caller
) -> TaskOut:
    container, user_id = services_of(request), request.user
    deadline = container.settings.db_timeout
    task = await in_thread(deadline, container.rename_task, user_id, task_id, data.title)
    return TaskOut.of(task)


@delete(
    "/{task_id:int}",
    summary="Delete a task",
    responses=problem_specs(404, *_COMMON),
)
async def delete_task(task_id: FromPath[int], request: Caller) -> None:
    container, user_id = services_of(request), request.user
    await in_thread(container.settings.db_timeout, container.delete_task, user_id, task_id)


def task_router() -> Router:
    """Every task route behind the bearer check, marked as protected in the OpenAPI document."""
    return Router(
        path="/api/tasks",
        route_handlers=[create_task, list_tasks, get_task, rename_task, delete_task],
        middleware=[BearerAuth],
        security=REQUIRED,
        tags=["tasks"],
    )
