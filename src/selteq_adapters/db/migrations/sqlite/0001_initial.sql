-- The initial schema on SQLite.
-- Times are UTC text 'YYYY-MM-DD HH:MM:SS.ffffff' (fixed width, so text order is time order).
-- AUTOINCREMENT: an id is never handed out twice, even after the newest row is deleted.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL CONSTRAINT uq_users_username UNIQUE
        CHECK (length(username) BETWEEN 1 AND 150),
    password_hash TEXT NOT NULL,
    is_active INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    duration INTEGER NOT NULL CHECK (duration BETWEEN 1 AND 2147483647),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Serves "a user's newest tasks" without a sort, at any table size.
CREATE INDEX ix_tasks_user_recent ON tasks (user_id, created_at DESC, id DESC);

-- Serves one user's tasks in id order (the report's keyset paging) and the cascade.
CREATE INDEX ix_tasks_user_id ON tasks (user_id, id);

CREATE TABLE refresh_tokens (
    jti TEXT NOT NULL PRIMARY KEY,
    family TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    used_at TEXT NULL,
    revoked_at TEXT NULL,
    created_at TEXT NOT NULL
);

CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family);

CREATE INDEX ix_refresh_tokens_user_id ON refresh_tokens (user_id);
