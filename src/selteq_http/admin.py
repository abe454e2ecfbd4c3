"""The staff API under /api/admin/: users (list, deactivate, activate, reset password,
delete) and every task.

Handlers only parse and map: who is staff, and that nothing changes for anyone else
(403), is the core's rule, checked before anything is read or written. Pages answer bare
arrays with a ``Link: rel="next"`` header, like the task list.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, Parameter

from .auth import REQUIRED, BearerAuth, CallerId, caller
from .blocking import in_thread
from .bodies import StrictJson
from .deps import Services
from .gate import gate_of
from .paging import LINK, Cursor, Limit, next_link
from .problems import problem_specs
from .schemas import AdminTaskOut, AdminUserOut, PasswordReset

_COMMON = (400, 401, 403, 503)
Search = Annotated[
    str | None, Parameter(max_length=200, description="A case-insensitive substring")
]


@get(
    "/users",
    summary="Users in id order, a page at a time, optionally searched by username",
    response_headers=LINK,
    responses=problem_specs(*_COMMON),
)
async def list_users(
    request: Request[Any, Any, Any],
    container: Services,
    user_id: CallerId,
    search: Search = None,
    after: Annotated[
        int | None, Parameter(ge=1, description="The last user id of the page before")
    ] = None,
    limit: Limit = None,
) -> Response[list[AdminUserOut]]:
    size = 20 if limit is None else limit
    call = container.list_users
    page = await in_thread(container.settings.db_timeout, call, user_id, search, after, size)
    return Response(
        [AdminUserOut.of(user) for user in page.users],
        headers=next_link(request, "after", page.next),
    )


async def _set_active(container: Services, actor: int, target: int, active: bool) -> None:
    call = container.set_user_active
    await in_thread(container.settings.db_timeout, call, actor, target, active)


@post(
    "/users/{target:int}/deactivate",
    status_code=204,
    summary="Deactivate a user: every session of theirs ends at once",
    responses=problem_specs(*_COMMON, 404, 409),
)
async def deactivate_user(target: FromPath[int], container: Services, user_id: CallerId) -> None:
    await _set_active(container, user_id, target, False)


@post(
    "/users/{target:int}/activate",
    status_code=204,
    summary="Activate a user",
    responses=problem_specs(*_COMMON, 404),
)
async def activate_user(target: FromPath[int], container: Services, user_id: CallerId) -> None:
    await _set_active(container, user_id, target, True)


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
    container: Services,
    user_id: CallerId,
) -> None:
    reset = container.reset_password
    await gate_of(request).run(reset, user_id, target, data.new_password)


@delete(
    "/users/{target:int}",
    summary="Delete a user with their tasks",
    responses=problem_specs(*_COMMON, 404, 409),
)
async def delete_user(target: FromPath[int], container: Services, user_id: CallerId) -> None:
    await in_thread(container.settings.db_timeout, container.delete_user, user_id, target)


@get(
    "/tasks",
    summary="Every task, newest first, filtered by owner, creation date and title",
    description=(
        "`created_from` and `created_to` are dates (UTC), both included; `search` is a "
        "case-insensitive substring of the title."
    ),
    response_headers=LINK,
    responses=problem_specs(*_COMMON),
)
async def list_all_tasks(
    request: Request[Any, Any, Any],
    container: Services,
    user_id: CallerId,
    owner: Annotated[int | None, Parameter(ge=1, description="The owner's user id")] = None,
    created_from: Annotated[
        date | None, Parameter(description="The first day (UTC) of the window")
    ] = None,
    created_to: Annotated[
        date | None, Parameter(description="The last day (UTC) of the window")
    ] = None,
    search: Search = None,
    before: Cursor = None,
    limit: Limit = None,
) -> Response[list[AdminTaskOut]]:
    size = 20 if limit is None else limit
    page = await in_thread(
        container.settings.db_timeout,
        container.list_all_tasks,
        user_id,
        owner,
        created_from,
        created_to,
        search,
        before,
        size,
    )
    return Response(
        [AdminTaskOut.of(task) for task in page.tasks],
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
            list_all_tasks,
        ],
        middleware=[BearerAuth],
        dependencies={"user_id": Provide(caller, sync_to_thread=False)},
        security=REQUIRED,
        tags=["admin"],
    )
