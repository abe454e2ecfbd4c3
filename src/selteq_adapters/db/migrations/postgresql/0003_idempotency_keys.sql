-- Keyed creates (the Idempotency-Key header): each user's key once, with the task its
-- create answered. No foreign key to tasks: a retry after the task was deleted still gets
-- the first answer.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL,
    idem_key VARCHAR(255) NOT NULL,
    fingerprint CHAR(64) NOT NULL,
    task_id BIGINT NOT NULL,
    title VARCHAR(200) NOT NULL,
    duration INTEGER NOT NULL,
    created_at TIMESTAMP(6) NOT NULL,
    CONSTRAINT pk_idempotency_keys PRIMARY KEY (user_id, idem_key),
    CONSTRAINT fk_idempotency_keys_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

-- Serves a purge of expired keys.
CREATE INDEX ix_idempotency_keys_created_at ON idempotency_keys (created_at);
