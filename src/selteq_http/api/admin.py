"""The staff API under /api/admin/: users (list, filtered by search, active and staff;
deactivate, activate, make or unmake staff, reset password, delete), every task (filtered
by owner id or name, window and title; delete any) and the audit log.

Handlers only parse and map: who is staff, and that nothing changes for anyone else
(403), is the core's rule, checked before anything is read or written. Pages answer bare
arrays with a ``Link: rel="next"`` header, like the task list.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from litestar import Request, Response, Router, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, Parameter

from selteq_core import ADMIN_PAGE, SEARCH_MAX
from selteq_http.api.auth import REQUIRED, BearerAuth, Caller, CallerId, caller
from selteq_http.contract.bodies import StrictJson
from selteq_http.contract.paging import LINK, Limit, next_link
from selteq_http.contract.problems import problem_specs
from selteq_http.contract.schemas import (
    AdminTaskOut,
    AdminUserOut,
    AuditEntryOut,
    PasswordReset,
)
from selteq_http.facade import backend_of

_COMMON = (400, 401, 403, 503)
UserOrderingName = Literal[
    "id", "-id", "username", "-username", "date_joined", "-date_joined", "task_count", "-task_count"
]
"""The core's ``USER_ORDERINGS``, spelled out so the document states them as an enum."""
TaskOrderingName = Literal[
    "-created_at", "created_at", "title", "-title", "duration", "-duration", "owner", "-owner"
]
"""The core's ``STAFF_TASK_ORDERINGS``, likewise."""
SortedCursor = Annotated[
    str | None,
    Parameter(
        max_length=1200,
        description='Where the page starts: the cursor of a `Link: rel="next"` header',
    ),
]
"""A page cursor of a sorted list: it may carry a whole title or username."""
_SORTED = (
    "`ordering` sorts as Django REST framework names it (a field, descending with a "
    "leading `-`; ties by id); a page cursor is valid only with the ordering it came with."
)
Search = Annotated[
    str | None, Parameter(max_length=SEARCH_MAX, description="A case-insensitive substring")
]


@get(
    "/users",
    summary="Users, a page at a time, optionally searched by username and sorted",
    description=f"`active` and `staff` keep only the users with that flag. {_SORTED}",
    response_headers=LINK,
    responses=problem_specs(*_COMMON),
)
async def list_users(
    request: Request[Any, Any, Any],
    user_id: CallerId,
    search: Search = None,
    after: Annotated[
        str | None,
        Parameter(
            max_length=1200,
            description=(
                'Where the page starts: the `after` of a `Link: rel="next"` header (in id '
                "order, the last user id of the page before)"
            ),
        ),
    ] = None,
    limit: Limit = None,
    active: Annotated[bool | None, Parameter(description="Only active (true) or inactive")] = None,
    staff: Annotated[bool | None, Parameter(description="Only staff (true) or not staff")] = None,
    ordering: Annotated[
        UserOrderingName, Parameter(description="The order: `id` (the default), or another")
    ] = "id",
) -> Response[list[AdminUserOut]]:
    backend = backend_of(request)
    size = ADMIN_PAGE if limit is None else limit
    page = await backend.run(
        backend.cases.list_users,
        user_id,
        search,
        after,
        size,
        active=active,
        staff=staff,
        ordering=ordering,
    )
    return Response(
        [AdminUserOut.of(user) for user in page.users],
        headers=next_link(request, "after", page.next),
    )


async def _set_active(request: Caller, target: int, active: bool) -> None:
    backend = backend_of(request)
    await backend.run(backend.cases.set_user_active, request.user, target, active)


@post(
    "/users/{target:int}/deactivate",
    status_code=204,
    summary="Deactivate a user: every session of theirs ends at once",
    responses=problem_specs(*_COMMON, 404, 409),
)
async def deactivate_user(target: FromPath[int], request: Caller) -> None:
    await _set_active(request, target, False)


@post(
    "/users/{target:int}/activate",
    status_code=204,
    summary="Activate a user",
    responses=problem_specs(*_COMMON, 404),
)
async def activate_user(target: FromPath[int], request: Caller) -> None:
    await _set_active(request, target, True)


async def _set_staff(request: Caller, target: int, staff: bool) -> None:
    backend = backend_of(request)
    await backend.run(backend.cases.set_user_staff, request.user, target, staff)


@put(
    "/users/{target:int}/staff",
    status_code=204,
    summary="Make a user staff",
    responses=problem_specs(*_COMMON, 404),
)
async def make_staff(target: FromPath[int], request: Caller) -> None:
    await _set_staff(request, target, True)


@delete(
    "/users/{target:int}/staff",
    summary="Make a staff user an ordinary one (never the last active staff: 409)",
    responses=problem_specs(*_COMMON, 404, 409),
)
async def unmake_staff(target: FromPath[int], request: Caller) -> None:
    await _set_staff(request, target, False)


@put(
    "/users/{target:int}/password",
    status_code=204,
    dto=StrictJson[PasswordReset],
    return_dto=None,
    summary="Reset a user's password: every session of theirs ends",
    responses=problem_specs(*_COMMON, 404, 413, 415),
)
async def reset_password(
    request: Request[Any, Any, Any],
    target: FromPath[int],
    data: JSONBody[PasswordReset],
    user_id: CallerId,
) -> None:
    backend = backend_of(request)
    await backend.hashing(backend.cases.reset_password, user_id, target, data.new_password)


@delete(
    "/users/{target:int}",
    summary="Delete a user with their tasks",
    responses=problem_specs(*_COMMON, 404, 409),
)
async def delete_user(target: FromPath[int], request: Caller) -> None:
    backend = backend_of(request)
    await backend.run(backend.cases.delete_user, request.user, target)


@get(
    "/tasks",
    summary="Every task, newest first, filtered by owner, creation date and title",
    description=(
        "`owner` is a user id, `owner_name` a username (one nobody has finds no task); "
        "`created_from` and `created_to` are dates (UTC), both included; `search` is a "
        "case-insensitive substring of the title. Each task names its owner. " + _SORTED
    ),
    response_headers=LINK,
    responses=problem_specs(*_COMMON),
)
async def list_all_tasks(
    request: Request[Any, Any, Any],
    user_id: CallerId,
    owner: Annotated[int | None, Parameter(ge=1, description="The owner's user id")] = None,
    created_from: Annotated[
        date | None, Parameter(description="The first day (UTC) of the window")
    ] = None,
    created_to: Annotated[
        date | None, Parameter(description="The last day (UTC) of the window")
    ] = None,
    search: Search = None,
    before: SortedCursor = None,
    limit: Limit = None,
    owner_name: Annotated[
        str | None, Parameter(max_length=150, description="The owner's username")
    ] = None,
    ordering: Annotated[
        TaskOrderingName,
        Parameter(description="The order: `-created_at` (newest first, the default), or another"),
    ] = "-created_at",
) -> Response[list[AdminTaskOut]]:
    backend = backend_of(request)
    size = ADMIN_PAGE if limit is None else limit
    page = await backend.run(
        backend.cases.list_all_tasks,
        user_id,
        owner,
        created_from,
        created_to,
        search,
        before,
        size,
        owner_name=owner_name,
        ordering=ordering,
    )
    names = {user.value: name.value for user, name in page.owners.items()}
    return Response(
        [AdminTaskOut.of(task, names.get(task.owner_id.value)) for task in page.tasks],
        headers=next_link(request, "before", page.next),
    )


@delete(
    "/tasks/{task_id:int}",
    summary="Delete any user's task",
    responses=problem_specs(*_COMMON, 404),
)
async def delete_any_task(task_id: FromPath[int], request: Caller) -> None:
    backend = backend_of(request)
    await backend.run(backend.cases.delete_any_task, request.user, task_id)


@get(
    "/audit",
    summary="The staff audit log, newest first: who did what to whom, and when",
    response_headers=LINK,
    responses=problem_specs(*_COMMON),
)
async def audit_log(
    request: Request[Any, Any, Any],
    user_id: CallerId,
    before: Annotated[
        int | None, Parameter(ge=1, description="The last entry id of the page before")
    ] = None,
    limit: Limit = None,
) -> Response[list[AuditEntryOut]]:
    backend = backend_of(request)
    sized = () if limit is None else (limit,)  # the core's page size unless told
    page = await backend.run(backend.cases.list_audit_log, user_id, before, *sized)
    return Response(
        [AuditEntryOut.of(entry) for entry in page.entries],
        headers=next_link(request, "before", page.next),
    )


def admin_router() -> Router:
    """Every staff route behind the bearer check; the core refuses anyone not staff."""
    return Router(
        path="/api/admin",
        route_handlers=[
            list_users,
            deactivate_user,
            activate_user,
            reset_password,
            delete_user,
            make_staff,
            unmake_staff,
            list_all_tasks,
            delete_any_task,
            audit_log,
        ],
        middleware=[BearerAuth],
        dependencies={"user_id": Provide(caller, sync_to_thread=False)},
        security=REQUIRED,
        tags=["admin"],
    )
