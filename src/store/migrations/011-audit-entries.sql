-- Admin audit log (issue 11): the entries each stored sync read with the admin key, one row per
-- integration and log id. A sync inserts them in the transaction that publishes its snapshot, with
-- ON CONFLICT DO NOTHING: a crash never half-writes them and a re-read never duplicates one. They go
-- with their integration. `details` is event_metadata minus credential-named keys (src/inventory/admin.ts).
CREATE TABLE audit_entries (
  integration_id text NOT NULL REFERENCES integrations (id) ON DELETE CASCADE,
  log_id text NOT NULL,
  sync_run_id text REFERENCES sync_runs (id) ON DELETE SET NULL,
  at timestamptz NOT NULL,
  actor_type text NOT NULL,
  actor text,
  actor_id text,
  event_type text NOT NULL,
  target_type text NOT NULL,
  target_id text,
  target_name text,
  workspace_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (integration_id, log_id)
);
CREATE INDEX audit_entries_recent_idx ON audit_entries (integration_id, at DESC, log_id COLLATE "C" DESC);

-- Change events say who made them (from the audit log) and, for security events, what was acted on.
ALTER TABLE change_events ADD COLUMN attribution jsonb;
ALTER TABLE change_events ADD COLUMN target jsonb;
