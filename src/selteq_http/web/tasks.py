"""My tasks: the list with a create form, rename, and delete after a confirmation page.

Every form posts, then redirects (303) to a page that can be reloaded safely: the list
page, search and sort the person came from (``back``), with a message naming the task. A
refusal redirects too, to the form's own page, which shows it once with what was typed
(``flash``), so Back never meets "Confirm Form Resubmission" (docs/decisions/0450). A
task that is not the caller's is not found, exactly as in the API. The forms trade the
session's cookie inside their own error handling, so a database that is down while the
cookie is traded still shows the form again with what was typed: that answer comes
directly, since the page a redirect leads to would need the database too.
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urlencode

import attrs
from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from selteq_core import InvalidField, SelteqError
from selteq_http.facade import backend_of

from .flash import kept, shown, taken
from .forms import Failure, failure, fields, task_input
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
    search_error = None
    try:
        listing = await my_tasks(backend, visit.user_id, state)
    except InvalidField as error:
        if "search" not in error.fields:
            raise
        # Said at the search box, which keeps what was typed; the list shows unsearched.
        search_error = failure(error).errors.get("search", "")
        listing = await my_tasks(backend, visit.user_id, attrs.evolve(state, search="", before=""))
    failed, typed = taken(request)
    values = {"title": "", "duration": "", **typed}
    context = {
        "listing": listing,
        "values": values,
        "notice": None if failed else _notice(done, what),
        "search_error": search_error,
        **_shared(state),
    }
    page = _page(request, "tasks", context, failed, visit)
    if search_error and failed is None:
        page.status_code = 400
    return shown(request, page)


def _page(
    request: Request[Any, Any, Any],
    name: str,
    context: dict[str, Any],
    failed: Failure | None,
    visit: Visit | None,
) -> Template:
    """A form's page, showing a refusal (with its status and headers) when there is one."""
    status, headers = (200, {}) if failed is None else (failed.status, failed.headers)
    context = {**context, "failure": failed}
    return page(request, name, context, visit=visit, status=status, headers=headers)


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
        refused = failure(error, {"title": values["title"]})
        if (again := _again(request, state.href(), refused, values)) is not None:
            return again
        listing = None
        if (visit_or_none := visit_of(request)) is not None:
            with contextlib.suppress(SelteqError):
                listing = await my_tasks(backend, visit_or_none.user_id, state)
        context = {"listing": listing, "values": values, **_shared(state)}
        return _page(request, "tasks", context, refused, visit_or_none)
    return see_other(request, state.href(done="added", what=task.title.value), visit=visit)


@get("/tasks/{task_id:int}/rename", dependencies=SIGNED_IN)
async def rename_form(
    request: Request[Any, Any, Any], task_id: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    task = await backend.run(backend.cases.get_task, visit.user_id, task_id)
    failed, typed = taken(request)
    values = {"title": task.title.value, **typed}
    context = {"task": task, "values": values, **_state_of(request)}
    return shown(request, _page(request, "rename", context, failed, visit))


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
        refused = failure(error, {"title": values["title"]})
        again = _again(request, _form_at(f"/tasks/{task_id}/rename", state), refused, values)
        if again is not None:
            return again
        context = {"task_id": task_id, "values": values, **_shared(state)}
        return _page(request, "rename", context, refused, visit_of(request))
    return see_other(request, state.href(done="renamed", what=task.title.value), visit=visit)


@get("/tasks/{task_id:int}/delete", dependencies=SIGNED_IN)
async def delete_form(
    request: Request[Any, Any, Any], task_id: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    task = await backend.run(backend.cases.get_task, visit.user_id, task_id)
    failed, _ = taken(request)
    context = {"task": task, **_state_of(request)}
    return shown(request, _page(request, "delete", context, failed, visit))


@post("/tasks/{task_id:int}/delete")
async def delete(request: Request[Any, Any, Any], task_id: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    state = await _back(request)
    try:
        visit = await open_visit(request)
        task = await backend.run(backend.cases.get_task, visit.user_id, task_id)
        await backend.run(backend.cases.delete_task, visit.user_id, task_id)
    except SelteqError as error:
        refused = failure(error)
        again = _again(request, _form_at(f"/tasks/{task_id}/delete", state), refused, {})
        if again is not None:
            return again
        context = {"task_id": task_id, **_shared(state)}
        return _page(request, "delete", context, refused, visit_of(request))
    return see_other(request, state.href(done="deleted", what=task.title.value), visit=visit)


def _again(
    request: Request[Any, Any, Any], path: str, refused: Failure, values: dict[str, str]
) -> Redirect | None:
    """Post, redirect, get for a refusal the page at ``path`` can show; None (the form
    answers itself) when the service is down, as the page would be, or when what was typed
    does not fit in the cookie that carries it."""
    if refused.status >= 500:
        return None
    return kept(request, path, refused, values, visit_of(request))


def _form_at(path: str, state: ListState) -> str:
    """A task's form page, carrying the list's state as its links do."""
    return f"{path}?{urlencode({'back': state.query})}" if state.query else path


TASK_PAGES = [task_list, create, rename_form, rename, delete_form, delete]
