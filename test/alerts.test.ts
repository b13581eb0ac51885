/**
 * Alerts end to end through the composition root, on both back ends: destinations and rules, one
 * signed digest per destination per sync (not one per finding) to a local receiver, rule matching
 * (severity, rule ids, integrations, mutes, events), retries with exponential backoff on a controlled
 * clock, permanent failures, sync-failing streaks, the test alert, and secrets kept encrypted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/app/config.ts';
import { createApp, type App } from '../src/app/root.ts';
import { verifySignature } from '../src/alerts/signing.ts';
import type { DigestPayload } from '../src/alerts/types.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import { cliActor, type Actor } from '../src/services/context.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { randomBytes } from 'node:crypto';
import { createKeyring, masterKeyFromBytes } from '../src/crypto/index.ts';
import { testKeyring } from './store-fixtures.ts';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.ts';

const connectorFactory = (o: { apiKey: string; baseUrl?: string }) =>
  createMistralConnector({
    ...o,
    maxRetryElapsedMs: 200,
    requestTimeoutMs: 3000,
    requestsPerSecond: 1000,
    maxConcurrency: 8,
  });

for (const backend of testBackends()) {
  describe(`alerts (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let app: App;
    let sim: SimulatorHandle;
    let doomed: SimulatorHandle;
    let hook: WebhookReceiver;
    let slack: WebhookReceiver;
    let clock = Date.parse('2026-06-01T00:00:00Z');
    const keyring = testKeyring();
    const admin = cliActor();
    let integrationId = '';
    let webhookId = '';
    let webhookSecret = '';
    let slackId = '';

    const sync = async (id = integrationId) => {
      const { done } = await app.services.syncs.trigger(admin, id);
      const run = await done!;
      await app.services.alerts.tick();
      return run;
    };
    const digests = (r: WebhookReceiver) =>
      r.received
        .map((x) => JSON.parse(x.body) as DigestPayload)
        .filter((p) => p.type === 'trustlens.alert.digest');

    before(async () => {
      t = await backend.open();
      sim = await startSimulator({
        seed: 21,
        host: '127.0.0.1',
        generator: { agents: 6, conversations: 12 },
      });
      doomed = await startSimulator({
        seed: 22,
        host: '127.0.0.1',
        generator: { agents: 1, conversations: 1 },
      });
      hook = await startWebhookReceiver();
      slack = await startWebhookReceiver();
      app = await createApp(
        loadConfig({ dataDir: '/nonexistent-not-used' }, { TRUSTLENS_ALERTS_RETRY_BASE_MS: '1000' }),
        { db: t.db, keyring, connectorFactory, now: () => new Date(clock), random: () => 0.5 },
      );
      integrationId = (
        await app.services.integrations.create(admin, { name: 'prod', apiKey: sim.apiKey, baseUrl: sim.url })
      ).id;
    });
    after(async () => {
      await app?.close();
      await sim?.close();
      await doomed?.close();
      await hook?.close();
      await slack?.close();
      await t?.cleanup();
    });

    it('refuses destinations that would reach link-local addresses or plain http on the internet', async () => {
      for (const url of [
        'http://169.254.169.254/latest/meta-data',
        'https://[fe80::1]/x',
        'http://example.com/hook',
        'ftp://example.com/x',
        'not a url',
      ]) {
        await assert.rejects(
          app.services.alerts.createDestination(admin, { name: 'bad', kind: 'webhook', url }),
          (e: { code: string; message: string; details?: { field?: string } }) =>
            e.code === 'INVALID_INPUT' && e.details?.field === 'url' && !e.message.includes('meta-data'),
          url,
        );
      }
    });

    it('creates destinations whose URL and signing secret are stored encrypted and shown once', async () => {
      const created = await app.services.alerts.createDestination(admin, {
        name: 'siem',
        kind: 'webhook',
        url: `${hook.url}/hooks/T0KEN-in-path?token=query-s3cret`,
      });
      webhookId = created.destination.id;
      webhookSecret = created.signingSecret;
      assert.match(webhookSecret, /^whsec_[A-Za-z0-9_-]{43}$/);
      assert.equal(created.destination.urlHint, `${hook.url.replace('http://', 'http://')}/…cret`);
      const listed = await app.services.alerts.listDestinations(admin);
      assert.ok(!JSON.stringify(listed).includes('T0KEN-in-path'));
      assert.ok(!JSON.stringify(listed).includes(webhookSecret));
      slackId = (
        await app.services.alerts.createDestination(admin, {
          name: 'slack',
          kind: 'slack',
          url: `${slack.url}/services/T/B/X`,
        })
      ).destination.id;
      const { rows } = await t.db.query<Record<string, unknown>>('SELECT * FROM alert_destinations');
      const raw = JSON.stringify(rows, (_k, v) =>
        v && typeof v === 'object' && 'type' in v && v.type === 'Buffer'
          ? Buffer.from(v.data).toString('latin1')
          : v,
      );
      for (const secret of ['T0KEN-in-path', 'query-s3cret', webhookSecret, '/services/T/B/X']) {
        assert.ok(!raw.includes(secret), `${secret} is stored in plaintext`);
      }
      const audit = JSON.stringify((await app.services.audit.list(admin)).items);
      assert.ok(!audit.includes('T0KEN') && !audit.includes(webhookSecret));
    });

    it('rejects rules that name unknown destinations, rules, integrations or that can never fire', async () => {
      const bad = async (input: Record<string, unknown>, field: string) =>
        assert.rejects(
          app.services.alerts.createRule(admin, {
            name: 'x',
            destinationIds: [webhookId],
            ...input,
          } as never),
          (e: { code: string; details?: { field?: string } }) =>
            e.code === 'INVALID_INPUT' && e.details?.field === field,
        );
      await bad({ destinationIds: [] }, 'destinationIds');
      await bad({ destinationIds: ['nope'], minSeverity: 'high' }, 'destinationIds');
      await bad({ minSeverity: 'high', ruleIds: ['mistral_nope'] }, 'ruleIds');
      await bad({ minSeverity: 'high', integrationIds: ['nope'] }, 'integrationIds');
      await bad({ events: ['bogus'] }, 'events');
      await bad({}, 'minSeverity');
      await bad({ minSeverity: 'urgent' }, 'minSeverity');
    });

    it('sends one signed digest per destination per sync, however many findings and rules match', async () => {
      await app.services.alerts.createRule(admin, {
        name: 'high findings',
        destinationIds: [webhookId, slackId],
        minSeverity: 'high',
        events: ['guardrails_removed'],
      });
      await app.services.alerts.createRule(admin, {
        name: 'everything to the SIEM',
        destinationIds: [webhookId],
        minSeverity: 'info',
      });
      await app.services.alerts.createRule(admin, {
        name: 'another integration only',
        destinationIds: [slackId],
        minSeverity: 'info',
        integrationIds: [integrationId],
        enabled: false,
      });
      const run = await sync();
      assert.equal(run.status, 'succeeded');
      assert.equal(hook.received.length, 1, 'one delivery to the webhook');
      assert.equal(slack.received.length, 1, 'one delivery to Slack');
      const req = hook.received[0];
      assert.equal(req.path, '/hooks/T0KEN-in-path?token=query-s3cret');
      assert.equal(
        verifySignature(webhookSecret, req.headers['trustlens-signature'] as string, req.body, {
          now: new Date(clock),
        }),
        null,
      );
      assert.equal(
        verifySignature('whsec_wrong', req.headers['trustlens-signature'] as string, req.body, {
          now: new Date(clock),
        }),
        'signature mismatch',
      );
      assert.equal(
        verifySignature(webhookSecret, req.headers['trustlens-signature'] as string, req.body + ' ', {
          now: new Date(clock),
        }),
        'signature mismatch',
      );
      assert.equal(req.headers['trustlens-event'], 'digest');
      const digest = JSON.parse(req.body) as DigestPayload;
      assert.equal(req.headers['trustlens-delivery'], digest.deliveryId);
      assert.equal(digest.syncRun?.id, run.id);
      assert.deepEqual(digest.alertRules.map((r) => r.name).sort(), [
        'everything to the SIEM',
        'high findings',
      ]);
      // Every finding this first sync opened that fails, once, with no instructions and no key.
      const open = (await app.services.findings.list(admin, { integrationId, limit: 500 })).items.filter(
        (f) => f.lastStatus === 'FAIL' && !f.mute,
      );
      assert.ok(open.length > 1);
      assert.equal(digest.summary.findings, open.length);
      assert.equal(new Set(digest.findings.map((f) => f.id)).size, digest.findings.length);
      assert.ok(digest.findings.every((f) => f.transition === 'opened'));
      assert.ok(!req.body.includes(sim.apiKey));
      for (const a of sim.workspace.agents) {
        const instructions = a.current.instructions ?? '';
        if (instructions.length > 40)
          assert.ok(!req.body.includes(instructions), 'full instructions in a payload');
      }
      // Slack gets only what its rule matched (high and critical), in Slack's format.
      const slackBody = JSON.parse(slack.received[0].body) as { text: string; blocks: unknown[] };
      assert.match(slackBody.text, /new finding/);
      assert.ok(Array.isArray(slackBody.blocks));
      const log = await app.services.alerts.listDeliveries(admin);
      assert.equal(log.items.length, 2);
      assert.ok(
        log.items.every((d) => d.status === 'delivered' && d.attempts === 1 && d.lastStatusCode === 200),
      );
    });

    it('a sync with nothing new sends nothing; a guardrail removed sends a digest with the event', async () => {
      clock += 3600_000;
      await sync();
      assert.equal(hook.received.length, 1);
      assert.equal(slack.received.length, 1);
      const guarded = sim.workspace.agents.find((a) => (a.current.guardrails?.length ?? 0) > 0);
      assert.ok(guarded, 'the workspace has a guarded agent');
      const next = structuredClone(guarded.current);
      next.guardrails = null;
      next.version = Math.max(...guarded.versions.map((v) => v.version)) + 1;
      next.updated_at = new Date(clock).toISOString();
      guarded.versions.push(structuredClone(next));
      for (const v of guarded.versions) v.versions = guarded.versions.map((x) => x.version);
      next.versions = guarded.versions.map((x) => x.version);
      guarded.current = next;
      clock += 3600_000;
      await sync();
      assert.equal(slack.received.length, 2, 'the guardrails_removed event fired the Slack rule');
      const digest = JSON.parse(slack.received[1].body) as { text: string };
      assert.match(digest.text, /change/);
      const hookDigest = digests(hook).at(-1)!;
      assert.ok(hookDigest.findings.some((f) => f.resourceId === guarded.current.id));
    });

    it('an alias moved to a weaker version and a new agent without guardrails fire the rules that chose them', async () => {
      await app.services.alerts.createRule(admin, {
        name: 'drift events',
        destinationIds: [slackId],
        events: ['alias_weaker', 'new_agent_without_guardrails'],
      });
      // The agent whose guardrails were removed above: its previous version still has them.
      const agent = sim.workspace.agents.find(
        (a) => a.current.guardrails === null && a.versions.some((v) => (v.guardrails?.length ?? 0) > 0),
      )!;
      const guardedVersion = agent.versions.filter((v) => (v.guardrails?.length ?? 0) > 0).at(-1)!.version;
      const iso = new Date(clock).toISOString();
      agent.aliases = [{ alias: 'production', version: guardedVersion, created_at: iso, updated_at: iso }];
      clock += 3600_000;
      await sync();
      const before = slack.received.length;
      // The alias moves to the unguarded version; a new agent without guardrails appears.
      const moved = new Date(clock).toISOString();
      agent.aliases = [
        { alias: 'production', version: agent.current.version, created_at: iso, updated_at: moved },
      ];
      const fresh = structuredClone(agent);
      fresh.current.id = 'ag_alerts_test_new';
      fresh.current.name = 'New unguarded agent';
      fresh.current.guardrails = null;
      fresh.current.created_at = moved;
      fresh.versions = [{ ...structuredClone(fresh.current), version: 0, versions: [0] }];
      fresh.current.version = 0;
      fresh.current.versions = [0];
      fresh.aliases = [];
      sim.workspace.agents.push(fresh);
      clock += 3600_000;
      await sync();
      assert.equal(slack.received.length, before + 1, 'one Slack digest for this sync');
      const text = slack.received.at(-1)!.body;
      assert.match(
        text,
        /Alias \\"production\\" of agent .* moved from version \d+ to version \d+, whose guardrails are weaker/,
      );
      assert.match(text, /New agent \\"New unguarded agent\\" has no guardrails/);
      const digest = (await app.services.alerts.listDeliveries(admin, { destinationId: slackId })).items[0];
      const payload = (await app.services.alerts.getDelivery(admin, digest.id))
        .payload as unknown as DigestPayload;
      assert.deepEqual(payload.events.map((e) => e.kind).sort(), [
        'alias_weaker',
        'new_agent_without_guardrails',
      ]);
    });

    it('retries with exponential backoff, then delivers; gives up on answers that cannot pass', async () => {
      hook.script([503, { status: 429, headers: { 'retry-after': '60' } }, 503]);
      const test = await app.services.alerts.sendTest(admin, webhookId);
      assert.equal(test.status, 'retrying');
      assert.equal(test.attempts, 1);
      assert.equal(test.lastStatusCode, 503);
      assert.equal(test.lastError, 'the receiver answered 503');
      const delays: number[] = [];
      let d = await app.services.alerts.getDelivery(admin, test.id);
      while (d.status === 'retrying') {
        delays.push(Date.parse(d.nextAttemptAt!) - Date.parse(d.lastAttemptAt!));
        clock = Date.parse(d.nextAttemptAt!);
        await app.services.alerts.tick();
        d = await app.services.alerts.getDelivery(admin, test.id);
      }
      assert.equal(d.status, 'delivered');
      assert.equal(d.attempts, 4);
      // base 1 s, ×4 per attempt (jitter fixed at its middle), and Retry-After honoured when longer.
      assert.deepEqual(delays, [1000, 60000, 16000]);
      const tests = hook.received.filter((r) => r.headers['trustlens-event'] === 'test');
      assert.equal(tests.length, 4);
      assert.equal(
        new Set(tests.map((r) => r.headers['trustlens-delivery'])).size,
        1,
        'same delivery id each time',
      );

      hook.script([404]);
      const gone = await app.services.alerts.sendTest(admin, webhookId);
      assert.equal(gone.status, 'failed');
      assert.equal(gone.attempts, 1);
      assert.match(gone.lastError ?? '', /404/);
      const failedOnly = await app.services.alerts.listDeliveries(admin, { status: 'failed' });
      assert.deepEqual(
        failedOnly.items.map((x) => x.id),
        [gone.id],
      );
    });

    it('gives up after the maximum attempts and says so', async () => {
      const down = await startWebhookReceiver();
      const { destination } = await app.services.alerts.createDestination(admin, {
        name: 'down',
        kind: 'webhook',
        url: down.url,
      });
      await down.close();
      let d = await app.services.alerts.sendTest(admin, destination.id);
      while (d.status === 'retrying') {
        clock = Date.parse(d.nextAttemptAt!);
        await app.services.alerts.tick();
        d = await app.services.alerts.getDelivery(admin, d.id);
      }
      assert.equal(d.status, 'failed');
      assert.equal(d.attempts, 6);
      assert.match(d.lastError ?? '', /refused.*gave up after 6 attempts/);
      await app.services.alerts.deleteDestination(admin, destination.id);
    });

    it('alerts when syncs fail N times in a row, once per streak', async () => {
      const failing = await app.services.integrations.create(admin, {
        name: 'doomed',
        apiKey: doomed.apiKey,
        baseUrl: doomed.url,
      });
      await app.services.alerts.createRule(admin, {
        name: 'sync failing',
        destinationIds: [webhookId],
        events: ['sync_failing'],
        syncFailingRuns: 2,
        integrationIds: [failing.id],
      });
      await doomed.close();
      const before = digests(hook).length;
      for (let i = 0; i < 3; i++) {
        clock += 3600_000;
        const run = await sync(failing.id);
        assert.equal(run.status, 'failed');
      }
      const mine = digests(hook)
        .slice(before)
        .filter((p) => p.integration?.id === failing.id);
      assert.equal(mine.length, 1, 'one alert when the streak reaches 2, none at 1 or 3');
      assert.equal(mine[0].syncFailing?.consecutiveFailures, 2);
      assert.ok(mine[0].syncFailing?.remediation);
    });

    it('scopes everything to the organization and needs the admin role to change it', async () => {
      const other: Actor = {
        kind: 'user',
        id: 'u',
        label: 'x@example.com',
        organizationId: 'org-other',
        role: 'admin',
      };
      const viewer: Actor = { ...admin, kind: 'user', id: 'v', label: 'v@example.com', role: 'viewer' };
      assert.deepEqual(await app.services.alerts.listDestinations(other), []);
      assert.deepEqual((await app.services.alerts.listDeliveries(other)).items, []);
      await assert.rejects(app.services.alerts.getDestination(other, webhookId), { code: 'NOT_FOUND' });
      await assert.rejects(app.services.alerts.sendTest(viewer, webhookId), { code: 'FORBIDDEN' });
      await assert.rejects(
        app.services.alerts.createDestination(viewer, { name: 'v', kind: 'webhook', url: hook.url }),
        { code: 'FORBIDDEN' },
      );
    });

    it('rotating the signing secret invalidates the old one', async () => {
      hook.received.length = 0;
      const rotated = await app.services.alerts.rotateSecret(admin, webhookId);
      assert.notEqual(rotated.signingSecret, webhookSecret);
      const d = await app.services.alerts.sendTest(admin, webhookId);
      assert.equal(d.status, 'delivered');
      const req = hook.received.at(-1)!;
      const header = req.headers['trustlens-signature'] as string;
      assert.equal(verifySignature(rotated.signingSecret, header, req.body, { now: new Date(clock) }), null);
      assert.equal(
        verifySignature(webhookSecret, header, req.body, { now: new Date(clock) }),
        'signature mismatch',
      );
    });

    it('deleting an integration narrows the rules limited to it, and disables one left with none', async () => {
      const extra = await app.services.integrations.create(admin, {
        name: 'extra',
        apiKey: sim.apiKey,
        baseUrl: sim.url,
      });
      const both = await app.services.alerts.createRule(admin, {
        name: 'two integrations',
        destinationIds: [webhookId],
        minSeverity: 'high',
        integrationIds: [integrationId, extra.id],
      });
      const only = await app.services.alerts.createRule(admin, {
        name: 'extra only',
        destinationIds: [webhookId],
        minSeverity: 'high',
        integrationIds: [extra.id],
      });
      await app.services.integrations.delete(admin, extra.id);
      const after = await app.services.alerts.getRule(admin, both.id);
      assert.deepEqual(after.integrationIds, [integrationId]);
      assert.equal(after.enabled, true);
      const disabled = await app.services.alerts.getRule(admin, only.id);
      assert.deepEqual(disabled.integrationIds, []);
      assert.equal(disabled.enabled, false, 'never widened to every integration');
      const entry = (await app.services.audit.list(admin)).items.find(
        (e) => e.action === 'integration.delete',
      );
      assert.deepEqual(entry?.details?.disabledAlertRules, [only.id]);
    });

    it('a sender whose lease was taken over cannot overwrite the outcome', async () => {
      hook.script([]);
      const d = await app.services.alerts.sendTest(admin, webhookId);
      assert.equal(d.status, 'delivered');
      // Replay what a stale sender would do: record with a lease that is not (any longer) the delivery's.
      const { createStore } = await import('../src/store/index.ts');
      const repo = createStore(t.db, { keyring }).alerts;
      const ok = await repo.recordAttempt(d.id, 'not-the-lease', {
        at: new Date(clock).toISOString(),
        statusCode: null,
        error: 'late',
        status: 'retrying',
        nextAttemptAt: new Date(clock).toISOString(),
      });
      assert.equal(ok, false);
      assert.equal((await app.services.alerts.getDelivery(admin, d.id)).status, 'delivered');
    });

    it('a reopened finding whose mute has expired fires; one whose mute is in force does not', async () => {
      const open = (await app.services.findings.list(admin, { integrationId, limit: 500 })).items.filter(
        (f) => f.lastStatus === 'FAIL' && !f.muted,
      );
      assert.ok(open.length >= 2);
      const [expiring, lasting] = open;
      await app.services.findings.mute(admin, expiring.id, {
        reason: 'accepted for an hour',
        expiresAt: new Date(clock + 3600_000).toISOString(),
      });
      await app.services.findings.mute(admin, lasting.id, { reason: 'accepted', expiresAt: null });
      clock += 2 * 3600_000;
      const run = await sync();
      const before = hook.received.length;
      // Replay the outbox of that run as if the sync had reopened both findings.
      await t.db.query(
        `UPDATE sync_runs SET finding_changes = $2::jsonb, alerts_evaluated_at = NULL WHERE id = $1`,
        [run.id, JSON.stringify({ opened: [], reopened: [expiring.id, lasting.id] })],
      );
      await t.db.query(`DELETE FROM alert_deliveries WHERE sync_run_id = $1`, [run.id]);
      await app.services.alerts.tick();
      const digest = digests(hook).slice(-1)[0];
      assert.equal(hook.received.length, before + 1);
      assert.equal(digest.syncRun?.id, run.id);
      const ids = digest.findings.map((f) => f.id);
      assert.ok(ids.includes(expiring.id), 'the expired mute no longer silences it');
      assert.ok(!ids.includes(lasting.id), 'a mute in force silences it');
      assert.ok(digest.findings.every((f) => f.transition === 'reopened'));
    });

    it('a muted connector-wide finding fires "worsened" when a new untrusted connector appears; not when nothing grew', async () => {
      const UC = 'mistral_integration_connector_untrusted_server';
      const finding = (await app.services.findings.list(admin, { integrationId, limit: 500 })).items.find(
        (f) => f.ruleId === UC && f.status === 'open' && f.lastStatus === 'FAIL',
      );
      assert.ok(finding, 'the simulated workspace has custom connectors on untrusted servers');
      await app.services.findings.mute(admin, finding.id, {
        reason: 'the lab connectors are accepted',
        expiresAt: null,
      });
      const mentions = (from: number) =>
        [...hook.received.slice(from), ...slack.received.slice(from)].filter((r) =>
          r.body.includes(finding.id),
        );
      // Nothing grew: the muted finding stays silent.
      let before = { hook: hook.received.length, slack: slack.received.length };
      clock += 3600_000;
      const quiet = await sync();
      assert.equal(quiet.status, 'succeeded');
      assert.equal(hook.received.length, before.hook, 'no digest when nothing grew');
      assert.equal(slack.received.length, before.slack);
      assert.deepEqual(mentions(0).length, 0);

      // A second untrusted connector appears (plain HTTP at a private address).
      const template = sim.workspace.connectors!.find((c) => c.connector.server?.startsWith('http://'))!;
      const added = structuredClone(template);
      added.connector.id = '0b9f3c2e-aaaa-4bbb-8ccc-000000000042';
      added.connector.name = 'shadow_db';
      added.connector.server = 'http://10.9.9.9:8080/mcp';
      sim.workspace.connectors!.push(added);
      before = { hook: hook.received.length, slack: slack.received.length };
      clock += 3600_000;
      const run = await sync();
      const { rows } = await t.db.query<{ finding_changes: Record<string, unknown> }>(
        'SELECT finding_changes FROM sync_runs WHERE id = $1',
        [run.id],
      );
      assert.deepEqual(rows[0].finding_changes.worsened, [finding.id]);
      const digest = digests(hook).at(-1)!;
      assert.equal(hook.received.length, before.hook + 1);
      assert.equal(digest.syncRun?.id, run.id);
      const f = digest.findings.find((x) => x.id === finding.id);
      assert.ok(f, 'the muted finding is in the digest');
      assert.equal(f.transition, 'worsened');
      assert.equal(f.muted, true);
      assert.equal(f.newItems?.count, 1);
      assert.deepEqual(
        f.newItems?.items.map((x) => x.id),
        [added.connector.id],
      );
      assert.match(f.newItems?.items[0].label ?? '', /^"shadow_db" \(http:\/\/10\.9\.9\.9:8080\/mcp\)$/);
      assert.equal(digest.summary.worsenedFindings, 1);
      assert.equal(slack.received.length, before.slack + 1, 'the high-severity Slack rule fired too');
      const text = slack.received.at(-1)!.body;
      assert.match(text, /1 worsened finding/);
      assert.match(text, /worsened: muted, but 1 new item appeared: \\"shadow_db\\"/);
      // The next sync, with the same connectors: silent again.
      before = { hook: hook.received.length, slack: slack.received.length };
      clock += 3600_000;
      await sync();
      assert.equal(hook.received.length, before.hook);
      assert.equal(slack.received.length, before.slack);
    });

    it('master-key rotation re-wraps the destination secrets; the old key is then not needed', async () => {
      const next = masterKeyFromBytes(randomBytes(32));
      const config = loadConfig({ dataDir: '/nonexistent-not-used' }, {});
      const rotating = await createApp(config, { db: t.db, keyring: createKeyring(next, [keyring.current]) });
      try {
        const before = await rotating.services.keys.status(admin);
        assert.ok(before.usage.some((u) => u.masterKeyId === keyring.current.id && u.alertSecrets >= 4));
        const r = await rotating.services.keys.rewrap(admin);
        assert.ok(r.rewrapped >= 4, `rewrapped ${r.rewrapped}`);
        const after = await rotating.services.keys.status(admin);
        assert.deepEqual(
          after.usage.map((u) => u.masterKeyId),
          [next.id],
        );
      } finally {
        await rotating.close();
      }
      const onlyNew = await createApp(config, { db: t.db, keyring: createKeyring(next) });
      try {
        const d = await onlyNew.services.alerts.sendTest(admin, webhookId);
        assert.equal(d.status, 'delivered');
      } finally {
        await onlyNew.close();
      }
    });
  });
}
