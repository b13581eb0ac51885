-- Issue 11: an integration may also hold an admin API key (Admin role in the Mistral organization), used
-- only for GET /v1/admin/*. Stored like the ordinary key (integration_keys): envelope-encrypted, a hint
-- and a fingerprint for display, never in plaintext. Set, rotated and removed on its own; gone with the
-- integration.
CREATE TABLE integration_admin_keys (
  integration_id text PRIMARY KEY REFERENCES integrations (id) ON DELETE CASCADE,
  master_key_id text NOT NULL,
  wrapped_data_key bytea NOT NULL,
  ciphertext bytea NOT NULL,
  key_hint text NOT NULL,
  key_fingerprint text NOT NULL,
  key_updated_at timestamptz NOT NULL
);
CREATE INDEX integration_admin_keys_master_key_idx ON integration_admin_keys (master_key_id);
