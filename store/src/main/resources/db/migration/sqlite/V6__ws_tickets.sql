-- Single-use tickets that stand for a credential in ?token= (API.md section 2), stored by the
-- SHA-256 of their value, never the value. principal is the caller the ticket stands for, as
-- JSON, so that any server sharing the database can redeem it without the credential itself.
-- used_at is set by the one redemption that counts; used and expired rows stay for an hour,
-- so that a second use is refused as such (token_revoked), then are swept.
CREATE TABLE ws_tickets (
  hash       TEXT PRIMARY KEY,
  project_id TEXT REFERENCES projects (id) ON DELETE CASCADE,
  principal  TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX ws_tickets_expires ON ws_tickets (expires_at);
