/**
 * Issue 11 end to end on the simulator: MCP connectors (with credentials per scope, joined to the
 * agents that use them) and library sharing are discovered, reported in the scan JSON, stored by a
 * sync and judged by their rules; without the beta (or with a feature off) they are reported
 * unavailable with a remediation, the rules say UNKNOWN, and nothing else changes. A credential in a
 * connector's server URL never reaches the snapshot, the report, the findings or the database.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { createKeyring, masterKeyFromBytes } from '../src/crypto/index.ts';
import { buildScanReport } from '../src/exports/scan-report.ts';
import { createMistralConnector } from '../src/mistral/index.ts';
import { getRule } from '../src/rules/catalog.ts';
import { connectorTools } from '../src/rules/connector-helpers.ts';
import { HOSTILE_PAYLOADS } from '../src/simulator/hostile.ts';
import { startSimulator, type SimulatorHandle } from '../src/simulator/index.ts';
import { createStore } from '../src/store/store.ts';
import { testBackends } from '../src/store/testing.ts';
import { discoverWorkspace } from '../src/sync/discover.ts';
import { runPipeline } from '../src/sync/pipeline.ts';
import { runStoredSync } from '../src/sync/run-sync.ts';
import { createMemoryUsageStateStore } from '../src/usage/memory-state-store.ts';

const NOW = new Date('2026-06-01T12:00:00.000Z');
/** The password in the generated deploy_bot connector's server URL (src/simulator/connectors.ts). */
const URL_SECRET = 's3cr3t-pa55';
/**
 * Every rule that reads connector or library-sharing data (the connectors, their tools or
 * credentials, shares): their verdicts may change when those features are off, every other rule's
 * may not. Since 602119d/baa6938 the confirmation rules and the risky tool combination read a
 * connector's tools too.
 */
const NEW_RULES = [
  'mistral_integration_connector_untrusted_server',
  'mistral_integration_connector_credentials_failing',
  'mistral_agent_connector_unconfirmed',
  'mistral_agent_connector_org_credentials_unconfirmed',
  'mistral_agent_risky_tool_combination',
  'mistral_agent_connector_missing',
  'mistral_library_sensitive_shared_org',
];

// The simulator on 127.0.0.1 has no rate to respect: at the default 20 requests a second, pacing alone made
// this file last ~55 s (a scan here is ~140 requests, ~180 at page size 3). A few at once, and room for a
// retry on a loaded machine (a keep-alive socket reset by the simulator).
const FAST = {
  requestsPerSecond: 1000,
  maxConcurrency: 4,
  maxRetryElapsedMs: 30_000,
  requestTimeoutMs: 30_000,
};

const connectorFor = (sim: SimulatorHandle, pageSize = 100) =>
  createMistralConnector({ apiKey: sim.apiKey, baseUrl: sim.url, pageSize, ...FAST });

async function scan(sim: SimulatorHandle) {
  const p = await runPipeline({
    connector: connectorFor(sim, 3),
    now: NOW,
    usageState: createMemoryUsageStateStore(),
  });
  return { pipeline: p, report: buildScanReport(p.snapshot, p.results, (id) => getRule(id)?.meta, NOW) };
}

describe('connectors and library sharing in the inventory', () => {
  test('discovered with credentials per scope, joined to agents, judged; no credential value anywhere', async () => {
    const sim = await startSimulator({ seed: 5 });
    try {
      // Agent 0 (every tool type) calls the built-in gmail connector by name.
      for (const t of sim.workspace.agents[0].current.tools ?? [])
        if (t.type === 'connector') t.connector_id = 'gmail';
      const { pipeline, report } = await scan(sim);
      const s = pipeline.snapshot;
      // (The admin-key rows beside them are test/admin-discovery.test.ts's.)
      assert.deepEqual(
        { connectors: s.extraAvailability?.connectors, librarySharing: s.extraAvailability?.librarySharing },
        { connectors: { status: 'available' }, librarySharing: { status: 'available' } },
      );
      const ws = sim.workspace.connectors ?? [];
      assert.equal(
        s.connectors?.length,
        ws.length,
        'every connector, over several cursor pages (page size 3)',
      );
      assert.equal(report.summary.connectors, ws.length);
      const byName = new Map((s.connectors ?? []).map((c) => [c.name, c]));

      // Tools: notion's listing sends tools: null and warehouse_db's none; both are read with
      // GET /v1/connectors/{id}/tools (MCPTool records carry no active flag), the others are not.
      const toolNames = (name: string) => byName.get(name)!.tools?.map((t) => t.name);
      assert.deepEqual(toolNames('notion'), ['search_pages', 'update_page']);
      assert.deepEqual(toolNames('warehouse_db'), ['query', 'update_record']);
      assert.equal(byName.get('notion')!.tools?.[0].active, null);
      assert.deepEqual(toolNames('github'), ['search_code', 'create_issue', 'merge_pull_request']);
      const toolReads = sim
        .stats()
        .byRoute.filter((r) => r.route === '/v1/connectors/{connector_id_or_name}/tools');
      assert.deepEqual(
        toolReads.map((r) => [r.status, r.count]),
        [[200, 2]],
        'one read for each of the two',
      );

      // Credentials per scope, names and status only.
      const github = byName.get('github')!;
      assert.deepEqual(
        github.credentials?.map((c) => [c.scope, c.name, c.authType, c.status, c.errorReason]),
        [['organization', 'github_org', 'github_app', 'error', 'oauth expired']],
      );
      assert.deepEqual(byName.get('jira')!.credentialCounts, { organization: 0, workspace: 1, user: 0 });
      assert.equal(byName.get('gmail')!.builtIn, true);

      // Server URLs: the credential is removed and only its presence recorded.
      const deploy = byName.get('deploy_bot')!;
      assert.equal(deploy.builtIn, false);
      assert.equal(deploy.serverHadCredentials, true);
      assert.equal(deploy.server, 'https://mcp.deploy-bot.example.com/sse');
      assert.equal(byName.get('warehouse_db')!.serverExposure, 'private');
      assert.equal(byName.get('warehouse_db')!.serverScheme, 'http');
      assert.ok(!JSON.stringify(s).includes(URL_SECRET), 'not in the snapshot');
      assert.ok(!JSON.stringify(report).includes(URL_SECRET), 'not in the scan JSON');

      // The join: agents using a connector by name appear on it; and the same agents' tools name it.
      for (const c of s.connectors ?? []) {
        const expected = s.agents
          .filter((a) =>
            a.tools.some((t) => t.type === 'connector' && [c.id, c.name].includes(String(t.connector_id))),
          )
          .map((a) => a.id)
          .sort();
        assert.deepEqual(c.usedByAgents, expected, c.name);
      }
      assert.ok(
        (s.connectors ?? []).some((c) => c.usedByAgents.length > 0),
        'some connector is used by an agent',
      );

      // Sharing: every library has its owner; one is shared org-wide with its document names read.
      assert.ok(s.libraries.every((l) => (l.shares ?? []).some((x) => x.role === 'Owner')));
      const orgWide = s.libraries.filter((l) => (l.shares ?? []).some((x) => x.sharedWithType === 'Org'));
      assert.equal(orgWide.length, 1);
      assert.ok(orgWide[0].orgSharedDocumentNames?.some((n) => n.startsWith('payroll_')));

      // The rules.
      const status = (ruleId: string) =>
        pipeline.results.filter((r) => r.ruleId === ruleId).map((r) => r.status);
      assert.deepEqual(status('mistral_integration_connector_untrusted_server'), ['FAIL']);
      assert.deepEqual(status('mistral_integration_connector_credentials_failing'), ['FAIL']);
      assert.ok(status('mistral_library_sensitive_shared_org').includes('FAIL'));
      const untrusted = pipeline.results.find(
        (r) => r.ruleId === 'mistral_integration_connector_untrusted_server',
      )!;
      assert.deepEqual(
        (untrusted.evidence?.connectors as Array<{ name: string }>).map((c) => c.name).sort(),
        ['deploy_bot', 'local_notes', 'warehouse_db'],
      );
      // Agents with a connector tool whose connector_id is a random uuid use a connector that does not exist.
      const dangling = s.agents.filter((a) =>
        a.tools.some(
          (t) =>
            t.type === 'connector' &&
            !(s.connectors ?? []).some((c) => [c.id, c.name].includes(String(t.connector_id))),
        ),
      );
      const missing = pipeline.results.filter(
        (r) => r.ruleId === 'mistral_agent_connector_missing' && r.status === 'FAIL',
      );
      assert.deepEqual(missing.map((r) => r.resourceId).sort(), dangling.map((a) => a.id).sort());
    } finally {
      await sim.close();
    }
  });

  test('without the beta, or with one feature off: unavailable with a remediation, rules UNKNOWN, nothing else changes', async () => {
    const sim = await startSimulator({ seed: 5 });
    try {
      const full = await scan(sim);
      sim.configure({ features: { connectors: false, librarySharing: false } });
      const off = await scan(sim);
      for (const k of ['connectors', 'librarySharing'] as const) {
        const av = off.report.extraAvailability[k];
        assert.equal(av.status, 'unavailable', k);
        assert.equal(av.code, 'BETA_ACCESS_REQUIRED');
        assert.ok((av.remediation ?? '').length > 0);
      }
      assert.deepEqual(off.report.connectors, []);
      assert.equal(off.report.summary.connectors, null, 'unknown, never 0');
      // Never PASS without data (an agent with no connector tool needs no connector data to pass).
      const withConnectorTool = new Set(
        off.pipeline.snapshot.agents
          .filter((a) => a.tools.some((t) => t.type === 'connector'))
          .map((a) => a.id),
      );
      assert.ok(withConnectorTool.size > 0);
      // (A connector tool whose own `include` list bounds what it can call is judged on those names,
      // connectors read or not: a PASS resting only on such judgements rests on data.)
      const boundedByInclude = (evidence: Record<string, unknown> | undefined) => {
        const judged = [evidence?.connectors, evidence?.connectorTools].find(Array.isArray) as
          Array<{ callableFrom?: unknown }> | undefined;
        return !!judged && judged.length > 0 && judged.every((j) => j.callableFrom === 'include');
      };
      for (const r of off.pipeline.results.filter((x) => NEW_RULES.includes(x.ruleId))) {
        if (r.resourceType === 'agent' && !withConnectorTool.has(r.resourceId)) continue;
        if (r.status === 'PASS' && boundedByInclude(r.evidence)) continue;
        assert.notEqual(r.status, 'PASS', `${r.ruleId} ${r.resourceId}: never PASS without data`);
      }
      assert.ok(
        off.pipeline.results.some(
          (r) => r.ruleId === 'mistral_integration_connector_credentials_failing' && r.status === 'UNKNOWN',
        ),
      );
      // Everything else is as with the features on.
      assert.deepEqual(off.report.availability, full.report.availability);
      assert.equal(off.report.status, full.report.status);
      const others = (p: typeof full) =>
        p.pipeline.results
          .filter((r) => !NEW_RULES.includes(r.ruleId))
          .map((r) => `${r.ruleId} ${r.resourceId} ${r.status}`);
      assert.deepEqual(others(off), others(full));
      assert.deepEqual(off.report.agents, full.report.agents);

      // Connectors on, sharing off: only sharing is unavailable.
      sim.configure({ features: { librarySharing: false } });
      const some = await scan(sim);
      assert.equal(some.report.extraAvailability.connectors.status, 'available');
      assert.equal(some.report.extraAvailability.librarySharing.status, 'unavailable');
      assert.ok(some.report.libraries.every((l) => l.shares === null));
    } finally {
      await sim.close();
    }
  });

  test('listConnectorTools: every page (from page 1), by id or name, records checked against MCPTool', async () => {
    const sim = await startSimulator({ seed: 5 });
    try {
      const notion = (sim.workspace.connectors ?? []).find((c) => c.connector.name === 'notion')!;
      const c = connectorFor(sim, 1);
      for (const ref of [notion.connector.id, 'notion']) {
        const r = await c.listConnectorTools(ref);
        assert.deepEqual(
          r.items.map((t) => t.name),
          ['search_pages', 'update_page'],
        );
        assert.deepEqual(r.warnings, []);
      }
      // Two tools at page_size 1: pages 1, 2 and an empty 3, twice.
      assert.equal(c.stats().requestsByEndpoint['GET /v1/connectors/{connector_id_or_name}/tools'], 6);
      (notion.connector.tools![0] as { name: unknown }).name = null;
      const bad = await connectorFor(sim).listConnectorTools(notion.connector.id);
      assert.equal(bad.items.length, 2, 'the record is kept');
      assert.equal(bad.warnings.length, 1);
      assert.equal(bad.warnings[0].resourceType, 'connector');
      assert.equal(bad.warnings[0].resourceId, notion.connector.id);
      assert.match(bad.warnings[0].issue, /^tools: name: /);
      assert.ok(
        sim.stats().byRoute.every((r) => r.method === 'GET'),
        'GET only',
      );
    } finally {
      await sim.close();
    }
  });

  test('tools read only through GET …/tools reach the rules; a record there that is not an MCPTool makes them unknown', async () => {
    const sim = await startSimulator({ seed: 5 });
    try {
      const notion = (sim.workspace.connectors ?? []).find((c) => c.connector.name === 'notion')!;
      assert.equal(notion.toolsInListing, 'null', 'the listing gives no tools for notion');
      // Agent 0 calls notion, with no include list and no confirmation.
      const agent0 = sim.workspace.agents[0];
      for (const t of agent0.current.tools ?? [])
        if (t.type === 'connector') {
          t.connector_id = 'notion';
          delete (t as { tool_configuration?: unknown }).tool_configuration;
        }
      const judgement = async () => {
        const { pipeline } = await scan(sim);
        const c = pipeline.snapshot.connectors?.find((x) => x.name === 'notion');
        assert.ok(c, 'the connector is kept');
        const r = pipeline.results.find(
          (x) => x.ruleId === 'mistral_agent_connector_unconfirmed' && x.resourceId === agent0.current.id,
        );
        const judged = (r?.evidence?.connectors ?? []) as Array<{
          connectorId: unknown;
          status: unknown;
          callableTools: unknown;
        }>;
        const j = judged.find((x) => x.connectorId === c.id);
        assert.ok(j, JSON.stringify(r?.evidence));
        return { c, j, availability: pipeline.snapshot.extraAvailability?.connectors };
      };

      const read = await judgement();
      assert.deepEqual(
        read.c.tools?.map((t) => t.name),
        ['search_pages', 'update_page'],
      );
      assert.deepEqual(read.j.callableTools, ['search_pages', 'update_page']);
      assert.equal(read.j.status, 'unconfirmed', 'update_page runs unconfirmed');

      (notion.connector.tools![1] as { name: unknown }).name = 42;
      const bad = await judgement();
      assert.equal(bad.availability?.status, 'available');
      assert.ok(
        bad.c.dataQuality.some(
          (w) => w.endpoint === 'GET /v1/connectors/{connector_id_or_name}/tools' && /^tools\b/.test(w.issue),
        ),
        JSON.stringify(bad.c.dataQuality),
      );
      assert.equal(connectorTools(bad.c), null, 'the rules read its tools as unknown');
      assert.equal(bad.j.status, 'unknown');
      assert.equal(bad.j.callableTools, null);
    } finally {
      await sim.close();
    }
  });

  test('hostile connector texts are kept as data, and connector credentials never leak', async () => {
    const sim = await startSimulator({ seed: 5, generator: { hostile: true } });
    try {
      const c = connectorFor(sim);
      const d = await discoverWorkspace({ connector: c, now: NOW });
      const titles = (d.snapshot.connectors ?? []).map((x) => x.title);
      assert.ok(
        titles.some((t) => HOSTILE_PAYLOADS.includes(String(t))),
        'hostile titles came through unchanged',
      );
      assert.ok(!JSON.stringify(d.snapshot).includes(URL_SECRET));
    } finally {
      await sim.close();
    }
  });
});

for (const backend of testBackends()) {
  test(
    `a stored sync keeps connectors, sharing and their findings (${backend.kind})`,
    { skip: backend.skip },
    async () => {
      const sim = await startSimulator({ seed: 5 });
      const t = await backend.open();
      try {
        const store = createStore(t.db, { keyring: createKeyring(masterKeyFromBytes(randomBytes(32))) });
        const integ = await store.integrations.create(
          { name: 'connectors', apiKey: sim.apiKey, baseUrl: sim.url },
          NOW,
        );
        const r = await runStoredSync({
          store,
          integrationId: integ.id,
          connectorFactory: (o) => createMistralConnector({ ...o, ...FAST }),
          now: NOW,
        });
        assert.equal(r.pipeline.status, 'succeeded');
        const latest = (await store.snapshots.loadLatest(integ.id))?.snapshot;
        assert.equal(latest?.connectors?.length, (sim.workspace.connectors ?? []).length);
        assert.equal(latest?.extraAvailability?.connectors.status, 'available');
        assert.ok(latest?.libraries.some((l) => (l.shares ?? []).some((s) => s.sharedWithType === 'Org')));
        const findings = await store.findings.list(integ.id, { status: 'all', includeMuted: true });
        const open = new Set(findings.filter((f) => f.status === 'open').map((f) => f.ruleId));
        for (const id of [
          'mistral_integration_connector_untrusted_server',
          'mistral_integration_connector_credentials_failing',
          'mistral_library_sensitive_shared_org',
        ])
          assert.ok(open.has(id), `${id} is an open finding`);
        const untrusted = findings.find((f) => f.ruleId === 'mistral_integration_connector_untrusted_server');
        assert.equal(untrusted?.resourceType, 'integration');
        assert.equal(untrusted?.resourceId, integ.id);
        // No credential value in the database: the URL's password is in no table.
        const tables = await t.db.query<{ t: string }>(
          "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        );
        for (const { t: table } of tables.rows) {
          const rows = await t.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "${table}" x WHERE x::text LIKE '%' || $1 || '%'`,
            [URL_SECRET],
          );
          assert.equal(rows.rows[0].n, 0, `${table} holds no credential`);
        }
      } finally {
        await t.cleanup();
        await sim.close();
      }
    },
  );
}
