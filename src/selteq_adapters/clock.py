"""The system clock behind the core's Clock port."""

from __future__ import annotations

from datetime import UTC, datetime

from selteq_core import Clock


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)
