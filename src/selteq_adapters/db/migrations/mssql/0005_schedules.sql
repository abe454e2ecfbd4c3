-- Schedules as data: a job from the catalogue ("print_user_tasks" with its user_id,
-- "purge_idempotency_keys"), a trigger (every_seconds, or a cron expression read in an IANA
-- time zone), and the next time it is due (NULL until a scheduler first computes it).
-- user_id has no foreign key: the report of a user that is gone reports nothing, as the
-- job always did, and the install's own schedule below needs no user to exist yet.
CREATE TABLE schedules (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_schedules PRIMARY KEY,
    job NVARCHAR(100) NOT NULL,
    user_id BIGINT NULL,
    every_seconds INT NULL CONSTRAINT ck_schedules_every CHECK (every_seconds >= 1),
    cron NVARCHAR(100) NULL,
    timezone NVARCHAR(64) NULL,
    enabled BIT NOT NULL CONSTRAINT df_schedules_enabled DEFAULT 1,
    next_due_at DATETIME2(6) NULL,
    follows_settings BIT NOT NULL CONSTRAINT df_schedules_follows DEFAULT 0,
    created_at DATETIME2(6) NOT NULL,
    updated_at DATETIME2(6) NOT NULL
);

-- Serves each tick's read of the due schedules.
CREATE INDEX ix_schedules_due ON schedules (enabled, next_due_at);

-- Every run of a job (one row per message, through its retries), kept for a bounded time.
CREATE TABLE job_runs (
    id NVARCHAR(64) NOT NULL CONSTRAINT pk_job_runs PRIMARY KEY,
    job NVARCHAR(100) NOT NULL,
    user_id BIGINT NULL,
    schedule_id BIGINT NULL,
    due_at DATETIME2(6) NULL,
    queued_at DATETIME2(6) NOT NULL,
    outcome NVARCHAR(20) NOT NULL,
    started_at DATETIME2(6) NULL,
    finished_at DATETIME2(6) NULL,
    retries INT NOT NULL CONSTRAINT df_job_runs_retries DEFAULT 0,
    duration_ms BIGINT NULL,
    reported NVARCHAR(400) NULL,
    error NVARCHAR(2000) NULL
);

-- Serve staff's list of runs newest first (all, or one schedule's) and the purge.
CREATE INDEX ix_job_runs_queued ON job_runs (queued_at, id);
CREATE INDEX ix_job_runs_schedule ON job_runs (schedule_id, queued_at, id);

-- What an install ran before schedules were data: user 1's report every minute and the
-- purge every hour. They follow SELTEQ_REPORT_USER_ID, SELTEQ_REPORT_INTERVAL and
-- SELTEQ_PURGE_INTERVAL (follows_settings) until staff edit them: a migration cannot read
-- settings, so the first scheduler tick brings them in line.
INSERT INTO schedules (job, user_id, every_seconds, enabled, follows_settings, created_at, updated_at)
VALUES (N'print_user_tasks', 1, 60, 1, 1, SYSUTCDATETIME(),
    SYSUTCDATETIME());
INSERT INTO schedules (job, user_id, every_seconds, enabled, follows_settings, created_at, updated_at)
VALUES (N'purge_idempotency_keys', NULL, 3600, 1, 1, SYSUTCDATETIME(),
    SYSUTCDATETIME());
