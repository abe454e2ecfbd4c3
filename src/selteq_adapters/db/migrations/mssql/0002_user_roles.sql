-- Roles: a staff user manages users and sees every task (like Django's is_staff).
ALTER TABLE users ADD is_staff BIT NOT NULL CONSTRAINT df_users_is_staff DEFAULT 0;

-- Serves staff's list of every task, newest first, page after page.
CREATE INDEX ix_tasks_recent ON tasks (created_at DESC, id DESC);
