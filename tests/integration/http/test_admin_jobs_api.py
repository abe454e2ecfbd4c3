"""The staff jobs API through the real app: schedules steered, runs listed by filter and
page, dead letters replayed and discarded on the real Redis; bad input is a 400 naming the
field, anyone not staff a 403 with nothing changed, and every change is in the audit log."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import attrs
import pytest
import redis

from selteq_adapters.dispatch import JOB_QUEUE
from selteq_adapters.settings import Settings
from selteq_core import AuditAction
from selteq_core.memory import ManualClock

from .conftest import PASSWORD, Api, bearer, invalid_names, problem, running

SCHEDULES = "/api/admin/schedules/"


BODY = {"job": "purge_idempotency_keys", "every_seconds": 600}
JOB_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", SCHEDULES, None),
    ("POST", SCHEDULES, BODY),
    ("GET", f"{SCHEDULES}{{id}}/", None),
    ("PUT", f"{SCHEDULES}{{id}}/", BODY),
    ("DELETE", f"{SCHEDULES}{{id}}/", None),
    ("POST", f"{SCHEDULES}{{id}}/pause", None),
    ("POST", f"{SCHEDULES}{{id}}/resume", None),
    ("POST", f"{SCHEDULES}{{id}}/run", None),
    ("GET", "/api/admin/runs/", None),
    ("GET", "/api/admin/dead-letters/", None),
    ("POST", "/api/admin/dead-letters/x/replay", None),
    ("DELETE", "/api/admin/dead-letters/x/", None),
    ("POST", "/api/admin/dead-letters/replay", None),
    ("DELETE", "/api/admin/dead-letters/", None),
]
"""Every staff jobs route, ``{id}`` a schedule's."""


def staff(api: Api) -> dict[str, str]:
    api.container.register_user("root", PASSWORD, staff=True)
    return bearer(api.login("root")["access_token"])


def create(api: Api, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    answer = api.client.post(SCHEDULES, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    made: dict[str, Any] = answer.json()
    return made


def audit(api: Api) -> list[AuditAction]:
    """The audit log's actions, oldest first, read as root (the first user: id 1)."""
    entries = api.container.list_audit_log(1, None, 100).entries
    return [entry.action for entry in reversed(entries)]


def test_staff_create_read_edit_pause_resume_run_and_delete_a_schedule(api: Api) -> None:
    root = staff(api)
    alice = api.sign_up("alice")
    listed = api.client.get(SCHEDULES, headers=root).json()
    assert [s["job"] for s in listed] == ["print_user_tasks", "purge_idempotency_keys"]
    made = create(api, root, job="print_user_tasks", user_id=alice, every_seconds=30)
    assert made["description"] == f"report user {alice}'s tasks, every 30 s"
    assert made["enabled"] is True
    assert made["next_due_at"].endswith("Z")
    one = f"{SCHEDULES}{made['id']}/"
    assert api.client.get(one, headers=root).json() == made
    cron = {"job": "print_user_tasks", "user_id": alice, "cron": "0 7 * * 1-5"}
    edited = api.client.put(one, json={**cron, "timezone": "Europe/Berlin"}, headers=root)
    assert edited.status_code == 200, edited.text
    assert (edited.json()["cron"], edited.json()["every_seconds"]) == ("0 7 * * 1-5", None)
    base = f"{SCHEDULES}{made['id']}"
    assert api.client.post(f"{base}/pause", headers=root).json()["enabled"] is False
    problem(api.client.post(f"{base}/run", headers=root), 409)  # paused
    assert api.client.post(f"{base}/resume", headers=root).json()["enabled"] is True
    ran = api.client.post(f"{base}/run", headers=root)
    assert ran.status_code == 200
    assert ran.json()["next_due_at"] <= api.clock.now().isoformat().replace("+00:00", "Z")
    assert api.client.delete(one, headers=root).status_code == 204
    problem(api.client.get(one, headers=root), 404)
    problem(api.client.delete(one, headers=root), 404)
    assert audit(api) == [
        AuditAction.CREATE_SCHEDULE,
        AuditAction.EDIT_SCHEDULE,
        AuditAction.PAUSE_SCHEDULE,
        AuditAction.RESUME_SCHEDULE,
        AuditAction.RUN_SCHEDULE_NOW,
        AuditAction.DELETE_SCHEDULE,
    ]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"job": "print_user_tasks", "user_id": 999, "every_seconds": 60}, {"user_id"}),
        ({"job": "print_user_tasks", "user_id": 1, "every_seconds": 9}, {"every_seconds"}),
        ({"job": "purge_idempotency_keys", "cron": "0 0 30 2 *"}, {"cron"}),
        ({"job": "purge_idempotency_keys", "cron": "61 * * * *"}, {"cron"}),
        (
            {"job": "purge_idempotency_keys", "cron": "0 7 * * *", "timezone": "Mars/Olympus"},
            {"timezone"},
        ),
        ({"job": "rm -rf", "every_seconds": 60}, {"job"}),
        ({"job": "purge_idempotency_keys"}, {"every_seconds"}),
        ({"job": "purge_idempotency_keys", "every_seconds": "60"}, {"every_seconds"}),
        ({"job": "print_user_tasks", "user_id": "1", "cron": 5}, {"user_id", "cron"}),
    ],
)
def test_bad_schedules_are_refused_naming_each_field(
    api: Api, body: dict[str, Any], fields: set[str]
) -> None:
    root = staff(api)
    before = api.snapshot()
    answer = problem(api.client.post(SCHEDULES, json=body, headers=root), 400)
    assert invalid_names(answer) == fields
    assert api.snapshot() == before


def test_never_fires_and_unknown_zone_are_said_in_words(api: Api) -> None:
    root = staff(api)
    never = {"job": "purge_idempotency_keys", "cron": "0 0 31 2 *"}
    reasons = problem(api.client.post(SCHEDULES, json=never, headers=root), 400)
    assert reasons["invalid_params"] == [{"name": "cron", "reason": "never fires"}]
    bad = {"job": "purge_idempotency_keys", "cron": "0 7 * * *", "timezone": "Nowhere/City"}
    zone = problem(api.client.post(SCHEDULES, json=bad, headers=root), 400)
    assert "zone" in zone["invalid_params"][0]["reason"]


def test_non_staff_get_403_and_nothing_changes(api: Api) -> None:
    root = staff(api)
    made = create(api, root, job="purge_idempotency_keys", every_seconds=60)
    alice = api.user("alice")
    before = api.snapshot()
    for method, path, payload in JOB_ROUTES:
        url = path.format(id=made["id"])
        answer = api.client.request(method, url, json=payload, headers=alice)
        problem(answer, 403)
    assert api.snapshot() == before
    problem(api.client.get(SCHEDULES), 401)


def test_runs_filtered_by_schedule_outcome_and_time_and_paged(api: Api) -> None:
    root = staff(api)
    alice = api.sign_up("alice")
    report = create(api, root, job="print_user_tasks", user_id=alice, every_seconds=10)
    purge = create(api, root, job="purge_idempotency_keys", every_seconds=10)
    started = api.clock.now()
    for _ in range(3):
        api.clock.advance(10)
        sent = api.container.jobs.run_due_schedules()
        assert {run.schedule_id.value for run in sent if run.schedule_id} >= {
            report["id"],
            purge["id"],
        }
    runs = api.client.get(f"/api/admin/runs/?schedule_id={report['id']}", headers=root)
    assert runs.status_code == 200, runs.text
    assert len(runs.json()) == 3
    assert {r["outcome"] for r in runs.json()} == {"succeeded"}
    assert runs.json()[0]["reported"] == "0 task(s) logged"
    assert runs.json()[0]["queued_at"] >= runs.json()[1]["queued_at"]
    first = api.client.get("/api/admin/runs/?limit=2", headers=root)
    assert len(first.json()) == 2
    link = first.headers["link"]
    assert link.startswith("</api/admin/runs/?")
    assert link.endswith('>; rel="next"')
    seen = [r["id"] for r in first.json()]
    while link:
        page = api.client.get(link[1 : link.index(">")], headers=root)
        seen += [r["id"] for r in page.json()]
        link = page.headers.get("link", "")
    everything = api.client.get("/api/admin/runs/?limit=100", headers=root).json()
    assert seen == [r["id"] for r in everything]
    later = (started + timedelta(seconds=15)).isoformat()
    window = api.client.get("/api/admin/runs/", params={"since": later}, headers=root).json()
    assert 0 < len(window) < len(everything)
    none = api.client.get("/api/admin/runs/?outcome=failed", headers=root).json()
    assert none == []
    bad = api.client.get("/api/admin/runs/?outcome=exploded&before=nonsense", headers=root)
    assert invalid_names(problem(bad, 400)) == {"before"}
    naive = api.client.get("/api/admin/runs/?outcome=exploded", headers=root)
    assert invalid_names(problem(naive, 400)) == {"outcome"}
    naive = api.client.get("/api/admin/runs/?since=2026-01-01T00:00:00", headers=root)
    assert invalid_names(problem(naive, 400)) == {"since"}


def test_without_redis_there_are_no_dead_letters(api: Api) -> None:
    root = staff(api)
    assert api.client.get("/api/admin/dead-letters/", headers=root).json() == []
    problem(api.client.post("/api/admin/dead-letters/nope/replay", headers=root), 404)
    problem(api.client.delete("/api/admin/dead-letters/nope/", headers=root), 404)
    everything = api.client.post("/api/admin/dead-letters/replay", headers=root)
    assert everything.json() == {"count": 0}


@pytest.fixture
def on_redis(
    settings: Settings, clock: ManualClock, redis_url: str, namespace: str
) -> Iterator[Api]:
    with running(
        attrs.evolve(settings, redis_url=redis_url, broker_namespace=namespace), clock
    ) as app:
        yield app


def bury(client: redis.Redis, namespace: str, letter_id: str, user_id: int) -> None:
    """A dead letter as Dramatiq's Redis broker keeps one."""
    message = {
        "queue_name": JOB_QUEUE,
        "actor_name": "print_user_tasks",
        "args": [user_id],
        "kwargs": {},
        "options": {"retries": 6, "traceback": "Traceback\nUnavailable: the database is down"},
        "message_id": f"run-{letter_id}",
        "message_timestamp": int(time.time() * 1000),
    }
    key = f"{namespace}:{JOB_QUEUE}.XQ"
    client.hset(f"{key}.msgs", letter_id, json.dumps(message))
    client.zadd(key, {letter_id: time.time() * 1000})


def test_dead_letters_listed_replayed_and_discarded_on_redis(
    on_redis: Api, redis_url: str, namespace: str
) -> None:
    api = on_redis
    root = staff(api)
    client = redis.Redis.from_url(redis_url)
    try:
        for n in (1, 2, 3, 4):
            bury(client, namespace, f"letter-{n}", n)
        letters = api.client.get("/api/admin/dead-letters/", headers=root).json()
        assert [d["id"] for d in letters] == ["letter-4", "letter-3", "letter-2", "letter-1"]
        assert letters[0]["reason"] == "Unavailable: the database is down"
        assert letters[0]["args"] == [4]
        assert letters[0]["run_id"] == "run-letter-4"
        alice = api.user("alice")
        problem(api.client.post("/api/admin/dead-letters/letter-1/replay", headers=alice), 403)
        problem(api.client.delete("/api/admin/dead-letters/", headers=alice), 403)
        assert len(api.client.get("/api/admin/dead-letters/", headers=root).json()) == 4
        one = api.client.post("/api/admin/dead-letters/letter-1/replay", headers=root)
        assert one.status_code == 204
        problem(api.client.post("/api/admin/dead-letters/letter-1/replay", headers=root), 404)
        assert (
            api.client.delete("/api/admin/dead-letters/letter-2/", headers=root).status_code == 204
        )
        replayed = api.client.post("/api/admin/dead-letters/replay", headers=root)
        assert replayed.json() == {"count": 2}
        bury(client, namespace, "letter-5", 5)
        assert api.client.delete("/api/admin/dead-letters/", headers=root).json() == {"count": 1}
        assert api.client.get("/api/admin/dead-letters/", headers=root).json() == []
        queued = client.llen(f"{namespace}:{JOB_QUEUE}")
        assert queued == 3  # letter-1, then letters 3 and 4, back on the job queue
    finally:
        client.close()
    assert audit(api) == [
        AuditAction.REPLAY_DEAD_LETTER,
        AuditAction.DISCARD_DEAD_LETTER,
        AuditAction.REPLAY_ALL_DEAD_LETTERS,
        AuditAction.DISCARD_ALL_DEAD_LETTERS,
    ]
