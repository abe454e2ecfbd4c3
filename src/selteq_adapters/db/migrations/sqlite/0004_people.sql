-- Serves a user's tasks longest or shortest first, page after page, without a sort
-- (newest and oldest first both follow ix_tasks_user_recent, read either way).
CREATE INDEX ix_tasks_user_duration ON tasks (user_id, duration DESC, id DESC);

-- What staff did, as Django's admin keeps its LogEntry: who (id and name then), what,
-- to whom (a user's or a task's id, and its name or title then), when. No foreign keys:
-- the log outlives the users and tasks it names. Read newest first by id.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    actor_id INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
