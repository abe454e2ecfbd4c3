"""Staff steer schedules: the list with pause, resume and run now on each row; a form to
create or edit one; delete after a confirmation page.

What is typed is only parsed here (a whole number); what a schedule may be is the core's
rule, and its refusals are shown beside their fields in words. A caller who is not staff
gets the 403 page with nothing changed; every accepted change is in the audit log (the
core writes it). Every form posts, then redirects (303) to a page safe to reload.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from selteq_core import (
    JOBS,
    MIN_INTERVAL,
    REPORT_USER_TASKS,
    Conflict,
    InvalidField,
    NotFound,
    Schedule,
    ScheduleSpec,
    SelteqError,
)
from selteq_http.facade import Backend, backend_of

from .admin_job_runs import RUN_PAGES, not_found, refused_words
from .forms import fields, minutes
from .render import page, see_other
from .session import Visit, open_visit
from .staff import query, still_staff
from .tasks import SIGNED_IN, Signed

SCHEDULES = "/admin/schedules"
FIELDS = ("job", "user_id", "every_seconds", "cron", "timezone")
JOB_NAMES = {
    REPORT_USER_TASKS: "Report a user's tasks",
    **{job: "Purge expired idempotency keys" for job in JOBS if job != REPORT_USER_TASKS},
}
NOTICES = {
    "created": "The schedule was created: every scheduler follows it from its next tick.",
    "edited": "The schedule was changed: every scheduler follows it from its next tick.",
    "paused": "The schedule was paused.",
    "resumed": "The schedule was resumed: if it fell due while paused, it runs once.",
    "run": "The schedule runs at the next tick of a scheduler.",
    "deleted": "The schedule was deleted; its runs stay in the history.",
}


def _spec(values: dict[str, str]) -> ScheduleSpec:
    """The form as the core reads it; a number that is not one is named at its field."""
    problems: dict[str, str] = {}
    numbers: dict[str, int | None] = {}
    for name in ("user_id", "every_seconds"):
        text = values[name].strip()
        numbers[name] = minutes(text) if text else None
        if text and numbers[name] is None:
            problems[name] = "must be a whole number"
    if problems:
        raise InvalidField.of(problems)
    return ScheduleSpec(
        values["job"],
        numbers["user_id"],
        numbers["every_seconds"],
        values["cron"].strip() or None,
        values["timezone"].strip() or None,
    )


def _values(schedule: Schedule) -> dict[str, str]:
    job, trigger = schedule.job, schedule.trigger
    return {
        "job": job.kind,
        "user_id": "" if job.user_id is None else str(job.user_id.value),
        "every_seconds": "" if trigger.every_seconds is None else str(trigger.every_seconds),
        "cron": trigger.cron or "",
        "timezone": trigger.timezone or "",
    }


def _form(
    request: Request[Any, Any, Any],
    visit: Visit | None,
    values: dict[str, str],
    target: int | None = None,
    error: SelteqError | None = None,
) -> Template:
    refused = None if error is None else refused_words(error)
    context = {
        "values": values,
        "target": target,
        "jobs": JOB_NAMES,
        "minimum": MIN_INTERVAL,
        "failure": refused,
    }
    status = 200 if refused is None else refused.status
    return page(request, "admin_schedules_form", context, visit=visit, status=status)


@get(SCHEDULES, dependencies=SIGNED_IN)
async def schedules(
    request: Request[Any, Any, Any], visit: Signed, notice: FromQuery[str] = ""
) -> Template:
    backend = backend_of(request)
    found = await backend.run(backend.cases.jobs.list_schedules, visit.user_id)
    context = {"schedules": found, "notice": NOTICES.get(notice), "jobs": JOB_NAMES}
    return page(request, "admin_schedules", context, visit=visit)


@get(f"{SCHEDULES}/new", dependencies=SIGNED_IN)
async def new_form(request: Request[Any, Any, Any], visit: Signed) -> Template:
    await still_staff(backend_of(request), visit.user_id)
    values = dict.fromkeys(FIELDS, "") | {"job": REPORT_USER_TASKS, "every_seconds": "60"}
    return _form(request, visit, values | {"enabled": "on"})


@post(SCHEDULES)
async def create(request: Request[Any, Any, Any]) -> Template | Redirect:
    backend = backend_of(request)
    values = await fields(request, *FIELDS, "enabled")
    visit = await open_visit(request)
    try:
        spec = _spec(values)
        call = backend.cases.jobs.create_schedule
        await backend.run(call, visit.user_id, spec, enabled=values["enabled"] == "on")
    except InvalidField as error:
        return _form(request, visit, values, error=error)
    return see_other(request, query(SCHEDULES, notice="created"), visit=visit)


async def _one(
    request: Request[Any, Any, Any], backend: Backend, visit: Visit, ident: int
) -> Schedule | Template:
    try:
        return await backend.run(backend.cases.jobs.get_schedule, visit.user_id, ident)
    except NotFound:
        return not_found(request, visit, "schedule")


@get(f"{SCHEDULES}/{{target:int}}/edit", dependencies=SIGNED_IN)
async def edit_form(
    request: Request[Any, Any, Any], target: FromPath[int], visit: Signed
) -> Template:
    found = await _one(request, backend_of(request), visit, target)
    if isinstance(found, Template):
        return found
    return _form(request, visit, _values(found), target)


@post(f"{SCHEDULES}/{{target:int}}/edit")
async def edit(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    values = await fields(request, *FIELDS)
    visit = await open_visit(request)
    try:
        spec = _spec(values)
        await backend.run(backend.cases.jobs.edit_schedule, visit.user_id, target, spec)
    except NotFound:
        return not_found(request, visit, "schedule")
    except (InvalidField, Conflict) as error:
        return _form(request, visit, values, target, error)
    return see_other(request, query(SCHEDULES, notice="edited"), visit=visit)


async def _act(request: Request[Any, Any, Any], target: int, action: str) -> Template | Redirect:
    backend = backend_of(request)
    visit = await open_visit(request)
    jobs = backend.cases.jobs
    call: dict[str, Callable[[int, int], Schedule]] = {
        "paused": jobs.pause_schedule,
        "resumed": jobs.resume_schedule,
        "run": jobs.run_schedule_now,
    }
    try:
        await backend.run(call[action], visit.user_id, target)
    except NotFound:
        return not_found(request, visit, "schedule")
    except Conflict as error:
        found = await backend.run(jobs.list_schedules, visit.user_id)
        refused = refused_words(error)
        context = {"schedules": found, "failure": refused, "jobs": JOB_NAMES}
        return page(request, "admin_schedules", context, visit=visit, status=refused.status)
    return see_other(request, query(SCHEDULES, notice=action), visit=visit)


@post(f"{SCHEDULES}/{{target:int}}/pause")
async def pause(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    return await _act(request, target, "paused")


@post(f"{SCHEDULES}/{{target:int}}/resume")
async def resume(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    return await _act(request, target, "resumed")


@post(f"{SCHEDULES}/{{target:int}}/run")
async def run_now(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    return await _act(request, target, "run")


@get(f"{SCHEDULES}/{{target:int}}/delete", dependencies=SIGNED_IN)
async def delete_form(
    request: Request[Any, Any, Any], target: FromPath[int], visit: Signed
) -> Template:
    found = await _one(request, backend_of(request), visit, target)
    if isinstance(found, Template):
        return found
    context = {"schedule": found, "jobs": JOB_NAMES}
    return page(request, "admin_schedules_delete", context, visit=visit)


@post(f"{SCHEDULES}/{{target:int}}/delete")
async def delete(request: Request[Any, Any, Any], target: FromPath[int]) -> Template | Redirect:
    backend = backend_of(request)
    visit = await open_visit(request)
    try:
        await backend.run(backend.cases.jobs.delete_schedule, visit.user_id, target)
    except NotFound:
        return not_found(request, visit, "schedule")
    return see_other(request, query(SCHEDULES, notice="deleted"), visit=visit)


JOB_PAGES = [
    schedules,
    new_form,
    create,
    edit_form,
    edit,
    pause,
    resume,
    run_now,
    delete_form,
    delete,
    *RUN_PAGES,
]
