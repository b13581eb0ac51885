-- TrustLens schema, version 1. PostgreSQL dialect; runs on PGlite and PostgreSQL alike.
-- Every row belongs to an integration and goes with it (ON DELETE CASCADE).

CREATE TABLE integrations (
  id text PRIMARY KEY,
  name text NOT NULL,
  base_url text NOT NULL,
  sync_frequency_minutes integer NOT NULL CHECK (sync_frequency_minutes > 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX integrations_name_unique ON integrations (lower(name));

-- The API key, envelope-encrypted (src/crypto/envelope.ts). Never plaintext.
CREATE TABLE integration_keys (
  integration_id text PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
  master_key_id text NOT NULL,
  wrapped_data_key bytea NOT NULL,
  ciphertext bytea NOT NULL,
  key_hint text NOT NULL,
  key_fingerprint text NOT NULL,
  key_updated_at timestamptz NOT NULL
);
CREATE INDEX integration_keys_master_key_idx ON integration_keys (master_key_id);

CREATE TABLE sync_runs (
  id text PRIMARY KEY,
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  status text NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
  duration_ms integer,
  counts_by_type jsonb,
  requests integer,
  availability jsonb,
  errors jsonb NOT NULL DEFAULT '[]'::jsonb,
  seq bigint GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX sync_runs_integration_idx ON sync_runs (integration_id, started_at DESC, seq DESC);

-- Discovered resources. Deleted ones are kept with deleted_at; a record that comes back is undeleted.
CREATE TABLE inventory_records (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  resource_type text NOT NULL CHECK (resource_type IN ('agent', 'model', 'file', 'library')),
  resource_id text NOT NULL,
  name text,
  data jsonb NOT NULL,
  content_hash text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  changed_at timestamptz NOT NULL,
  deleted_at timestamptz,
  last_sync_run_id text REFERENCES sync_runs (id) ON DELETE SET NULL,
  PRIMARY KEY (integration_id, resource_type, resource_id)
);

CREATE TABLE snapshots (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  sync_run_id text NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
  taken_at timestamptz NOT NULL,
  data jsonb NOT NULL
);
CREATE INDEX snapshots_integration_idx ON snapshots (integration_id, id DESC);

-- Incremental usage (src/usage/types.ts): one state per conversation, its rows replaced wholesale.
CREATE TABLE usage_conversations (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  conversation_id text NOT NULL,
  updated_at text NOT NULL,
  created_at text NOT NULL,
  agent_id text,
  model text,
  PRIMARY KEY (integration_id, conversation_id)
);

CREATE TABLE usage_rows (
  integration_id text NOT NULL,
  conversation_id text NOT NULL,
  agent_id text,
  day text COLLATE "C" NOT NULL,
  runs bigint NOT NULL,
  latency_sum_ms double precision NOT NULL,
  latency_count bigint NOT NULL,
  code_interpreter_calls bigint NOT NULL,
  file_search_calls bigint NOT NULL,
  web_search_calls bigint NOT NULL,
  image_generation_calls bigint NOT NULL,
  function_calls bigint NOT NULL,
  function_calls_by_name jsonb NOT NULL,
  tool_executions_by_name jsonb NOT NULL,
  last_entry_at text COLLATE "C",
  FOREIGN KEY (integration_id, conversation_id)
    REFERENCES usage_conversations (integration_id, conversation_id) ON DELETE CASCADE
);
-- One index only: each extra index costs a third more on the bulk inserts of a first sync;
-- totals scan an integration's rows anyway.
CREATE INDEX usage_rows_conversation_idx ON usage_rows (integration_id, conversation_id);

CREATE TABLE findings (
  id text PRIMARY KEY,
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  rule_id text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  resource_name text,
  last_status text NOT NULL CHECK (last_status IN ('PASS', 'FAIL', 'UNKNOWN')),
  status text NOT NULL CHECK (status IN ('open', 'resolved')),
  title text NOT NULL,
  detail text NOT NULL,
  evidence jsonb NOT NULL DEFAULT '{}'::jsonb,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  resolved_at timestamptz,
  reopen_count integer NOT NULL DEFAULT 0,
  mute_reason text,
  mute_by text,
  mute_at timestamptz,
  mute_expires_at timestamptz
);
CREATE INDEX findings_integration_idx ON findings (integration_id, status, severity);

CREATE TABLE change_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  sync_run_id text REFERENCES sync_runs (id) ON DELETE CASCADE,
  type text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  resource_name text,
  at timestamptz NOT NULL,
  summary text NOT NULL,
  changes jsonb
);
CREATE INDEX change_events_integration_idx ON change_events (integration_id, at DESC, id DESC);

CREATE TABLE risk_scores (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  sync_run_id text REFERENCES sync_runs (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  scope text NOT NULL CHECK (scope IN ('integration', 'agent')),
  resource_id text NOT NULL,
  score double precision NOT NULL CHECK (score >= 0 AND score <= 100),
  open_by_severity jsonb NOT NULL
);
CREATE INDEX risk_scores_lookup_idx ON risk_scores (integration_id, scope, resource_id, at);
