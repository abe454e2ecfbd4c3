"""Staff manage users: a paged, searchable list; deactivate, activate, reset a password,
and delete after a confirmation page.

Each row's form carries the list's search and page, so the answer (303) goes back to the
same page with a notice. A refusal by the core (the last staff account stays) shows that
page again with the core's sentence; a caller who is not staff gets the 403 page.
"""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from selteq_core import Conflict, Forbidden, InvalidField, NotFound, SelteqError, User
from selteq_http.facade import Backend, backend_of

from .forms import Failure, fields
from .render import page, see_other
from .session import Visit, open_visit, visit_of
from .staff import USERS, notice_of, query, refusal, still_staff, users_back
from .tasks import SIGNED_IN, Signed


async def _users_page(
    request: Request[Any, Any, Any],
    visit: Visit | None,
    search: str,
    after: str,
    refused: Failure | None = None,
    notice: str | None = None,
) -> Template:
    """The list; a search the core refuses is shown beside the search field."""
    backend = backend_of(request)
    context: dict[str, Any] = {
        "search": search,
        "after": after,
        "failure": refused,
        "notice": notice,
    }
    start = int(after) if after.isdigit() else None
    if visit is not None:
        call = backend.cases.list_users
        try:
            found = await backend.run(call, visit.user_id, search, start)
        except InvalidField as error:
            await still_staff(backend, visit.user_id)
            refused = refused or refusal(error)
            context["failure"] = refused
        else:
            context["users"] = found.users
            if found.next is not None:
                context["next"] = query(USERS, search=search, after=found.next)
    status = 200 if refused is None else refused.status
    headers = None if refused is None else refused.headers
    return page(request, "admin_users", context, visit=visit, status=status, headers=headers)


@get(USERS, dependencies=SIGNED_IN)
async def users(
    request: Request[Any, Any, Any],
    visit: Signed,
    search: FromQuery[str] = "",
    after: FromQuery[str] = "",
    notice: FromQuery[str] = "",
) -> Template:
    return await _users_page(request, visit, search, after, notice=notice_of(notice))


async def _set_active(
    request: Request[Any, Any, Any], target: int, active: bool
) -> Template | Redirect:
    backend = backend_of(request)
    back = await fields(request, "search", "after")
    try:
        visit = await open_visit(request)
        call = backend.cases.set_user_active
        await backend.run(call, visit.user_id, target, active)
    except Conflict as error:
        refused = refusal(error)
        return await _users_page(request, visit_of(request), back["search"], back["after"], refused)
    done = "activated" if active else "deactivated"
    return see_other(request, users_back(back["search"], back["after"], done), visit=visit)


@post(f"{USERS}/{{target:int}}/deactivate")
async def deactivate(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    return await _set_active(request, target, False)


@post(f"{USERS}/{{target:int}}/activate")
async def activate(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    return await _set_active(request, target, True)


async def _user(backend: Backend, actor: int, target: int) -> User:
    return await backend.run(backend.cases.get_user, actor, target)


@get(f"{USERS}/{{target:int}}/password", dependencies=SIGNED_IN)
async def reset_form(
    request: Request[Any, Any, Any], target: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    user = await _user(backend, visit.user_id, target)
    return page(request, "admin_reset", {"user": user, "target": target}, visit=visit)


@post(f"{USERS}/{{target:int}}/password")
async def reset(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    values = await fields(request, "new_password")
    try:
        visit = await open_visit(request)
        call = backend.cases.reset_password
        await backend.hashing(call, visit.user_id, target, values["new_password"])
    except (Forbidden, NotFound):
        raise
    except SelteqError as error:
        return await _refused(request, "admin_reset", target, error)
    return see_other(request, query(USERS, notice="reset"), visit=visit)


@get(f"{USERS}/{{target:int}}/delete", dependencies=SIGNED_IN)
async def delete_form(
    request: Request[Any, Any, Any], target: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    user = await _user(backend, visit.user_id, target)
    return page(request, "admin_delete", {"user": user, "target": target}, visit=visit)


@post(f"{USERS}/{{target:int}}/delete")
async def delete(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    try:
        visit = await open_visit(request)
        call = backend.cases.delete_user
        await backend.run(call, visit.user_id, target)
    except Conflict as error:
        return await _refused(request, "admin_delete", target, error)
    return see_other(request, query(USERS, notice="deleted"), visit=visit)


async def _refused(
    request: Request[Any, Any, Any],
    name: str,
    target: int,
    error: SelteqError,
) -> Template:
    """The form again with the refusal, naming the user when they can still be read."""
    backend = backend_of(request)
    refused = refusal(error)
    visit = visit_of(request)
    user = None
    if visit is not None:
        with contextlib.suppress(SelteqError):
            user = await _user(backend, visit.user_id, target)
    context = {"user": user, "target": target, "failure": refused}
    return page(request, name, context, visit=visit, status=refused.status, headers=refused.headers)


USER_PAGES = [users, deactivate, activate, reset_form, reset, delete_form, delete]
