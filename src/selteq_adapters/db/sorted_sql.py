"""The statements behind the staff's sorted tables, one per dialect, order and shape.

Each order the core names (``UserOrder``, ``StaffTaskOrder``) maps here to a fixed column;
nothing a request says reaches the SQL text, and every value is bound. A page after the
first reads strictly after a keyset, ``(key, id)`` compared in the order's direction, as
the other lists do; the first page reads without one, since no bound sorts before or
after every name in every collation. Each engine compares and sorts a name by its own
collation, so a keyset is consistent with the page it came from on that engine.
"""

from __future__ import annotations

import functools

from selteq_core import StaffTaskOrder, UserOrder

from .url import DialectName

USER_KEYS = {"id": "id", "username": "username", "date_joined": "created_at"}
"""The users column each order field sorts by (``task_count`` is computed)."""
TASK_KEYS = {
    "created_at": "t.created_at",
    "title": "t.title",
    "duration": "t.duration",
    "owner": "u.username",
}
_USER_COLUMNS = "id, username, password_hash, is_active, created_at, updated_at, is_staff"
_COUNT = "(SELECT COUNT(*) FROM tasks WHERE tasks.user_id = users.id)"
"""A user's task count, on the tasks' owner index; the keyset of ``task_count`` repeats it,
since a WHERE cannot name an output column."""


def _like(dialect: DialectName) -> str:
    """SQL Server's LIKEs escape by brackets (``Dialect.contains``), the others by ``!``."""
    return "LIKE LOWER(?)" if dialect == "mssql" else "LIKE LOWER(?) ESCAPE '!'"


def _keyset(key: str, ident: str, descending: bool) -> str:
    beyond = "<" if descending else ">"
    return f"({key} {beyond} ? OR ({key} = ? AND {ident} {beyond} ?))"


def _frame(dialect: DialectName) -> tuple[str, str]:
    """What starts and ends a limited SELECT: ``TOP (?)`` first, or ``LIMIT ?`` last."""
    return ("SELECT TOP (?) ", "") if dialect == "mssql" else ("SELECT ", " LIMIT ?")


@functools.cache
def users_sorted(dialect: DialectName, order: UserOrder, after: bool) -> str:
    """Users whose name is LIKE a pattern, with active and staff flags in pairs, in
    ``order``, each with their task count; with ``after``, strictly after a keyset.
    Parameters: pattern, active twice, staff twice, then (key, key, id) with ``after``;
    the limit where the dialect binds it."""
    head, tail = _frame(dialect)
    way = " DESC" if order.descending else ""
    where = f"LOWER(username) {_like(dialect)} AND is_active IN (?, ?) AND is_staff IN (?, ?)"
    key = USER_KEYS.get(order.field, _COUNT)
    keyset = f" AND {_keyset(key, 'id', order.descending)}" if after else ""
    named = "task_count" if key == _COUNT else key  # ORDER BY may name the output column
    sort = f"id{way}" if key == "id" else f"{named}{way}, id{way}"  # T-SQL: no column twice
    return (
        f"{head}{_USER_COLUMNS}, {_COUNT} AS task_count FROM users WHERE {where}{keyset}"
        f" ORDER BY {sort}{tail}"
    )


@functools.cache
def tasks_sorted(dialect: DialectName, order: StaffTaskOrder, owner: bool, after: bool) -> str:
    """Every task (one owner's with ``owner``) in a creation window (from, to) whose
    title is LIKE a pattern, with its owner's username, in ``order``; with ``after``,
    strictly after a keyset. Parameters: the owner with ``owner``, from, to, pattern,
    then (key, key, id) with ``after``; the limit where the dialect binds it."""
    head, tail = _frame(dialect)
    way = " DESC" if order.descending else ""
    key = TASK_KEYS[order.field]
    mine = "t.user_id = ? AND " if owner else ""
    keyset = f" AND {_keyset(key, 't.id', order.descending)}" if after else ""
    return (
        f"{head}t.id, t.user_id, t.title, t.duration, t.created_at, t.updated_at, u.username"
        f" FROM tasks AS t JOIN users AS u ON u.id = t.user_id"
        f" WHERE {mine}t.created_at >= ? AND t.created_at < ? AND LOWER(t.title) {_like(dialect)}"
        f"{keyset} ORDER BY {key}{way}, t.id{way}{tail}"
    )


def every_sorted(dialect: DialectName) -> list[str]:
    """Every statement this module makes for ``dialect``: what the grammar test parses."""
    found = [users_sorted(dialect, order, after) for order in UserOrder for after in (False, True)]
    found.extend(
        tasks_sorted(dialect, order, owner, after)
        for order in StaffTaskOrder
        for owner in (False, True)
        for after in (False, True)
    )
    return found
