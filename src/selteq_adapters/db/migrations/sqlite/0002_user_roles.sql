-- Roles: a staff user manages users and sees every task (like Django's is_staff).
ALTER TABLE users ADD COLUMN is_staff INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1));

-- Serves staff's list of every task, newest first, page after page.
CREATE INDEX ix_tasks_recent ON tasks (created_at DESC, id DESC);
