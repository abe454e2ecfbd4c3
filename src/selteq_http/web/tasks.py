"""My tasks: the list with a create form, rename, and delete after a confirmation page.

Every form posts, then redirects (303) to a page that can be reloaded safely. A task that
is not the caller's is not found, exactly as in the API. The forms trade the session's
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
from .listing import my_tasks
from .render import page, see_other
from .session import Visit, open_visit, visit_of

Signed = NamedDependency[Visit]
SIGNED_IN = {"visit": Provide(open_visit)}


@get("/", dependencies=SIGNED_IN)
async def task_list(
    request: Request[Any, Any, Any],
    visit: Signed,
    before: FromQuery[str | None] = None,
) -> Template:
    backend = backend_of(request)
    listing = await my_tasks(backend, visit.user_id, before)
    values = {"title": "", "duration": ""}
    return page(request, "tasks", {"listing": listing, "values": values}, visit=visit)


@post("/tasks")
async def create(request: Request[Any, Any, Any]) -> Template | Redirect:
    backend = backend_of(request)
    values = await fields(request, "title", "duration")
    try:
        visit = await open_visit(request)
        title, duration = task_input(values["title"], values["duration"])
        await backend.run(backend.cases.create_task, visit.user_id, title, duration)
    except SelteqError as error:
        listing = None
        if (visit_or_none := visit_of(request)) is not None:
            with contextlib.suppress(SelteqError):
                listing = await my_tasks(backend, visit_or_none.user_id)
        context = {"listing": listing, "values": values}
        return _refused(request, "tasks", context, error)
    return see_other(request, "/", visit=visit)


@get("/tasks/{task_id:int}/rename", dependencies=SIGNED_IN)
async def rename_form(
    request: Request[Any, Any, Any], task_id: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    task = await backend.run(backend.cases.get_task, visit.user_id, task_id)
    context = {"task": task, "values": {"title": task.title.value}}
    return page(request, "rename", context, visit=visit)


@post("/tasks/{task_id:int}/rename")
async def rename(request: Request[Any, Any, Any], task_id: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    values = await fields(request, "title")
    try:
        visit = await open_visit(request)
        await backend.run(backend.cases.rename_task, visit.user_id, task_id, values["title"])
    except SelteqError as error:
        return _refused(request, "rename", {"task_id": task_id, "values": values}, error)
    return see_other(request, "/", visit=visit)


@get("/tasks/{task_id:int}/delete", dependencies=SIGNED_IN)
async def delete_form(
    request: Request[Any, Any, Any], task_id: FromPath[int], visit: Signed
) -> Template:
    backend = backend_of(request)
    task = await backend.run(backend.cases.get_task, visit.user_id, task_id)
    return page(request, "delete", {"task": task}, visit=visit)


@post("/tasks/{task_id:int}/delete")
async def delete(request: Request[Any, Any, Any], task_id: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    try:
        visit = await open_visit(request)
        await backend.run(backend.cases.delete_task, visit.user_id, task_id)
    except SelteqError as error:
        return _refused(request, "delete", {"task_id": task_id}, error)
    return see_other(request, "/", visit=visit)


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
