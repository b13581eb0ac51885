/**
 * Contract test: the OFFICIAL SDK (@mistralai/mistralai 2.x), pointed at the simulator, calls every
 * GET endpoint for several seeds (and for scenarios/small.json). Every response must parse with no
 * validation error and no UNKNOWN variant, and the generated data must actually contain every tool
 * type, guardrail variant, entry type and built-in tool name (so this cannot pass vacuously).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Mistral } from '@mistralai/mistralai';
import {
  loadScenario,
  ROUTES,
  startSimulator,
  type SimulatorHandle,
  type SimWorkspace,
} from '../src/simulator/index.ts';
import { WIRE_TOOL_TYPES } from '../src/shared/mistral-wire.ts';
import { connectorsOf } from '../src/simulator/connectors.ts';

const ROOT = join(import.meta.dirname, '..');

/** Paths of every value the SDK turned into an UNKNOWN variant. */
function unknownPaths(value: unknown, path = '$', out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v, i) => unknownPaths(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object' && !(value instanceof Date)) {
    const o = value as Record<string, unknown>;
    if (o.isUnknown === true || o.type === 'UNKNOWN') out.push(path);
    for (const [k, v] of Object.entries(o)) if (k !== 'raw') unknownPaths(v, `${path}.${k}`, out);
  }
  return out;
}

function noUnknown(label: string, value: unknown): void {
  const paths = unknownPaths(value);
  assert.deepEqual(paths, [], `${label}: SDK produced UNKNOWN variants at ${paths.join(', ')}`);
}

type Raw = Record<string, unknown>;

/** Guardrail variant of a raw (wire) agent. */
function guardrailVariant(agent: Raw): string {
  if (!('guardrails' in agent)) return 'absent';
  const g = agent.guardrails as Raw[] | null;
  if (g === null) return 'null';
  if (g.length === 0) return 'empty';
  const first = g[0];
  if (first.moderation_llm_v1) return 'v1';
  const v2 = first.moderation_llm_v2 as Raw;
  if (v2.action === 'block' && first.block_on_error === true) return 'v2-strict';
  if (v2.action === 'none' && first.block_on_error === false) return 'v2-weak';
  return 'v2-other';
}

interface Seen {
  toolTypes: Set<string>;
  guardrails: Set<string>;
  entryTypes: Set<string>;
  toolExecutionNames: Set<string>;
  modelTypes: Set<string>;
  filePurposes: Set<string>;
  conversationKinds: Set<string>;
  chunkTypes: Set<string>;
  connectorAuth: Set<string>;
  requiresConfirmation: boolean;
  missingCompletedAt: boolean;
  handoffFollowedByNextAgent: boolean;
}

async function exerciseEverything(sim: SimulatorHandle): Promise<Seen> {
  const client = new Mistral({ apiKey: sim.apiKey, serverURL: sim.url, timeoutMs: 15_000 });
  const ws: SimWorkspace = sim.workspace;
  const seen: Seen = {
    toolTypes: new Set(),
    guardrails: new Set(),
    entryTypes: new Set(),
    toolExecutionNames: new Set(),
    modelTypes: new Set(),
    filePurposes: new Set(),
    conversationKinds: new Set(),
    chunkTypes: new Set(),
    connectorAuth: new Set(),
    requiresConfirmation: false,
    missingCompletedAt: false,
    handoffFollowedByNextAgent: false,
  };

  // §1–2 models
  const models = await client.models.list();
  noUnknown('models.list', models);
  assert.equal(models.data?.length, ws.models.length);
  for (const card of models.data ?? []) {
    seen.modelTypes.add(card.type);
    assert.ok(card.type === 'base' || card.type === 'fine-tuned', `model card type ${card.type}`);
    const one = await client.models.retrieve({ modelId: card.id }); // ft ids carry ':' (percent-encoded)
    noUnknown(`models.retrieve ${card.id}`, one);
    assert.equal((one as { id?: string }).id, card.id);
  }

  // §3 files (page/page_size/total)
  const files: string[] = [];
  for (let page = 0; ; page++) {
    const r = await client.files.list({ page, pageSize: 5, includeTotal: true });
    assert.equal(r.total, ws.files.length);
    files.push(...r.data.map((f) => f.id));
    if (r.data.length < 5) break;
  }
  assert.equal(files.length, ws.files.length);
  for (const id of files) {
    const f = await client.files.retrieve({ fileId: id });
    assert.equal(f.deleted, false);
    seen.filePurposes.add(String(f.purpose));
  }

  // §5 agents (page style) and §5b (cursor)
  const listed: string[] = [];
  for (let page = 0; ; page++) {
    const r = await client.beta.agents.list({ page, pageSize: 4 });
    noUnknown('agents.list', r);
    listed.push(...r.map((a) => a.id));
    if (r.length < 4) break;
  }
  assert.deepEqual(
    listed,
    ws.agents.map((a) => a.current.id),
  );
  const cursorIds: string[] = [];
  for await (const page of await client.beta.agents.listPages({ pageSize: 5 })) {
    noUnknown('agents.listPages', page.result);
    cursorIds.push(...page.result.data.map((a) => a.id));
  }
  assert.deepEqual(cursorIds, listed);

  // §6–9 agent get / versions / one version / aliases
  for (const simAgent of ws.agents) {
    const raw = simAgent.current as Raw;
    seen.guardrails.add(guardrailVariant(raw));
    for (const t of (raw.tools as Raw[] | undefined) ?? []) {
      const cfg = t.tool_configuration as Raw | null | undefined;
      if (cfg && Array.isArray(cfg.requires_confirmation) && cfg.requires_confirmation.length)
        seen.requiresConfirmation = true;
      if (t.type === 'connector')
        seen.connectorAuth.add(
          t.authorization === undefined
            ? 'absent'
            : t.authorization === null
              ? 'null'
              : String((t.authorization as Raw).type),
        );
    }
    const agentId = simAgent.current.id;
    const agent = await client.beta.agents.get({ agentId });
    noUnknown(`agents.get ${agentId}`, agent);
    for (const tool of agent.tools ?? []) seen.toolTypes.add(tool.type);
    assert.equal((agent.tools ?? []).length, ((raw.tools as unknown[]) ?? []).length, 'no tool dropped');
    if (Array.isArray(raw.guardrails)) assert.equal(agent.guardrails?.length, raw.guardrails.length);

    const versions = await client.beta.agents.listVersions({ agentId, page: 0, pageSize: 100 });
    noUnknown('listVersions', versions);
    assert.deepEqual(
      versions.map((v) => v.version),
      simAgent.versions.map((v) => v.version),
    );
    for (const v of simAgent.versions) {
      const one = await client.beta.agents.getVersion({ agentId, version: String(v.version) });
      noUnknown('getVersion', one);
      assert.equal(one.version, v.version);
      for (const tool of one.tools ?? []) seen.toolTypes.add(tool.type);
    }
    const aliases = await client.beta.agents.listVersionAliases({ agentId });
    assert.equal(aliases.length, simAgent.aliases.length);
    for (const a of aliases) {
      assert.ok(a.createdAt instanceof Date);
      const byAlias = await client.beta.agents.get({ agentId, agentVersion: a.alias });
      assert.equal(byAlias.version, a.version);
    }
    const byNumber = await client.beta.agents.get({ agentId, agentVersion: simAgent.versions[0].version });
    assert.equal(byNumber.version, simAgent.versions[0].version);
  }

  // §10–12 libraries (page style, cursor style with the SDK's page=0&page_token=…), get, documents
  const libsPaged = await client.beta.libraries.list({ page: 0, pageSize: 2 });
  assert.equal(libsPaged.pagination?.totalItems, ws.libraries.length);
  const libIds: string[] = libsPaged.data.map((l) => l.id);
  let token = libsPaged.nextPageToken;
  while (token) {
    const r = await client.beta.libraries.list({ pageToken: token, pageSize: 2 });
    assert.equal(r.pagination ?? null, null, 'no pagination for cursor callers');
    libIds.push(...r.data.map((l) => l.id));
    token = r.nextPageToken;
  }
  assert.deepEqual(
    libIds,
    ws.libraries.map((l) => l.library.id),
  );
  for (const id of libIds) {
    const lib = await client.beta.libraries.get({ libraryId: id });
    assert.equal(lib.id, id);
    const docs = await client.beta.libraries.documents.list({ libraryId: id, page: 0, pageSize: 100 });
    assert.equal(docs.pagination.totalItems, lib.nbDocuments);
    assert.equal(docs.data.length, lib.nbDocuments);
    // §24 library sharing (issue 11)
    const shares = await client.beta.libraries.accesses.list({ libraryId: id });
    noUnknown(`share ${id}`, shares);
    assert.ok(shares.data.every((x) => x.libraryId === id));
    assert.equal(shares.data.length, (ws.libraries.find((l) => l.library.id === id)?.sharing ?? []).length);
  }

  // §24 MCP connectors (issue 11): cursor pages, get by id and by name, tools, credentials per scope
  const connectorIds: string[] = [];
  let cursor: string | null = null;
  do {
    const r: Awaited<ReturnType<typeof client.beta.connectors.list>> = await client.beta.connectors.list({
      cursor,
      pageSize: 3,
    });
    noUnknown('connectors', r);
    connectorIds.push(...r.items.map((c) => ('id' in c ? c.id : 'UNKNOWN')));
    cursor = r.pagination.nextCursor ?? null;
  } while (cursor);
  assert.deepEqual(
    connectorIds,
    connectorsOf(ws).map((c) => c.connector.id),
  );
  assert.ok(connectorIds.length >= 2, 'connectors generated');
  for (const sc of connectorsOf(ws)) {
    const byId = await client.beta.connectors.get({ connectorIdOrName: sc.connector.id });
    noUnknown(`connector ${sc.connector.id}`, byId);
    assert.equal('id' in byId ? byId.id : null, sc.connector.id);
    const tools = await client.beta.connectors.listTools({ connectorIdOrName: sc.connector.name });
    assert.equal(tools.length, (sc.connector.tools ?? []).length);
    for (const [scope, list] of [
      [
        'organization',
        await client.beta.connectors.listOrganizationCredentials({ connectorIdOrName: sc.connector.id }),
      ],
      [
        'workspace',
        await client.beta.connectors.listWorkspaceCredentials({ connectorIdOrName: sc.connector.id }),
      ],
      ['user', await client.beta.connectors.listUserCredentials({ connectorIdOrName: sc.connector.id })],
    ] as const) {
      noUnknown(`credentials ${scope}`, list);
      assert.equal(list.credentials.length, sc.credentials[scope].length);
    }
  }

  // §13–16 conversations
  const convIds: string[] = [];
  for (let page = 0; ; page++) {
    const r = await client.beta.conversations.list({ page, pageSize: 10 });
    for (const c of r) seen.conversationKinds.add('agentId' in c ? 'agent' : 'model');
    convIds.push(...r.map((c) => c.id));
    if (r.length < 10) break;
  }
  assert.deepEqual(
    convIds,
    ws.conversations.map((c) => c.conversation.id),
  );
  for (const id of convIds) {
    const conv = await client.beta.conversations.get({ conversationId: id });
    noUnknown('conversations.get', conv);
    const history = await client.beta.conversations.getHistory({ conversationId: id });
    assert.equal(history.conversationId, id);
    const rawEntries = ws.conversations.find((c) => c.conversation.id === id)!.entries;
    assert.equal(history.entries.length, rawEntries.length);
    history.entries.forEach((e, i) => {
      seen.entryTypes.add(String(e.type));
      if (e.type === 'tool.execution') seen.toolExecutionNames.add(String(e.name));
      if (e.type === 'message.output' && !('completed_at' in rawEntries[i])) seen.missingCompletedAt = true;
      if (e.type === 'agent.handoff') {
        const next = history.entries[i + 1];
        if (next?.type === 'message.output' && next.agentId === e.nextAgentId)
          seen.handoffFollowedByNextAgent = true;
      }
      if ((e.type === 'message.output' || e.type === 'message.input') && Array.isArray(e.content))
        for (const c of e.content) seen.chunkTypes.add(String(c.type));
    });
    const messages = await client.beta.conversations.getMessages({ conversationId: id });
    assert.equal(
      messages.messages.length,
      rawEntries.filter((e) => e.type === 'message.input' || e.type === 'message.output').length,
    );
  }
  return seen;
}

describe('simulator contract with the official SDK', { timeout: 120_000 }, () => {
  for (const seed of [1, 2, 3]) {
    test(`seed ${seed}: every endpoint parses, every variant present`, async () => {
      const sim = await startSimulator({
        seed,
        generator: {
          agents: 14,
          versionsPerAgent: 3,
          conversationsPerAgent: 2,
          modelOnlyConversations: 3,
          libraries: 5,
          documentsPerLibrary: 3,
          files: 14,
        },
      });
      try {
        const seen = await exerciseEverything(sim);
        assert.deepEqual([...seen.toolTypes].sort(), [...WIRE_TOOL_TYPES].sort());
        assert.deepEqual([...seen.guardrails].sort(), [
          'absent',
          'empty',
          'null',
          'v1',
          'v2-strict',
          'v2-weak',
        ]);
        assert.deepEqual([...seen.entryTypes].sort(), [
          'agent.handoff',
          'function.call',
          'function.result',
          'message.input',
          'message.output',
          'tool.execution',
        ]);
        assert.deepEqual([...seen.toolExecutionNames].sort(), [
          'code_interpreter',
          'document_library',
          'image_generation',
          'web_search',
          'web_search_premium',
        ]);
        assert.deepEqual([...seen.modelTypes].sort(), ['base', 'fine-tuned']);
        assert.deepEqual([...seen.filePurposes].sort(), ['batch', 'fine-tune', 'ocr']);
        assert.deepEqual([...seen.conversationKinds].sort(), ['agent', 'model']);
        assert.ok(
          seen.chunkTypes.has('text') && seen.chunkTypes.has('tool_reference'),
          `chunks: ${[...seen.chunkTypes]}`,
        );
        assert.ok(seen.requiresConfirmation, 'some tool requires confirmation');
        assert.ok(seen.missingCompletedAt, 'some message.output has no completed_at');
        assert.ok(seen.handoffFollowedByNextAgent, 'a handoff is followed by the next agent');
        assert.ok(seen.connectorAuth.size >= 1);
        const stats = sim.stats();
        assert.ok(stats.totalRequests > 100);
        assert.ok(
          stats.byRoute.every((r) => r.status === 200),
          JSON.stringify(stats.byRoute.filter((r) => r.status !== 200)),
        );
        assert.deepEqual(
          [...new Set(stats.byRoute.map((r) => r.route))].sort(),
          ROUTES.map((r) => r.pattern).sort(),
          'every GET route was called',
        );
      } finally {
        await sim.close();
      }
    });
  }

  test('an evolved workspace still parses (new agents, versions, weakened guardrails, moved aliases)', async () => {
    const sim = await startSimulator({ seed: 4, generator: { agents: 10, conversationsPerAgent: 2 } });
    try {
      const changes = [1, 2, 3].map(() =>
        sim.evolve({
          agentsAdded: 2,
          agentsEdited: 2,
          guardrailsChanged: 3,
          aliasesMoved: 2,
          conversationsAppended: 4,
        }),
      );
      assert.equal(changes.flatMap((c) => c.guardrailsChanged).length, 9);
      assert.equal(changes.flatMap((c) => c.agentsAdded).length, 6);
      const seen = await exerciseEverything(sim);
      assert.ok(seen.entryTypes.size >= 5);
    } finally {
      await sim.close();
    }
  });

  test('scenarios/small.json is served and parses', async () => {
    const sim = await startSimulator({ workspace: loadScenario(join(ROOT, 'scenarios/small.json')) });
    try {
      const seen = await exerciseEverything(sim);
      assert.deepEqual([...seen.toolTypes].sort(), [...WIRE_TOOL_TYPES].sort());
      assert.ok(seen.entryTypes.has('agent.handoff'));
      assert.deepEqual([...seen.modelTypes].sort(), ['base', 'fine-tuned']);
    } finally {
      await sim.close();
    }
  });
});
