"""Task routes: parse, call one use-case through the façade, map the result.

The façade (``backend_of(request)``) runs each use-case in a database thread under the
request's deadline, never on the event loop, and reads the newest page of lists that
arrive together in one query. Handlers take the façade and the caller from the request
itself (``Caller``): Litestar resolves two or more dependencies in a task group of their
own on every request, which costs more than the route's own work.
"""

from __future__ import annotations

from litestar import Response, Router, delete, get, patch, post, put
from litestar.datastructures import ResponseHeader
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody

from selteq_core import DEFAULT_RECENT
from selteq_core import Task as CoreTask
from selteq_http.api.auth import REQUIRED, BearerAuth, Caller
from selteq_http.contract.bodies import StrictBody
from selteq_http.contract.bodydocs import AnyEncoding
from selteq_http.contract.conditional import ETAG, IfMatch, IfNoneMatch, etag, unchanged, versions
from selteq_http.contract.idempotency import IdempotencyKey, key_of
from selteq_http.contract.paging import LINK, Cursor, Limit, Ordering, Search, next_link
from selteq_http.contract.problems import problem_specs
from selteq_http.contract.schemas import Task, TaskCreate, TaskRename
from selteq_http.facade import backend_of

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
    backend = backend_of(request)
    task = await backend.create_task(
        request.user, data.title, data.duration, key_of(idempotency_key)
    )
    return _answer(task, 201)


@get(
    "/",
    summary="The caller's tasks, newest first: the 4 newest unless told otherwise",
    description=(
        "A bare array, as before paging existed. When more tasks follow, a "
        '`Link: <…>; rel="next"` header (RFC 8288) names the next page; `before` is its '
        "opaque cursor, valid only with the `ordering` it was given in. `search` keeps the "
        "tasks whose title holds it (case-insensitive), `ordering` sorts them as Django "
        "REST framework names it (`-created_at`, the default, `created_at`, `-duration`, "
        "`duration`); the next page's link keeps both."
    ),
    response_headers=LINK,
    responses=problem_specs(400, *_COMMON),
)
async def list_tasks(
    request: Caller,
    limit: Limit = None,
    before: Cursor = None,
    search: Search = None,
    ordering: Ordering = "-created_at",
) -> Response[list[Task]]:
    backend, user_id = backend_of(request), request.user
    if limit is None and before is None and search is None and ordering == "-created_at":
        page = await backend.newest_tasks(user_id)  # the hot path: read in batches
    else:
        size = DEFAULT_RECENT if limit is None else limit
        listed = backend.cases.list_task_page
        page = await backend.run(listed, user_id, before, size, search=search, ordering=ordering)
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
    task = await backend_of(request).task(request.user, task_id)
    if unchanged(if_none_match, task):
        return Response(None, status_code=304, headers={"ETag": etag(task)})  # type: ignore[arg-type]
    return _answer(task)


async def _rename(
    request: Caller, task_id: int, title: str, if_match: str | None
) -> Response[Task]:
    backend = backend_of(request)
    rename = backend.cases.rename_task
    return _answer(await backend.run(rename, request.user, task_id, title, versions(if_match)))


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
    return await _rename(request, task_id, data.title, if_match)


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
    return await _rename(request, task_id, data.title, if_match)


@delete(
    "/{task_id:int}",
    operation_class=AnyEncoding,
    summary="Delete a task",
    responses=problem_specs(400, 404, 412, *_COMMON),
)
async def delete_task(task_id: FromPath[int], request: Caller, if_match: IfMatch = None) -> None:
    backend = backend_of(request)
    await backend.run(backend.cases.delete_task, request.user, task_id, versions(if_match))


def task_router() -> Router:
    """Every task route behind the bearer check, marked as protected in the OpenAPI document."""
    return Router(
        path="/api/tasks",
        route_handlers=[create_task, list_tasks, get_task, rename_task, patch_task, delete_task],
        middleware=[BearerAuth],
        security=REQUIRED,
        tags=["tasks"],
    )
