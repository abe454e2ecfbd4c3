"""Staff see every task: newest first, a page at a time, filtered by owner, by creation
date (from, to, both included; the same date twice is one day) and by title.

The filters are a GET form, so a filtered page can be bookmarked and reloaded; the next
page keeps them. What is typed is only parsed here (a whole number, a date); what a
filter may be is the core's rule, and its refusals are shown beside their fields.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template

from selteq_core import InvalidField, NotFound, TaskPage
from selteq_http.facade import Backend, backend_of

from .forms import failure
from .render import page
from .staff import TASKS, query, still_staff
from .tasks import SIGNED_IN, Signed

FILTERS = ("owner", "created_from", "created_to", "search")


def _filters(values: dict[str, str]) -> tuple[int | None, date | None, date | None]:
    """The owner and the dates as typed; every one that is not what it should be is named."""
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


def _read(
    backend: Backend, actor: int, values: dict[str, str], before: str | None
) -> tuple[TaskPage, dict[int, str]]:
    """The page, and its owners' usernames (one read per owner shown, at most a page's)."""
    owner, start, end = _filters(values)
    found = backend.cases.list_all_tasks(actor, owner, start, end, values["search"], before)
    names: dict[int, str] = {}
    for owner_id in {task.owner_id.value for task in found.tasks}:
        with contextlib.suppress(NotFound):  # deleted since the page was read
            names[owner_id] = backend.cases.get_user(actor, owner_id).username.value
    return found, names


@get(TASKS, dependencies=SIGNED_IN)
async def every_task(
    request: Request[Any, Any, Any],
    visit: Signed,
    owner: FromQuery[str] = "",
    created_from: FromQuery[str] = "",
    created_to: FromQuery[str] = "",
    search: FromQuery[str] = "",
    before: FromQuery[str | None] = None,
) -> Template:
    backend = backend_of(request)
    values = {
        "owner": owner,
        "created_from": created_from,
        "created_to": created_to,
        "search": search,
    }
    context: dict[str, Any] = {"values": values}
    try:
        found, names = await backend.run(_read, backend, visit.user_id, values, before)
    except InvalidField as error:
        await still_staff(backend, visit.user_id)
        refused = failure(error)
        context["failure"] = refused
        return page(request, "admin_tasks", context, visit=visit, status=refused.status)
    context.update(tasks=found.tasks, owners=names)
    if found.next is not None:
        context["older"] = query(TASKS, **values, before=found.next)
    return page(request, "admin_tasks", context, visit=visit)


TASK_ADMIN_PAGES = [every_task]
