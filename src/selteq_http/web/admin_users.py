"""Staff manage users: a paged, searchable table, filtered by active and staff, with its
count; deactivate, activate, make or unmake staff, reset a password, and delete after a
confirmation page that says how many tasks go with them.

Each row's form carries the list's search, filters and page, so the answer (303) goes
back to the same page with a notice naming the user. A refusal by the core (the last
active staff account stays) shows that page again with the core's sentence; a caller who
is not staff gets the 403 page.
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from selteq_core import Conflict, Forbidden, InvalidField, NotFound, SelteqError, User
from selteq_http.facade import Backend, backend_of

from .forms import Failure, fields
from .render import page, see_other
from .session import Visit, open_visit, visit_of
from .staff import FLAGS, USER_STATE, USERS, notice_of, query, refusal, still_staff, users_back
from .tasks import SIGNED_IN, Signed


async def _users_page(
    request: Request[Any, Any, Any],
    visit: Visit | None,
    state: dict[str, str],
    refused: Failure | None = None,
    notice: dict[str, str] | None = None,
) -> Template:
    """The list; a search the core refuses is shown beside the search field."""
    backend = backend_of(request)
    search, after = state.get("search", ""), state.get("after", "")
    context: dict[str, Any] = {
        "search": search,
        "after": after,
        "state": {name: state.get(name, "") for name in USER_STATE},
        "state_query": urlencode([(k, v) for k in USER_STATE if (v := state.get(k, ""))]),
        "failure": refused,
        "notice": notice,
    }
    start = int(after) if after.isdigit() else None
    flags = {name: FLAGS.get(state.get(name, "")) for name in ("active", "staff")}
    if visit is not None:
        call = backend.cases.list_users
        try:
            found = await backend.run(call, visit.user_id, search, start, 20, **flags, total=True)
        except InvalidField as error:
            await still_staff(backend, visit.user_id)
            refused = refused or refusal(error)
            context["failure"] = refused
        else:
            context["users"] = found.users
            context["total"] = found.total
            if found.next is not None:
                kept = {name: state.get(name, "") for name in ("search", "active", "staff")}
                context["next"] = query(USERS, **kept, after=found.next)
    status = 200 if refused is None else refused.status
    headers = None if refused is None else refused.headers
    return page(request, "admin_users", context, visit=visit, status=status, headers=headers)


@get(USERS, dependencies=SIGNED_IN)
async def users(
    request: Request[Any, Any, Any],
    visit: Signed,
    search: FromQuery[str] = "",
    after: FromQuery[str] = "",
    active: FromQuery[str] = "",
    staff: FromQuery[str] = "",
    notice: FromQuery[str] = "",
    who: FromQuery[str] = "",
) -> Template:
    state = {"search": search, "after": after, "active": active, "staff": staff}
    return await _users_page(request, visit, state, notice=notice_of(notice, who))


async def _act(
    request: Request[Any, Any, Any], target: int, done: str, action: Any, *args: object
) -> Template | Redirect:
    """A row's action by the core's ``action``; back to the page with a notice naming the
    user, or the page again with the core's refusal (the last active staff)."""
    backend = backend_of(request)
    back = await fields(request, *USER_STATE)
    try:
        visit = await open_visit(request)
        user = await _user(backend, visit.user_id, target)
        await backend.run(action(backend), visit.user_id, target, *args)
    except Conflict as error:
        refused = refusal(error)
        return await _users_page(request, visit_of(request), back, refused)
    return see_other(request, users_back(back, done, user.username.value), visit=visit)


@post(f"{USERS}/{{target:int}}/deactivate")
async def deactivate(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    return await _act(request, target, "deactivated", lambda b: b.cases.set_user_active, False)


@post(f"{USERS}/{{target:int}}/activate")
async def activate(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    return await _act(request, target, "activated", lambda b: b.cases.set_user_active, True)


@post(f"{USERS}/{{target:int}}/staff")
async def make_staff(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    return await _act(request, target, "staffed", lambda b: b.cases.set_user_staff, True)


@post(f"{USERS}/{{target:int}}/unstaff")
async def unmake_staff(
    request: Request[Any, Any, Any], target: FromPath[int]
) -> Template | Redirect:
    return await _act(request, target, "unstaffed", lambda b: b.cases.set_user_staff, False)


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
    who = await _name(backend, visit.user_id, target)
    return see_other(request, query(USERS, notice="reset", who=who), visit=visit)


async def _name(backend: Backend, actor: int, target: int) -> str:
    with contextlib.suppress(SelteqError):
        return (await _user(backend, actor, target)).username.value
    return ""


@get(f"{USERS}/{{target:int}}/delete", dependencies=SIGNED_IN)
async def delete_form(
    request: Request[Any, Any, Any], target: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    user = await _user(backend, visit.user_id, target)
    count = await backend.run(backend.cases.count_user_tasks, visit.user_id, target)
    state = {name: str(request.query_params.get(name) or "") for name in USER_STATE}
    context = {"user": user, "target": target, "task_count": count, "state": state}
    return page(request, "admin_delete", context, visit=visit)


@post(f"{USERS}/{{target:int}}/delete")
async def delete(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    back = await fields(request, *USER_STATE)
    try:
        visit = await open_visit(request)
        user = await _user(backend, visit.user_id, target)
        call = backend.cases.delete_user
        await backend.run(call, visit.user_id, target)
    except Conflict as error:
        return await _refused(request, "admin_delete", target, error)
    return see_other(request, users_back(back, "deleted", user.username.value), visit=visit)


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


USER_PAGES = [
    users,
    deactivate,
    activate,
    make_staff,
    unmake_staff,
    reset_form,
    reset,
    delete_form,
    delete,
]
