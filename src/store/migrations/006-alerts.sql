-- Alerts (issue 12): destinations (a webhook URL and a signing secret, both envelope-encrypted like API
-- keys), alert rules (what fires), and the delivery log (one digest per destination per sync run).

CREATE TABLE alert_destinations (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('webhook', 'slack')),
  -- The URL can carry a secret (Slack's incoming webhook path is one): stored encrypted; only its
  -- scheme, host and a hint of its last characters are kept readable.
  url_hint text NOT NULL,
  url_master_key_id text NOT NULL,
  url_wrapped_data_key bytea NOT NULL,
  url_ciphertext bytea NOT NULL,
  secret_master_key_id text NOT NULL,
  secret_wrapped_data_key bytea NOT NULL,
  secret_ciphertext bytea NOT NULL,
  secret_updated_at timestamptz NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX alert_destinations_name_idx ON alert_destinations (organization_id, lower(name));

CREATE TABLE alert_rules (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  name text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  destination_ids jsonb NOT NULL,
  -- Findings at this severity or higher fire (null: findings do not fire this rule).
  min_severity text CHECK (min_severity IN ('critical', 'high', 'medium', 'low', 'info')),
  rule_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  integration_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  events jsonb NOT NULL DEFAULT '[]'::jsonb,
  sync_failing_runs integer NOT NULL DEFAULT 3 CHECK (sync_failing_runs BETWEEN 1 AND 100),
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX alert_rules_name_idx ON alert_rules (organization_id, lower(name));

CREATE TABLE alert_deliveries (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  destination_id text NOT NULL REFERENCES alert_destinations (id) ON DELETE CASCADE,
  -- null for a test alert
  integration_id text REFERENCES integrations (id) ON DELETE CASCADE,
  sync_run_id text REFERENCES sync_runs (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('digest', 'test')),
  status text NOT NULL CHECK (status IN ('pending', 'sending', 'retrying', 'delivered', 'failed')),
  -- The body sent (the same on every attempt). It never carries a key, a URL or full instructions.
  payload jsonb NOT NULL,
  alert_rule_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  finding_count integer NOT NULL DEFAULT 0,
  event_count integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  next_attempt_at timestamptz,
  -- A sender holds a delivery until then; past it, another process may take the delivery over.
  locked_until timestamptz,
  last_attempt_at timestamptz,
  last_status_code integer,
  last_error text,
  delivered_at timestamptz,
  created_at timestamptz NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY
);
-- One digest per destination per sync run, whichever process evaluates it.
CREATE UNIQUE INDEX alert_deliveries_run_idx ON alert_deliveries (destination_id, sync_run_id) WHERE kind = 'digest';
CREATE INDEX alert_deliveries_due_idx ON alert_deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying', 'sending');
CREATE INDEX alert_deliveries_org_idx ON alert_deliveries (organization_id, seq DESC);

-- The transactional outbox of a sync run: which findings it opened or reopened (written in the sync's
-- final transaction), and when its alerts were evaluated. Runs from before alerts existed count as
-- evaluated, so upgrading never sends alerts about the past.
ALTER TABLE sync_runs ADD COLUMN finding_changes jsonb;
ALTER TABLE sync_runs ADD COLUMN alerts_evaluated_at timestamptz;
UPDATE sync_runs SET alerts_evaluated_at = COALESCE(finished_at, started_at);
CREATE INDEX sync_runs_alerts_pending_idx ON sync_runs (finished_at) WHERE alerts_evaluated_at IS NULL;
