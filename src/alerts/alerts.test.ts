import { test } from 'node:test';
import assert from 'node:assert/strict';
import { digestPayload, planDigests } from './evaluate.ts';
import { retryDelayMs, retryable, DEFAULT_RETRY } from './retry.ts';
import { signatureHeader, verifySignature } from './signing.ts';
import { DIGEST_LIMIT, type AlertFinding, type AlertRule, type SyncFacts } from './types.ts';
import { deliveryBody, slackMessage, slackText } from './wire.ts';

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  id: 'r1',
  organizationId: 'org',
  name: 'rule',
  enabled: true,
  destinationIds: ['d1'],
  minSeverity: 'high',
  ruleIds: [],
  integrationIds: [],
  events: [],
  syncFailingRuns: 3,
  ...over,
});

const finding = (over: Partial<AlertFinding> = {}): AlertFinding => ({
  id: `f-${Math.random()}`,
  ruleId: 'mistral_agent_guardrails_missing',
  severity: 'high',
  title: 'Agent has no guardrails',
  resourceType: 'agent',
  resourceId: 'ag_1',
  resourceName: 'Support bot',
  detail: 'No guardrails.',
  remediation: 'Add guardrails.',
  transition: 'opened',
  lastStatus: 'FAIL',
  muted: false,
  ...over,
});

const facts = (over: Partial<SyncFacts> = {}): SyncFacts => ({
  organization: { id: 'org', name: 'Acme' },
  integration: { id: 'int', name: 'prod', simulated: false },
  run: {
    id: 'run',
    status: 'succeeded',
    finishedAt: '2026-06-01T00:00:00.000Z',
    consecutiveFailures: 0,
    error: null,
  },
  findings: [],
  events: [],
  ...over,
});

test('findings fire at the threshold, failing, unmuted, of the chosen rules and integrations only', () => {
  const f = facts({
    findings: [
      finding({ id: 'crit', severity: 'critical' }),
      finding({ id: 'high' }),
      finding({ id: 'medium', severity: 'medium' }),
      finding({ id: 'unknown', lastStatus: 'UNKNOWN' }),
      finding({ id: 'muted', muted: true }),
      finding({ id: 'other-rule', ruleId: 'mistral_agent_owner_missing' }),
    ],
  });
  const ids = (plans: ReturnType<typeof planDigests>) =>
    plans.flatMap((p) => p.findings.map((x) => x.id)).sort();
  assert.deepEqual(ids(planDigests([rule()], f)), ['crit', 'high', 'other-rule']);
  assert.deepEqual(ids(planDigests([rule({ minSeverity: 'critical' })], f)), ['crit']);
  assert.deepEqual(ids(planDigests([rule({ ruleIds: ['mistral_agent_owner_missing'] })], f)), ['other-rule']);
  assert.deepEqual(planDigests([rule({ integrationIds: ['another'] })], f), []);
  assert.deepEqual(planDigests([rule({ enabled: false })], f), []);
  assert.deepEqual(planDigests([rule({ organizationId: 'someone-else' })], f), []);
  assert.deepEqual(planDigests([rule({ minSeverity: null, events: ['guardrails_removed'] })], f), []);
});

test('one digest per destination, findings deduplicated across rules, worst first', () => {
  const f = facts({
    findings: [finding({ id: 'a', severity: 'high' }), finding({ id: 'b', severity: 'critical' })],
  });
  const plans = planDigests(
    [
      rule({ id: 'r1', destinationIds: ['d1', 'd2'] }),
      rule({ id: 'r2', destinationIds: ['d1'], minSeverity: 'info' }),
    ],
    f,
  );
  assert.equal(plans.length, 2);
  const d1 = plans.find((p) => p.destinationId === 'd1')!;
  assert.deepEqual(
    d1.alertRules.map((r) => r.id),
    ['r1', 'r2'],
  );
  assert.deepEqual(
    d1.findings.map((x) => x.id),
    ['b', 'a'],
  );
});

test('events fire only the rules that chose them; sync_failing fires once, when the streak reaches N', () => {
  const event = {
    kind: 'guardrails_removed' as const,
    type: 'guardrails_removed' as const,
    resourceType: 'agent' as const,
    resourceId: 'ag',
    resourceName: 'a',
    summary: 'Guardrails of agent "a" were removed',
    at: '2026-06-01T00:00:00.000Z',
  };
  const f = facts({ events: [event] });
  assert.equal(planDigests([rule({ minSeverity: null, events: ['guardrails_weakened'] })], f).length, 0);
  assert.equal(
    planDigests([rule({ minSeverity: null, events: ['guardrails_removed'] })], f)[0].events.length,
    1,
  );
  const failing = (n: number) =>
    planDigests(
      [rule({ minSeverity: null, events: ['sync_failing'], syncFailingRuns: 3 })],
      facts({
        run: {
          ...facts().run,
          status: 'failed',
          consecutiveFailures: n,
          error: { message: 'm', remediation: 'r' },
        },
      }),
    );
  assert.deepEqual(
    [1, 2, 3, 4, 6].map((n) => failing(n).length),
    [0, 0, 1, 0, 0],
  );
});

test('security events from the audit log fire only the rules that chose security_event', () => {
  const security = {
    kind: 'security_event' as const,
    type: 'api_key_created' as const,
    resourceType: 'integration' as const,
    resourceId: 'int',
    resourceName: null,
    summary: 'API key "ci" was created by alice@example.com at 14:02 UTC',
    at: '2026-06-01T14:02:00.000Z',
  };
  const f = facts({ events: [security] });
  assert.equal(planDigests([rule({ minSeverity: null, events: ['guardrails_removed'] })], f).length, 0);
  const [plan] = planDigests([rule({ minSeverity: null, events: ['security_event'] })], f);
  assert.deepEqual(plan.events, [security]);
  const payload = digestPayload(plan, f, 'del', new Date('2026-06-01T15:00:00Z'));
  assert.equal(payload.events[0].summary, security.summary);
  const blocks = (slackMessage(payload) as { blocks: Array<{ text?: { text: string } }> }).blocks;
  assert.ok(blocks.some((b) => b.text?.text === `• ${security.summary}`));
});

test('a digest carries at most DIGEST_LIMIT findings and says how many were left out', () => {
  const many = Array.from({ length: DIGEST_LIMIT + 7 }, (_, i) => finding({ id: `f${i}` }));
  const [plan] = planDigests([rule()], facts({ findings: many }));
  const p = digestPayload(plan, facts({ findings: many }), 'del', new Date('2026-06-01T00:00:00Z'));
  assert.equal(p.findings.length, DIGEST_LIMIT);
  assert.equal(p.summary.findings, DIGEST_LIMIT + 7);
  assert.equal(p.summary.omittedFindings, 7);
  assert.equal(p.summary.findingsBySeverity.high, DIGEST_LIMIT + 7);
  assert.ok(!('lastStatus' in p.findings[0]) && !('muted' in p.findings[0]));
});

test('Slack text cannot mention, link or inject markup; control and bidi characters are removed', () => {
  assert.equal(
    slackText('<!channel> hi <https://evil|click> & co'),
    '&lt;!channel&gt; hi &lt;https://evil|click&gt; &amp; co',
  );
  assert.equal(slackText('a\u202Eb\u0007c\nd'), 'a b c d');
  const f = facts({ findings: [finding({ resourceName: '<!here> <@U123>' })] });
  const [plan] = planDigests([rule()], f);
  const body = deliveryBody('slack', digestPayload(plan, f, 'del', new Date()));
  assert.ok(!body.includes('<!here>') && !body.includes('<@U123>'));
  const message = slackMessage(digestPayload(plan, f, 'del', new Date())) as {
    text: string;
    blocks: unknown[];
  };
  assert.match(message.text, /1 new finding/);
  assert.ok(message.blocks.length >= 2 && message.blocks.length <= 50);
  // The generic body is the digest itself.
  assert.equal(
    JSON.parse(deliveryBody('webhook', digestPayload(plan, f, 'del', new Date()))).deliveryId,
    'del',
  );
});

test('signatures: valid, tampered, wrong secret, stale and malformed headers', () => {
  const now = new Date('2026-06-01T00:00:00Z');
  const t = Math.floor(now.getTime() / 1000);
  const header = signatureHeader('whsec_x', t, '{"a":1}');
  assert.equal(verifySignature('whsec_x', header, '{"a":1}', { now }), null);
  assert.equal(verifySignature('whsec_x', header, '{"a":2}', { now }), 'signature mismatch');
  assert.equal(verifySignature('whsec_y', header, '{"a":1}', { now }), 'signature mismatch');
  assert.equal(
    verifySignature('whsec_x', header, '{"a":1}', { now: new Date(now.getTime() + 301_000) }),
    'timestamp outside the tolerance',
  );
  assert.equal(verifySignature('whsec_x', 't=abc,v1=zz', '{}', { now }), 'malformed signature header');
  assert.equal(verifySignature('whsec_x', undefined, '{}', { now }), 'no signature header');
});

test('retries: exponential with jitter, Retry-After when longer, capped; only failures that may pass', () => {
  const mid = () => 0.5;
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => retryDelayMs(n, DEFAULT_RETRY, mid)),
    [30_000, 120_000, 480_000, 1_920_000],
  );
  assert.equal(
    retryDelayMs(1, DEFAULT_RETRY, () => 0),
    24_000,
  );
  assert.equal(
    retryDelayMs(1, DEFAULT_RETRY, () => 1),
    36_000,
  );
  assert.equal(retryDelayMs(1, DEFAULT_RETRY, mid, 90_000), 90_000);
  assert.equal(retryDelayMs(20, DEFAULT_RETRY, mid), DEFAULT_RETRY.maxDelayMs);
  assert.deepEqual([null, 408, 429, 500, 503, 400, 401, 403, 404, 410, 301].map(retryable), [
    true,
    true,
    true,
    true,
    true,
    false,
    false,
    false,
    false,
    false,
    false,
  ]);
});

test('worsened: fires even when muted, says so and names the new items in both wire formats', () => {
  const newItems = {
    count: 3,
    items: [
      { id: 'c2', label: '"warehouse_2" (http://10.0.0.9/mcp)' },
      { id: 'c3', label: '"<!channel> & co"' },
    ],
  };
  const worsened = finding({
    id: 'w',
    ruleId: 'mistral_integration_connector_untrusted_server',
    resourceType: 'integration',
    resourceId: 'int',
    resourceName: 'prod',
    title: 'Custom connector on a non-HTTPS or non-public server',
    transition: 'worsened',
    newItems,
    muted: true,
  });
  const mutedOpened = finding({ id: 'mo', muted: true });
  const unmutedWorse = finding({ id: 'uw', transition: 'worsened', newItems: { count: 1, items: [] } });
  const unknownWorse = finding({ id: 'unk', transition: 'worsened', lastStatus: 'UNKNOWN', muted: true });
  const f = facts({ findings: [worsened, mutedOpened, unmutedWorse, unknownWorse] });
  const [plan] = planDigests([rule()], f);
  assert.deepEqual(plan.findings.map((x) => x.id).sort(), ['uw', 'w'], 'a mute silences all but worsened');
  // The threshold and the rule filter still apply to a worsened finding.
  assert.deepEqual(planDigests([rule({ minSeverity: 'critical' })], f), []);
  assert.deepEqual(planDigests([rule({ ruleIds: ['mistral_agent_owner_missing'] })], f), []);

  const p = digestPayload(plan, f, 'del', new Date('2026-06-01T00:00:00Z'));
  assert.equal(p.summary.findings, 2);
  assert.equal(p.summary.worsenedFindings, 2);
  const w = p.findings.find((x) => x.id === 'w')!;
  assert.equal(w.transition, 'worsened');
  assert.equal(w.muted, true);
  assert.deepEqual(w.newItems, newItems);
  assert.ok(!('muted' in p.findings.find((x) => x.id === 'uw')!), 'muted only on a muted one');

  // Generic webhook: the digest itself.
  const json = JSON.parse(deliveryBody('webhook', p)) as typeof p;
  assert.deepEqual(
    json.findings.map((x) => [x.id, x.transition, x.muted ?? false, x.newItems?.count]),
    p.findings.map((x) => [x.id, 'worsened', x.id === 'w', x.id === 'w' ? 3 : 1]),
  );

  // Slack: the headline counts worsened findings; the line says muted, names the items, escaped.
  const slack = slackMessage(p) as { text: string; blocks: Array<{ text?: { text: string } }> };
  assert.match(slack.text, /^TrustLens: 2 worsened finding\(s\), 0 change\(s\) in prod$/);
  const lines = slack.blocks.map((b) => b.text?.text ?? '').join('\n');
  assert.ok(
    lines.includes(
      '(worsened: muted, but 3 new items appeared: "warehouse_2" (http://10.0.0.9/mcp), "&lt;!channel&gt; &amp; co" and 1 more)',
    ),
    lines,
  );
  assert.ok(lines.includes('(worsened: 1 new item)'), lines);
  assert.ok(!deliveryBody('slack', p).includes('<!channel>'));
});

test('nothing grew: a muted finding that is neither new nor worsened sends nothing', () => {
  const f = facts({ findings: [finding({ id: 'mo', muted: true, transition: 'reopened' })] });
  assert.deepEqual(planDigests([rule({ minSeverity: 'info' })], f), []);
});

test('every transition reads in the Slack line; new and worsened are counted apart', () => {
  const f = facts({
    findings: [
      finding({ id: 'o', transition: 'opened' }),
      finding({ id: 'r', transition: 'reopened' }),
      finding({
        id: 'w',
        transition: 'worsened',
        newItems: { count: 2, items: [{ id: 'k', label: '"ci"' }] },
      }),
    ],
  });
  const [plan] = planDigests([rule()], f);
  const p = digestPayload(plan, f, 'del', new Date('2026-06-01T00:00:00Z'));
  const slack = slackMessage(p) as { text: string; blocks: Array<{ text?: { text: string } }> };
  assert.match(slack.text, /2 new finding\(s\), 1 worsened finding\(s\)/);
  const lines = slack.blocks.map((b) => b.text?.text ?? '').join('\n');
  for (const t of ['(opened)', '(reopened)', '(worsened: 2 new items: "ci" and 1 more)'])
    assert.ok(lines.includes(t), `${t} in ${lines}`);
  // A digest stored before "worsened" (no worsenedFindings) still reads as before.
  const { worsenedFindings: _w, ...older } = p.summary;
  assert.match((slackMessage({ ...p, summary: older }) as { text: string }).text, /3 new finding\(s\)/);
});
