-- Indexes for the API's read side (src/services: agent detail, findings list, events list).

-- The findings list's order (severity rank, rule, resource, id) per integration: a page is an index range.
CREATE INDEX findings_page_idx ON findings (
  integration_id,
  (CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END),
  rule_id COLLATE "C", resource_id COLLATE "C", id COLLATE "C");
-- One resource's findings (agent detail, resourceId filter).
CREATE INDEX findings_resource_idx ON findings (integration_id, resource_id);
-- One resource's change events, most recent first.
CREATE INDEX change_events_resource_idx ON change_events (integration_id, resource_id, at DESC, id DESC);
-- One agent's daily usage series (agent detail). Costs some time on the bulk inserts of a first sync.
CREATE INDEX usage_rows_agent_day_idx ON usage_rows (integration_id, agent_id, day);
