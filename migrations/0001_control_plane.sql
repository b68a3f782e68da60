-- The control plane: who may do what, and which buckets exist where.
-- Objects themselves live in R2, one bucket per site; only their bookkeeping lives here.
-- Times are Unix epoch milliseconds.

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,               -- pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>
  is_admin      INTEGER NOT NULL DEFAULT 0,  -- system administrator: creates users, acts as admin in every project
  created_at    INTEGER NOT NULL
);

-- Only the SHA-256 of a session token is kept: a leaked table does not yield usable cookies.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions(user_id);

CREATE TABLE projects (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE memberships (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships(user_id);

-- Apps are the non-human members of a project: they own keys, never sign in.
CREATE TABLE apps (
  id         TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (project_id, name)
);

-- An access key belongs to one project, one site and one owner (a user or an app).
-- The secret is stored only as AES-256-GCM ciphertext under the Worker secret ROS_MASTER_KEY.
CREATE TABLE access_keys (
  id                TEXT PRIMARY KEY CHECK (length(id) = 20),
  project_id        TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  site_id           TEXT NOT NULL,
  owner_user_id     TEXT REFERENCES users(id) ON DELETE CASCADE,
  owner_app_id      TEXT REFERENCES apps(id) ON DELETE CASCADE,
  name              TEXT NOT NULL,
  secret_ciphertext TEXT NOT NULL,
  status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  created_at        INTEGER NOT NULL,
  last_used_at      INTEGER,
  CHECK ((owner_user_id IS NULL) <> (owner_app_id IS NULL))
);
CREATE INDEX access_keys_by_project ON access_keys(project_id, site_id);
CREATE INDEX access_keys_by_user ON access_keys(owner_user_id);
CREATE INDEX access_keys_by_app ON access_keys(owner_app_id);

-- Bucket names are unique per site across all projects, as S3 names are global within a region.
CREATE TABLE buckets (
  site_id    TEXT NOT NULL,
  name       TEXT NOT NULL,
  project_id TEXT NOT NULL REFERENCES projects(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (site_id, name)
);
CREATE INDEX buckets_by_project ON buckets(project_id, site_id);
