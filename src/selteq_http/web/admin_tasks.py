"""Staff see every task: newest first or sorted by a column, a page at a time, with the
count, filtered by
owner (by username; a user id from an older link still works), by creation date (from,
to, both included; the same date twice is one day) and by title; and delete any task.

The filters and the sort are in the address, so a page can be bookmarked and reloaded;
the next page keeps them, and so does each row's Delete link: a confirmation page that
names the task and its owner, whose form's answer (303) goes back to the same page,
naming the task.
What is typed is only parsed here (a whole number, a date); what a filter may be is the
core's rule, and its refusals are shown beside their fields.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from selteq_core import STAFF_TASK_ORDERINGS, InvalidField, TaskPage
from selteq_http.facade import Backend, backend_of

from .forms import failure, fields
from .listing import duration_text
from .render import page, see_other
from .session import open_visit
from .staff import TASKS, cursor_of, notice_of, ordering_of, query, sort_links, still_staff
from .tasks import SIGNED_IN, Signed

FILTERS = ("owner_name", "owner", "created_from", "created_to", "search")
STATE = (*FILTERS, "ordering", "before")
"""What the page's address holds, carried by every row's Delete link and form."""
COLUMNS = (
    ("title", "Title", "title"),
    ("owner", "Owner", "owner"),
    ("duration", "Duration", "-duration"),
    ("created_at", "Created", "-created_at"),
)
"""The sortable columns: the field, its header, and the first sort a click asks for."""


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


def _read(
    backend: Backend, actor: int, values: dict[str, str], ordering: str, before: str | None
) -> TaskPage:
    """The page with its owners' usernames and its count, in one transaction; a cursor
    the core no longer takes (of another sort, or forged) is dropped for the first page."""
    owner, start, end = _filters(values)

    def read(cursor: str | None) -> TaskPage:
        return backend.cases.list_all_tasks(
            actor,
            owner,
            start,
            end,
            values["search"],
            cursor,
            owner_name=values["owner_name"] or None,
            total=True,
            ordering=ordering or None,
        )

    try:
        return read(before)
    except InvalidField as error:
        if before is None or set(error.fields) != {"before"}:
            raise
    return read(None)


def state_of(typed: dict[str, str]) -> dict[str, str]:
    """The page's filters, sort and page from an address or a form, each only when it is
    one the page gives out (the filters as typed: the core says what they may be)."""
    state = {name: typed.get(name, "") for name in FILTERS}
    state["ordering"] = ordering_of(typed.get("ordering"), STAFF_TASK_ORDERINGS)
    state["before"] = cursor_of(typed.get("before")) or ""
    return state


@get(TASKS, dependencies=SIGNED_IN)
async def every_task(
    request: Request[Any, Any, Any],
    visit: Signed,
    owner_name: FromQuery[str] = "",
    owner: FromQuery[str] = "",
    created_from: FromQuery[str] = "",
    created_to: FromQuery[str] = "",
    search: FromQuery[str] = "",
    ordering: FromQuery[str] = "",
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
    state = state_of({**values, "ordering": ordering, "before": before or ""})
    context: dict[str, Any] = {
        "values": values,
        "state": state,
        "state_query": query("", **state).lstrip("?"),
        "notice": notice_of(notice, who),
        "duration_text": duration_text,
        "sorts": sort_links(TASKS, values, COLUMNS, state["ordering"], "-created_at"),
    }
    try:
        found = await backend.run(
            _read, backend, visit.user_id, values, state["ordering"], state["before"] or None
        )
    except InvalidField as error:
        await still_staff(backend, visit.user_id)
        refused = failure(error)
        context["failure"] = refused
        return page(request, "admin_tasks", context, visit=visit, status=refused.status)
    owners = {user_id.value: name.value for user_id, name in found.owners.items()}
    context.update(tasks=found.tasks, owners=owners, total=found.total)
    if found.next is not None:
        context["older"] = query(TASKS, **values, ordering=state["ordering"], before=found.next)
    return page(request, "admin_tasks", context, visit=visit)


@get(f"{TASKS}/{{task_id:int}}/delete", dependencies=SIGNED_IN)
async def delete_task_form(
    request: Request[Any, Any, Any], task_id: FromPath[int], visit: Signed
) -> Template:
    """The task, its owner and title, before it goes; the list's state rides along."""
    backend = backend_of(request)
    task, owner = await backend.run(backend.cases.get_any_task, visit.user_id, task_id)
    typed = {name: str(request.query_params.get(name) or "") for name in STATE}
    state = state_of(typed)
    context = {
        "task": task,
        "owner": owner.value,
        "state": state,
        "back": query(TASKS, **state),
        "duration_text": duration_text,
    }
    return page(request, "admin_task_delete", context, visit=visit)


@post(f"{TASKS}/{{task_id:int}}/delete")
async def delete_task(request: Request[Any, Any, Any], task_id: FromPath[int]) -> Redirect:
    """Any task, by staff; back to the page it was on (its filters, sort and page),
    naming the task the core deleted."""
    backend = backend_of(request)
    back = state_of(await fields(request, *STATE))
    visit = await open_visit(request)
    gone = await backend.run(backend.cases.delete_any_task, visit.user_id, task_id)
    target = query(TASKS, **back, notice="task_deleted", who=gone.title.value)
    return see_other(request, target, visit=visit)


TASK_ADMIN_PAGES = [every_task, delete_task_form, delete_task]
