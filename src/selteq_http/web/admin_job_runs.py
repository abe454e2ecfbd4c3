"""Staff see what ran and what gave up: the run history (filtered by schedule, outcome and
queue date, newest first, a page at a time) and the dead letters (replay or discard one,
or all of them). Also the words the jobs pages give the core's refusals.

The run filters are a GET form, so a filtered page can be bookmarked; the older page keeps
them. Dates are days in UTC, both included, as on the every-task page.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from selteq_core import OUTCOMES, Conflict, InvalidField, NotFound, RunPage, Schedule, SelteqError
from selteq_http.contract.jobs import read_run_cursor, run_cursor
from selteq_http.facade import Backend, backend_of

from .forms import Failure, failure
from .render import page, see_other
from .session import Visit, open_visit
from .staff import query, still_staff
from .tasks import SIGNED_IN, Signed

RUNS = "/admin/runs"
LETTERS = "/admin/dead-letters"
LABELS = {
    "job": "Job",
    "user_id": "User id",
    "every_seconds": "Interval",
    "cron": "Cron expression",
    "timezone": "Time zone",
    "schedule_id": "Schedule",
    "outcome": "Outcome",
    "since": "From",
    "until": "To",
    "before": "The page",
}
WORDS = {
    ("user_id", "no such user"): "There is no user with that id.",
    ("cron", "never fires"): (
        "This cron expression never fires (a day that does not exist, such as 30 February)."
    ),
}
LETTER_NOTICES = {
    "replayed": "The letter was queued again.",
    "discarded": "The letter was discarded.",
    "replayed_all": "{count} letter(s) were queued again.",
    "discarded_all": "{count} letter(s) were discarded.",
}


def refused_words(error: SelteqError) -> Failure:
    """The jobs pages' words for a refusal: each field by its label, a conflict in the
    core's own sentence; the status and headers are the API's."""
    if isinstance(error, InvalidField):
        errors = {
            name: WORDS.get((name, reason), f"{LABELS.get(name, name)} {reason}.")
            for name, reason in error.fields.items()
        }
        return Failure(400, errors, "Please correct the fields marked below.")
    if isinstance(error, Conflict):
        text = str(error)
        return Failure(409, message=f"{text[:1].upper()}{text[1:]}. Nothing was changed.")
    return failure(error)


def not_found(request: Request[Any, Any, Any], visit: Visit | None, what: str) -> Template:
    """The 404 page naming what is missing (deleted meanwhile, or never there)."""
    context = {
        "status": 404,
        "title": "Not Found",
        "message": f"There is no such {what}: someone may have removed it. Nothing was changed.",
    }
    return page(request, "error", context, visit=visit, status=404)


def _window(values: dict[str, str]) -> tuple[int | None, datetime | None, datetime | None]:
    """The schedule and the days as typed; each one that is not what it should be named."""
    problems: dict[str, str] = {}
    schedule = values["schedule"].strip()
    if schedule and not (schedule.isascii() and schedule.isdigit()):
        problems["schedule"] = "must be a schedule's number"
    days: dict[str, date | None] = {}
    for name in ("since", "until"):
        text = values[name].strip()
        try:
            days[name] = date.fromisoformat(text) if text else None
        except ValueError:
            problems[name] = "must be a date written YYYY-MM-DD"
    if problems:
        raise InvalidField.of(problems)
    since, until = days["since"], days["until"]
    return (
        int(schedule) if schedule else None,
        None if since is None else datetime.combine(since, time(), UTC),
        None if until is None else datetime.combine(until + timedelta(days=1), time(), UTC),
    )


def _read_runs(
    backend: Backend, actor: int, values: dict[str, str], before: str | None
) -> tuple[RunPage, list[Schedule]]:
    """The page and every schedule (for the filter's choices), in one database thread."""
    schedule, since, until = _window(values)
    jobs = backend.cases.jobs
    outcome = values["outcome"] or None
    found = jobs.list_runs(actor, schedule, outcome, since, until, read_run_cursor(before))
    return found, jobs.list_schedules(actor)


@get(RUNS, dependencies=SIGNED_IN)
async def runs(
    request: Request[Any, Any, Any],
    visit: Signed,
    schedule: FromQuery[str] = "",
    outcome: FromQuery[str] = "",
    since: FromQuery[str] = "",
    until: FromQuery[str] = "",
    before: FromQuery[str | None] = None,
) -> Template:
    backend = backend_of(request)
    values = {"schedule": schedule, "outcome": outcome, "since": since, "until": until}
    context: dict[str, Any] = {"values": values, "outcomes": OUTCOMES}
    try:
        found, every = await backend.run(_read_runs, backend, visit.user_id, values, before)
    except InvalidField as error:
        await still_staff(backend, visit.user_id)
        if "schedule_id" in error.fields:
            error = InvalidField("schedule", error.fields["schedule_id"])
        refused = refused_words(error)
        context["failure"] = refused
        return page(request, "admin_runs", context, visit=visit, status=refused.status)
    context.update(runs=found.runs, schedules=every)
    cursor = run_cursor(found.next_before)
    if cursor is not None:
        context["older"] = query(RUNS, **values, before=cursor)
    return page(request, "admin_runs", context, visit=visit)


@get(LETTERS, dependencies=SIGNED_IN)
async def letters(
    request: Request[Any, Any, Any],
    visit: Signed,
    notice: FromQuery[str] = "",
    count: FromQuery[str] = "",
) -> Template:
    backend = backend_of(request)
    found = await backend.run(backend.cases.jobs.list_dead_letters, visit.user_id)
    words = LETTER_NOTICES.get(notice)
    if words is not None:  # a fixed sentence and a number: a link cannot make it say more
        words = words.format(count=int(count) if count.isascii() and count.isdigit() else 0)
    context = {"letters": found, "notice": words}
    return page(request, "admin_dead_letters", context, visit=visit)


async def _letter(
    request: Request[Any, Any, Any], letter_id: str, replay: bool
) -> Template | Redirect:
    backend = backend_of(request)
    visit = await open_visit(request)
    jobs = backend.cases.jobs
    call = jobs.replay_dead_letter if replay else jobs.discard_dead_letter
    try:
        await backend.run(call, visit.user_id, letter_id)
    except NotFound:
        return not_found(request, visit, "dead letter")
    done = "replayed" if replay else "discarded"
    return see_other(request, query(LETTERS, notice=done), visit=visit)


@post(f"{LETTERS}/{{letter_id:str}}/replay")
async def replay(request: Request[Any, Any, Any], letter_id: FromPath[str]) -> Template | Redirect:
    return await _letter(request, letter_id, True)


@post(f"{LETTERS}/{{letter_id:str}}/discard")
async def discard(request: Request[Any, Any, Any], letter_id: FromPath[str]) -> Template | Redirect:
    return await _letter(request, letter_id, False)


async def _every(request: Request[Any, Any, Any], replay: bool) -> Redirect:
    backend = backend_of(request)
    visit = await open_visit(request)
    jobs = backend.cases.jobs
    call = jobs.replay_all_dead_letters if replay else jobs.discard_all_dead_letters
    count = await backend.run(call, visit.user_id)
    done = "replayed_all" if replay else "discarded_all"
    return see_other(request, query(LETTERS, notice=done, count=count), visit=visit)


@post(f"{LETTERS}/replay")
async def replay_all(request: Request[Any, Any, Any]) -> Redirect:
    return await _every(request, True)


@post(f"{LETTERS}/discard")
async def discard_all(request: Request[Any, Any, Any]) -> Redirect:
    return await _every(request, False)


RUN_PAGES = [runs, letters, replay, discard, replay_all, discard_all]
