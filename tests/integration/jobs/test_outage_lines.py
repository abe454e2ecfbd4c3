"""While Redis is down, the scheduler and the worker log one line when the outage starts
and one when it ends, not one per retry. A private redis-server that the test stops and
starts again; while it is down, a listener on its port that closes every connection
counts the retries, so the test knows that many have happened before it counts lines."""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from selteq_adapters.container import Container
from selteq_adapters.settings import Settings

from .conftest import BIN, Process, free_port, job_env, wait_for

RETRIES = 12


@contextmanager
def refusing(port: int) -> Iterator[Callable[[], int]]:
    """Accept and at once close every connection to ``port``; yields the count so far."""
    server = socket.create_server(("127.0.0.1", port), reuse_port=False)
    server.settimeout(0.2)
    count = 0
    done = threading.Event()

    def serve() -> None:
        nonlocal count
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            count += 1
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield lambda: count
    finally:
        done.set()
        thread.join()
        server.close()


def _lines(process: Process, text: str) -> list[str]:
    return [line for line in process.output().splitlines() if text in line]


def _outage(
    process: Process, port: int, redis_server: Callable[[int], Process], started: Process
) -> None:
    """Stop Redis, hold its port refusing until RETRIES connections came, start it again."""
    started.stop()
    with refusing(port) as attempts:
        wait_for(lambda: attempts() >= RETRIES, f"{RETRIES} reconnection attempts", 90)
    assert process.proc.poll() is None, process.output()
    redis_server(port)


def test_the_worker_logs_an_outage_once_and_its_end_once(
    settings: Settings,
    container: object,
    redis_server: Callable[[int], Process],
    processes: list[Process],
    tmp_path: Path,
) -> None:
    port = free_port()
    server = redis_server(port)
    env = job_env(settings, SELTEQ_REDIS_URL=f"redis://127.0.0.1:{port}/0")
    args = [str(BIN / "selteq-worker"), "--processes", "1", "--threads", "1"]
    worker = Process(args, env, tmp_path, tmp_path / "worker.log")
    processes.append(worker)
    wait_for(lambda: "ready for action" in worker.output(), "the worker to start")

    _outage(worker, port, redis_server, server)
    wait_for(lambda: bool(_lines(worker, "reach Redis again")), "the worker to reconnect", 60)

    assert len(_lines(worker, "Consumer encountered a connection error")) == 1, worker.output()
    assert _lines(worker, "Restarting consumer") == [], worker.output()
    assert len(_lines(worker, "reach Redis again")) == 1
    worker.proc.send_signal(signal.SIGTERM)
    assert worker.stop() == 0


def test_the_scheduler_logs_an_outage_once_and_its_end_once(
    container: Container,
    redis_server: Callable[[int], Process],
    processes: list[Process],
    tmp_path: Path,
) -> None:
    port = free_port()
    server = redis_server(port)
    env = job_env(
        container.settings,
        SELTEQ_REDIS_URL=f"redis://127.0.0.1:{port}/0",
        SELTEQ_REPORT_INTERVAL="1",
    )
    scheduler = Process([str(BIN / "selteq-scheduler")], env, tmp_path, tmp_path / "s.log")
    processes.append(scheduler)
    wait_for(lambda: bool(_lines(scheduler, "'s tasks due ")), "a first send")

    _outage(scheduler, port, redis_server, server)
    wait_for(lambda: bool(_lines(scheduler, "answer again")), "a send after", 60)

    assert len(_lines(scheduler, "tick lost")) == 1, scheduler.output()
    assert " WARNING " in _lines(scheduler, "tick lost")[0]
    assert "Redis" in _lines(scheduler, "tick lost")[0]
    assert len(_lines(scheduler, "answer again")) == 1
    scheduler.proc.send_signal(signal.SIGINT)
    assert scheduler.stop() == 0
