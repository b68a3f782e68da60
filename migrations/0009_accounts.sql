-- Accounts (issue 13, "Users and sessions"): disabled users, sessions people can see and revoke, who created an
-- app, and system settings. Every change adds to what exists: users, keys, buckets and live sessions survive.

-- A disabled user cannot sign in, and their keys (and the keys of apps they created) answer AccessDenied.
-- NULL = enabled; otherwise when they were disabled.
ALTER TABLE users ADD COLUMN disabled_at INTEGER;

-- Sessions get a public id (the token's hash stays private: it is what the cookie proves) and what a person needs
-- to recognise a session: when it was last seen (written at most once a minute), the browser's User-Agent and the
-- client address (CF-Connecting-IP) it signed in from. Sessions that exist already get an id and "last seen" =
-- their creation; their client and address are unknown ('').
ALTER TABLE sessions ADD COLUMN id TEXT;
UPDATE sessions SET id = 's_' || lower(hex(randomblob(10))) WHERE id IS NULL;
CREATE UNIQUE INDEX sessions_by_id ON sessions(id);
ALTER TABLE sessions ADD COLUMN last_seen_at INTEGER;
UPDATE sessions SET last_seen_at = created_at WHERE last_seen_at IS NULL;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- The user responsible for an app: the one who created it. Disabling that user stops the app's keys too
-- (docs/api.md, "Users"). Apps created before this migration have no recorded creator (NULL): disabling a user
-- never stops them.
ALTER TABLE apps ADD COLUMN created_by TEXT REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX apps_by_creator ON apps(created_by);

-- System settings that system admins change in the console: one row per setting, the value as text.
--   self_service_projects  'on': every signed-in user may create a project; 'off': only system admins may
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO settings (name, value) VALUES ('self_service_projects', 'on');
