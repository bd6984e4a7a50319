-- The audit log (append-only): authentication failures, authorization denials, and the
-- creation and revocation of keys, tokens and rules. Never a secret: the actor is a principal's
-- kind and identity, or a failed credential's kind and display prefix.
-- seq is the id and the list cursor. project_id has no foreign key: the log outlives what it
-- describes, and a failure's project may be unknown (NULL), as are admin actions'.
CREATE TABLE audit_events (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  project_id TEXT,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  resource   TEXT NOT NULL,
  decision   TEXT NOT NULL CHECK (decision IN ('allow', 'deny', 'failed')),
  rule       TEXT,
  code       TEXT,
  reason     TEXT,
  request_id TEXT
);
CREATE INDEX audit_events_project ON audit_events (project_id, seq);
