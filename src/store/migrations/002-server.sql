-- TrustLens schema, version 2: the server. Organizations own integrations; accounts (users,
-- sessions, API tokens), the one-time set-up link, the audit log; sync runs know who started them
-- and which process runs them; the scheduler's next due time per integration.

CREATE TABLE organizations (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- true for the demo organization that `npm start` creates against the built-in simulator
  simulated boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL
);

-- Integrations made before organizations existed (CLI) belong to one organization created here.
INSERT INTO organizations (id, name, created_at)
  SELECT 'org_default', 'Default organization', now() WHERE EXISTS (SELECT 1 FROM integrations);

ALTER TABLE integrations ADD COLUMN organization_id text REFERENCES organizations (id) ON DELETE CASCADE;
UPDATE integrations SET organization_id = 'org_default' WHERE organization_id IS NULL;
ALTER TABLE integrations ALTER COLUMN organization_id SET NOT NULL;
ALTER TABLE integrations ADD COLUMN simulated boolean NOT NULL DEFAULT false;
-- The scheduler's next due time (NULL: due now). Claimed by compare-and-set, so each due time fires once
-- across every process sharing the database.
ALTER TABLE integrations ADD COLUMN next_sync_at timestamptz;
DROP INDEX integrations_name_unique;
CREATE UNIQUE INDEX integrations_name_unique ON integrations (organization_id, lower(name));
CREATE INDEX integrations_org_idx ON integrations (organization_id);
CREATE INDEX integrations_due_idx ON integrations (next_sync_at);

ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
  CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'interrupted'));
-- manual (API or CLI), scheduled, scan (trustlens scan --data-dir)
ALTER TABLE sync_runs ADD COLUMN trigger text NOT NULL DEFAULT 'manual';
ALTER TABLE sync_runs ADD COLUMN requested_by text;
-- The process running it (host + pid) and its last sign of life: a run whose process is gone is interrupted.
ALTER TABLE sync_runs ADD COLUMN owner text;
ALTER TABLE sync_runs ADD COLUMN heartbeat_at timestamptz;
-- At most one running sync per integration, whatever the number of processes.
CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs (integration_id) WHERE status = 'running';

CREATE TABLE users (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email text NOT NULL,
  name text,
  -- argon2id (PHC string); never the password
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  last_login_at timestamptz,
  disabled_at timestamptz
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
CREATE INDEX users_org_idx ON users (organization_id);

-- Browser sessions. The cookie carries a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  ip text,
  user_agent text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- API tokens: shown once at creation; only their SHA-256 is stored (they are long random values).
CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  -- the first characters, to recognise a token in a list
  token_prefix text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer')),
  created_by text REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_tokens_org_idx ON api_tokens (organization_id);

-- The one-time set-up link printed on a first start without TRUSTLENS_INIT_* (hash only).
CREATE TABLE setup_tokens (
  token_hash text PRIMARY KEY,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- Who did what, when and from where. organization_id is NULL only for instance-wide actions.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organization_id text REFERENCES organizations (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  -- user, token, cli, system
  actor_type text NOT NULL,
  actor_id text,
  actor_label text,
  action text NOT NULL,
  target_type text,
  target_id text,
  ip text,
  outcome text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'failure')),
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_org_idx ON audit_log (organization_id, at DESC, id DESC);

-- Every mute and unmute, kept (issue 9: a mute is never silently replaced).
CREATE TABLE finding_mute_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  finding_id text NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
  action text NOT NULL CHECK (action IN ('mute', 'unmute')),
  at timestamptz NOT NULL,
  by text,
  reason text,
  expires_at timestamptz
);
CREATE INDEX finding_mute_history_idx ON finding_mute_history (finding_id, id);
