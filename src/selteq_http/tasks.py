"""Task routes: parse, call one use-case on the container, map the result.

Every handler that reaches the database runs it in a worker thread (``blocking.in_thread``),
never on the event loop: a read that waits on a lock, a slow disk or a lost network then
holds one thread, not every request of the worker, and the request answers 503 at the
database deadline. List requests that arrive together share one
query (``selteq_http.batching``).
"""

from __future__ import annotations

from litestar import Response, Router, delete, get, patch, post, put
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody

from selteq_core import Task as CoreTask

from .auth import REQUIRED, BearerAuth, Caller, caller
from .blocking import in_thread
from .bodies import StrictBody
from .bodydocs import AnyEncoding
from .conditional import ETAG, IfMatch, IfNoneMatch, etag, unchanged, versions
from .deps import Batcher, Services, provide_batcher
from .idempotency import IdempotencyKey, key_of
from .problems import problem_specs
from .schemas import Task, TaskCreate, TaskRename

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
    container: Services,
    user_id: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Response[Task]:
    create, key = container.create_task, key_of(idempotency_key)
    deadline = container.settings.db_timeout
    task = await in_thread(deadline, create, user_id, data.title, data.duration, key)
    return _answer(task, 201)


@get(
    "/",
    summary="The caller's 4 newest tasks, newest first",
    responses=problem_specs(*_COMMON),
)
async def list_tasks(container: Services, batcher: Batcher, user_id: Caller) -> list[Task]:
    if batcher is not None:
        tasks = await batcher(user_id)
    else:
        tasks = await in_thread(container.settings.db_timeout, container.list_recent_tasks, user_id)
    return [Task.of(task) for task in tasks]


@get(
    "/{task_id:int}",
    operation_class=AnyEncoding,
    summary="One of the caller's tasks",
    response_headers=[ETAG],
    responses={**NOT_MODIFIED, **problem_specs(400, 404, *_COMMON)},
)
async def get_task(
    task_id: FromPath[int],
    container: Services,
    user_id: Caller,
    if_none_match: IfNoneMatch = None,
) -> Response[Task]:
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
    container: Services,
    user_id: Caller,
    if_match: IfMatch = None,
) -> Response[Task]:
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
    container: Services,
    user_id: Caller,
    if_match: IfMatch = None,
) -> Response[Task]:
    return await _rename(container, user_id, task_id, data.title, if_match)


@delete(
    "/{task_id:int}",
    operation_class=AnyEncoding,
    summary="Delete a task",
    responses=problem_specs(400, 404, 412, *_COMMON),
)
async def delete_task(
    task_id: FromPath[int], container: Services, user_id: Caller, if_match: IfMatch = None
) -> None:
    remove, deadline = container.delete_task, container.settings.db_timeout
    await in_thread(deadline, remove, user_id, task_id, versions(if_match))


def task_router() -> Router:
    """Every task route behind the bearer check, marked as protected in the OpenAPI document."""
    return Router(
        path="/api/tasks",
        route_handlers=[create_task, list_tasks, get_task, rename_task, patch_task, delete_task],
        middleware=[BearerAuth],
        dependencies={
            "user_id": Provide(caller, sync_to_thread=False),
            "batcher": Provide(provide_batcher, sync_to_thread=False),
        },
        security=REQUIRED,
        tags=["tasks"],
    )
