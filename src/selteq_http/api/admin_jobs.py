"""The staff jobs API under /api/admin/: schedules (list, read, create, edit, pause,
resume, run now, delete), the run history (filtered, paged by keyset) and the dead letters
(list, replay or discard one or all).

Handlers only parse and map. Who is staff (403, nothing changed), what a schedule may be
(400 naming each field) and the audit log are the core's; every call goes through the
façade to a database thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Request, Response, Router, delete, get, post, put
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, Parameter

from selteq_core import OUTCOMES
from selteq_http.api.auth import REQUIRED, BearerAuth, CallerId, caller
from selteq_http.contract.bodies import StrictJson
from selteq_http.contract.jobs import (
    Counted,
    DeadLetterOut,
    RunOut,
    ScheduleCreate,
    ScheduleEdit,
    ScheduleOut,
    read_run_cursor,
    run_cursor,
)
from selteq_http.contract.paging import LINK, Cursor, Limit, next_link
from selteq_http.contract.problems import problem_specs
from selteq_http.facade import backend_of

_COMMON = (400, 401, 403, 503)
_ONE = (*_COMMON, 404)
ScheduleKey = FromPath[int]
LetterKey = Annotated[str, Parameter(max_length=100, description="The dead letter's id")]


@get("/schedules", summary="Every schedule, in id order", responses=problem_specs(*_COMMON))
async def list_schedules(request: Request[Any, Any, Any], user_id: CallerId) -> list[ScheduleOut]:
    backend = backend_of(request)
    found = await backend.run(backend.cases.jobs.list_schedules, user_id)
    return [ScheduleOut.of(schedule) for schedule in found]


@post(
    "/schedules",
    dto=StrictJson[ScheduleCreate],
    return_dto=None,
    summary="Create a schedule: a job of the catalogue and one trigger",
    description=(
        "400 names each bad field: `job` outside the catalogue, `user_id` that does not "
        "exist, `every_seconds` under the minimum, a `cron` expression that does not parse "
        "or never fires, an unknown `timezone`."
    ),
    responses=problem_specs(*_COMMON, 413, 415),
)
async def create_schedule(
    request: Request[Any, Any, Any], data: JSONBody[ScheduleCreate], user_id: CallerId
) -> Response[ScheduleOut]:
    backend = backend_of(request)
    made = await backend.run(
        backend.cases.jobs.create_schedule, user_id, data.spec(), enabled=data.enabled
    )
    location = f"/api/admin/schedules/{made.id.value}/"
    return Response(ScheduleOut.of(made), status_code=201, headers={"Location": location})


@get("/schedules/{schedule_id:int}", summary="One schedule", responses=problem_specs(*_ONE))
async def get_schedule(
    request: Request[Any, Any, Any], schedule_id: ScheduleKey, user_id: CallerId
) -> ScheduleOut:
    backend = backend_of(request)
    return ScheduleOut.of(await backend.run(backend.cases.jobs.get_schedule, user_id, schedule_id))


@put(
    "/schedules/{schedule_id:int}",
    dto=StrictJson[ScheduleEdit],
    return_dto=None,
    summary="Replace a schedule's job and trigger; every scheduler follows at its next tick",
    responses=problem_specs(*_ONE, 409, 413, 415),
)
async def edit_schedule(
    request: Request[Any, Any, Any],
    schedule_id: ScheduleKey,
    data: JSONBody[ScheduleEdit],
    user_id: CallerId,
) -> ScheduleOut:
    backend = backend_of(request)
    call = backend.cases.jobs.edit_schedule
    return ScheduleOut.of(await backend.run(call, user_id, schedule_id, data.spec()))


@delete(
    "/schedules/{schedule_id:int}",
    summary="Delete a schedule; its run history stays",
    responses=problem_specs(*_ONE),
)
async def delete_schedule(
    request: Request[Any, Any, Any], schedule_id: ScheduleKey, user_id: CallerId
) -> None:
    backend = backend_of(request)
    await backend.run(backend.cases.jobs.delete_schedule, user_id, schedule_id)


@post(
    "/schedules/{schedule_id:int}/pause",
    status_code=200,
    summary="Pause a schedule",
    responses=problem_specs(*_ONE, 409),
)
async def pause_schedule(
    request: Request[Any, Any, Any], schedule_id: ScheduleKey, user_id: CallerId
) -> ScheduleOut:
    backend = backend_of(request)
    return ScheduleOut.of(
        await backend.run(backend.cases.jobs.pause_schedule, user_id, schedule_id)
    )


@post(
    "/schedules/{schedule_id:int}/resume",
    status_code=200,
    summary="Resume a schedule: if it fell due while paused, it runs once",
    responses=problem_specs(*_ONE, 409),
)
async def resume_schedule(
    request: Request[Any, Any, Any], schedule_id: ScheduleKey, user_id: CallerId
) -> ScheduleOut:
    backend = backend_of(request)
    return ScheduleOut.of(
        await backend.run(backend.cases.jobs.resume_schedule, user_id, schedule_id)
    )


@post(
    "/schedules/{schedule_id:int}/run",
    status_code=200,
    summary="Run a schedule now: the next tick of a scheduler sends it once",
    responses=problem_specs(*_ONE, 409),
)
async def run_schedule_now(
    request: Request[Any, Any, Any], schedule_id: ScheduleKey, user_id: CallerId
) -> ScheduleOut:
    backend = backend_of(request)
    return ScheduleOut.of(
        await backend.run(backend.cases.jobs.run_schedule_now, user_id, schedule_id)
    )


@get(
    "/runs",
    summary="Runs, newest first, filtered by schedule, outcome and queue time",
    description=(
        "`since` and `until` are RFC 3339 times with a zone (`since` included, `until` "
        f"not); `outcome` is one of {', '.join(OUTCOMES)}."
    ),
    response_headers=LINK,
    responses=problem_specs(*_COMMON),
)
async def list_runs(
    request: Request[Any, Any, Any],
    user_id: CallerId,
    schedule_id: Annotated[int | None, Parameter(ge=1, description="One schedule's runs")] = None,
    outcome: Annotated[str | None, Parameter(max_length=20, description="One outcome")] = None,
    since: Annotated[datetime | None, Parameter(description="Queued at or after")] = None,
    until: Annotated[datetime | None, Parameter(description="Queued before")] = None,
    before: Cursor = None,
    limit: Limit = None,
) -> Response[list[RunOut]]:
    backend = backend_of(request)
    keyset = read_run_cursor(before)
    call = backend.cases.jobs.list_runs
    if limit is None:  # the core's page size
        page = await backend.run(call, user_id, schedule_id, outcome, since, until, keyset)
    else:
        page = await backend.run(call, user_id, schedule_id, outcome, since, until, keyset, limit)
    return Response(
        [RunOut.of(run) for run in page.runs],
        headers=next_link(request, "before", run_cursor(page.next_before)),
    )


@get(
    "/dead-letters",
    summary="The messages the worker gave up on, the most recent first (none without Redis)",
    responses=problem_specs(*_COMMON),
)
async def list_dead_letters(
    request: Request[Any, Any, Any], user_id: CallerId, limit: Limit = None
) -> list[DeadLetterOut]:
    backend = backend_of(request)
    call = backend.cases.jobs.list_dead_letters
    if limit is None:  # the core's page size
        found = await backend.run(call, user_id)
    else:
        found = await backend.run(call, user_id, limit)
    return [DeadLetterOut.of(letter) for letter in found]


@post(
    "/dead-letters/{letter_id:str}/replay",
    status_code=204,
    summary="Queue a dead letter again, its retries reset",
    responses=problem_specs(*_ONE),
)
async def replay_dead_letter(
    request: Request[Any, Any, Any], letter_id: LetterKey, user_id: CallerId
) -> None:
    backend = backend_of(request)
    await backend.run(backend.cases.jobs.replay_dead_letter, user_id, letter_id)


@delete(
    "/dead-letters/{letter_id:str}",
    summary="Forget a dead letter",
    responses=problem_specs(*_ONE),
)
async def discard_dead_letter(
    request: Request[Any, Any, Any], letter_id: LetterKey, user_id: CallerId
) -> None:
    backend = backend_of(request)
    await backend.run(backend.cases.jobs.discard_dead_letter, user_id, letter_id)


@post(
    "/dead-letters/replay",
    status_code=200,
    summary="Queue every dead letter again; how many",
    responses=problem_specs(*_COMMON),
)
async def replay_all_dead_letters(request: Request[Any, Any, Any], user_id: CallerId) -> Counted:
    backend = backend_of(request)
    return Counted(await backend.run(backend.cases.jobs.replay_all_dead_letters, user_id))


@delete(
    "/dead-letters",
    status_code=200,
    summary="Forget every dead letter; how many",
    responses=problem_specs(*_COMMON),
)
async def discard_all_dead_letters(request: Request[Any, Any, Any], user_id: CallerId) -> Counted:
    backend = backend_of(request)
    return Counted(await backend.run(backend.cases.jobs.discard_all_dead_letters, user_id))


def admin_jobs_router() -> Router:
    """The staff jobs routes behind the bearer check; the core refuses anyone not staff."""
    return Router(
        path="/api/admin",
        route_handlers=[
            list_schedules,
            create_schedule,
            get_schedule,
            edit_schedule,
            delete_schedule,
            pause_schedule,
            resume_schedule,
            run_schedule_now,
            list_runs,
            list_dead_letters,
            replay_dead_letter,
            discard_dead_letter,
            replay_all_dead_letters,
            discard_all_dead_letters,
        ],
        middleware=[BearerAuth],
        dependencies={"user_id": Provide(caller, sync_to_thread=False)},
        security=REQUIRED,
        tags=["admin"],
    )
