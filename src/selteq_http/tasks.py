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

from litestar import Response, Router, delete, get, patch, post, put
from litestar.datastructures import ResponseHeader
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody

from selteq_core import Task as CoreTask
from selteq_core import TaskPage

from .auth import REQUIRED, BearerAuth, Caller
from .blocking import in_thread
from .bodies import StrictBody
from .bodydocs import AnyEncoding
from .conditional import ETAG, IfMatch, IfNoneMatch, etag, unchanged, versions
from .deps import Services, batcher_of, services_of
from .idempotency import IdempotencyKey, key_of
from .paging import LINK, Cursor, Limit, next_link
from .problems import problem_specs
from .schemas import Task, TaskCreate, TaskRename

RECENT = 4
_COMMON = (401, 503)
_WRITE_ERRORS = (400, 404, 412, 413, 415, *_COMMON)
LOCATION = ResponseHeader(
    name="Location", value="/api/tasks/7/", description="The task's URL", documentation_only=True
)
NOT_MODIFIED = {
    304: ResponseSpec(None, description="Not modified: the If-None-Match tag is current")
}


def _answer(task: CoreTask, status: int = 200) -> Response[Task]:
    headers = {"ETag": etag(task)}
    if status == 201:
        headers["Location"] = f"/api/tasks/{task.id.value}/"
    return Response(Task.of(task), status_code=status, headers=headers)


@post(
    "/",
    dto=StrictBody[TaskCreate],
    return_dto=None,
    operation_class=AnyEncoding,
    summary="Create a task",
    response_headers=[LOCATION, ETAG],
    responses=problem_specs(400, 413, 415, 422, *_COMMON),
)
async def create_task(
    data: JSONBody[TaskCreate],
    request: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Response[Task]:
    container, user_id = services_of(request), request.user
    create, key = container.create_task, key_of(idempotency_key)
    deadline = container.settings.db_timeout
    task = await in_thread(deadline, create, user_id, data.title, data.duration, key)
    return _answer(task, 201)


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
) -> Response[list[Task]]:
    container, user_id, batcher = services_of(request), request.user, batcher_of(request)
    deadline = container.settings.db_timeout
    if batcher is not None and limit is None and before is None:
        # The batched read holds one task more than a page (deps.app_state): is there more?
        page = TaskPage.of(await batcher(user_id), RECENT)
    else:
        size = RECENT if limit is None else limit
        page = await in_thread(deadline, container.list_task_page, user_id, before, size)
    return Response(
        [Task.of(task) for task in page.tasks],
        headers=next_link(request, "before", page.next),
    )


@get(
    "/{task_id:int}",
    operation_class=AnyEncoding,
    summary="One of the caller's tasks",
    response_headers=[ETAG],
    responses={**NOT_MODIFIED, **problem_specs(400, 404, *_COMMON)},
)
async def get_task(
    task_id: FromPath[int],
    request: Caller,
    if_none_match: IfNoneMatch = None,
) -> Response[Task]:
    container, user_id = services_of(request), request.user
    deadline = container.settings.db_timeout
    task = await in_thread(deadline, container.get_task, user_id, task_id)
    if unchanged(if_none_match, task):
        return Response(None, status_code=304, headers={"ETag": etag(task)})  # type: ignore[arg-type]
    return _answer(task)


async def _rename(
    container: Services, user_id: int, task_id: int, title: str, if_match: str | None
) -> Response[Task]:
    rename, deadline = container.rename_task, container.settings.db_timeout
    return _answer(await in_thread(deadline, rename, user_id, task_id, title, versions(if_match)))


@put(
    "/{task_id:int}",
    dto=StrictBody[TaskRename],
    return_dto=None,
    operation_class=AnyEncoding,
    summary="Rename a task (other fields in the body are ignored)",
    response_headers=[ETAG],
    responses=problem_specs(*_WRITE_ERRORS),
)
async def rename_task(
    task_id: FromPath[int],
    data: JSONBody[TaskRename],
    request: Caller,
    if_match: IfMatch = None,
) -> Response[Task]:
    container, user_id = services_of(request), request.user
    return await _rename(container, user_id, task_id, data.title, if_match)


@patch(
    "/{task_id:int}",
    dto=StrictBody[TaskRename],
    return_dto=None,
    operation_class=AnyEncoding,
    summary="Rename a task, as PUT does",
    response_headers=[ETAG],
    responses=problem_specs(*_WRITE_ERRORS),
)
async def patch_task(
    task_id: FromPath[int],
    data: JSONBody[TaskRename],
    request: Caller,
    if_match: IfMatch = None,
) -> Response[Task]:
    container, user_id = services_of(request), request.user
    return await _rename(container, user_id, task_id, data.title, if_match)


@delete(
    "/{task_id:int}",
    operation_class=AnyEncoding,
    summary="Delete a task",
    responses=problem_specs(400, 404, 412, *_COMMON),
)
async def delete_task(task_id: FromPath[int], request: Caller, if_match: IfMatch = None) -> None:
    container, user_id = services_of(request), request.user
    remove, deadline = container.delete_task, container.settings.db_timeout
    await in_thread(deadline, remove, user_id, task_id, versions(if_match))


def task_router() -> Router:
    """Every task route behind the bearer check, marked as protected in the OpenAPI document."""
    return Router(
        path="/api/tasks",
        route_handlers=[create_task, list_tasks, get_task, rename_task, patch_task, delete_task],
        middleware=[BearerAuth],
        security=REQUIRED,
        tags=["tasks"],
    )
