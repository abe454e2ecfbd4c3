"""Task routes: parse, call one use-case on the container, map the result.

Every handler that reaches the database runs it in a worker thread (``blocking.in_thread``),
never on the event loop: a read that waits on a lock, a slow disk or a lost network then
holds one thread, not every request of the worker, and the request answers 503 at the
database deadline. List requests that arrive together share one
query (``selteq_http.batching``).
"""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Response, Router, delete, get, patch, post, put
from litestar.datastructures import ResponseHeader
from litestar.di import Provide
from litestar.params import FromPath, HeaderParameter, JSONBody

from .auth import REQUIRED, BearerAuth, Caller, caller
from .blocking import in_thread
from .bodies import AnyEncoding, StrictBody
from .deps import Batcher, Services, provide_batcher
from .problems import problem_specs
from .schemas import Task, TaskCreate, TaskRename

_COMMON = (401, 503)

_KEY = re.compile(r"^[!-~]{1,255}$")
IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        pattern=_KEY.pattern,
        description=(
            "Retry-safe creation (IETF httpapi Idempotency-Key): the same key and body"
            " within 24 hours answers the first create again and creates nothing; the same"
            " key with another body is a 422. A quoted key (a structured-field string) is"
            " the key without its quotes."
        ),
    ),
]
LOCATION = [ResponseHeader(name="Location", description="The task's URL", documentation_only=True)]


def _key(header: str | None) -> str | None:
    """The key without the quotes of a structured-field string (Litestar has checked the
    pattern: a bad key is a 400 naming ``idempotency_key``, as the core names it)."""
    if header is not None and len(header) > 2 and header[0] == header[-1] == '"':
        return header[1:-1]
    return header


@post(
    "/",
    dto=StrictBody[TaskCreate],
    return_dto=None,
    operation_class=AnyEncoding,
    summary="Create a task",
    response_headers=LOCATION,
    responses=problem_specs(400, 413, 415, 422, *_COMMON),
)
async def create_task(
    data: JSONBody[TaskCreate],
    container: Services,
    user_id: Caller,
    idempotency_key: IdempotencyKey = None,
) -> Response[Task]:
    create, key = container.create_task, _key(idempotency_key)
    deadline = container.settings.db_timeout
    task = await in_thread(deadline, create, user_id, data.title, data.duration, key)
    location = f"/api/tasks/{task.id.value}/"
    return Response(Task.of(task), status_code=201, headers={"Location": location})


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
    summary="One of the caller's tasks",
    responses=problem_specs(404, *_COMMON),
)
async def get_task(task_id: FromPath[int], container: Services, user_id: Caller) -> Task:
    deadline = container.settings.db_timeout
    return Task.of(await in_thread(deadline, container.get_task, user_id, task_id))


_RENAME_ERRORS = (400, 404, 413, 415, *_COMMON)


async def _rename(container: Services, user_id: int, task_id: int, title: str) -> Task:
    deadline = container.settings.db_timeout
    return Task.of(await in_thread(deadline, container.rename_task, user_id, task_id, title))


@put(
    "/{task_id:int}",
    dto=StrictBody[TaskRename],
    return_dto=None,
    operation_class=AnyEncoding,
    summary="Rename a task (other fields in the body are ignored)",
    responses=problem_specs(*_RENAME_ERRORS),
)
async def rename_task(
    task_id: FromPath[int], data: JSONBody[TaskRename], container: Services, user_id: Caller
) -> Task:
    return await _rename(container, user_id, task_id, data.title)


@patch(
    "/{task_id:int}",
    dto=StrictBody[TaskRename],
    return_dto=None,
    operation_class=AnyEncoding,
    summary="Rename a task, as PUT does",
    responses=problem_specs(*_RENAME_ERRORS),
)
async def patch_task(
    task_id: FromPath[int], data: JSONBody[TaskRename], container: Services, user_id: Caller
) -> Task:
    return await _rename(container, user_id, task_id, data.title)


@delete(
    "/{task_id:int}",
    summary="Delete a task",
    responses=problem_specs(404, *_COMMON),
)
async def delete_task(task_id: FromPath[int], container: Services, user_id: Caller) -> None:
    await in_thread(container.settings.db_timeout, container.delete_task, user_id, task_id)


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
