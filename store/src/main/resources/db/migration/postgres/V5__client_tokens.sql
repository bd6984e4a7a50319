-- Client-side tokens (API.md section 5), stored by the SHA-256 of their value, never the value.
-- policy is the grants in the order given at minting, as JSON with wire names:
-- [{"type": "agent", "id": "agt_...", "access": ["read_agent", ...]}, ...].
-- jsonb keeps the order of array elements (not of object keys), which is the order that counts.
-- Revoked and expired tokens stay, so that they can be refused as such.
CREATE TABLE client_tokens (
  seq        BIGSERIAL PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  hash       TEXT NOT NULL UNIQUE,
  policy     JSONB NOT NULL,
  hostname   TEXT,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
-- A project's live tokens in seq order (the list cursor). Partial: revoked tokens pile up and
-- are never listed. The queries repeat these WHERE terms so that the planner can use them.
CREATE INDEX client_tokens_project_live ON client_tokens (project_id, seq) WHERE revoked_at IS NULL;
-- Preflights: is any live token bound to this origin. Unbound tokens are left out.
CREATE INDEX client_tokens_hostname_live ON client_tokens (hostname, expires_at)
  WHERE hostname IS NOT NULL AND revoked_at IS NULL;
