/**
 * The read-side services (inventory, findings, events, posture, rules) over stores filled by real
 * stored syncs against the simulator, on both back ends: filters, sort, pagination through every page,
 * organization isolation, mute rules, fix-first groups and exposure checked against a direct computation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resolve } from 'node:path';
import { isAppError } from '../src/errors/index.ts';
import type { AgentRecord } from '../src/inventory/types.ts';
import { createAgentIndex, guardrailState } from '../src/services/agent-index.ts';
import { createAuditService } from '../src/services/audit.ts';
import type { Actor } from '../src/services/context.ts';
import { createEventsService } from '../src/services/events.ts';
import { createFindingsService, parseMuteExpiry } from '../src/services/findings.ts';
import { createInventoryService } from '../src/services/inventory.ts';
import type { Page } from '../src/services/pagination.ts';
import { createPostureService } from '../src/services/posture.ts';
import { createRulesService } from '../src/services/rules.ts';
import { loadScenario, startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createStore, DEFAULT_ORGANIZATION_ID, type Store } from '../src/store/index.ts';
import { testBackends, type TestDatabase } from '../src/store/testing.ts';
import { runStoredSync } from '../src/sync/run-sync.ts';
import { testKeyring } from './store-fixtures.ts';
import { analyst, connectorFactory } from './helpers/read-fixtures.ts';

const SCENARIO = resolve(import.meta.dirname, '../scenarios/small.json');
const B = 'ag_0198a1b2c3d40000000000000000000b'; // Legal reviewer: guardrails that do not block
const NOW = new Date('2026-06-02T00:00:00Z');
const ORG_B = 'org_b';

const viewer: Actor = { ...analyst, id: 'u2', label: 'victor@example.com', role: 'viewer' };
const otherAdmin: Actor = {
  ...analyst,
  id: 'u3',
  label: 'eve@b.example',
  organizationId: ORG_B,
  role: 'admin',
};

async function rejects(p: Promise<unknown>, code: string, field?: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isAppError(e), String(e));
    assert.equal(e.code, code, e.message);
    if (field !== undefined) assert.equal(e.details.field, field);
    assert.ok(e.remediation, 'every error says what to do next');
    return true;
  });
}

async function allPages<T>(fetch: (cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = await fetch(cursor);
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

for (const backend of testBackends()) {
  describe(`read-side services (${backend.kind})`, { skip: backend.skip }, () => {
    let t: TestDatabase;
    let store: Store;
    const sims: SimulatorHandle[] = [];
    let small: string;
    let gen: string;
    let foreign: string;
    let services: ReturnType<typeof build>;
    const now = () => NOW;

    function build() {
      const audit = createAuditService({ audit: store.audit, now });
      const agentIndex = createAgentIndex({ store, now });
      return {
        inventory: createInventoryService({ store, agentIndex, now }),
        findings: createFindingsService({ store, audit, now }),
        events: createEventsService({ store }),
        posture: createPostureService({ store, agentIndex, now }),
        rules: createRulesService(),
      };
    }

    before(async () => {
      t = await backend.open();
      store = createStore(t.db, { keyring: testKeyring() });
      const simSmall = await startSimulator({ workspace: loadScenario(SCENARIO) });
      const simGen = await startSimulator({ seed: 7, generator: { agents: 40, conversations: 300 } });
      const simForeign = await startSimulator({ workspace: loadScenario(SCENARIO) });
      sims.push(simSmall, simGen, simForeign);
      await store.accounts.createOrganization({
        id: ORG_B,
        name: 'B',
        simulated: false,
        createdAt: NOW.toISOString(),
      });
      small = (
        await store.integrations.create({ name: 'small', apiKey: simSmall.apiKey, baseUrl: simSmall.url })
      ).id;
      gen = (await store.integrations.create({ name: 'gen', apiKey: simGen.apiKey, baseUrl: simGen.url })).id;
      foreign = (
        await store.integrations.create({
          name: 'foreign',
          apiKey: simForeign.apiKey,
          baseUrl: simForeign.url,
          organizationId: ORG_B,
        })
      ).id;
      for (const id of [small, gen, foreign]) {
        await runStoredSync({ store, integrationId: id, connectorFactory, now: NOW });
      }
      services = build();
    });
    after(async () => {
      for (const s of sims) await s.close();
      await t?.cleanup();
    });

    it('lists agents across pages in every sort order, with no duplicate and no gap', async () => {
      const live = [
        ...(await store.inventory.loadLive(small)).agents,
        ...(await store.inventory.loadLive(gen)).agents,
      ];
      const expected = live.map((a) => a.id).sort();
      for (const sort of ['name', 'model', 'openFindings', 'runs', 'lastActivity', 'riskScore'] as const) {
        for (const order of ['asc', 'desc'] as const) {
          const items = await allPages((cursor) =>
            services.inventory.listAgents(analyst, { sort, order, limit: 7, cursor }),
          );
          assert.deepEqual(items.map((a) => a.id).sort(), expected, `${sort} ${order}`);
          // Sorted: non-null values in order, nulls last.
          const key = (a: (typeof items)[number]) =>
            sort === 'name'
              ? (a.name ?? '').toLowerCase()
              : sort === 'model'
                ? (a.model ?? '')
                : sort === 'openFindings'
                  ? a.openFindings.total
                  : sort === 'runs'
                    ? a.runs30d
                    : sort === 'lastActivity'
                      ? a.lastActivityAt
                      : a.riskScore;
          for (let i = 1; i < items.length; i++) {
            const [x, y] = [key(items[i - 1]), key(items[i])];
            if (x === null || y === null) {
              assert.ok(y === null, `${sort} ${order}: nulls last`);
              continue;
            }
            assert.ok(order === 'asc' ? x <= y : x >= y, `${sort} ${order} at ${i}: ${x} then ${y}`);
          }
        }
      }
      // A cursor from another sort order is refused.
      const first = await services.inventory.listAgents(analyst, { sort: 'name', limit: 3 });
      await rejects(
        services.inventory.listAgents(analyst, { sort: 'runs', cursor: first.nextCursor ?? undefined }),
        'INVALID_INPUT',
        'cursor',
      );
      await rejects(
        services.inventory.listAgents(analyst, { cursor: 'garbage!' }),
        'INVALID_INPUT',
        'cursor',
      );
    });

    it('filters agents (guardrails, model, tool, open findings, name, status) like a direct computation', async () => {
      const live = (await store.inventory.loadLive(gen)).agents;
      const ids = async (q: Parameters<typeof services.inventory.listAgents>[1]) =>
        (
          await allPages((cursor) =>
            services.inventory.listAgents(analyst, { integrationId: gen, ...q, cursor }),
          )
        )
          .map((a) => a.id)
          .sort();
      for (const state of ['none', 'non_blocking', 'blocking', 'unknown'] as const) {
        assert.deepEqual(
          await ids({ guardrails: state }),
          live
            .filter((a) => guardrailState(a) === state)
            .map((a) => a.id)
            .sort(),
          state,
        );
      }
      const model = live[0].model;
      assert.deepEqual(
        await ids({ model }),
        live
          .filter((a) => a.model === model)
          .map((a) => a.id)
          .sort(),
      );
      const withWeb = live.filter((a) => a.tools.some((t) => t.type === 'web_search')).map((a) => a.id);
      assert.deepEqual(await ids({ tool: 'WEB_SEARCH' }), withWeb.sort());
      const q = live[3].name.slice(1, 5).toUpperCase();
      assert.deepEqual(
        await ids({ q }),
        live
          .filter((a) => a.name.toLowerCase().includes(q.toLowerCase()))
          .map((a) => a.id)
          .sort(),
      );
      assert.deepEqual(
        await ids({ status: 'active' }),
        live
          .filter((a) => a.status === 'active')
          .map((a) => a.id)
          .sort(),
      );
      const open = await store.findings.list(gen, { status: 'open' }, NOW);
      const withFindings = new Set(open.filter((f) => f.resourceType === 'agent').map((f) => f.resourceId));
      assert.deepEqual(await ids({ hasOpenFindings: true }), [...withFindings].sort());
      assert.equal((await ids({ hasOpenFindings: false })).length, live.length - withFindings.size);
      await rejects(
        services.inventory.listAgents(analyst, { guardrails: 'some' as never }),
        'INVALID_INPUT',
        'guardrails',
      );
      await rejects(
        services.inventory.listAgents(analyst, { sort: 'size' as never }),
        'INVALID_INPUT',
        'sort',
      );
      await rejects(services.inventory.listAgents(analyst, { limit: 0 }), 'INVALID_INPUT', 'limit');
    });

    it('summaries carry open findings by severity, runs on 30 days and a risk score', async () => {
      const list = await services.inventory.listAgents(analyst, { integrationId: small });
      const b = list.items.find((a) => a.id === B);
      assert.ok(b);
      assert.equal(b.guardrailState, 'non_blocking');
      assert.equal(b.openFindings.total, 9);
      assert.equal(b.openFindings.bySeverity.critical + b.openFindings.bySeverity.high > 0, true);
      assert.ok(b.riskScore > 60 && b.riskScore <= 100);
      const latest = await store.riskScores.latest(small);
      assert.equal(b.riskScore, latest.find((s) => s.scope === 'agent' && s.resourceId === B)?.score);
    });

    it('keeps another organization invisible', async () => {
      const mine = await allPages((cursor) => services.inventory.listAgents(analyst, { cursor, limit: 100 }));
      assert.ok(mine.every((a) => a.integrationId !== foreign));
      const theirs = await services.inventory.listAgents(otherAdmin, {});
      assert.ok(theirs.items.length > 0 && theirs.items.every((a) => a.integrationId === foreign));
      await rejects(services.inventory.listAgents(analyst, { integrationId: foreign }), 'NOT_FOUND');
      await rejects(services.inventory.getAgent(analyst, foreign, B), 'NOT_FOUND');
      await rejects(services.inventory.compareAgentVersions(analyst, foreign, B, 0, 1), 'NOT_FOUND');
      await rejects(services.inventory.listModels(analyst, { integrationId: foreign }), 'NOT_FOUND');
      await rejects(services.findings.list(analyst, { integrationId: foreign }), 'NOT_FOUND');
      await rejects(services.events.list(analyst, { integrationId: foreign }), 'NOT_FOUND');
      await rejects(services.posture.summary(analyst, { integrationId: foreign }), 'NOT_FOUND');
      await rejects(services.posture.fixFirst(analyst, { integrationId: foreign }), 'NOT_FOUND');
      await rejects(services.posture.exposure(analyst, { integrationId: foreign }), 'NOT_FOUND');
      const foreignFinding = (await store.findings.list(foreign))[0];
      await rejects(services.findings.get(analyst, foreignFinding.id), 'NOT_FOUND');
      await rejects(services.findings.mute(analyst, foreignFinding.id, { reason: 'x' }), 'NOT_FOUND');
      const all = await allPages((cursor) => services.findings.list(analyst, { status: 'all', cursor }));
      assert.ok(all.length > 0 && all.every((f) => f.integrationId !== foreign));
      const summary = await services.posture.summary(analyst);
      assert.deepEqual(summary.integrations.map((i) => i.integrationId).sort(), [small, gen].sort());
    });

    it('gives one agent in full, and compares two of its versions', async () => {
      const live = (await store.inventory.loadLive(small)).agents.find((a) => a.id === B) as AgentRecord;
      const d = await services.inventory.getAgent(viewer, small, B);
      assert.equal(d.name, live.name);
      assert.deepEqual(d.guardrails, live.guardrails);
      assert.deepEqual(d.guardrailPolicies, live.guardrailPolicies);
      assert.deepEqual(d.versions, live.versions);
      assert.equal(d.findings.length, 9);
      assert.ok(d.findings.every((f) => f.status === 'open' && f.remediation.length > 0));
      assert.ok(d.usage !== null && Array.isArray(d.usageDaily));
      const runs = (d.usageDaily ?? []).reduce((n, p) => n + p.runs, 0);
      assert.equal(runs, live.usage?.last90Days.totalRuns);
      for (const kb of d.knowledgeBases) assert.ok(kb.documentCount === null || kb.documentCount >= 0);
      await rejects(services.inventory.getAgent(viewer, small, 'ag_nope'), 'NOT_FOUND');

      const withVersions = (await store.inventory.loadLive(gen)).agents.find(
        (a) => a.versionHistory.length >= 2,
      );
      assert.ok(withVersions, 'the generated workspace has an agent with two versions');
      const [v0, v1] = withVersions.versionHistory.map((v) => v.version);
      const cmp = await services.inventory.compareAgentVersions(viewer, gen, withVersions.id, v0, v1);
      assert.ok(cmp.changes.some((c) => c.field === 'version'));
      const same = await services.inventory.compareAgentVersions(viewer, gen, withVersions.id, v0, v0);
      assert.deepEqual(same.changes, []);
      await rejects(
        services.inventory.compareAgentVersions(viewer, gen, withVersions.id, v0, 999),
        'NOT_FOUND',
      );
      await rejects(
        services.inventory.compareAgentVersions(viewer, gen, withVersions.id, -1, v0),
        'INVALID_INPUT',
        'fromVersion',
      );
    });

    it('lists models, files and libraries with the agents using them', async () => {
      const live = await store.inventory.loadLive(gen);
      const models = await allPages((cursor) =>
        services.inventory.listModels(analyst, { integrationId: gen, limit: 4, cursor }),
      );
      assert.deepEqual(models.map((m) => m.id).sort(), live.models.map((m) => m.id).sort());
      for (const m of models) {
        const names = new Set([m.id, ...m.aliases]);
        assert.equal(m.agentCount, live.agents.filter((a) => names.has(a.model)).length, m.id);
      }
      const libs = await allPages((cursor) =>
        services.inventory.listLibraries(analyst, { integrationId: gen, limit: 2, cursor }),
      );
      assert.equal(libs.length, live.libraries.length);
      for (const l of libs) {
        assert.equal(
          l.agentCount,
          live.agents.filter((a) => a.knowledgeBases.some((k) => k.id === l.id)).length,
          l.id,
        );
      }
      const files = await allPages((cursor) =>
        services.inventory.listFiles(analyst, { integrationId: gen, limit: 3, cursor }),
      );
      assert.deepEqual(files.map((f) => f.id).sort(), live.files.map((f) => f.id).sort());
    });

    it('lists findings through every page with filters, and maps frameworks', async () => {
      const direct = await store.findings.list(gen, { status: 'open' }, NOW);
      const listed = await allPages((cursor) =>
        services.findings.list(analyst, { integrationId: gen, limit: 9, cursor }),
      );
      assert.deepEqual(listed.map((f) => f.id).sort(), direct.map((f) => f.id).sort());
      assert.equal(new Set(listed.map((f) => f.id)).size, listed.length);
      const high = await allPages((cursor) =>
        services.findings.list(analyst, {
          integrationId: gen,
          severity: ['high', 'critical'],
          cursor,
          limit: 5,
        }),
      );
      assert.deepEqual(
        high.map((f) => f.id).sort(),
        direct
          .filter((f) => f.severity === 'high' || f.severity === 'critical')
          .map((f) => f.id)
          .sort(),
      );
      const rule = direct[0].ruleId;
      const byRule = await services.findings.list(analyst, { integrationId: gen, ruleId: rule, limit: 500 });
      assert.deepEqual(
        byRule.items.map((f) => f.id).sort(),
        direct
          .filter((f) => f.ruleId === rule)
          .map((f) => f.id)
          .sort(),
      );
      const catalog = services.rules.catalog();
      const llm01 = new Set(
        catalog
          .filter((r) => r.frameworks.some((f) => f.framework === 'owasp-llm-2025' && f.id === 'LLM01'))
          .map((r) => r.id),
      );
      const fw = await allPages((cursor) =>
        services.findings.list(analyst, { integrationId: gen, framework: 'owasp-llm-2025:LLM01', cursor }),
      );
      assert.deepEqual(
        fw.map((f) => f.id).sort(),
        direct
          .filter((f) => llm01.has(f.ruleId))
          .map((f) => f.id)
          .sort(),
      );
      const files = await services.findings.list(analyst, { resourceType: 'file' });
      assert.ok(files.items.every((f) => f.resourceType === 'file'));
      await rejects(
        services.findings.list(analyst, { framework: 'iso-42001' }),
        'INVALID_INPUT',
        'framework',
      );
      await rejects(
        services.findings.list(analyst, { severity: ['urgent' as never] }),
        'INVALID_INPUT',
        'severity',
      );
      await rejects(
        services.findings.list(analyst, { status: 'closed' as never }),
        'INVALID_INPUT',
        'status',
      );
    });

    it('mutes and unmutes with reason, expiry, replace rules and history; viewers cannot', async () => {
      const target = (await store.findings.list(small, { status: 'open' }, NOW)).find(
        (f) => f.resourceId === B,
      )!;
      await rejects(services.findings.mute(viewer, target.id, { reason: 'x' }), 'FORBIDDEN');
      await rejects(services.findings.mute(analyst, target.id, { reason: '  ' }), 'INVALID_INPUT', 'reason');
      await rejects(
        services.findings.mute(analyst, target.id, { reason: 'r', expiresAt: '2026-02-30' }),
        'INVALID_INPUT',
        'expiresAt',
      );
      await rejects(
        services.findings.mute(analyst, target.id, { reason: 'r', expiresAt: '2026-06-01' }),
        'INVALID_INPUT',
        'expiresAt',
      );
      await rejects(
        services.findings.mute(analyst, target.id, { reason: 'r', expiresAt: '2026-07-01T10:00:00' }),
        'INVALID_INPUT',
        'expiresAt',
      );
      const before = (await services.inventory.listAgents(analyst, { integrationId: small })).items.find(
        (a) => a.id === B,
      )!;
      const muted = await services.findings.mute(analyst, target.id, {
        reason: 'sandbox agent',
        expiresAt: '2026-06-30',
      });
      assert.equal(muted.muted, true);
      assert.equal(muted.mute?.expiresAt, '2026-06-30T23:59:59.999Z');
      assert.equal(muted.mute?.by, analyst.label);
      // Hidden by default, shown with muted=only; counts and scores move at once.
      const open = await allPages((cursor) =>
        services.findings.list(analyst, { integrationId: small, cursor }),
      );
      assert.ok(!open.some((f) => f.id === target.id));
      const only = await services.findings.list(analyst, { integrationId: small, muted: 'only' });
      assert.deepEqual(
        only.items.map((f) => f.id),
        [target.id],
      );
      const afterMute = (await services.inventory.listAgents(analyst, { integrationId: small })).items.find(
        (a) => a.id === B,
      )!;
      assert.equal(afterMute.openFindings.total, before.openFindings.total - 1);
      assert.ok(afterMute.riskScore < before.riskScore);

      await rejects(services.findings.mute(analyst, target.id, { reason: 'again' }), 'CONFLICT');
      const replaced = await services.findings.mute(analyst, target.id, {
        reason: 'accepted until the audit',
        replace: true,
      });
      assert.equal(replaced.mute?.expiresAt, null);
      const unmuted = await services.findings.unmute(analyst, target.id);
      assert.equal(unmuted.muted, false);
      assert.deepEqual(
        unmuted.muteHistory.map((h) => [h.action, h.by, h.reason, h.expiresAt]),
        [
          ['mute', analyst.label, 'sandbox agent', '2026-06-30T23:59:59.999Z'],
          ['mute', analyst.label, 'accepted until the audit', null],
          ['unmute', analyst.label, null, null],
        ],
      );
      const detail = await services.findings.get(viewer, target.id);
      assert.equal(detail.muteHistory.length, 3);
      assert.ok(detail.remediationDetails.text.length > 0);
      const audit = await store.audit.list({ organizationId: DEFAULT_ORGANIZATION_ID, limit: 10 });
      assert.deepEqual(
        audit
          .filter((e) => e.targetId === target.id)
          .map((e) => e.action)
          .reverse(),
        ['finding.mute', 'finding.mute', 'finding.unmute'],
      );
      assert.equal(parseMuteExpiry('2028-02-29', NOW), '2028-02-29T23:59:59.999Z');
      assert.equal(parseMuteExpiry('2026-06-02T10:00:00+02:00', NOW), '2026-06-02T08:00:00.000Z');
    });

    it('groups open findings by the one change that clears them (fix first)', async () => {
      const { groups } = await services.posture.fixFirst(otherAdmin, {});
      assert.ok(groups.every((g) => g.integrationId === foreign));
      const open = await store.findings.list(foreign, { status: 'open' }, NOW);
      // Every open finding is in exactly one group.
      const cleared = groups.flatMap((g) => g.clears.map((f) => f.id));
      assert.deepEqual([...cleared].sort(), open.map((f) => f.id).sort());
      const guard = groups.find((g) => g.resourceId === B && g.patchAgentBody !== null && g.verified);
      assert.ok(guard, 'a verified guardrails change for agent B');
      assert.deepEqual(Object.keys(guard.patchAgentBody ?? {}), ['guardrails']);
      assert.deepEqual(guard.clears.map((f) => f.ruleId).sort(), [
        'mistral_agent_chat_deployed_unguarded',
        'mistral_agent_guardrails_jailbreak_unchecked',
        'mistral_agent_guardrails_not_blocking',
        'mistral_agent_guardrails_pii_unchecked',
        // Not mistral_agent_risky_tool_combination: guardrails screen user input only, so no guardrail
        // change clears it.
      ]);
      assert.match(
        guard.change,
        /^Attach a blocking moderation_llm_v2 policy \(fail-closed, checking jailbreaking and pii\)/,
      );
      assert.equal(groups[0], guard, 'it removes the most risk, so it comes first');
      // Ranked by the risk removed.
      for (let i = 1; i < groups.length; i++) assert.ok(groups[i - 1].riskRemoved >= groups[i].riskRemoved);
      // The alias finding is not cleared by the PATCH (aliases do not move): its own group.
      const alias = groups.find((g) =>
        g.clears.some((f) => f.ruleId === 'mistral_agent_alias_unguarded_version'),
      );
      assert.ok(alias && alias.clears.length === 1 && alias.patchAgentBody === null);
    });

    it('computes exposure by traffic like a direct computation over the stored usage', async () => {
      const ex = await services.posture.exposure(analyst, {});
      const g = ex.integrations.find((i) => i.integrationId === gen)!;
      assert.equal(g.usageAvailable, true);
      const agents = await store.inventory.list(gen, 'agent', { includeDeleted: true });
      const guarded = new Set(
        agents.filter((a) => guardrailState(a.data as AgentRecord) === 'blocking').map((a) => a.id),
      );
      const { rows } = await t.db.query<{
        conversation_id: string;
        agent_id: string | null;
        day: string;
        runs: number;
      }>(
        'SELECT conversation_id, agent_id, day, runs::float8 AS runs FROM usage_rows WHERE integration_id = $1',
        [gen],
      );
      const direct = (from: string) => {
        const inWindow = rows.filter((r) => r.agent_id !== null && r.day >= from && r.day <= '2026-06-02');
        const exposed = inWindow.filter((r) => !guarded.has(r.agent_id!));
        return {
          runs: [exposed.reduce((n, r) => n + r.runs, 0), inWindow.reduce((n, r) => n + r.runs, 0)],
          conversations: [
            new Set(exposed.map((r) => r.conversation_id)).size,
            new Set(inWindow.map((r) => r.conversation_id)).size,
          ],
        };
      };
      for (const [w, from] of [
        [g.last7Days!, '2026-05-27'],
        [g.last30Days!, '2026-05-04'],
      ] as const) {
        const d = direct(from);
        assert.equal(w.from, from);
        assert.deepEqual([w.runs.exposed, w.runs.total], d.runs);
        assert.deepEqual([w.conversations.exposed, w.conversations.total], d.conversations);
        assert.equal(w.runs.share, d.runs[1] > 0 ? d.runs[0] / d.runs[1] : null);
      }
      assert.ok(g.last30Days!.runs.total > 0, 'the generated workspace has traffic in the window');
      assert.equal(g.daily!.length, 30);
      assert.equal(
        g.daily!.reduce((n, d) => n + d.runs.total, 0),
        g.last30Days!.runs.total,
      );
      // The organization adds its integrations up.
      const total = ex.integrations.reduce((n, i) => n + (i.last30Days?.runs.total ?? 0), 0);
      assert.equal(ex.organization.last30Days?.runs.total, total);
      assert.equal(ex.organization.integrationsWithoutUsage, 0);
    });

    it('summarises posture per integration and for the organization', async () => {
      const s = await services.posture.summary(analyst, {});
      const g = s.integrations.find((i) => i.integrationId === gen)!;
      const live = await store.inventory.loadLive(gen);
      assert.equal(g.agents, live.agents.length);
      assert.equal(g.models, live.models.length);
      assert.equal(g.agentsWithoutGuardrails, live.agents.filter((a) => a.guardrails === null).length);
      const latest = await store.riskScores.latest(gen);
      assert.equal(
        g.riskScore,
        latest.find((x) => x.scope === 'integration')?.score,
        'no mute since the sync',
      );
      assert.equal(g.riskTrend.length, 1);
      const scores = s.integrations.map((i) => i.riskScore).filter((x): x is number => x !== null);
      assert.equal(scores.length, s.integrations.length, 'every integration here has synced');
      const blend = 0.5 * Math.max(...scores) + 0.5 * (scores.reduce((a, b) => a + b, 0) / scores.length);
      assert.equal(s.organization.riskScore, Math.round(blend * 10 + 1e-9) / 10);
      assert.equal(
        s.organization.agents,
        s.integrations.reduce((n, i) => n + i.agents, 0),
      );
    });

    it('lists change events with filters and pages', async () => {
      const sim = sims[0];
      sim.workspace.agents = sim.workspace.agents.filter((a) => a.current.id !== B);
      await runStoredSync({
        store,
        integrationId: small,
        connectorFactory,
        now: new Date('2026-06-02T06:00:00Z'),
      });
      sim.evolve({ agentsAdded: 2, agentsDeleted: 0 });
      await runStoredSync({
        store,
        integrationId: small,
        connectorFactory,
        now: new Date('2026-06-02T07:00:00Z'),
      });
      const direct = await store.events.list(small, { limit: 1000 });
      const listed = await allPages((cursor) =>
        services.events.list(analyst, { integrationId: small, limit: 1, cursor }),
      );
      assert.deepEqual(
        listed.map((e) => e.id),
        direct.map((e) => e.id),
      );
      assert.ok(listed.length >= 3);
      const deleted = await services.events.list(analyst, { type: 'resource_deleted', resourceId: B });
      assert.deepEqual(
        deleted.items.map((e) => [e.type, e.resourceId]),
        [['resource_deleted', B]],
      );
      const since = await services.events.list(analyst, {
        integrationId: small,
        since: '2026-06-02T06:30:00Z',
      });
      assert.ok(since.items.length > 0 && since.items.every((e) => e.at >= '2026-06-02T06:30:00.000Z'));
      await rejects(services.events.list(analyst, { since: 'yesterday' }), 'INVALID_INPUT', 'since');
      await rejects(services.events.list(analyst, { type: 'exploded' }), 'INVALID_INPUT', 'type');
      // The deleted agent is gone from lists unless asked.
      const live = await allPages((cursor) =>
        services.inventory.listAgents(analyst, { integrationId: small, cursor }),
      );
      assert.ok(!live.some((a) => a.id === B));
      const withDeleted = await services.inventory.listAgents(analyst, {
        integrationId: small,
        includeDeleted: true,
      });
      assert.ok(withDeleted.items.some((a) => a.id === B && a.deletedAt !== null));
    });
  });
}
