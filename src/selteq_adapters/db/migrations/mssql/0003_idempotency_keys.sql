-- Keyed creates (the Idempotency-Key header): each user's key once, with the task its
-- create answered. No foreign key to tasks: a retry after the task was deleted still gets
-- the first answer. Keys compare exactly (BIN2), as on SQLite and PostgreSQL; the title is
-- doubled for UTF-16 as in tasks.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL,
    idem_key NVARCHAR(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    fingerprint NVARCHAR(64) NOT NULL,
    task_id BIGINT NOT NULL,
    title NVARCHAR(400) NOT NULL,
    duration INT NOT NULL,
    created_at DATETIME2(6) NOT NULL,
    CONSTRAINT pk_idempotency_keys PRIMARY KEY (user_id, idem_key),
    CONSTRAINT fk_idempotency_keys_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

-- Serves a purge of expired keys.
CREATE INDEX ix_idempotency_keys_created_at ON idempotency_keys (created_at);
