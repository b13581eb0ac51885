-- The read side's caches (src/services/agent-index.ts, findings.ts) ask on every rebuild when the next
-- mute expires: a small partial index instead of a scan of the integration's findings.
CREATE INDEX findings_mute_expiry_idx ON findings (integration_id, mute_expires_at) WHERE mute_at IS NOT NULL;
