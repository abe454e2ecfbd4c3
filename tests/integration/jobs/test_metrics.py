"""The worker's and the scheduler's metrics listeners, scraped from the real processes on
the real Redis: their counters move once a tick has been sent and worked."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from selteq_adapters.settings import Settings
from selteq_core import Task, User

from .conftest import BIN, Process, free_port, job_env, wait_for


def scraper(port: int) -> Callable[..., float]:
    """``read(name, **labels)``: the sum of the matching samples of one scrape (0 if none,
    or if the listener is not up yet)."""

    def read(name: str, **labels: str) -> float:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as reply:
                text = reply.read().decode()
        except OSError:
            return 0.0
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == name and labels.items() <= sample.labels.items()
        )

    return read


@pytest.mark.slow
def test_worker_and_scheduler_counters_move_after_a_tick(
    settings: Settings,
    redis_url: str,
    namespace: str,
    alice: tuple[User, list[Task]],
    processes: list[Process],
    tmp_path: Path,
) -> None:
    worker_port, scheduler_port = free_port(), free_port()
    common = {
        "SELTEQ_REDIS_URL": redis_url,
        "SELTEQ_BROKER_NAMESPACE": namespace,
        "SELTEQ_METRICS": "true",
        "SELTEQ_HOST": "127.0.0.1",
    }
    worker_env = job_env(
        settings,
        **common,
        dramatiq_prom_host="127.0.0.1",
        dramatiq_prom_port=str(worker_port),
        dramatiq_prom_db=str(tmp_path / "worker-metrics"),
    )
    args = [str(BIN / "dramatiq"), "selteq_jobs.worker", "--processes", "1", "--threads", "1"]
    worker = Process(args, worker_env, tmp_path, tmp_path / "worker.log")
    processes.append(worker)
    worker_metric = scraper(worker_port)
    wait_for(lambda: worker_metric("selteq_db_pool_size") == 8, "the worker's metrics", 30)
    assert worker_metric("dramatiq_messages_total") == 0

    scheduler_env = job_env(
        settings, **common, SELTEQ_METRICS_PORT=str(scheduler_port), SELTEQ_REPORT_INTERVAL="1"
    )
    scheduler = Process(
        [str(BIN / "selteq-scheduler")], scheduler_env, tmp_path, tmp_path / "scheduler.log"
    )
    processes.append(scheduler)
    scheduler_metric = scraper(scheduler_port)
    wait_for(lambda: scheduler_metric("selteq_scheduler_messages_sent_total") >= 1, "a send", 30)
    ticks = scheduler_metric("selteq_scheduler_ticks_total")
    assert ticks >= 1
    assert scheduler_metric("selteq_schedule_runs_sent_total", schedule="1") >= 1
    assert scheduler_metric("selteq_scheduler_errors_total", service="redis") == 0
    wait_for(lambda: scheduler_metric("selteq_scheduler_ticks_total") > ticks, "another tick")

    actor = {"actor_name": "print_user_tasks"}
    wait_for(lambda: worker_metric("dramatiq_messages_total", **actor) >= 1, "a worked message")
    wait_for(
        lambda: worker_metric("dramatiq_message_duration_milliseconds_count", **actor) >= 1,
        "a timed message",
    )
    assert worker_metric("dramatiq_message_errors_total") == 0
    report = {"schedule": "1"}
    wait_for(
        lambda: worker_metric("selteq_job_runs_total", outcome="succeeded", **report) >= 1,
        "a run counted per schedule",
    )
    assert worker_metric("selteq_job_run_lag_seconds_count", **report) >= 1
    assert worker_metric("selteq_job_run_failures_total", **report) == 0
    assert "3 task(s) of user 1" in worker.output()
    assert scheduler.stop() == 0
    assert worker.stop() == 0
