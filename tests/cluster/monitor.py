"""What the schedulers and the worker did, read from Redis itself with ``MONITOR``.

Redis sees every tick-lock attempt (a ``SET`` whose key names the schedule and its due
time), every message a scheduler enqueues (Dramatiq's dispatch script called with
``enqueue`` and the message) and every acknowledgement by the worker (the script called
with ``ack`` and the message's id). Counting there needs no log format: it is the
broker's own traffic.
"""

from __future__ import annotations

import collections
import json
import re
import socket
import threading
from datetime import datetime
from typing import Any

import attrs

_LINE = re.compile(r"^\+(\d+\.\d+) \[\d+ ([^\]]+)\] (.*)$")
_ARG = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|.)")
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", "a": "\a", "b": "\b"}
_TICK_KEY = re.compile(r"^selteq:tick:.*\.schedule:(\d+):(.+)$")
REPORT_SCHEDULE = 1
"""The report of user 1, as the migration creates it (the first schedule)."""


def _unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match[1]
        if code.startswith("x") and len(code) == 3:
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, text)


@attrs.frozen
class Command:
    client: str
    args: tuple[str, ...]

    @property
    def address(self) -> str:
        return self.client.rsplit(":", 1)[0]


def parse(line: str) -> Command | None:
    match = _LINE.match(line)
    if match is None:
        return None
    return Command(match[2], tuple(_unescape(a) for a in _ARG.findall(match[3])))


@attrs.define
class Ledger:
    """Per tick of user 1's report: which hosts tried the lock and which messages were
    sent; per message: acks; per (schedule, due time): who claimed it; every message."""

    interval: int
    user_id: int
    attempts: dict[int, set[str]] = attrs.Factory(lambda: collections.defaultdict(set))
    sends: dict[int, list[str]] = attrs.Factory(lambda: collections.defaultdict(list))
    senders: dict[str, str] = attrs.Factory(dict)
    acks: collections.Counter[str] = attrs.Factory(collections.Counter)
    claims: dict[tuple[int, str], set[str]] = attrs.Factory(lambda: collections.defaultdict(set))
    messages: dict[str, dict[str, Any]] = attrs.Factory(dict)

    def add(self, command: Command) -> None:
        args = command.args
        if len(args) >= 3 and args[0].upper() == "SET":
            key = _TICK_KEY.match(args[1])
            if key:
                schedule, due = int(key[1]), key[2]
                self.claims[(schedule, due)].add(command.address)
                if schedule == REPORT_SCHEDULE:
                    tick = int(datetime.fromisoformat(due).timestamp()) // self.interval
                    self.attempts[tick].add(command.address)
        elif len(args) > 5 and args[0].upper() in {"EVALSHA", "EVAL"}:
            if args[4] == "enqueue":
                self._enqueued(command.address, args[-2], args[-1])
            elif args[4] == "ack":
                self.acks[args[-1]] += 1

    def sent_ticks(self, *, after: int) -> list[int]:
        return sorted(t for t, sent in self.sends.items() if t > after and sent)

    def acks_of(self, ticks: range) -> list[int]:
        """How many times the worker acknowledged each message sent in ``ticks``."""
        return [self.acks[m] for t in ticks for m in self.sends.get(t, [])]

    def sent_for(self, schedule_id: int) -> dict[str, dict[str, Any]]:
        """The messages sent for a schedule's due runs by the broker's id for each (what
        an acknowledgement names), in the order they were sent."""
        return {
            key: m
            for key, m in self.messages.items()
            if m.get("options", {}).get("selteq_schedule_id") == schedule_id
        }

    def _enqueued(self, sender: str, message_id: str, data: str) -> None:
        message: dict[str, Any] = json.loads(data)
        if not message.get("queue_name", "").endswith(".DQ"):  # a retry's delay is not a send
            self.messages[message_id] = message
        if message.get("actor_name") == "print_user_tasks" and message.get("args") == [
            self.user_id
        ]:
            tick = int(message["message_timestamp"]) // (1000 * self.interval)
            self.sends[tick].append(message_id)
            self.senders[message_id] = sender


class RedisMonitor:
    """A ``MONITOR`` connection read by a thread into a ``Ledger`` until closed."""

    def __init__(self, host: str, port: int, ledger: Ledger) -> None:
        self.ledger = ledger
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._conn = socket.create_connection((host, port), timeout=5)
        self._conn.sendall(b"MONITOR\r\n")
        self._buffer = b""
        if self._next_line() != "+OK":
            raise RuntimeError("Redis refused MONITOR")
        self._conn.settimeout(0.5)
        self._thread = threading.Thread(target=self._read, name="redis-monitor", daemon=True)
        self._thread.start()

    def _next_line(self) -> str | None:
        """The next reply line; None when the connection ended. A timeout propagates, the
        partial line staying in the buffer (a file object would lose it)."""
        while b"\r\n" not in self._buffer:
            chunk = self._conn.recv(65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\r\n", 1)
        return line.decode("utf-8", errors="replace")

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                line = self._next_line()
            except TimeoutError:
                continue
            except OSError:
                return
            if line is None:
                return
            command = parse(line)
            if command is not None:
                with self._lock:
                    self.ledger.add(command)

    def snapshot(self) -> Ledger:
        """A copy that the reader thread no longer changes."""
        with self._lock:
            return Ledger(
                self.ledger.interval,
                self.ledger.user_id,
                {t: set(a) for t, a in self.ledger.attempts.items()},
                {t: list(s) for t, s in self.ledger.sends.items()},
                dict(self.ledger.senders),
                collections.Counter(self.ledger.acks),
                {k: set(v) for k, v in self.ledger.claims.items()},
                dict(self.ledger.messages),
            )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._conn.close()
