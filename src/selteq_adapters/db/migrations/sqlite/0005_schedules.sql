-- Schedules as data: a job from the catalogue ("print_user_tasks" with its user_id,
-- "purge_idempotency_keys"), a trigger (every_seconds, or a cron expression read in an IANA
-- time zone), and the next time it is due (NULL until a scheduler first computes it).
-- user_id has no foreign key: the report of a user that is gone reports nothing, as the
-- job always did, and the install's own schedule below needs no user to exist yet.
CREATE TABLE schedules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job TEXT NOT NULL,
    user_id INTEGER,
    every_seconds INTEGER CHECK (every_seconds >= 1),
    cron TEXT,
    timezone TEXT,
    enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    next_due_at TEXT,
    follows_settings INTEGER NOT NULL DEFAULT 0 CHECK (follows_settings IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Serves each tick's read of the due schedules.
CREATE INDEX ix_schedules_due ON schedules (enabled, next_due_at);

-- Every run of a job (one row per message, through its retries), kept for a bounded time.
CREATE TABLE job_runs (
    id TEXT PRIMARY KEY,
    job TEXT NOT NULL,
    user_id INTEGER,
    schedule_id INTEGER,
    due_at TEXT,
    queued_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    retries INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER,
    reported TEXT,
    error TEXT
);

-- Serve staff's list of runs newest first (all, or one schedule's) and the purge.
CREATE INDEX ix_job_runs_queued ON job_runs (queued_at, id);
CREATE INDEX ix_job_runs_schedule ON job_runs (schedule_id, queued_at, id);

-- What an install ran before schedules were data: user 1's report every minute and the
-- purge every hour. They follow SELTEQ_REPORT_USER_ID, SELTEQ_REPORT_INTERVAL and
-- SELTEQ_PURGE_INTERVAL (follows_settings) until staff edit them: a migration cannot read
-- settings, so the first scheduler tick brings them in line.
INSERT INTO schedules (job, user_id, every_seconds, enabled, follows_settings, created_at, updated_at)
VALUES ('print_user_tasks', 1, 60, 1, 1, strftime('%Y-%m-%d %H:%M:%S.000000', 'now'),
    strftime('%Y-%m-%d %H:%M:%S.000000', 'now'));
INSERT INTO schedules (job, user_id, every_seconds, enabled, follows_settings, created_at, updated_at)
VALUES ('purge_idempotency_keys', NULL, 3600, 1, 1, strftime('%Y-%m-%d %H:%M:%S.000000', 'now'),
    strftime('%Y-%m-%d %H:%M:%S.000000', 'now'));
