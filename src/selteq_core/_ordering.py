"""The orders a user may list their own tasks in, named as Django REST framework's
``?ordering=`` names them: a field, descending when it starts with ``-``."""

from __future__ import annotations

import enum

from ._errors import InvalidField


class TaskOrder(enum.Enum):
    """A sort of one's tasks; ties are broken by id in the same direction, so every order
    is total and a keyset page never repeats or skips a task."""

    NEWEST = "-created_at"
    OLDEST = "created_at"
    LONGEST = "-duration"
    SHORTEST = "duration"

    @property
    def reverse(self) -> TaskOrder:
        """The opposite order: reading in it from a page's first task finds the page before."""
        return _REVERSE[self]

    @property
    def by_duration(self) -> bool:
        return self in (TaskOrder.LONGEST, TaskOrder.SHORTEST)

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")


_REVERSE = {
    TaskOrder.NEWEST: TaskOrder.OLDEST,
    TaskOrder.OLDEST: TaskOrder.NEWEST,
    TaskOrder.LONGEST: TaskOrder.SHORTEST,
    TaskOrder.SHORTEST: TaskOrder.LONGEST,
}

ORDERINGS = tuple(order.value for order in TaskOrder)
"""Every ``ordering`` value a list accepts, the default (newest first) first."""


def task_order(ordering: object) -> TaskOrder:
    """The order an ``ordering`` value names; None or empty means newest first."""
    if ordering is None or ordering == "":
        return TaskOrder.NEWEST
    if isinstance(ordering, TaskOrder):
        return ordering
    if isinstance(ordering, str):
        for order in TaskOrder:
            if order.value == ordering.strip():
                return order
    choices = ", ".join(ORDERINGS)
    raise InvalidField("ordering", f"must be one of {choices}")
