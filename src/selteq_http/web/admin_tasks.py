"""Staff see every task: newest first, a page at a time, with the count, filtered by
owner (by username; a user id from an older link still works), by creation date (from,
to, both included; the same date twice is one day) and by title; and delete any task.

The filters are a GET form, so a filtered page can be bookmarked and reloaded; the next
page keeps them, and so does each row's Delete form, whose answer (303) names the task.
What is typed is only parsed here (a whole number, a date); what a filter may be is the
core's rule, and its refusals are shown beside their fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from selteq_core import InvalidField, TaskPage
from selteq_http.facade import Backend, backend_of

from .forms import failure, fields
from .listing import duration_text
from .render import page, see_other
from .session import open_visit
from .staff import TASKS, notice_of, query, still_staff
from .tasks import SIGNED_IN, Signed

FILTERS = ("owner_name", "owner", "created_from", "created_to", "search")


def _filters(values: dict[str, str]) -> tuple[int | None, date | None, date | None]:
    """The owner id and the dates as typed; every one that is not what it should be is
    named."""
    problems: dict[str, str] = {}
    owner = values["owner"].strip()
    if owner and not (owner.isascii() and owner.isdigit()):
        problems["owner"] = "must be a user id (a whole number)"
    dates: dict[str, date | None] = {}
    for name in ("created_from", "created_to"):
        text = values[name].strip()
        try:
            dates[name] = date.fromisoformat(text) if text else None
        except ValueError:
            problems[name] = "must be a date written YYYY-MM-DD"
    if problems:
        raise InvalidField.of(problems)
    return (int(owner) if owner else None), dates["created_from"], dates["created_to"]


def _read(backend: Backend, actor: int, values: dict[str, str], before: str | None) -> TaskPage:
    """The page with its owners' usernames and its count, in one transaction."""
    owner, start, end = _filters(values)
    return backend.cases.list_all_tasks(
        actor,
        owner,
        start,
        end,
        values["search"],
        before,
        owner_name=values["owner_name"] or None,
        total=True,
    )


@get(TASKS, dependencies=SIGNED_IN)
async def every_task(
    request: Request[Any, Any, Any],
    visit: Signed,
    owner_name: FromQuery[str] = "",
    owner: FromQuery[str] = "",
    created_from: FromQuery[str] = "",
    created_to: FromQuery[str] = "",
    search: FromQuery[str] = "",
    before: FromQuery[str | None] = None,
    notice: FromQuery[str] = "",
    who: FromQuery[str] = "",
) -> Template:
    backend = backend_of(request)
    values = {
        "owner_name": owner_name.strip(),
        "owner": owner,
        "created_from": created_from,
        "created_to": created_to,
        "search": search,
    }
    state = {**values, "before": before or ""}
    context: dict[str, Any] = {
        "values": values,
        "state": state,
        "notice": notice_of(notice, who),
        "duration_text": duration_text,
    }
    try:
        found = await backend.run(_read, backend, visit.user_id, values, before)
    except InvalidField as error:
        await still_staff(backend, visit.user_id)
        refused = failure(error)
        context["failure"] = refused
        return page(request, "admin_tasks", context, visit=visit, status=refused.status)
    owners = {user_id.value: name.value for user_id, name in found.owners.items()}
    context.update(tasks=found.tasks, owners=owners, total=found.total)
    if found.next is not None:
        context["older"] = query(TASKS, **values, before=found.next)
    return page(request, "admin_tasks", context, visit=visit)


@post(f"{TASKS}/{{task_id:int}}/delete")
async def delete_task(request: Request[Any, Any, Any], task_id: FromPath[int]) -> Redirect:
    """Any task, by staff; back to the page it was on, naming it (by the title the row
    showed: the task is gone once the core has deleted it)."""
    backend = backend_of(request)
    back = await fields(request, *FILTERS, "before", "title")
    visit = await open_visit(request)
    await backend.run(backend.cases.delete_any_task, visit.user_id, task_id)
    kept = {name: back[name] for name in (*FILTERS, "before")}
    target = query(TASKS, **kept, notice="task_deleted", who=back["title"] or None)
    return see_other(request, target, visit=visit)


TASK_ADMIN_PAGES = [every_task, delete_task]
