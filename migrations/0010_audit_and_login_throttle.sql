-- Issue 13, "Login defences" and "Audit log". Both tables are new: nothing existing changes.

-- Failed sign-ins, counted per scope (docs/api.md, "Sign-in throttling"):
--   scope 'pair'     subject "<email> <address>"  one client guessing one account's password
--   scope 'address'  subject "<address>"          one client guessing many accounts' passwords
--   scope 'account'  subject "<email>"            many clients guessing one account's password
--   scope 'trusted'  subject "<email> <address>"  an address that signed in to the account (the per-account
--                                                  limit never applies to it, so strangers cannot lock it out)
-- A counter restarts when its last failure is older than the window; blocked_until is when the next attempt
-- is allowed again. Emails are lowercased; addresses are CF-Connecting-IP as sent (or 'unknown').
CREATE TABLE login_throttle (
  scope         TEXT NOT NULL CHECK (scope IN ('pair', 'address', 'account', 'trusted')),
  subject       TEXT NOT NULL,
  failures      INTEGER NOT NULL DEFAULT 0,
  last_at       INTEGER NOT NULL,            -- last failure (or, for 'trusted', last successful sign-in)
  blocked_until INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (scope, subject)
);
CREATE INDEX login_throttle_by_time ON login_throttle(last_at);

-- Every change made through the console API, and every sign-in and failed sign-in. Never a secret or password:
-- detail holds a small JSON object of what changed (names, sites, roles, flags), written by src/service/audit.ts.
-- project_id has no foreign key on purpose: a project's history outlives the project.
CREATE TABLE audit_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT, -- the paging cursor: newest first is id DESC
  at          INTEGER NOT NULL,                  -- epoch milliseconds
  project_id  TEXT,                              -- NULL for system-wide events (sign-ins, users)
  actor_id    TEXT,                              -- NULL when nobody is signed in (a failed sign-in, bootstrap)
  actor_email TEXT,                              -- as it was at the time (or as typed, for a failed sign-in)
  action      TEXT NOT NULL,                     -- e.g. key.create, bucket.delete, auth.login.failure
  target      TEXT,                              -- what it acted on: a key id, "<site>/<bucket>", an email
  detail      TEXT,                              -- JSON object, or NULL
  address     TEXT,                              -- CF-Connecting-IP
  user_agent  TEXT
);
CREATE INDEX audit_events_by_project ON audit_events(project_id, id);
CREATE INDEX audit_events_by_actor ON audit_events(actor_email COLLATE NOCASE, id);
CREATE INDEX audit_events_by_action ON audit_events(action, id);
CREATE INDEX audit_events_by_time ON audit_events(at);
