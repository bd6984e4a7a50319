-- Signing keys of workspace tokens. The private JWK is stored encrypted (a JWE, dir + A256GCM).
-- retired_at: when the key stopped signing; it stays published until its last token expired.
CREATE TABLE signing_keys (
  seq         BIGSERIAL PRIMARY KEY,
  kid         TEXT NOT NULL UNIQUE,
  algorithm   TEXT NOT NULL,
  public_jwk  TEXT NOT NULL,
  private_jwe TEXT NOT NULL,
  created_at  BIGINT NOT NULL,
  retired_at  BIGINT
);

-- Revoked workspace tokens: one jti, or every token of a workspace issued until revoked_at.
-- Servers follow this table by seq, so a revocation reaches every server sharing the database.
CREATE TABLE token_revocations (
  seq          BIGSERIAL PRIMARY KEY,
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  jti          TEXT,
  workspace_id TEXT,
  revoked_at   BIGINT NOT NULL,
  CHECK ((jti IS NULL) <> (workspace_id IS NULL))
);
CREATE INDEX token_revocations_project ON token_revocations (project_id);

-- Identity providers whose JWTs a project accepts (API.md section 6).
CREATE TABLE auth_rules (
  seq             BIGSERIAL PRIMARY KEY,
  id              TEXT NOT NULL UNIQUE,
  project_id      TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  issuer          TEXT NOT NULL,
  jwks_uri        TEXT NOT NULL,
  audience        TEXT NOT NULL,
  workspace_claim TEXT NOT NULL,
  algorithms      TEXT NOT NULL,
  created_at      BIGINT NOT NULL
);
CREATE INDEX auth_rules_project ON auth_rules (project_id, seq);
CREATE INDEX auth_rules_issuer ON auth_rules (issuer);
