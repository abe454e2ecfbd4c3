-- The initial schema on SQL Server. Times are UTC in DATETIME2(6).
-- Strings are NVARCHAR because pyodbc binds str as NVARCHAR: a VARCHAR column would be
-- converted row by row and its index skipped. Lengths are doubled where the core counts
-- characters, since NVARCHAR counts UTF-16 units (an emoji is two); the core checks the limit.
-- Usernames compare exactly (BIN2), as on SQLite and PostgreSQL: "Alice" is not "alice".
CREATE TABLE users (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_users PRIMARY KEY,
    username NVARCHAR(300) COLLATE Latin1_General_100_BIN2 NOT NULL
        CONSTRAINT uq_users_username UNIQUE,
    password_hash NVARCHAR(512) NOT NULL,
    is_active BIT NOT NULL CONSTRAINT df_users_is_active DEFAULT 1,
    created_at DATETIME2(6) NOT NULL,
    updated_at DATETIME2(6) NOT NULL
);

CREATE TABLE tasks (
    id BIGINT IDENTITY(1, 1) NOT NULL CONSTRAINT pk_tasks PRIMARY KEY,
    user_id BIGINT NOT NULL,
    title NVARCHAR(400) NOT NULL,
    duration INT NOT NULL,
    created_at DATETIME2(6) NOT NULL,
    updated_at DATETIME2(6) NOT NULL,
    CONSTRAINT fk_tasks_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_tasks_duration CHECK (duration > 0)
);

-- Serves "a user's newest tasks" without a sort, at any table size.
CREATE INDEX ix_tasks_user_recent ON tasks (user_id, created_at DESC, id DESC);

-- Serves one user's tasks in id order (the report's keyset paging) and the cascade.
CREATE INDEX ix_tasks_user_id ON tasks (user_id, id);

CREATE TABLE refresh_tokens (
    jti NVARCHAR(64) NOT NULL CONSTRAINT pk_refresh_tokens PRIMARY KEY,
    family NVARCHAR(64) NOT NULL,
    user_id BIGINT NOT NULL,
    expires_at DATETIME2(6) NOT NULL,
    used_at DATETIME2(6) NULL,
    revoked_at DATETIME2(6) NULL,
    created_at DATETIME2(6) NOT NULL,
    CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family);

CREATE INDEX ix_refresh_tokens_user_id ON refresh_tokens (user_id);
