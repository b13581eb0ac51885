-- Before this version an API token made with an API token was stored with no creator (created_by NULL),
-- and so escaped the rule that a token never outlives its creator's rights (capped at the creator's
-- role, refused when the creator is disabled, revoked when the creator is deleted): it kept its role
-- after the human behind the chain was demoted or deleted. A token made with a token now records the
-- human at the root of the chain (src/services/accounts.ts createToken). This repairs the rows made
-- before, from the audit log, which names the maker of every token ('token.create': a user or a token).
--
-- For each unrevoked token with no creator whose maker the audit log names, the chain is followed up
-- through the tokens that made it (while they have no creator either) to its root:
--  - a token with a creator, or a token a user made who still exists: that user becomes its creator;
--  - otherwise (the user was deleted, or the chain ends at a token no user made): it is revoked.
-- Tokens the audit log names no user or token maker for (the local operator's) are left as they are.
-- Each change is written to the audit log (actor: system, "migration 014").
CREATE TEMP TABLE token_creator_repair AS
WITH RECURSIVE
  made AS (
    SELECT DISTINCT ON (target_id) target_id AS token_id, actor_type, actor_id
    FROM audit_log
    WHERE action = 'token.create' AND target_type = 'api_token' AND outcome = 'success'
      AND actor_type IN ('user', 'token') AND target_id IS NOT NULL AND actor_id IS NOT NULL
    ORDER BY target_id, id
  ),
  chain (token_id, step_id, depth) AS (
    SELECT t.id, t.id, 0
    FROM api_tokens t
    JOIN made m ON m.token_id = t.id
    WHERE t.created_by IS NULL AND t.revoked_at IS NULL
    UNION ALL
    SELECT c.token_id, m.actor_id, c.depth + 1
    FROM chain c
    JOIN api_tokens s ON s.id = c.step_id AND s.created_by IS NULL
    JOIN made m ON m.token_id = c.step_id AND m.actor_type = 'token'
    WHERE c.depth < 1000
  ),
  ends AS (
    SELECT DISTINCT ON (token_id) token_id, step_id FROM chain ORDER BY token_id, depth DESC
  )
SELECT
  e.token_id,
  t.organization_id,
  COALESCE(
    (SELECT u.id FROM users u WHERE u.id = s.created_by AND u.organization_id = t.organization_id),
    (SELECT u.id FROM users u
     WHERE s.created_by IS NULL AND m.actor_type = 'user' AND u.id = m.actor_id
       AND u.organization_id = t.organization_id)
  ) AS human
FROM ends e
JOIN api_tokens t ON t.id = e.token_id
LEFT JOIN api_tokens s ON s.id = e.step_id
LEFT JOIN made m ON m.token_id = e.step_id;

UPDATE api_tokens t SET created_by = r.human
FROM token_creator_repair r
WHERE t.id = r.token_id AND r.human IS NOT NULL;

UPDATE api_tokens t SET revoked_at = now()
FROM token_creator_repair r
WHERE t.id = r.token_id AND r.human IS NULL;

INSERT INTO audit_log (organization_id, at, actor_type, actor_id, actor_label, action, target_type,
  target_id, ip, outcome, details)
SELECT t.organization_id, now(), 'system', NULL, 'migration 014',
  CASE WHEN r.human IS NULL THEN 'token.revoke' ELSE 'token.update' END,
  'api_token', t.id, NULL, 'success',
  CASE
    WHEN r.human IS NULL THEN jsonb_build_object('name', t.name, 'prefix', t.token_prefix,
      'reason', 'creator_gone')
    ELSE jsonb_build_object('name', t.name, 'prefix', t.token_prefix,
      'createdBy', jsonb_build_object('from', NULL, 'to', r.human), 'reason', 'creator_of_chain')
  END
FROM token_creator_repair r
JOIN api_tokens t ON t.id = r.token_id
ORDER BY t.created_at, t.id;

DROP TABLE token_creator_repair;
