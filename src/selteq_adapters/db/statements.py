"""Every SQL statement Selteq runs, once per dialect, with ``?`` placeholders.

Values are only ever bound, never formatted in. Statements that are the same everywhere
are the defaults of ``Statements``; each dialect spells out only what differs. Why they
differ is told in ``dialect.py``; the schema itself is in ``migrations/<dialect>/``.
"""

from __future__ import annotations

import functools

import attrs

LIKE_ESCAPE = "!"
"""The escape character of the SQLite and PostgreSQL LIKEs below (``ESCAPE '!'``): a
backslash means different things to different engines and string grammars. SQL Server's
patterns escape by brackets instead (``Dialect.contains``)."""

TASK_COLUMNS = "id, user_id, title, duration, created_at, updated_at"
_NAMED_COLUMNS = (
    "t.id, t.user_id, t.title, t.duration, t.created_at, t.updated_at, u.username"
    " FROM tasks AS t JOIN users AS u ON u.id = t.user_id"
)
_KEYSETS = {
    "newest": ("created_at <= ? AND (created_at < ? OR id < ?)", "created_at DESC, id DESC"),
    "oldest": ("created_at >= ? AND (created_at > ? OR id > ?)", "created_at, id"),
    "longest": ("duration <= ? AND (duration < ? OR id < ?)", "duration DESC, id DESC"),
    "shortest": ("duration >= ? AND (duration > ? OR id > ?)", "duration, id"),
}


def _ordered(order: str, *, top: bool, like: str) -> str:
    """One owner's tasks whose title is LIKE a pattern, strictly after a keyset in
    ``order``: parameters owner, pattern, then the keyset's key twice and its id."""
    keyset, order_by = _KEYSETS[order]
    head = f"SELECT TOP (?) {TASK_COLUMNS}" if top else f"SELECT {TASK_COLUMNS}"
    tail = "" if top else " LIMIT ?"
    return (
        f"{head} FROM tasks WHERE user_id = ? AND LOWER(title) {like}"
        f" AND {keyset} ORDER BY {order_by}{tail}"
    )


def _newest_named(*, owner: bool, top: bool, like: str) -> str:
    """``task_newest`` (``task_newest_owner`` with ``owner``) with each owner's username."""
    head = f"SELECT TOP (?) {_NAMED_COLUMNS}" if top else f"SELECT {_NAMED_COLUMNS}"
    tail = "" if top else " LIMIT ?"
    mine = "t.user_id = ? AND " if owner else ""
    return (
        f"{head} WHERE {mine}t.created_at >= ? AND t.created_at < ?"
        f" AND LOWER(t.title) {like} AND t.created_at <= ? AND (t.created_at < ? OR t.id < ?)"
        f" ORDER BY t.created_at DESC, t.id DESC{tail}"
    )


_LIKE = "LIKE LOWER(?) ESCAPE '!'"
_LIKE_BRACKETS = "LIKE LOWER(?)"
"""SQL Server's LIKE, its wildcards escaped by brackets (``[_]``) and no ESCAPE clause:
Babelfish ignores ESCAPE in a pattern that starts with ``%``, and brackets mean the same on
SQL Server."""


@attrs.frozen
class Statements:
    """One dialect's SQL. ``None`` means "not needed on this engine"."""

    task_insert: str
    user_insert: str
    last_id: str | None
    begin: str | None
    commit: str | None
    rollback: str | None
    session_setup: tuple[str, ...]
    unbounded_session: tuple[str, ...]
    """Undoes the request-sized timeouts of ``session_setup`` (for migrations)."""
    migration_lock: str | None
    migrations_table: str
    task_insert_rows: str = (
        "INSERT INTO tasks (user_id, title, duration, created_at, updated_at)"
        " VALUES {rows} RETURNING id, user_id, title, duration"
    )
    """Several tasks in one statement (``rows_of`` fills ``{rows}`` with placeholders):
    each new row's id with what identifies its request's ask, in no promised order."""
    task_recent: str = (
        "SELECT id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?"
    )
    task_recent_owners: str = (
        "SELECT t.id, t.user_id, t.title, t.duration, t.created_at, t.updated_at"
        " FROM json_each(?) AS o CROSS JOIN tasks AS t ON t.id IN"
        " (SELECT id FROM tasks WHERE user_id = o.value ORDER BY created_at DESC, id DESC"
        " LIMIT ?) ORDER BY t.user_id, t.created_at DESC, t.id DESC"
    )
    """``task_recent`` for the owners in a JSON array of ids (first parameter), ``LIMIT``
    each (second): one index range per owner, exactly what ``task_recent`` reads, returned
    as ordinary rows ordered by owner, newest first. ``CROSS JOIN`` keeps the owners as the
    outer loop (SQLite never reorders it): with statistics of a small table (ANALYZE) the
    planner would scan the whole table instead, running the subquery for every row."""
    task_page: str = (
        "SELECT id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE id > ? ORDER BY id LIMIT ?"
    )
    task_page_owner: str = (
        "SELECT id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?"
    )
    task_newest: str = (
        "SELECT id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE created_at >= ? AND created_at < ? AND LOWER(title) LIKE LOWER(?) ESCAPE '!'"
        " AND created_at <= ? AND (created_at < ? OR id < ?)"
        " ORDER BY created_at DESC, id DESC LIMIT ?"
    )
    """Tasks newest first in a creation window (from, to), LIKE a title pattern, older than
    a (created_at, id) keyset (created_at twice, then id). The keyset is spelled
    ``created_at <= ? AND (created_at < ? OR id < ?)``, not as a row value comparison:
    SQL Server has none, and the first term alone bounds the index range."""
    task_newest_owner: str = (
        "SELECT id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE user_id = ?"
        " AND created_at >= ? AND created_at < ? AND LOWER(title) LIKE LOWER(?) ESCAPE '!'"
        " AND created_at <= ? AND (created_at < ? OR id < ?)"
        " ORDER BY created_at DESC, id DESC LIMIT ?"
    )
    """``task_newest`` for one owner (the first parameter), on the owner's recent index."""
    task_newest_named: str = _newest_named(owner=False, top=False, like=_LIKE)
    task_newest_owner_named: str = _newest_named(owner=True, top=False, like=_LIKE)
    task_ordered_newest: str = _ordered("newest", top=False, like=_LIKE)
    """One owner's tasks newest first, LIKE a title pattern, after a keyset (see
    ``_ordered``); oldest, longest and shortest first likewise."""
    task_ordered_oldest: str = _ordered("oldest", top=False, like=_LIKE)
    task_ordered_longest: str = _ordered("longest", top=False, like=_LIKE)
    task_ordered_shortest: str = _ordered("shortest", top=False, like=_LIKE)
    task_count: str = "SELECT COUNT(*) FROM tasks WHERE user_id = ?"
    """How many tasks an owner has: on ``ix_tasks_user_id`` alone, no row read."""
    task_count_like: str = (
        "SELECT COUNT(*) FROM tasks WHERE user_id = ? AND LOWER(title) LIKE LOWER(?) ESCAPE '!'"
    )
    task_count_every: str = (
        "SELECT COUNT(*) FROM tasks WHERE created_at >= ? AND created_at < ?"
        " AND LOWER(title) LIKE LOWER(?) ESCAPE '!'"
    )
    """How many tasks ``task_newest`` would list in a window (from, to) with a title LIKE
    a pattern, without paging; ``task_count_every_owner`` for one owner (first)."""
    task_count_every_owner: str = (
        "SELECT COUNT(*) FROM tasks WHERE user_id = ? AND created_at >= ? AND created_at < ?"
        " AND LOWER(title) LIKE LOWER(?) ESCAPE '!'"
    )
    task_get: str = (
        "SELECT id, user_id, title, duration, created_at, updated_at FROM tasks WHERE id = ?"
    )
    task_get_many: str = (
        "SELECT id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE id IN (SELECT value FROM json_each(?))"
    )
    """``task_get`` for the ids in a JSON array (one primary-key lookup each)."""
    task_update: str = "UPDATE tasks SET title = ?, updated_at = ? WHERE id = ?"
    task_delete: str = "DELETE FROM tasks WHERE id = ?"
    task_update_if: str = (
        "UPDATE tasks SET title = ?, updated_at = ? WHERE id = ? AND title = ? AND updated_at = ?"
    )
    """``task_update`` only while the row is as it was read (a compare-and-set)."""
    task_delete_if: str = "DELETE FROM tasks WHERE id = ? AND title = ? AND updated_at = ?"
    user_get: str = (
        "SELECT id, username, password_hash, is_active, created_at, updated_at, is_staff"
        " FROM users WHERE id = ?"
    )
    user_by_name: str = (
        "SELECT id, username, password_hash, is_active, created_at, updated_at, is_staff"
        " FROM users WHERE username = ?"
    )
    user_set_hash: str = "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?"
    user_page: str = (
        "SELECT id, username, password_hash, is_active, created_at, updated_at, is_staff"
        " FROM users WHERE id > ? AND LOWER(username) LIKE LOWER(?) ESCAPE '!'"
        " AND is_active IN (?, ?) AND is_staff IN (?, ?) ORDER BY id LIMIT ?"
    )
    """Users after an id (first parameter) whose name is LIKE the pattern (second) and
    whose flags are among the two values given for each (both: either flag)."""
    user_count: str = (
        "SELECT COUNT(*) FROM users WHERE LOWER(username) LIKE LOWER(?) ESCAPE '!'"
        " AND is_active IN (?, ?) AND is_staff IN (?, ?)"
    )
    """How many users ``user_page`` would list, without paging."""
    user_set_staff: str = "UPDATE users SET is_staff = ?, updated_at = ? WHERE id = ?"
    user_set_active: str = "UPDATE users SET is_active = ?, updated_at = ? WHERE id = ?"
    user_delete: str = "DELETE FROM users WHERE id = ?"
    user_active_staff: str = "SELECT COUNT(*) FROM users WHERE is_staff = 1 AND is_active = 1"
    refresh_insert: str = (
        "INSERT INTO refresh_tokens"
        " (jti, family, user_id, expires_at, used_at, revoked_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    refresh_get: str = (
        "SELECT jti, family, user_id, expires_at, used_at, revoked_at"
        " FROM refresh_tokens WHERE jti = ?"
    )
    refresh_mark_used: str = (
        "UPDATE refresh_tokens SET used_at = ?"
        " WHERE jti = ? AND used_at IS NULL AND revoked_at IS NULL"
    )
    refresh_revoke_family: str = (
        "UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL"
    )
    refresh_revoke_user: str = (
        "UPDATE refresh_tokens SET revoked_at = ?"
        " WHERE user_id = ? AND family <> ? AND revoked_at IS NULL"
    )
    """Every family of a user but one (the third parameter; families are never empty, so
    an empty one keeps none)."""
    idempotency_get: str = (
        "SELECT user_id, idem_key, fingerprint, task_id, title, duration, created_at"
        " FROM idempotency_keys WHERE user_id = ? AND idem_key = ?"
    )
    idempotency_insert: str = (
        "INSERT INTO idempotency_keys"
        " (user_id, idem_key, fingerprint, task_id, title, duration, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    idempotency_delete: str = "DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ?"
    idempotency_purge: str = (
        "DELETE FROM idempotency_keys WHERE (user_id, idem_key) IN"
        " (SELECT user_id, idem_key FROM idempotency_keys WHERE created_at < ?"
        " ORDER BY created_at LIMIT ?)"
    )
    """At most ``LIMIT`` keys made before a time, oldest first, found on
    ``ix_idempotency_keys_created_at`` and deleted by their primary key: one bounded batch,
    so a backlog is purged in short transactions."""
    audit_insert: str = (
        "INSERT INTO audit_log"
        " (created_at, actor_id, actor_name, action, target_id, target, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    audit_page: str = (
        "SELECT id, created_at, actor_id, actor_name, action, target_id, target, detail"
        " FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?"
    )
    """The log newest first, below an id: one range of its primary key."""
    schedule_insert: str = (
        "INSERT INTO schedules (job, user_id, every_seconds, cron, timezone, enabled,"
        " next_due_at, follows_settings, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)"
    )
    schedule_get: str = (
        "SELECT id, job, user_id, every_seconds, cron, timezone, enabled, next_due_at,"
        " follows_settings, created_at, updated_at FROM schedules WHERE id = ?"
    )
    schedule_all: str = (
        "SELECT id, job, user_id, every_seconds, cron, timezone, enabled, next_due_at,"
        " follows_settings, created_at, updated_at FROM schedules ORDER BY id"
    )
    schedule_due: str = (
        "SELECT id, job, user_id, every_seconds, cron, timezone, enabled, next_due_at,"
        " follows_settings, created_at, updated_at FROM schedules"
        " WHERE enabled = 1 AND (next_due_at IS NULL OR next_due_at <= ?)"
        " ORDER BY next_due_at, id LIMIT ?"
    )
    """The enabled schedules due at a time (or not computed yet), on ``ix_schedules_due``."""
    schedule_update: str = (
        "UPDATE schedules SET job = ?, user_id = ?, every_seconds = ?, cron = ?, timezone = ?,"
        " enabled = ?, next_due_at = ?, follows_settings = ?, updated_at = ?"
        " WHERE id = ? AND updated_at = ?"
    )
    """A compare-and-set on updated_at: an edit made meanwhile is never overwritten."""
    schedule_advance: str = "UPDATE schedules SET next_due_at = ? WHERE id = ? AND next_due_at = ?"
    schedule_advance_unset: str = (
        "UPDATE schedules SET next_due_at = ? WHERE id = ? AND next_due_at IS NULL"
    )
    schedule_delete: str = "DELETE FROM schedules WHERE id = ?"
    run_insert: str = (
        "INSERT INTO job_runs (id, job, user_id, schedule_id, due_at, queued_at, outcome,"
        " started_at, finished_at, retries, duration_ms, reported, error)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    run_get: str = (
        "SELECT id, job, user_id, schedule_id, due_at, queued_at, outcome, started_at,"
        " finished_at, retries, duration_ms, reported, error FROM job_runs WHERE id = ?"
    )
    run_save: str = (
        "UPDATE job_runs SET outcome = ?, started_at = ?, finished_at = ?, retries = ?,"
        " duration_ms = ?, reported = ?, error = ? WHERE id = ?"
    )
    run_newest: str = (
        "SELECT id, job, user_id, schedule_id, due_at, queued_at, outcome, started_at,"
        " finished_at, retries, duration_ms, reported, error FROM job_runs"
        " WHERE queued_at >= ? AND queued_at < ? AND outcome BETWEEN ? AND ?"
        " AND queued_at <= ? AND (queued_at < ? OR id < ?)"
        " ORDER BY queued_at DESC, id DESC LIMIT ?"
    )
    """Runs newest first in a queued window (from, to), with an outcome in a range (one
    outcome, or all of them), older than a (queued_at, id) keyset, as ``task_newest``."""
    run_newest_schedule: str = (
        "SELECT id, job, user_id, schedule_id, due_at, queued_at, outcome, started_at,"
        " finished_at, retries, duration_ms, reported, error FROM job_runs"
        " WHERE schedule_id = ? AND queued_at >= ? AND queued_at < ? AND outcome BETWEEN ? AND ?"
        " AND queued_at <= ? AND (queued_at < ? OR id < ?)"
        " ORDER BY queued_at DESC, id DESC LIMIT ?"
    )
    """``run_newest`` for one schedule (the first parameter), on ``ix_job_runs_schedule``."""
    run_purge: str = (
        "DELETE FROM job_runs WHERE id IN"
        " (SELECT id FROM job_runs WHERE queued_at < ? ORDER BY queued_at LIMIT ?)"
    )
    """At most ``LIMIT`` runs queued before a time, oldest first: one bounded batch."""
    ping: str = "SELECT 1"
    prepared: tuple[str, ...] = ()
    """Names of the hot reads a session prepares once (PostgreSQL only; see
    :func:`postgres_prepared`)."""

    migrations_applied: str = "SELECT version FROM schema_migrations"
    migration_record: str = "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"


SQLITE = Statements(
    task_insert=(
        "INSERT INTO tasks (user_id, title, duration, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)"
    ),
    # No RETURNING: the SQLite ODBC driver answers none. Under the one writer's lock the
    # rows take the next ids in the order given, and ``last_id`` names the last of them.
    task_insert_rows=(
        "INSERT INTO tasks (user_id, title, duration, created_at, updated_at) VALUES {rows}"
    ),
    user_insert=(
        "INSERT INTO users"
        " (username, password_hash, is_active, created_at, updated_at, is_staff)"
        " VALUES (?, ?, 1, ?, ?, ?)"
    ),
    last_id="SELECT last_insert_rowid()",
    begin="BEGIN IMMEDIATE",
    commit="COMMIT",
    rollback="ROLLBACK",
    session_setup=(
        "PRAGMA busy_timeout = 5000",
        "PRAGMA foreign_keys = ON",
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
    ),
    unbounded_session=(),
    migration_lock=None,
    migrations_table=(
        "CREATE TABLE IF NOT EXISTS schema_migrations"
        " (version TEXT NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL)"
    ),
)

POSTGRESQL = Statements(
    task_insert=(
        "INSERT INTO tasks (user_id, title, duration, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id"
    ),
    user_insert=(
        "INSERT INTO users"
        " (username, password_hash, is_active, created_at, updated_at, is_staff)"
        " VALUES (?, ?, TRUE, ?, ?, ?) RETURNING id"
    ),
    user_active_staff="SELECT COUNT(*) FROM users WHERE is_staff AND is_active",
    last_id=None,
    begin=None,
    commit=None,
    rollback=None,
    session_setup=("SET statement_timeout = 5000",),
    unbounded_session=("SET statement_timeout = 0",),
    # The list and the retrieve are most of the traffic: parsed and planned once per session
    # instead of once per request (docs/decisions/0004-prepared-hot-reads.md).
    task_recent_owners=(
        "SELECT t.id, t.user_id, t.title, t.duration, t.created_at, t.updated_at"
        " FROM json_array_elements_text(CAST(? AS json)) AS o(owner) CROSS JOIN LATERAL"
        " (SELECT id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE user_id = CAST(o.owner AS BIGINT) ORDER BY created_at DESC, id DESC LIMIT ?)"
        " AS t ORDER BY t.user_id, t.created_at DESC, t.id DESC"
    ),
    task_get_many=(
        "SELECT id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE id = ANY(ARRAY(SELECT CAST(json_array_elements_text(CAST(? AS json)) AS BIGINT)))"
    ),
    prepared=("task_recent", "task_recent_owners", "task_get", "task_get_many"),
    # By the rows' physical ids: a TID scan, where a join on the key could read the table.
    idempotency_purge=(
        "DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(SELECT ctid FROM idempotency_keys"
        " WHERE created_at < ? ORDER BY created_at LIMIT ?))"
    ),
    schedule_insert=(
        "INSERT INTO schedules (job, user_id, every_seconds, cron, timezone, enabled,"
        " next_due_at, follows_settings, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?) RETURNING id"
    ),
    schedule_due=(
        "SELECT id, job, user_id, every_seconds, cron, timezone, enabled, next_due_at,"
        " follows_settings, created_at, updated_at FROM schedules"
        " WHERE enabled AND (next_due_at IS NULL OR next_due_at <= ?)"
        " ORDER BY next_due_at, id LIMIT ?"
    ),
    migration_lock="SELECT pg_advisory_xact_lock(?)",
    migrations_table=(
        "CREATE TABLE IF NOT EXISTS schema_migrations"
        " (version VARCHAR(100) NOT NULL PRIMARY KEY, applied_at TIMESTAMP(6) NOT NULL)"
    ),
)

MSSQL = Statements(
    task_insert=(
        "INSERT INTO tasks (user_id, title, duration, created_at, updated_at)"
        " OUTPUT INSERTED.id VALUES (?, ?, ?, ?, ?)"
    ),
    task_insert_rows=(
        "INSERT INTO tasks (user_id, title, duration, created_at, updated_at)"
        " OUTPUT INSERTED.id, INSERTED.user_id, INSERTED.title, INSERTED.duration VALUES {rows}"
    ),
    user_insert=(
        "INSERT INTO users"
        " (username, password_hash, is_active, created_at, updated_at, is_staff)"
        " OUTPUT INSERTED.id VALUES (?, ?, 1, ?, ?, ?)"
    ),
    # Every LIKE here escapes by brackets, with no ESCAPE clause (see _LIKE_BRACKETS).
    user_page=(
        "SELECT TOP (?) id, username, password_hash, is_active, created_at, updated_at, is_staff"
        " FROM users WHERE id > ? AND LOWER(username) LIKE LOWER(?)"
        " AND is_active IN (?, ?) AND is_staff IN (?, ?) ORDER BY id"
    ),
    task_newest=(
        "SELECT TOP (?) id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE created_at >= ? AND created_at < ? AND LOWER(title) LIKE LOWER(?)"
        " AND created_at <= ? AND (created_at < ? OR id < ?)"
        " ORDER BY created_at DESC, id DESC"
    ),
    task_newest_owner=(
        "SELECT TOP (?) id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE user_id = ?"
        " AND created_at >= ? AND created_at < ? AND LOWER(title) LIKE LOWER(?)"
        " AND created_at <= ? AND (created_at < ? OR id < ?)"
        " ORDER BY created_at DESC, id DESC"
    ),
    task_newest_named=_newest_named(owner=False, top=True, like=_LIKE_BRACKETS),
    task_newest_owner_named=_newest_named(owner=True, top=True, like=_LIKE_BRACKETS),
    task_ordered_newest=_ordered("newest", top=True, like=_LIKE_BRACKETS),
    task_ordered_oldest=_ordered("oldest", top=True, like=_LIKE_BRACKETS),
    task_ordered_longest=_ordered("longest", top=True, like=_LIKE_BRACKETS),
    task_ordered_shortest=_ordered("shortest", top=True, like=_LIKE_BRACKETS),
    task_count_like="SELECT COUNT(*) FROM tasks WHERE user_id = ? AND LOWER(title) LIKE LOWER(?)",
    task_count_every=(
        "SELECT COUNT(*) FROM tasks WHERE created_at >= ? AND created_at < ?"
        " AND LOWER(title) LIKE LOWER(?)"
    ),
    task_count_every_owner=(
        "SELECT COUNT(*) FROM tasks WHERE user_id = ? AND created_at >= ? AND created_at < ?"
        " AND LOWER(title) LIKE LOWER(?)"
    ),
    user_count=(
        "SELECT COUNT(*) FROM users WHERE LOWER(username) LIKE LOWER(?)"
        " AND is_active IN (?, ?) AND is_staff IN (?, ?)"
    ),
    audit_page=(
        "SELECT TOP (?) id, created_at, actor_id, actor_name, action, target_id, target, detail"
        " FROM audit_log WHERE id < ? ORDER BY id DESC"
    ),
    last_id=None,
    task_recent=(
        "SELECT TOP (?) id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE user_id = ? ORDER BY created_at DESC, id DESC"
    ),
    task_recent_owners=(
        "SELECT t.id, t.user_id, t.title, t.duration, t.created_at, t.updated_at"
        " FROM OPENJSON(?) AS o CROSS APPLY"
        " (SELECT TOP (?) id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE user_id = CAST(o.value AS BIGINT) ORDER BY created_at DESC, id DESC) AS t"
        " ORDER BY t.user_id, t.created_at DESC, t.id DESC"
    ),
    task_get_many=(
        "SELECT id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE id IN (SELECT CAST(value AS BIGINT) FROM OPENJSON(?))"
    ),
    task_page=(
        "SELECT TOP (?) id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE id > ? ORDER BY id"
    ),
    task_page_owner=(
        "SELECT TOP (?) id, user_id, title, duration, created_at, updated_at FROM tasks"
        " WHERE user_id = ? AND id > ? ORDER BY id"
    ),
    # No row values on SQL Server: the oldest batch, found on the index, joined back on the
    # primary key. Not ``WITH batch AS (…) DELETE FROM batch``: Babelfish cannot delete
    # through a CTE (docs/decisions/0401-babelfish-differences.md).
    idempotency_purge=(
        "DELETE k FROM idempotency_keys AS k JOIN"
        " (SELECT TOP (?) user_id AS owner, idem_key AS idem FROM idempotency_keys"
        " WHERE created_at < ? ORDER BY created_at) AS b"
        " ON k.user_id = b.owner AND k.idem_key = b.idem"
    ),
    schedule_insert=(
        "INSERT INTO schedules (job, user_id, every_seconds, cron, timezone, enabled,"
        " next_due_at, follows_settings, created_at, updated_at)"
        " OUTPUT INSERTED.id VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)"
    ),
    schedule_due=(
        "SELECT TOP (?) id, job, user_id, every_seconds, cron, timezone, enabled, next_due_at,"
        " follows_settings, created_at, updated_at FROM schedules"
        " WHERE enabled = 1 AND (next_due_at IS NULL OR next_due_at <= ?)"
        " ORDER BY next_due_at, id"
    ),
    run_newest=(
        "SELECT TOP (?) id, job, user_id, schedule_id, due_at, queued_at, outcome, started_at,"
        " finished_at, retries, duration_ms, reported, error FROM job_runs"
        " WHERE queued_at >= ? AND queued_at < ? AND outcome BETWEEN ? AND ?"
        " AND queued_at <= ? AND (queued_at < ? OR id < ?)"
        " ORDER BY queued_at DESC, id DESC"
    ),
    run_newest_schedule=(
        "SELECT TOP (?) id, job, user_id, schedule_id, due_at, queued_at, outcome, started_at,"
        " finished_at, retries, duration_ms, reported, error FROM job_runs"
        " WHERE schedule_id = ? AND queued_at >= ? AND queued_at < ? AND outcome BETWEEN ? AND ?"
        " AND queued_at <= ? AND (queued_at < ? OR id < ?)"
        " ORDER BY queued_at DESC, id DESC"
    ),
    # By the key, not through a CTE: Babelfish (the T-SQL engine tested here) cannot delete
    # through one; both forms are SQL Server's.
    run_purge=(
        "DELETE FROM job_runs WHERE id IN"
        " (SELECT TOP (?) id FROM job_runs WHERE queued_at < ? ORDER BY queued_at)"
    ),
    # Transactions as statements on a connection left in autocommit, not the driver's
    # autocommit switch: under XACT_ABORT the server ends a transaction on its first error,
    # and FreeTDS's own rollback then fails ("no transaction"), discarding a sound
    # connection on every conflict; this ROLLBACK asks first. One round trip each way.
    begin="BEGIN TRANSACTION",
    commit="COMMIT TRANSACTION",
    rollback="IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION",
    session_setup=("SET LOCK_TIMEOUT 5000", "SET XACT_ABORT ON"),
    unbounded_session=("SET LOCK_TIMEOUT -1",),
    migration_lock=(
        "SET NOCOUNT ON; DECLARE @result INT;"
        " EXEC @result = sp_getapplock @Resource = N'selteq.migrate', @LockMode = N'Exclusive',"
        " @LockOwner = N'Transaction', @LockTimeout = ?;"
        " SET NOCOUNT OFF;"  # NOCOUNT lasts the session: pooled connections need row counts
        " SELECT @result AS result"
    ),
    migrations_table=(
        "IF OBJECT_ID(N'schema_migrations', N'U') IS NULL"
        " CREATE TABLE schema_migrations (version NVARCHAR(100) NOT NULL"
        " CONSTRAINT pk_schema_migrations PRIMARY KEY, applied_at DATETIME2(6) NOT NULL)"
    ),
)


@functools.cache
def rows_of(template: str, count: int, width: int = 5) -> str:
    """``template`` with ``{rows}`` as ``count`` rows of ``width`` placeholders: only
    placeholders go in, never a value. Cached, so each count is one string object (pyodbc
    reuses a statement given the same string again)."""
    row = "(" + ", ".join("?" * width) + ")"
    return template.format(rows=", ".join([row] * count))


def postgres_prepared(name: str, sql: str) -> tuple[str, str]:
    """``PREPARE selteq_<name> AS <sql>`` with ``$1…$n`` for its ``?``, and the ``EXECUTE``
    that runs it with the same ``?`` parameters, bound like any other statement.

    A prepared statement lives as long as its session, so a pooled connection prepares
    each one on its first use and keeps it. Anything that resets sessions under the pool
    (``DISCARD ALL``, a pooler in transaction mode) makes the next ``EXECUTE`` fail: the
    connection is then discarded like any broken one, and its replacement prepares again.
    """
    if not name.isidentifier() or "'" in sql or '"' in sql or "$" in sql:
        raise ValueError(f"{name}: only plain statements without literals can be prepared")
    first, *rest = sql.split("?")
    body = first + "".join(f"${n}{part}" for n, part in enumerate(rest, start=1))
    handle = f"selteq_{name}"
    arguments = f" ({', '.join('?' * len(rest))})" if rest else ""
    return f"PREPARE {handle} AS {body}", f"EXECUTE {handle}{arguments}"
