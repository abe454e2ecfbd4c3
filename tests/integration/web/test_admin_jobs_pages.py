"""The staff jobs pages: schedules (create, edit, pause, resume, run now, delete after a
confirmation), runs (filtered, paged) and dead letters, without JavaScript; refusals at
their fields in words; anyone not staff gets 403 with nothing changed."""

from __future__ import annotations

import html
import re

from .conftest import Browser, Web


def _root(web: Web) -> Browser:
    web.staff("root")
    root = web.browser()
    root.sign_in("root")
    return root


def _schedule_ids(web: Web) -> list[int]:
    return [row[0] for row in web.snapshot()["schedules"]]


def _form(**values: str) -> dict[str, str]:
    return {"job": "", "user_id": "", "every_seconds": "", "cron": "", "timezone": ""} | values


def test_staff_create_edit_pause_resume_run_and_delete_a_schedule(web: Web) -> None:
    root = _root(web)
    alice = web.api.sign_up("alice")
    listed = root.get("/admin/schedules").text
    assert "<h1>Schedules</h1>" in listed
    assert 'aria-current="page">Schedules</a>' in listed
    assert "Report a user&#39;s tasks (user 1), every 60 s" in listed
    page = root.get("/admin/schedules/new")
    assert "<h1>New schedule</h1>" in page.text
    # No inline script: only the app's own file (local times), which the CSP allows.
    assert re.findall(r"<script[^>]*>", page.text) == [
        tag for tag in re.findall(r"<script[^>]*>", page.text) if 'src="/assets/' in tag
    ]
    made = root.post(
        "/admin/schedules",
        _form(job="print_user_tasks", user_id=str(alice), every_seconds="30", enabled="on"),
    )
    assert made.headers["location"] == "/admin/schedules?notice=created"
    ident = max(_schedule_ids(web))
    shown = root.get(made.headers["location"]).text
    assert "The schedule was created" in shown
    assert f"(user {alice}), every 30 s" in shown
    edit = root.get(f"/admin/schedules/{ident}/edit").text
    assert 'value="30"' in edit
    root.post(
        f"/admin/schedules/{ident}/edit",
        _form(
            job="print_user_tasks", user_id=str(alice), cron="0 7 * * 1-5", timezone="Europe/Berlin"
        ),
    )
    assert "cron 0 7 * * 1-5 (Europe/Berlin)" in root.get("/admin/schedules").text
    root.post(f"/admin/schedules/{ident}/pause", {})
    assert "paused</span>" in root.get("/admin/schedules?notice=paused").text
    refused = root.post(f"/admin/schedules/{ident}/run", {}, status=409).text
    assert "The schedule is paused: resume it first. Nothing was changed." in refused
    root.post(f"/admin/schedules/{ident}/resume", {})
    ran = root.post(f"/admin/schedules/{ident}/run", {})
    assert ran.headers["location"] == "/admin/schedules?notice=run"
    confirm = root.get(f"/admin/schedules/{ident}/delete").text
    assert f"Delete schedule {ident}?" in confirm
    root.post(f"/admin/schedules/{ident}/delete", {})
    assert ident not in _schedule_ids(web)
    gone = root.post(f"/admin/schedules/{ident}/delete", {}, status=404).text
    assert "There is no such schedule" in gone
    root.get(f"/admin/schedules/{ident}/edit", status=404)
    actions = [row[4] for row in web.snapshot()["audit_log"]]
    assert actions == [
        "create_schedule",
        "edit_schedule",
        "pause_schedule",
        "resume_schedule",
        "run_schedule_now",
        "delete_schedule",
    ]


def test_bad_input_is_shown_at_its_field_in_words(web: Web) -> None:
    root = _root(web)
    root.get("/admin/schedules/new")
    before = web.snapshot()["schedules"]
    cases = [
        (_form(job="print_user_tasks", user_id="999", every_seconds="60"), "user_id",
         "There is no user with that id."),
        (_form(job="purge_idempotency_keys", every_seconds="5"), "every_seconds",
         "Interval must be at least 10 seconds."),
        (_form(job="purge_idempotency_keys", cron="0 0 31 2 *"), "cron",
         "This cron expression never fires"),
        (_form(job="purge_idempotency_keys", cron="0 7 * * *", timezone="Mars/Olympus"),
         "timezone", "Time zone unknown time zone"),
        (_form(job="purge_idempotency_keys", every_seconds="ten"), "every_seconds",
         "Interval must be a whole number."),
    ]  # fmt: skip
    for values, field, words in cases:
        page = root.post("/admin/schedules", values, status=400).text
        assert f'id="{field}-error"' in page, (field, page)
        assert words in html.unescape(page), (words, page)
        assert 'aria-invalid="true"' in page
        assert f'value="{html.escape(values[field])}"' in page or field == "job"
    assert web.snapshot()["schedules"] == before


def test_runs_filtered_and_paged(web: Web) -> None:
    root = _root(web)
    jobs = web.api.container.jobs
    jobs.pause_schedule(1, 2)  # the hourly purge: only the minute report runs here
    jobs.run_due_schedules()  # the first tick sets the migrated schedules' next due times
    for _ in range(3):
        web.api.clock.advance(60)
        jobs.run_due_schedules()
    every = root.get("/admin/runs").text
    assert every.count('<li class="task">') == 3
    assert "0 task(s) logged" in every
    assert "succeeded" in every
    mine = root.get("/admin/runs?schedule=1&outcome=succeeded").text
    assert mine.count('<li class="task">') == 3
    assert root.get("/admin/runs?outcome=failed").text.count('<li class="task">') == 0
    today = web.api.clock.now().date().isoformat()
    assert root.get(f"/admin/runs?since={today}&until={today}").text.count("<li class") == 3
    assert "No run matches" in root.get("/admin/runs?since=2001-01-01&until=2001-01-02").text
    refused = root.get("/admin/runs?since=yesterday&schedule=x", status=400).text
    assert 'id="since-error"' in refused
    assert 'id="schedule-error"' in refused
    for _ in range(20):
        web.api.clock.advance(60)
        jobs.run_due_schedules()
    first = root.get("/admin/runs").text
    assert first.count('<li class="task">') == 20
    [older] = re.findall(r'<a rel="next" href="([^"]+)">', first)
    second = root.get(html.unescape(older)).text
    assert second.count('<li class="task">') >= 3


def test_dead_letters_page_without_redis_is_empty(web: Web) -> None:
    root = _root(web)
    page = root.get("/admin/dead-letters").text
    assert "There is no dead letter." in page
    gone = root.post("/admin/dead-letters/nope/replay", {}, status=404).text
    assert "There is no such dead letter" in gone
    done = root.post("/admin/dead-letters/replay", {})
    assert done.headers["location"] == "/admin/dead-letters?notice=replayed_all&count=0"
    assert "0 letter(s) were queued again." in root.get(done.headers["location"]).text


def test_non_staff_get_403_and_nothing_changes(web: Web) -> None:
    _root(web)
    alice = web.browser().person("alice")
    before = web.accounts_and_tasks()
    for path in (
        "/admin/schedules",
        "/admin/schedules/new",
        "/admin/schedules/1/edit",
        "/admin/schedules/1/delete",
        "/admin/runs",
        "/admin/runs?since=nonsense",
        "/admin/dead-letters",
    ):
        assert "This is for staff only" in alice.get(path, status=403).text
    alice.get("/")
    for path, data in (
        ("/admin/schedules", _form(job="purge_idempotency_keys", every_seconds="60")),
        ("/admin/schedules/1/edit", _form(job="purge_idempotency_keys", every_seconds="60")),
        ("/admin/schedules/1/pause", {}),
        ("/admin/schedules/1/run", {}),
        ("/admin/schedules/1/delete", {}),
        ("/admin/dead-letters/x/replay", {}),
        ("/admin/dead-letters/discard", {}),
    ):
        alice.post(path, data, status=403)
    assert web.accounts_and_tasks() == before


def test_forms_without_the_csrf_token_are_refused(web: Web) -> None:
    root = _root(web)
    root.get("/admin/schedules")
    before = web.snapshot()["schedules"]
    root.post("/admin/schedules/1/pause", {}, status=403, token=None)
    root.post("/admin/schedules/1/delete", {}, status=403, token=None)
    assert web.snapshot()["schedules"] == before
