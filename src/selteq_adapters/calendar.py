"""The core's trigger calendar over APScheduler 3's triggers, with the daylight-saving rule
APScheduler leaves out.

APScheduler's ``CronTrigger`` walks wall-clock fields in the zone itself, and across a
change of the clocks it skips a time that does not exist that day (a daily 02:30 on the
spring-forward day in Europe/Berlin) and, asked for the time after a repeated one, finds
the repeat again and again. So the cron fields are matched here on naive wall-clock time
(a ``CronTrigger`` in UTC, where no clock ever changes), and each wall-clock time is then
placed in the zone by one rule, the one cron(8) follows:

- a time that exists once is that instant;
- a time the clocks repeat (fall-back) fires at its first occurrence, once;
- a time the clocks skip (spring-forward) fires at the instant they jump, once, however
  many skipped times the expression names.

Standard crontab numbers weekdays from Sunday (0 or 7); APScheduler 3's ``from_crontab``
from Monday. Weekday fields are translated to names before APScheduler reads them.
Intervals are aligned to the epoch, so every replica computes the same instants.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from selteq_core import InvalidField, Trigger, TriggerCalendar

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TICK = timedelta(microseconds=1)
_MAX_STEPS = 10_000
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


class ApschedulerCalendar(TriggerCalendar):
    def next_after(self, trigger: Trigger, after: datetime) -> datetime | None:
        if trigger.kind == "every":
            interval = IntervalTrigger(
                seconds=trigger.every_seconds or 1, start_date=EPOCH, timezone=UTC
            )
            found: datetime | None = interval.get_next_fire_time(None, after + _TICK)
            return None if found is None else found.astimezone(UTC)
        zone = _zone(trigger.timezone or "UTC")
        wall = _wall_trigger(trigger.cron or "")
        cursor = after.astimezone(zone).replace(tzinfo=UTC, fold=0)
        for _ in range(_MAX_STEPS):
            named: datetime | None = wall.get_next_fire_time(None, cursor + _TICK)
            if named is None:
                return None
            instant = _placed(named.replace(tzinfo=None), zone)
            if instant > after:
                return instant
            cursor = named
        return None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidField("timezone", f"unknown time zone {name!r}") from None


def _wall_trigger(expression: str) -> CronTrigger:
    fields = expression.split()
    if len(fields) != 5:
        raise InvalidField("cron", "must have five fields: minute hour day month weekday")
    fields[4] = _weekdays(fields[4])
    try:
        return CronTrigger.from_crontab(" ".join(fields), timezone=UTC)
    except ValueError as error:
        raise InvalidField("cron", str(error)) from None


def _weekdays(field: str) -> str:
    """A crontab weekday field (0 or 7 Sunday, names, ranges, steps) as APScheduler names."""
    if field == "*":
        return field
    days: set[int] = set()
    for part in field.lower().split(","):
        base, _, step_text = part.partition("/")
        step = _number(step_text, 1, 7) if step_text else 1
        if base == "*":
            first, last = 0, 6
        else:
            low, _, high = base.partition("-")
            first = _day(low)
            last = _day(high) if high else (6 if step_text else first)
            if high in {"7", "sun"} and first > 0:
                last = 7
        if last < first:
            raise InvalidField("cron", f"weekday range {base!r} runs backwards")
        days.update(day % 7 for day in range(first, last + 1, step))
    return ",".join(_DAYS[day] for day in sorted(days))


def _day(text: str) -> int:
    if text in _DAYS:
        return _DAYS.index(text)
    return _number(text, 0, 7) % 7


def _number(text: str, low: int, high: int) -> int:
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidField("cron", f"weekday {text!r} is not a day (0-7 or sun-sat)")
    return int(text)


def _placed(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant a wall-clock time names in the zone, by the rule in the module's doc."""
    first = wall.replace(tzinfo=zone, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # Skipped: fold=1 reads it with the offset after the jump (an earlier instant), fold=0
    # with the offset before (a later one); the jump, on a whole second, lies between them.
    low = int(wall.replace(tzinfo=zone, fold=1).timestamp())
    high = int(instant.timestamp())
    before = datetime.fromtimestamp(low, zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == before:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)
