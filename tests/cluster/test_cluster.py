"""Scale-out on real hosts: HAProxy before three API hosts, PostgreSQL and Redis on hosts of
their own, two schedulers and a worker, each in its own network namespace.

The tests run in file order on one cluster; the last one kills an API host and brings it
back, the one before it kills a scheduler for good.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import httpx
import pytest

from .conftest import PASSWORD, Accounts, Numbers, bearer, login, served_by
from .load import CreateLoad, summary
from .monitor import Ledger, RedisMonitor
from .process import wait_for
from .stack import REDIS_PORT, REPORT_INTERVAL, Cluster

pytestmark = [pytest.mark.cluster, pytest.mark.slow]
HOSTS = {"api1", "api2", "api3"}


def test_writes_spread_over_every_api_host(
    cluster: Cluster, accounts: Accounts, numbers: Numbers
) -> None:
    with httpx.Client(base_url=cluster.url, timeout=10) as client:
        headers = bearer(login(client, "loader"))
        before = cluster.stats()
        answers = [
            client.post(
                "/api/tasks/", json={"title": f"spread {n}", "duration": 5}, headers=headers
            )
            for n in range(60)
        ]
    after = cluster.stats()
    assert [a.status_code for a in answers] == [201] * 60
    per_host = served_by(answers)
    balancer = {h: after[h].responses_2xx - before[h].responses_2xx for h in sorted(HOSTS)}
    numbers.add(f"writes per API host (client / HAProxy stats): {dict(per_host)} / {balancer}")
    assert set(per_host) == HOSTS
    assert all(count > 0 for count in per_host.values())
    assert balancer == {h: per_host[h] for h in sorted(HOSTS)}


def test_login_throttle_holds_across_hosts(
    cluster: Cluster, accounts: Accounts, numbers: Numbers
) -> None:
    with httpx.Client(base_url=cluster.url, timeout=10) as client:

        def attempt(n: int) -> httpx.Response:
            body = {"username": "throttled", "password": f"wrong password {n}"}
            return client.post("/api/token/", json=body)

        failures = [attempt(n) for n in range(10)]
        refusals = [attempt(10 + n) for n in range(3)]
    numbers.add(
        f"login throttle: 10 failures served by {dict(served_by(failures))},"
        f" then {[a.status_code for a in refusals]} from {dict(served_by(refusals))}"
    )
    assert [a.status_code for a in failures] == [401] * 10
    assert set(served_by(failures)) == HOSTS
    assert [a.status_code for a in refusals] == [429] * 3
    assert set(served_by(refusals)) == HOSTS
    assert all(a.headers.get("retry-after") for a in refusals)


def test_refresh_token_rotated_on_one_host_is_refused_as_reused_on_another(
    cluster: Cluster, accounts: Accounts, numbers: Numbers
) -> None:
    hosts = [httpx.Client(base_url=cluster.api_url(i), timeout=10) for i in range(3)]
    try:
        signed_in = hosts[0].post(
            "/api/token/", json={"username": "refresher", "password": PASSWORD}
        )
        assert signed_in.status_code == 200, signed_in.text
        first = signed_in.json()["refresh_token"]
        rotated = hosts[1].post("/api/token/refresh/", json={"refresh_token": first})
        assert rotated.status_code == 200, rotated.text
        reused = hosts[2].post("/api/token/refresh/", json={"refresh_token": first})
        family = hosts[0].post(
            "/api/token/refresh/", json={"refresh_token": rotated.json()["refresh_token"]}
        )
    finally:
        for client in hosts:
            client.close()
    numbers.add(
        "refresh: rotated on api2 (200), the old token on api3"
        f" ({reused.status_code}), the rotated one then on api1 ({family.status_code})"
    )
    assert reused.status_code == 401
    assert family.status_code == 401, "reuse must revoke the whole family on every host"


def test_a_schedule_changed_through_one_host_runs_once_and_shows_in_the_history(
    cluster: Cluster, accounts: Accounts, numbers: Numbers
) -> None:
    """Staff create a paused schedule on api1 and change it there to every 10 s; both
    schedulers follow at their next tick, the next due run is sent once, the worker runs
    it once, and api3 shows it in the run history."""
    cluster.selteq(
        "user", "--username", "steerer", "--no-input", "--admin", SELTEQ_PASSWORD=PASSWORD
    )
    api1 = httpx.Client(base_url=cluster.api_url(0), timeout=10)
    api3 = httpx.Client(base_url=cluster.api_url(2), timeout=10)
    monitor = RedisMonitor(cluster.cache.address, REDIS_PORT, Ledger(REPORT_INTERVAL, 1))
    try:
        staff = bearer(login(api1, "steerer"))
        body = {"job": "purge_idempotency_keys", "every_seconds": 3600, "enabled": False}
        made = api1.post("/api/admin/schedules/", json=body, headers=staff)
        assert made.status_code == 201, made.text
        ident = made.json()["id"]
        edit = {"job": "purge_idempotency_keys", "every_seconds": 10}
        edited = api1.put(f"/api/admin/schedules/{ident}/", json=edit, headers=staff)
        assert edited.status_code == 200, edited.text
        resumed = api1.post(f"/api/admin/schedules/{ident}/resume", headers=staff)
        due = resumed.json()["next_due_at"]
        changed_at = time.monotonic()

        def history() -> list[dict[str, Any]]:
            answer = api3.get(f"/api/admin/runs/?schedule_id={ident}", headers=staff)
            assert answer.status_code == 200, answer.text
            runs: list[dict[str, Any]] = answer.json()
            return runs

        wait_for(
            "the changed schedule's run in the history",
            lambda: any(r["outcome"] == "succeeded" for r in history()),
            30,
            every=0.25,
        )
        ran_after = time.monotonic() - changed_at
        api1.post(f"/api/admin/schedules/{ident}/pause", headers=staff)
        time.sleep(1)  # the last acknowledgements reach the monitor
    finally:
        monitor.close()
        api1.close()
    ledger = monitor.snapshot()
    first = [r for r in history() if r["due_at"] == due]
    api3.close()
    sent = {
        key: m
        for key, m in ledger.sent_for(ident).items()
        if _same_instant(m["options"]["selteq_due_at"], due)
    }
    claims = {k: v for k, v in ledger.claims.items() if k[0] == ident}
    numbers.add(
        f"a schedule changed on api1: run {ran_after:.1f} s later, due {due};"
        f" claimed by {sorted(set().union(*claims.values()))}; sends {len(sent)};"
        f" acks {[ledger.acks[key] for key in sent]}; history on api3 {first}"
    )
    assert len(sent) == 1, sent
    ((key, message),) = sent.items()
    assert ledger.acks[key] == 1
    assert len(first) == 1, first
    assert first[0]["id"] == message["message_id"]
    assert first[0]["outcome"] == "succeeded"
    assert first[0]["reported"].endswith("purged")
    assert set().union(*claims.values()) <= {h.address for h in cluster.scheduler_hosts}


def _same_instant(text: str, rfc3339: str) -> bool:
    return datetime.fromisoformat(text) == datetime.fromisoformat(rfc3339.replace("Z", "+00:00"))


def test_killing_one_scheduler_leaves_one_report_per_tick(
    cluster: Cluster, accounts: Accounts, numbers: Numbers
) -> None:
    interval = REPORT_INTERVAL
    executed_before = cluster.worker_log().count(accounts.marker)
    monitor = RedisMonitor(cluster.cache.address, REDIS_PORT, Ledger(interval, 1))
    try:
        start = int(time.time() // interval)
        wait_for(
            "three ticks with both schedulers",
            lambda: len(monitor.snapshot().sent_ticks(after=start)) >= 3,
            interval * 6,
        )
        # Kill the scheduler that sent last, early in a tick: it dies between two ticks, not
        # between winning a tick's lock and sending (a crash there costs that one tick).
        wait_for(
            "a send early in its tick",
            lambda: (
                int(time.time() // interval) in monitor.snapshot().sends
                and time.time() % interval < interval / 2
            ),
            interval * 4,
            every=0.05,
        )
        ledger = monitor.snapshot()
        killed_tick = int(time.time() // interval)
        sender = ledger.senders[ledger.sends[killed_tick][-1]]
        victim = [h.address for h in cluster.scheduler_hosts].index(sender)
        cluster.schedulers[victim].kill()
        survivor = cluster.scheduler_hosts[1 - victim].address
        wait_for(
            "three ticks after the kill",
            lambda: len(monitor.snapshot().sent_ticks(after=killed_tick)) >= 3,
            interval * 6,
        )
        last = monitor.snapshot().sent_ticks(after=killed_tick)[-1]
        window = range(start + 1, last + 1)
        wait_for(
            "the worker to acknowledge every report",
            lambda: 0 not in monitor.snapshot().acks_of(window),
            interval * 5,
        )
    finally:
        monitor.close()
    ledger = monitor.snapshot()
    sends = {t: len(ledger.sends.get(t, [])) for t in window}
    both = [t for t in window if t < killed_tick]
    alone = [t for t in window if t > killed_tick]
    executed = cluster.worker_log().count(accounts.marker)
    acked = ledger.acks_of(window)
    numbers.add(
        f"scheduler ticks of {interval} s: {len(both)} with two schedulers, {len(alone)} after"
        f" killing one; sends per tick {list(sends.values())}; acks per send {acked};"
        f" user 1's report run {executed - executed_before} times meanwhile"
    )
    assert len(both) >= 2, (both, killed_tick)
    assert len(alone) >= 3, (killed_tick, alone)
    assert set(sends.values()) == {1}, sends
    schedulers = {h.address for h in cluster.scheduler_hosts}
    # A replica that reads the schedule after the winner moved it on does not even try the
    # lock, so both need not show in every tick: only that no one else ever does.
    assert set().union(*(ledger.attempts[t] for t in both)) <= schedulers, ledger.attempts
    assert all(ledger.attempts[t] == {survivor} for t in alone), ledger.attempts
    assert acked == [1] * len(window)
    assert executed - executed_before >= len(window)


def test_killing_an_api_host_under_load_loses_no_acknowledged_task(
    cluster: Cluster, accounts: Accounts, numbers: Numbers
) -> None:
    with httpx.Client(base_url=cluster.url, timeout=10) as client:
        token = login(client, "loader")
    with CreateLoad(cluster.url, token, "kill-load") as load:
        wait_for("creates before the kill", lambda: load.count(status=201) >= 60, 30)
        killed_at = time.monotonic()
        cluster.api_processes[1].kill()
        wait_for("HAProxy to mark api2 down", lambda: cluster.stats()["api2"].down, 15)
        down_at = time.monotonic()
        wait_for("creates after", lambda: load.count(started_after=down_at) >= 60, 30)
    outcomes = load.outcomes()
    acknowledged = {o.task_id for o in outcomes if o.status == 201}
    stored = {
        int(row)
        for row in cluster.sql(
            f"SELECT id FROM tasks WHERE user_id = {accounts.loader} AND title LIKE 'kill-load %'"
        )
    }
    before = [o for o in outcomes if o.started < killed_at]
    between = [o for o in outcomes if killed_at <= o.started <= down_at]
    after = [o for o in outcomes if o.started > down_at]
    numbers.add(
        f"api2 killed under a create load: {len(acknowledged)} acknowledged,"
        f" {len(stored)} stored; before the kill {summary(before)}; from the kill until"
        f" HAProxy marked it down {summary(between)}; after {summary(after)}"
    )
    assert acknowledged <= stored, f"acknowledged but lost: {sorted(acknowledged - stored)}"
    assert after
    assert all(o.status == 201 and o.served_by in {"api1", "api3"} for o in after)
    cluster.start_api(1)
    cluster.wait_api(1)
    cluster.wait_balanced(up=HOSTS)
    with httpx.Client(base_url=cluster.url, timeout=10) as client:
        back = [
            client.post("/api/tasks/", json={"title": "back", "duration": 1}, headers=bearer(token))
            for _ in range(6)
        ]
    numbers.add(f"api2 restarted: the next 6 creates served by {dict(served_by(back))}")
    assert [a.status_code for a in back] == [201] * 6
    assert set(served_by(back)) == HOSTS
