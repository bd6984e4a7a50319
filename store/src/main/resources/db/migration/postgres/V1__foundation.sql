-- Times are epoch milliseconds (UTC). seq orders rows and backs list cursors.
CREATE TABLE admin_key (
  singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
  hash       TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE projects (
  seq        BIGSERIAL PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
  seq          BIGSERIAL PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  hash         TEXT NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT,
  last_used_at BIGINT,
  revoked_at   BIGINT
);
CREATE INDEX api_keys_project ON api_keys (project_id, seq);

CREATE TABLE agents (
  seq        BIGSERIAL PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name       TEXT NOT NULL,
  model      TEXT NOT NULL,
  system     TEXT,
  metadata   JSONB NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX agents_project ON agents (project_id, seq);

CREATE TABLE threads (
  seq        BIGSERIAL PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  agent_id   TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  metadata   JSONB NOT NULL DEFAULT '{}',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX threads_project ON threads (project_id, seq);
CREATE INDEX threads_agent ON threads (agent_id, seq);

CREATE TABLE runs (
  seq          BIGSERIAL PRIMARY KEY,
  id           TEXT NOT NULL UNIQUE,
  thread_id    TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
  agent_id     TEXT NOT NULL,
  status       TEXT NOT NULL,
  error        TEXT,
  created_at   BIGINT NOT NULL,
  completed_at BIGINT
);
CREATE INDEX runs_thread ON runs (thread_id, seq);

CREATE TABLE messages (
  seq        BIGSERIAL PRIMARY KEY,
  id         TEXT NOT NULL UNIQUE,
  thread_id  TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
  run_id     TEXT REFERENCES runs (id) ON DELETE CASCADE,
  role       TEXT NOT NULL,
  content    TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX messages_thread ON messages (thread_id, seq);
CREATE INDEX messages_run ON messages (run_id, seq);

CREATE TABLE run_events (
  seq        BIGSERIAL PRIMARY KEY,
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  event      TEXT NOT NULL,
  data       TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX run_events_run ON run_events (run_id, seq);
