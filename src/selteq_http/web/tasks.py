"""My tasks: the list with a create form, rename, and delete after a confirmation page.

Every form posts, then redirects (303) to a page that can be reloaded safely: the list
page, search and sort the person came from (``back``), with a message naming the task. A
task that is not the caller's is not found, exactly as in the API. The forms trade the session's
cookie inside their own error handling, so a database that is down while the cookie is
traded still shows the form again with what was typed.
"""

from __future__ import annotations

import contextlib
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from selteq_core import SelteqError
from selteq_http.facade import backend_of

from .forms import failure, fields, task_input
from .listing import DONE, ORDER_NAMES, ListState, duration_text, my_tasks
from .render import page, see_other
from .session import Visit, open_visit, visit_of

Signed = NamedDependency[Visit]
SIGNED_IN = {"visit": Provide(open_visit)}


@get("/", dependencies=SIGNED_IN)
async def task_list(
    request: Request[Any, Any, Any],
    visit: Signed,
    before: FromQuery[str | None] = None,
    search: FromQuery[str | None] = None,
    ordering: FromQuery[str | None] = None,
    start: FromQuery[str | None] = None,
    done: FromQuery[str | None] = None,
    what: FromQuery[str | None] = None,
) -> Template:
    backend = backend_of(request)
    query = {"before": before, "search": search, "ordering": ordering, "start": start}
    state = ListState.of(query)
    listing = await my_tasks(backend, visit.user_id, state)
    values = {"title": "", "duration": ""}
    context = {
        "listing": listing,
        "values": values,
        "notice": _notice(done, what),
        **_shared(state),
    }
    return page(request, "tasks", context, visit=visit)


def _shared(state: ListState) -> dict[str, Any]:
    """What every task page needs to keep the list's state and show durations."""
    return {"state": state, "orders": ORDER_NAMES, "duration_text": duration_text}


def _notice(done: str | None, what: str | None) -> dict[str, str] | None:
    """The message after a form: a fixed verb and the task's title, or nothing."""
    if done not in DONE or not what:
        return None
    return {"verb": DONE[done], "what": what[:200]}


async def _back(request: Request[Any, Any, Any]) -> ListState:
    form = await request.form()
    back = form.get("back")
    return ListState.from_back(back if isinstance(back, str) else None)


@post("/tasks")
async def create(request: Request[Any, Any, Any]) -> Template | Redirect:
    backend = backend_of(request)
    values = await fields(request, "title", "duration")
    state = await _back(request)
    try:
        visit = await open_visit(request)
        title, duration = task_input(values["title"], values["duration"])
        task = await backend.run(backend.cases.create_task, visit.user_id, title, duration)
    except SelteqError as error:
        listing = None
        if (visit_or_none := visit_of(request)) is not None:
            with contextlib.suppress(SelteqError):
                listing = await my_tasks(backend, visit_or_none.user_id, state)
        context = {"listing": listing, "values": values, **_shared(state)}
        return _refused(request, "tasks", context, error)
    return see_other(request, state.href(done="added", what=task.title.value), visit=visit)


@get("/tasks/{task_id:int}/rename", dependencies=SIGNED_IN)
async def rename_form(
    request: Request[Any, Any, Any], task_id: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    task = await backend.run(backend.cases.get_task, visit.user_id, task_id)
    context = {"task": task, "values": {"title": task.title.value}, **_state_of(request)}
    return page(request, "rename", context, visit=visit)


def _state_of(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The list's state a Rename or Delete link carried as ``back``."""
    back = request.query_params.get("back")
    return _shared(ListState.from_back(back if isinstance(back, str) else None))


@post("/tasks/{task_id:int}/rename")
async def rename(request: Request[Any, Any, Any], task_id: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    values = await fields(request, "title")
    state = await _back(request)
    try:
        visit = await open_visit(request)
        rename_task = backend.cases.rename_task
        task = await backend.run(rename_task, visit.user_id, task_id, values["title"])
    except SelteqError as error:
        context = {"task_id": task_id, "values": values, **_shared(state)}
        return _refused(request, "rename", context, error)
    return see_other(request, state.href(done="renamed", what=task.title.value), visit=visit)


@get("/tasks/{task_id:int}/delete", dependencies=SIGNED_IN)
async def delete_form(
    request: Request[Any, Any, Any], task_id: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    task = await backend.run(backend.cases.get_task, visit.user_id, task_id)
    return page(request, "delete", {"task": task, **_state_of(request)}, visit=visit)


@post("/tasks/{task_id:int}/delete")
async def delete(request: Request[Any, Any, Any], task_id: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    state = await _back(request)
    try:
        visit = await open_visit(request)
        task = await backend.run(backend.cases.get_task, visit.user_id, task_id)
        await backend.run(backend.cases.delete_task, visit.user_id, task_id)
    except SelteqError as error:
        return _refused(request, "delete", {"task_id": task_id, **_shared(state)}, error)
    return see_other(request, state.href(done="deleted", what=task.title.value), visit=visit)


def _refused(
    request: Request[Any, Any, Any], name: str, context: dict[str, Any], error: SelteqError
) -> Template:
    """The form again with the refusal; a task that is not found is an error page."""
    refused = failure(error)
    return page(
        request,
        name,
        {**context, "failure": refused},
        visit=visit_of(request),
        status=refused.status,
        headers=refused.headers,
    )


TASK_PAGES = [task_list, create, rename_form, rename, delete_form, delete]
