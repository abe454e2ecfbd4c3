"""The dead letters of Dramatiq's Redis broker, as the core's DeadLetterQueue.

Dramatiq keeps a queue's dead letters in two keys: a sorted set ``<ns>:<queue>.XQ`` of
Redis message ids scored by when they died (milliseconds), and a hash
``<ns>:<queue>.XQ.msgs`` of their encoded messages; its own maintenance drops those older
than the broker's ``dead_message_ttl`` (a week by default). A replay removes the letter
from the sorted set first: of two staff replaying one letter at once, only the one whose
removal counted queues it. The replayed message keeps its message id (so its run in the
history is the same run) and starts again with no retries. A dead letter is stored as the
message was sent, so why it died is read from its run (``ListDeadLetters``); the last line
of a traceback Dramatiq kept, where there is one, stands in for a run not recorded.
"""

from __future__ import annotations

import builtins
import json
from datetime import UTC, datetime
from typing import Any

import dramatiq
import redis

from selteq_core import DeadLetter, DeadLetterQueue, Unavailable

from .runrecorder import ERROR_OPTION

_SPENT = ("retries", "traceback", "requeue_timestamp", "eta", "redis_message_id", ERROR_OPTION)


class RedisDeadLetters(DeadLetterQueue):
    def __init__(self, client: redis.Redis, broker: dramatiq.Broker, queue: str) -> None:
        namespace = getattr(broker, "namespace", "dramatiq")
        self._client = client
        self._broker = broker
        self._set = f"{namespace}:{queue}.XQ"
        self._messages = f"{self._set}.msgs"

    def list(self, limit: int) -> list[DeadLetter]:
        try:
            scored: Any = self._client.zrevrange(self._set, 0, limit - 1, withscores=True)
            if not scored:
                return []
            ids = [member for member, _ in scored]
            bodies: Any = self._client.hmget(self._messages, ids)
        except redis.RedisError as exc:
            raise Unavailable(f"Redis cannot be reached: {exc}") from exc
        found: builtins.list[DeadLetter] = []
        for (member, score), body in zip(scored, bodies, strict=True):
            if body is not None:
                found.append(_letter(_text(member), score, body))
        return found

    def replay(self, letter_id: str) -> bool:
        try:
            return self._replay(letter_id)
        except redis.RedisError as exc:
            raise Unavailable(f"Redis cannot be reached: {exc}") from exc

    def _replay(self, letter_id: str) -> bool:
        body: Any = self._client.hget(self._messages, letter_id)
        if body is None or not self._client.zrem(self._set, letter_id):
            return False
        self._client.hdel(self._messages, letter_id)
        message = dramatiq.Message.decode(body)
        options = {k: v for k, v in message.options.items() if k not in _SPENT}
        fresh: dramatiq.Message[Any] = dramatiq.Message(
            queue_name=message.queue_name.removesuffix(".DQ").removesuffix(".XQ"),
            actor_name=message.actor_name,
            args=message.args,
            kwargs=message.kwargs,
            options=options,
            message_id=message.message_id,
        )
        self._broker.enqueue(fresh)
        return True

    def discard(self, letter_id: str) -> bool:
        try:
            pipe = self._client.pipeline(transaction=True)
            pipe.zrem(self._set, letter_id)
            pipe.hdel(self._messages, letter_id)
            removed, _ = pipe.execute()
        except redis.RedisError as exc:
            raise Unavailable(f"Redis cannot be reached: {exc}") from exc
        return bool(removed)

    def replay_all(self) -> int:
        return sum(self.replay(_text(m)) for m in self._members())

    def discard_all(self) -> int:
        return sum(self.discard(_text(m)) for m in self._members())

    def _members(self) -> builtins.list[Any]:
        try:
            return list(self._client.zrange(self._set, 0, -1))
        except redis.RedisError as exc:
            raise Unavailable(f"Redis cannot be reached: {exc}") from exc


class NoDeadLetters(DeadLetterQueue):
    """The embedded mode's: jobs run in the process, and a failed run is only recorded."""

    def list(self, limit: int) -> list[DeadLetter]:
        return []

    def replay(self, letter_id: str) -> bool:
        return False

    def discard(self, letter_id: str) -> bool:
        return False

    def replay_all(self) -> int:
        return 0

    def discard_all(self) -> int:
        return 0


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _letter(letter_id: str, score: float, body: bytes) -> DeadLetter:
    data = json.loads(body)
    options = data.get("options", {})
    traceback = str(options.get("traceback") or "").strip()
    reason = options.get(ERROR_OPTION) or (traceback.splitlines()[-1] if traceback else "unknown")
    schedule = options.get("selteq_schedule_id")
    return DeadLetter(
        id=letter_id,
        actor=str(data.get("actor_name", "")),
        args=tuple(data.get("args", ())),
        failed_at=datetime.fromtimestamp(score / 1000, UTC),
        retries=int(options.get("retries", 0)),
        reason=str(reason),
        schedule_id=None if schedule is None else int(schedule),
        run_id=data.get("message_id"),
    )
