-- Keyed creates (the Idempotency-Key header): each user's key once, with the task its
-- create answered. No foreign key to tasks: a retry after the task was deleted still gets
-- the first answer.
CREATE TABLE idempotency_keys (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    task_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    duration INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

-- Serves a purge of expired keys.
CREATE INDEX ix_idempotency_keys_created_at ON idempotency_keys (created_at);
