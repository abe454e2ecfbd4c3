"""Staff manage users: a paged, searchable table, filtered by active and staff, sorted by
a column, with its count; deactivate, activate, make or unmake staff, reset a password
(typed twice), and delete after a confirmation page that says how many tasks go with them.

Each row's form carries the list's search, filters, sort and page, so the answer (303)
goes back to the same page with a notice naming the user. A refusal is post/redirect/get
too: a signed flash cookie and 303 to the page the form came from, which shows it once
(the core's sentence for the last active staff account; never a password typed). A
caller who is not staff gets the 403 page.
"""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from selteq_core import (
    USER_ORDERINGS,
    Conflict,
    Forbidden,
    InvalidField,
    NotFound,
    SelteqError,
    User,
    UserPage,
)
from selteq_http.facade import Backend, backend_of

from .flash import refused as refused_at
from .flash import shown, taken
from .forms import Failure, confirmed, failure, fields
from .render import page, see_other
from .session import Visit, open_visit, visit_of
from .staff import (
    FLAGS,
    USER_STATE,
    USERS,
    notice_of,
    ordering_of,
    query,
    refusal,
    sort_links,
    still_staff,
    user_state,
    users_back,
)
from .tasks import SIGNED_IN, Signed

COLUMNS = (
    ("username", "Username", "username"),
    ("date_joined", "Joined", "-date_joined"),
    ("task_count", "Tasks", "-task_count"),
)
"""The users table's sortable columns: the field, its header, and the first sort a click
on it asks for (names A to Z; the newest and the busiest accounts first)."""


def _list(backend: Backend, actor: int, state: dict[str, str | None]) -> UserPage:
    """The page, in one transaction; a cursor the core no longer takes (of another sort,
    or forged) is dropped and the first page read instead."""
    search, ordering = state.get("search") or "", state.get("ordering") or None
    active, staff = (FLAGS.get(state.get(name) or "") for name in ("active", "staff"))

    def read(after: str | None) -> UserPage:
        return backend.cases.list_users(
            actor, search, after, 20, active=active, staff=staff, total=True, ordering=ordering
        )

    try:
        return read(state.get("after"))
    except InvalidField as error:
        if set(error.fields) != {"after"}:
            raise
    return read(None)


async def _users_page(
    request: Request[Any, Any, Any],
    visit: Visit,
    typed: dict[str, str],
    notice: dict[str, str] | None = None,
) -> Template:
    """The list; a search the core refuses is shown beside the search field, a refused
    action (kept in the flash cookie) above the table."""
    backend = backend_of(request)
    state = user_state(typed)
    refused: Failure | None
    refused, _ = taken(request)
    shown_state = {name: str(state.get(name) or "") for name in USER_STATE}
    kept = {name: shown_state[name] for name in ("search", "active", "staff")}
    context: dict[str, Any] = {
        "search": shown_state["search"],
        "state": shown_state,
        "state_query": query("", **state).lstrip("?"),
        "failure": refused,
        "notice": notice,
        "sorts": sort_links(USERS, kept, COLUMNS, shown_state["ordering"], "id"),
    }
    try:
        found = await backend.run(_list, backend, visit.user_id, state)
    except InvalidField as error:
        await still_staff(backend, visit.user_id)
        refused = refused or refusal(error)
        context["failure"] = refused
    else:
        context.update(users=found.users, total=found.total, task_counts=found.task_counts)
        if found.next is not None:
            ordering = shown_state["ordering"]
            context["next"] = query(USERS, **kept, ordering=ordering, after=str(found.next))
    status = 200 if refused is None else refused.status
    headers = None if refused is None else refused.headers
    answer = page(request, "admin_users", context, visit=visit, status=status, headers=headers)
    return shown(request, answer)


@get(USERS, dependencies=SIGNED_IN)
async def users(
    request: Request[Any, Any, Any],
    visit: Signed,
    search: FromQuery[str] = "",
    after: FromQuery[str] = "",
    active: FromQuery[str] = "",
    staff: FromQuery[str] = "",
    ordering: FromQuery[str] = "",
    notice: FromQuery[str] = "",
    who: FromQuery[str] = "",
) -> Template:
    state = {
        "search": search,
        "after": after,
        "active": active,
        "staff": staff,
        "ordering": ordering_of(ordering, USER_ORDERINGS),
    }
    return await _users_page(request, visit, state, notice=notice_of(notice, who))


async def _act(
    request: Request[Any, Any, Any], target: int, done: str, action: Any, *args: object
) -> Redirect:
    """A row's action by the core's ``action``; back to the page with a notice naming the
    user, or (post/redirect/get) to the page with the core's refusal (the last active
    staff)."""
    backend = backend_of(request)
    back = await fields(request, *USER_STATE)
    try:
        visit = await open_visit(request)
        user = await _user(backend, visit.user_id, target)
        await backend.run(action(backend), visit.user_id, target, *args)
    except Conflict as error:
        return refused_at(request, users_back(back), refusal(error), {}, visit_of(request))
    return see_other(request, users_back(back, done, user.username.value), visit=visit)


@post(f"{USERS}/{{target:int}}/deactivate")
async def deactivate(request: Request[Any, Any, Any], target: FromPath[int]) -> Redirect:
    return await _act(request, target, "deactivated", lambda b: b.cases.set_user_active, False)


@post(f"{USERS}/{{target:int}}/activate")
async def activate(request: Request[Any, Any, Any], target: FromPath[int]) -> Redirect:
    return await _act(request, target, "activated", lambda b: b.cases.set_user_active, True)


@post(f"{USERS}/{{target:int}}/staff")
async def make_staff(request: Request[Any, Any, Any], target: FromPath[int]) -> Redirect:
    return await _act(request, target, "staffed", lambda b: b.cases.set_user_staff, True)


@post(f"{USERS}/{{target:int}}/unstaff")
async def unmake_staff(request: Request[Any, Any, Any], target: FromPath[int]) -> Redirect:
    return await _act(request, target, "unstaffed", lambda b: b.cases.set_user_staff, False)


async def _user(backend: Backend, actor: int, target: int) -> User:
    return await backend.run(backend.cases.get_user, actor, target)


def _state_of(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The list's state a confirmation page was opened with (its address)."""
    typed = {name: str(request.query_params.get(name) or "") for name in USER_STATE}
    return {name: str(value or "") for name, value in user_state(typed).items()}


def _here(path: str, state: dict[str, str]) -> str:
    """A form's own page with the list's state: where its refusal is shown."""
    return query(path, **user_state(state))


@get(f"{USERS}/{{target:int}}/password", dependencies=SIGNED_IN)
async def reset_form(
    request: Request[Any, Any, Any], target: FromPath[int], visit: Signed
) -> Template:
    return await _form(request, visit, "admin_reset", target)


@post(f"{USERS}/{{target:int}}/password")
async def reset(request: Request[Any, Any, Any], target: FromPath[int]) -> Redirect:
    """The new password typed twice; a mismatch is refused before the core is asked, with
    nothing changed. A password is never sent back to the page."""
    backend = backend_of(request)
    values = await fields(request, "new_password", "new_password_confirm", *USER_STATE)
    typed = {name: values[name] for name in ("new_password", "new_password_confirm")}
    try:
        visit = await open_visit(request)
        await still_staff(backend, visit.user_id)
        confirmed(values, "new_password", "new_password_confirm")
        call = backend.cases.reset_password
        await backend.hashing(call, visit.user_id, target, values["new_password"])
    except (Forbidden, NotFound):
        raise
    except SelteqError as error:
        here = _here(f"{USERS}/{target}/password", values)
        return refused_at(request, here, failure(error, typed), {}, visit_of(request))
    who = await _name(backend, visit.user_id, target)
    return see_other(request, users_back(values, "reset", who), visit=visit)


async def _name(backend: Backend, actor: int, target: int) -> str:
    with contextlib.suppress(SelteqError):
        return (await _user(backend, actor, target)).username.value
    return ""


@get(f"{USERS}/{{target:int}}/delete", dependencies=SIGNED_IN)
async def delete_form(
    request: Request[Any, Any, Any], target: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    count = await backend.run(backend.cases.count_user_tasks, visit.user_id, target)
    return await _form(request, visit, "admin_delete", target, task_count=count)


@post(f"{USERS}/{{target:int}}/delete")
async def delete(request: Request[Any, Any, Any], target: FromPath[int]) -> Redirect:
    backend = backend_of(request)
    back = await fields(request, *USER_STATE)
    try:
        visit = await open_visit(request)
        user = await _user(backend, visit.user_id, target)
        await backend.run(backend.cases.delete_user, visit.user_id, target)
    except Conflict as error:
        here = _here(f"{USERS}/{target}/delete", back)
        return refused_at(request, here, refusal(error), {}, visit_of(request))
    return see_other(request, users_back(back, "deleted", user.username.value), visit=visit)


async def _form(
    request: Request[Any, Any, Any], visit: Visit, name: str, target: int, **extra: object
) -> Template:
    """A form about one user, with the list's state, and the refusal its last answer left
    (shown once)."""
    backend = backend_of(request)
    user = await _user(backend, visit.user_id, target)
    refused: Failure | None
    refused, _ = taken(request)
    state = _state_of(request)
    context = {
        "user": user,
        "target": target,
        "state": state,
        "back": users_back(state),
        "failure": refused,
        **extra,
    }
    status, headers = (200, None) if refused is None else (refused.status, refused.headers)
    answer = page(request, name, context, visit=visit, status=status, headers=headers)
    return shown(request, answer)


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
