/**
 * Read-side services at scale (no HTTP): 5,000 agents (3 versions each, 2 KB instructions), ~8 open
 * findings per agent, 20,000 conversations of usage, in the embedded database (PGlite) by default.
 * 20 concurrent clients call the agents list (sorted, filtered, paged), an agent's detail and the
 * findings list while a background writer does what a sync does before its final transaction
 * (usage batches committed, heartbeats). Prints p50/p95 per call.
 *
 *   node --import tsx bench/read-services-bench.ts [--agents 5000] [--clients 20] [--seconds 15] [--postgres URL]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createKeyring, masterKeyFromBytes } from '../src/crypto/index.ts';
import { findingId } from '../src/findings/finding-id.ts';
import type { FindingState, Severity } from '../src/findings/types.ts';
import type { AgentRecord, AvailabilityStatus } from '../src/inventory/types.ts';
import { normalizeGuardrails, storeGuardrails } from '../src/inventory/guardrails.ts';
import { createAgentIndex } from '../src/services/agent-index.ts';
import { createAuditService } from '../src/services/audit.ts';
import type { Actor } from '../src/services/context.ts';
import { createFindingsService } from '../src/services/findings.ts';
import { createInventoryService } from '../src/services/inventory.ts';
import { createPgliteDatabase, createPostgresDatabase, createStore, migrate } from '../src/store/index.ts';
import type { UsageContributionRow } from '../src/usage/types.ts';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '5000' },
    clients: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '15' },
    postgres: { type: 'string' },
    'no-writer': { type: 'boolean', default: false },
    'no-analyze': { type: 'boolean', default: false },
  },
});
const N = Number(values.agents);
const NOW = new Date('2026-06-02T00:00:00Z');

const db = values.postgres
  ? createPostgresDatabase(new pg.Pool({ connectionString: values.postgres, max: 10 }))
  : createPgliteDatabase(await PGlite.create());
await migrate(db);
const store = createStore(db, { keyring: createKeyring(masterKeyFromBytes(Buffer.alloc(32, 7))) });
const integ = await store.integrations.create({
  name: 'bench',
  apiKey: 'sk-bench-0000000000',
  baseUrl: 'global',
});

const t0 = performance.now();
const blocking = storeGuardrails([{ block_on_error: true, moderation_llm_v2: { action: 'block' } }]);
const instructions = 'You are a helpful assistant for the support team. '.repeat(40);
const agents: AgentRecord[] = [];
for (let i = 0; i < N; i++) {
  const id = `ag_${String(i).padStart(6, '0')}`;
  const guardrails = i % 3 === 0 ? blocking : null;
  const config = {
    version: 2,
    name: `Agent ${i} ${['sales', 'support', 'legal', 'ops'][i % 4]}`,
    description: null,
    model: ['mistral-large-latest', 'mistral-small-2506', 'mistral-medium-2505'][i % 3],
    instructions,
    temperature: 0.3,
    topP: null,
    completionArgs: null,
    tools: i % 2 ? [{ type: 'web_search' as const }, { type: 'code_interpreter' as const }] : [],
    knowledgeBases: [],
    handoffs: null,
    guardrails,
    guardrailPolicies: normalizeGuardrails(guardrails),
    deploymentChat: i % 5 === 0,
    versionMessage: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-05-01T00:00:00.000Z',
  };
  agents.push({
    ...config,
    id,
    versions: [0, 1, 2],
    metadata: null,
    ownerId: null,
    source: 'api',
    status: i % 4 ? 'active' : 'idle',
    versionHistory: [0, 1, 2].map((v) => ({ ...config, version: v })),
    aliases: [{ alias: 'production', version: 2, createdAt: config.createdAt, updatedAt: config.updatedAt }],
    usage: {
      totalRuns: i,
      totalConversations: 4,
      avgLatencyMs: 1000,
      codeInterpreterCalls: 0,
      fileSearchCalls: 0,
      webSearchCalls: 0,
      imageGenerationCalls: 0,
      functionCalls: 0,
      lastActivityAt: '2026-05-30T00:00:00.000Z',
      last90Days: {
        totalRuns: i,
        totalConversations: 4,
        avgLatencyMs: 1000,
        codeInterpreterCalls: 0,
        fileSearchCalls: 0,
        webSearchCalls: 0,
        imageGenerationCalls: 0,
        functionCalls: 0,
        functionCallsByName: {},
        toolExecutionsByName: {},
      },
    },
    dataQuality: [],
  });
}
const runId = await store.syncRuns.start(integ.id, NOW.toISOString());
await store.inventory.applyListing(
  integ.id,
  'agent',
  agents.map((a) => ({ id: a.id, name: a.name, data: a })),
  { complete: true, syncRunId: runId, at: NOW.toISOString() },
);
const rules: [string, Severity][] = [
  ['mistral_agent_guardrails_missing', 'high'],
  ['mistral_agent_guardrails_jailbreak_unchecked', 'high'],
  ['mistral_agent_guardrails_pii_unchecked', 'medium'],
  ['mistral_agent_model_unpinned', 'low'],
  ['mistral_agent_owner_missing', 'low'],
  ['mistral_agent_unused_tool', 'medium'],
  ['mistral_agent_risky_tool_combination', 'high'],
  ['mistral_agent_chat_deployed_unguarded', 'critical'],
];
const findings: FindingState[] = [];
for (const a of agents) {
  for (const [ruleId, severity] of rules) {
    findings.push({
      id: findingId(ruleId, integ.id, 'agent', a.id),
      integrationId: integ.id,
      ruleId,
      severity,
      resourceType: 'agent',
      resourceId: a.id,
      resourceName: a.name,
      lastStatus: 'FAIL',
      status: 'open',
      title: ruleId,
      detail: 'A detail sentence of typical length for a finding, with an id or two in it.',
      evidence: { policyCount: 0 },
      firstSeenAt: NOW.toISOString(),
      lastSeenAt: NOW.toISOString(),
      resolvedAt: null,
      reopenCount: 0,
      mute: null,
    });
  }
}
await store.findings.saveAll(findings);
const usage = store.usage(integ.id);
const row = (conversationId: string, agentId: string, day: string): UsageContributionRow => ({
  conversationId,
  agentId,
  day,
  runs: 3,
  latencySumMs: 3000,
  latencyCount: 3,
  codeInterpreterCalls: 0,
  fileSearchCalls: 0,
  webSearchCalls: 1,
  imageGenerationCalls: 0,
  functionCalls: 0,
  functionCallsByName: {},
  toolExecutionsByName: { web_search: 1 },
  lastEntryAt: `${day}T10:00:00.000Z`,
});
const contribution = (c: number) => {
  const agentId = agents[c % N].id;
  const day = new Date(NOW.getTime() - (c % 60) * 86_400_000).toISOString().slice(0, 10);
  const id = `conv_${c}`;
  return {
    state: {
      conversationId: id,
      updatedAt: `${day}T10:00:00Z`,
      createdAt: `${day}T09:00:00Z`,
      agentId,
      model: null,
    },
    rows: [row(id, agentId, day)],
  };
};
for (let c = 0; c < 20_000; c += 2000) {
  await usage.applyChanges({
    upserts: Array.from({ length: 2000 }, (_, k) => contribution(c + k)),
    removals: [],
  });
}
const avail = (status: AvailabilityStatus) => ({ status });
await store.syncRuns.finish(runId, {
  status: 'succeeded',
  finishedAt: NOW.toISOString(),
  durationMs: 1,
  countsByType: { agent: N, model: 0, file: 0, library: 0 },
  requests: 0,
  availability: {
    models: avail('available'),
    files: avail('available'),
    agents: avail('available'),
    libraries: avail('available'),
    usage: avail('available'),
    versions: avail('available'),
  },
  errors: [],
});
// PGlite runs no autovacuum: without statistics the planner may ignore the read indexes.
if (!values['no-analyze']) await db.query('ANALYZE');
console.log(
  `filled: ${N} agents, ${findings.length} findings, 20000 conversations in ${Math.round(performance.now() - t0)} ms`,
);

const now = () => NOW;
const agentIndex = createAgentIndex({ store, now });
const inventory = createInventoryService({ store, agentIndex, now });
const findingsService = createFindingsService({
  store,
  audit: createAuditService({ audit: store.audit }),
  now,
});
const actor: Actor = { kind: 'user', id: 'u', label: 'bench', organizationId: null, role: 'viewer' };

const cold = performance.now();
await inventory.listAgents(actor, {});
console.log(`first agents list (builds the index): ${Math.round(performance.now() - cold)} ms`);

// Background writer: what a running sync does before its final transaction.
let writing = !values['no-writer'];
let writes = 0;
const writer = (async () => {
  const run2 = await store.syncRuns.start(integ.id, new Date().toISOString()).catch(() => null);
  let c = 20_000;
  while (writing) {
    await usage.applyChanges({
      upserts: Array.from({ length: 200 }, (_, k) => contribution(c + k)),
      removals: [],
    });
    c += 200;
    if (run2) await store.syncRuns.heartbeat(run2, new Date().toISOString());
    writes++;
    await new Promise((r) => setTimeout(r, 20));
  }
})();

const timings: Record<string, number[]> = { agentsList: [], agentDetail: [], findingsList: [] };
const sorts = ['name', 'riskScore', 'runs', 'lastActivity', 'openFindings', 'model'] as const;
const deadline = Date.now() + Number(values.seconds) * 1000;
let k = 0;
async function client(): Promise<void> {
  while (Date.now() < deadline) {
    const i = k++;
    const which = i % 3;
    const t = performance.now();
    if (which === 0) {
      const page = await inventory.listAgents(actor, {
        sort: sorts[i % sorts.length],
        order: i % 2 ? 'desc' : 'asc',
        q: i % 4 === 0 ? 'support' : undefined,
        guardrails: i % 5 === 0 ? 'none' : undefined,
        limit: 50,
      });
      if (page.nextCursor && i % 7 === 0)
        await inventory.listAgents(actor, {
          sort: sorts[i % sorts.length],
          order: i % 2 ? 'desc' : 'asc',
          q: i % 4 === 0 ? 'support' : undefined,
          guardrails: i % 5 === 0 ? 'none' : undefined,
          limit: 50,
          cursor: page.nextCursor,
        });
      timings.agentsList.push(performance.now() - t);
    } else if (which === 1) {
      await inventory.getAgent(actor, integ.id, agents[(i * 7919) % N].id);
      timings.agentDetail.push(performance.now() - t);
    } else {
      await findingsService.list(actor, {
        integrationId: integ.id,
        severity: i % 2 ? ['high', 'critical'] : undefined,
        limit: 50,
      });
      timings.findingsList.push(performance.now() - t);
    }
  }
}
await Promise.all(Array.from({ length: Number(values.clients) }, client));
writing = false;
await writer;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
for (const [name, xs] of Object.entries(timings)) {
  console.log(
    `${name.padEnd(13)} n=${String(xs.length).padStart(5)}  p50=${pct(xs, 50).toFixed(1)} ms  p95=${pct(xs, 95).toFixed(1)} ms  max=${Math.max(...xs).toFixed(1)} ms`,
  );
}
console.log(`background usage batches committed meanwhile: ${writes}`);
await db.close();
