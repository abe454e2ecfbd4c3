-- Serves a user's tasks longest or shortest first, page after page, without a sort
-- (newest and oldest first both follow ix_tasks_user_recent, read either way).
CREATE INDEX ix_tasks_user_duration ON tasks (user_id, duration DESC, id DESC);

-- What staff did, as Django's admin keeps its LogEntry: who (id and name then), what,
-- to whom (a user's or a task's id, and its name or title then), when. No foreign keys:
-- the log outlives the users and tasks it names. Read newest first by id. Lengths are
-- doubled for UTF-16, as in users and tasks.
CREATE TABLE audit_log (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_audit_log PRIMARY KEY,
    created_at DATETIME2(6) NOT NULL,
    actor_id BIGINT NOT NULL,
    actor_name NVARCHAR(300) NOT NULL,
    action NVARCHAR(32) NOT NULL,
    target_id BIGINT NOT NULL,
    target NVARCHAR(400) NOT NULL,
    detail NVARCHAR(400) NOT NULL
);
